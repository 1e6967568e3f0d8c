package handlers

import (
	"context"
	"testing"
	"time"

	"wabadesk/models"
)

// A request that saw a change never gets a value built before it, even
// while that older build is still running; an unchanged tenant reuses it.
func TestTenantCacheNeverServesABuildFromBeforeAChange(t *testing.T) {
	store := models.NewStore(nil) // the cache uses only the clock and the change versions
	cache := newTenantCache[string](store, time.Minute, 1<<20)
	ctx := context.Background()
	started, release := make(chan struct{}), make(chan struct{})
	old := make(chan string)
	go func() {
		v, _ := cache.get(ctx, 1, "k", func(context.Context) (string, int, error) {
			close(started)
			<-release
			return "before-change", 1, nil
		})
		old <- v
	}()
	<-started
	store.Changes.Deliver(models.Change{TenantID: 1, ClientID: 7})
	got, err := cache.get(ctx, 1, "k", func(context.Context) (string, int, error) { return "after-change", 1, nil })
	close(release)
	if err != nil || got != "after-change" {
		t.Fatalf("after the change got %q (%v)", got, err)
	}
	if v := <-old; v != "before-change" {
		t.Fatalf("the first caller got %q", v)
	}
	again, _ := cache.get(ctx, 1, "k", func(context.Context) (string, int, error) { return "rebuilt", 1, nil })
	if again != "after-change" {
		t.Fatalf("unchanged tenant rebuilt: %q", again)
	}
	other, _ := cache.get(ctx, 2, "k", func(context.Context) (string, int, error) { return "tenant 2", 1, nil })
	if other != "tenant 2" {
		t.Fatalf("tenant 2 got %q", other)
	}
}
