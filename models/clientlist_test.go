package models_test

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"wabadesk/models"
)

// TestClientPagesFollowEachSort walks every page of each sort, alone and
// within a stage, search or "needs attention", and compares the pages
// joined to the same clients sorted here: the page's ids are read from an
// index first (listIndexes), and a page must neither skip nor repeat a
// client, ties included.
func TestClientPagesFollowEachSort(t *testing.T) {
	ctx := context.Background()
	store, org, owner := mustStore(t)
	base := time.Now().UTC().Add(-30 * 24 * time.Hour).Truncate(time.Second)
	stages := []models.Stage{models.StageDraft, models.StageMetaApproval, models.StageActive, models.StageRejected}
	for i := range 57 {
		c, err := store.CreateClient(ctx, org.ID, owner, models.ClientInput{Name: fmt.Sprintf("%s %d", []string{"padaria", "Café", "Zeta", "ábaco"}[i%4], i%5)}, false)
		if err != nil {
			t.Fatal(err)
		}
		since := base.Add(time.Duration(i%7) * 24 * time.Hour) // ties across clients
		parked := ""
		if i%11 == 0 {
			parked = "Sinch keeps refusing"
		}
		quality, rank := "", 0 // every third number's quality dropped, in two weights
		if i%3 == 1 {
			quality, rank = []string{"YELLOW", "RED"}[i%2], 2+i%2
		}
		store.DB().Model(&models.Client{}).Where("id = ?", c.ID).Updates(map[string]any{"stage": stages[i%len(stages)],
			"stage_since": since, "last_change_at": since.Add(time.Duration(i%3) * time.Hour), "parked_reason": parked,
			"health_quality": quality, "health_rank": rank, "health_since": since.Add(time.Duration(i%4) * time.Hour)})
	}
	if err := store.RebuildStageStats(ctx); err != nil { // the stages were written directly
		t.Fatal(err)
	}
	var all []models.Client
	if err := store.DB().Where("organisation_id = ?", org.ID).Find(&all).Error; err != nil {
		t.Fatal(err)
	}
	sorts := map[string]func(a, b models.Client) int{
		"change": func(a, b models.Client) int {
			return cmp.Or(b.LastChangeAt.Compare(a.LastChangeAt), cmp.Compare(b.ID, a.ID))
		},
		"name": func(a, b models.Client) int {
			return cmp.Or(strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)), cmp.Compare(a.ID, b.ID))
		},
		"stage": func(a, b models.Client) int {
			return cmp.Or(strings.Compare(string(a.Stage), string(b.Stage)), a.StageSince.Compare(b.StageSince), cmp.Compare(a.ID, b.ID))
		},
		"waiting": func(a, b models.Client) int {
			return cmp.Or(a.StageSince.Compare(b.StageSince), cmp.Compare(a.ID, b.ID))
		},
		"health": func(a, b models.Client) int {
			return cmp.Or(cmp.Compare(b.HealthRank, a.HealthRank), a.HealthSince.Compare(b.HealthSince), cmp.Compare(a.ID, b.ID))
		},
	}
	filters := map[string]struct {
		f    models.ClientFilter
		keep func(models.Client) bool
	}{
		"all":       {models.ClientFilter{}, func(models.Client) bool { return true }},
		"stage":     {models.ClientFilter{Stage: models.StageActive}, func(c models.Client) bool { return c.Stage == models.StageActive }},
		"search":    {models.ClientFilter{Query: "padaria"}, func(c models.Client) bool { return strings.HasPrefix(c.Name, "padaria") }},
		"attention": {models.ClientFilter{Attention: true}, store.NeedsAttention},
		// A health filter is not one of the stage counts' segments: sorted by
		// stage, its pages must not be taken from them.
		"health": {models.ClientFilter{Health: models.HealthDropped}, func(c models.Client) bool { return c.HealthQuality != "" }},
	}
	for fname, filter := range filters {
		for sname, order := range sorts {
			want := slices.DeleteFunc(slices.Clone(all), func(c models.Client) bool { return !filter.keep(c) })
			slices.SortFunc(want, order)
			var got []int64
			for page := 1; page <= 10; page++ {
				f := filter.f
				f.Sort, f.Page, f.PerPage = sname, page, 8
				list, err := store.Clients(ctx, org.ID, f)
				if err != nil {
					t.Fatal(err)
				}
				if list.Total != int64(len(want)) {
					t.Fatalf("%s by %s: total %d, want %d", fname, sname, list.Total, len(want))
				}
				for _, c := range list.Clients {
					got = append(got, c.ID)
				}
			}
			var wantIDs []int64
			for _, c := range want {
				wantIDs = append(wantIDs, c.ID)
			}
			if len(want) == 0 || !slices.Equal(got, wantIDs) {
				t.Errorf("%s by %s: pages give %v, want %v", fname, sname, got, wantIDs)
			}
		}
	}
}
