package models_test

import (
	"context"
	"testing"
	"time"

	"wabadesk/models"
)

// Visits of a shared page are counted in memory and written in batches:
// staff see them at once, the database after a flush, and the visit before
// is known both before and after the write.
func TestLinkOpensAreBatched(t *testing.T) {
	ctx := context.Background()
	store, org, c, link, token := mustLink(t)
	read := func() models.Link {
		t.Helper()
		l, err := store.OpenLink(ctx, token)
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	if prev := store.CountOpen(read()); prev != nil {
		t.Fatalf("first visit has a previous one at %v", prev)
	}
	if prev := store.CountOpen(link); prev == nil { // read before the first visit
		t.Fatal("second visit does not know the first")
	}
	if l := read(); l.Opens != 0 {
		t.Fatalf("counted in the database before a flush: %d", l.Opens)
	}
	listed, err := store.Links(ctx, org.ID, c.ID)
	if err != nil || len(listed) != 1 || listed[0].Opens != 2 || listed[0].LastOpenedAt == nil {
		t.Fatalf("staff see %+v (%v), want 2 visits", listed, err)
	}

	if err := store.FlushOpens(ctx); err != nil {
		t.Fatal(err)
	}
	l := read()
	if l.Opens != 2 || l.LastOpenedAt == nil {
		t.Fatalf("after the flush: %d visits, last %v", l.Opens, l.LastOpenedAt)
	}
	if listed, _ := store.Links(ctx, org.ID, c.ID); listed[0].Opens != 2 {
		t.Fatalf("staff see %d visits after the flush, want 2", listed[0].Opens)
	}
	if prev := store.CountOpen(link); prev == nil { // a copy from before any visit
		t.Fatal("a visit after the flush does not know the earlier ones")
	}
	if err := store.Close(); err != nil { // Close writes what is pending
		t.Fatal(err)
	}
}

// A batch carrying an older visit (another instance's, or one written late)
// adds its count but never moves the last visit back.
func TestLinkOpensNeverMoveTheLastVisitBack(t *testing.T) {
	ctx := context.Background()
	store, _, _, link, token := mustLink(t)
	later := time.Now().UTC().Add(time.Hour).Truncate(time.Second)
	store.Now = func() time.Time { return later }
	store.CountOpen(link)
	if err := store.FlushOpens(ctx); err != nil {
		t.Fatal(err)
	}
	store.Now = func() time.Time { return later.Add(-30 * time.Minute) }
	store.CountOpen(link)
	if err := store.FlushOpens(ctx); err != nil {
		t.Fatal(err)
	}
	l, err := store.OpenLink(ctx, token)
	if err != nil {
		t.Fatal(err)
	}
	if l.Opens != 2 || l.LastOpenedAt == nil || !l.LastOpenedAt.Equal(later) {
		t.Fatalf("after an older batch: %d visits, last %v, want 2 and %v", l.Opens, l.LastOpenedAt, later)
	}
}

// mustLink makes a store with one client and a link to its shared page.
func mustLink(t *testing.T) (*models.Store, models.Organisation, models.Client, models.Link, string) {
	t.Helper()
	ctx := context.Background()
	store, org, owner := mustStore(t)
	c, err := store.CreateClient(ctx, org.ID, owner, models.ClientInput{Name: "Acme"}, false)
	if err != nil {
		t.Fatal(err)
	}
	link, token, err := store.CreateLink(ctx, org.ID, c.ID, owner, models.DefaultLinkLifetime)
	if err != nil {
		t.Fatal(err)
	}
	return store, org, c, link, token
}
