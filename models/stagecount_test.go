package models_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"testing"
	"time"

	"wabadesk/models"
)

// The stage counts above the client list are kept by the transactions
// that move clients, not counted: after a random walk of creations,
// moves, parkings and deletions they must equal a count of the clients
// table, and "needs attention" a client-by-client check, also after the
// clock passes thresholds and after a first start fills the table.
func TestStageCountsFollowEveryMove(t *testing.T) {
	store, org, owner := mustStore(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	store.Now = func() time.Time { return now }
	r := rand.New(rand.NewPCG(1, 2))
	stages := []models.AccountStage{models.AccountDraft, models.AccountQueued, models.AccountPreparing,
		models.AccountPendingMeta, models.AccountOnboarded, models.AccountRejected}
	var live []models.Client
	check := func(step int) {
		t.Helper()
		var all []models.Client
		if err := store.DB().Where("organisation_id = ?", org.ID).Find(&all).Error; err != nil {
			t.Fatal(err)
		}
		want, attention := map[models.Stage]int64{}, int64(0)
		for _, c := range all {
			want[c.Stage]++
			if store.NeedsAttention(c) {
				attention++
			}
		}
		now = now.Add(3 * time.Second) // past the counts' cache
		list, err := store.Clients(ctx, org.ID, models.ClientFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if list.All != int64(len(all)) || list.Attention != attention {
			t.Fatalf("step %d: %d clients, %d need attention; want %d and %d", step, list.All, list.Attention, len(all), attention)
		}
		for _, st := range models.Stages {
			if list.Counts[st] != want[st] {
				t.Fatalf("step %d: %s counted %d, want %d", step, st, list.Counts[st], want[st])
			}
		}
	}
	for step := range 300 {
		now = now.Add(time.Duration(r.IntN(12*60)) * time.Minute)
		switch n := r.IntN(10); {
		case n < 3 || len(live) == 0:
			c, err := store.CreateClient(ctx, org.ID, owner, models.ClientInput{Name: "Padaria"}, false)
			if err != nil {
				t.Fatal(err)
			}
			live = append(live, c)
		case n < 9:
			c := live[r.IntN(len(live))]
			parked := map[bool]string{true: "Sinch keeps refusing"}[r.IntN(8) == 0]
			if _, err := store.ChangeClient(ctx, org.ID, c.ID, func(c *models.Client) ([]models.Event, error) {
				c.AccountStage, c.ParkedReason = stages[r.IntN(len(stages))], parked
				return nil, nil
			}); err != nil {
				t.Fatal(err)
			}
		default:
			i := r.IntN(len(live))
			switch _, err := store.DeleteClient(ctx, org.ID, live[i].ID); {
			case err == nil:
				live = append(live[:i], live[i+1:]...)
			case !errors.Is(err, models.ErrConflict): // only drafts never sent can go
				t.Fatal(err)
			}
		}
		if step%25 == 0 {
			check(step)
		}
	}
	check(300)
	now = now.Add(10 * 24 * time.Hour) // everyone waiting is stuck by now
	check(301)

	// A first start with the counts table fills it from the clients.
	if err := store.DB().Exec("DELETE FROM stage_counts").Error; err != nil {
		t.Fatal(err)
	}
	if err := store.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	check(302)
}
