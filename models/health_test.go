package models_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"wabadesk/models"
)

// A sender's health, applied as Sinch's re-reads apply it, rolls up onto
// its client: the worst quality and name of its numbers, the rank that
// orders the portfolio, and "needs attention" from a rejected name on.
func TestSenderHealthRollsUpOntoTheClient(t *testing.T) {
	store, org, owner := mustStore(t)
	ctx := context.Background()
	c, err := store.CreateClient(ctx, org.ID, owner, models.ClientInput{Name: "Luna Pizza"}, false)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for i := range 2 {
		snd := models.Sender{OrganisationID: org.ID, ClientID: c.ID, SinchID: fmt.Sprintf("s%d", i), Stage: models.SenderActive,
			StageSince: time.Now(), SenderInput: models.SenderInput{Provider: models.ProviderCustomer, DisplayName: "Luna Pizza", Vertical: "RESTAURANT"}}
		if err := store.DB().Create(&snd).Error; err != nil {
			t.Fatal(err)
		}
		ids = append(ids, snd.ID)
	}
	set := func(id int64, f func(*models.Sender)) models.Client {
		t.Helper()
		if _, err := store.ChangeSender(ctx, org.ID, id, func(s *models.Sender) ([]models.Event, error) {
			f(s)
			return []models.Event{{Source: models.SourceSinch, Title: "changed"}}, nil
		}); err != nil {
			t.Fatal(err)
		}
		got, err := store.ClientByID(ctx, org.ID, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	got := set(ids[0], func(s *models.Sender) { s.QualityRating = "GREEN" })
	if got.HealthQuality != "GREEN" || got.HealthRank != 0 || store.NeedsAttention(got) {
		t.Fatalf("green: quality %q rank %d attention %v", got.HealthQuality, got.HealthRank, store.NeedsAttention(got))
	}
	got = set(ids[1], func(s *models.Sender) { s.QualityRating = "YELLOW" })
	if got.HealthQuality != "YELLOW" || got.HealthRank == 0 || store.NeedsAttention(got) {
		t.Fatalf("yellow: the worst number must win without needing attention: %q rank %d", got.HealthQuality, got.HealthRank)
	}
	since := got.HealthSince
	got = set(ids[0], func(s *models.Sender) { s.NameStatus, s.NameReason = "REJECTED", "Not the brand" })
	if got.HealthName != "REJECTED" || !store.NeedsAttention(got) || !got.HealthSince.After(since) && !got.HealthSince.Equal(since) {
		t.Fatalf("rejected name: %q attention %v", got.HealthName, store.NeedsAttention(got))
	}
	snd, err := store.SenderByID(ctx, org.ID, c.ID, ids[0])
	if err != nil || snd.NameSince == nil || snd.QualitySince == nil {
		t.Fatalf("the sender's signals are not dated: %+v %v", snd.SenderHealth, err)
	}
	got = set(ids[1], func(s *models.Sender) { s.QualityRating, s.SinchState = "RED", "SUSPENDED" })
	if !got.HealthSuspended || got.HealthQuality != "RED" {
		t.Fatalf("suspended red number not rolled up: %+v", got.ClientHealth)
	}
	// Back to health: a new name approved, the numbers green and active.
	set(ids[0], func(s *models.Sender) { s.NameStatus, s.NameReason = "APPROVED", "" })
	got = set(ids[1], func(s *models.Sender) { s.QualityRating, s.SinchState = "GREEN", "ACTIVE" })
	if got.HealthRank != 0 || store.NeedsAttention(got) {
		t.Fatalf("healthy again: %+v", got.ClientHealth)
	}
	// The account's signals: a ban outranks everything.
	got, err = store.ChangeClient(ctx, org.ID, c.ID, func(c *models.Client) ([]models.Event, error) {
		c.BanState, c.DailyLimit = "SCHEDULE_FOR_DISABLE", "TIER_1K"
		return []models.Event{{Source: models.SourceSinch, Title: "ban"}}, nil
	})
	if err != nil || got.BanSince == nil || got.LimitSince == nil || !store.NeedsAttention(got) {
		t.Fatalf("ban: %+v %v", got.ClientHealth, err)
	}
}

// The health filters and the worst-first order at 10,000 clients: each
// filter finds exactly the clients with that signal, its count says so,
// and "needs attention" counts the unhealthy ones once.
func TestHealthFiltersAt10000Clients(t *testing.T) {
	store, org, _ := mustStore(t)
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Second)
	clients := make([]models.Client, 10000)
	for i := range clients {
		clients[i] = models.Client{OrganisationID: org.ID, ClientInput: models.ClientInput{Name: fmt.Sprintf("Client %05d", i)},
			AccountStage: models.AccountOnboarded, SenderStage: models.SenderActive, Stage: models.StageActive,
			StageSince: now.Add(-time.Duration(i) * time.Minute), LastChangeAt: now, CreatedAt: now}
		h := &clients[i].ClientHealth
		switch i % 50 {
		case 1:
			h.HealthQuality = "YELLOW"
		case 2:
			h.HealthQuality = "RED"
		case 3:
			h.HealthName = "REJECTED"
		case 4:
			h.DailyLimit = "TIER_250"
		case 5:
			h.BanState = "DISABLE"
		case 6:
			h.HealthSuspended = true
		case 7:
			h.HealthQuality, h.DailyLimit = "GREEN", "TIER_10K"
		}
	}
	// Ranked as the store ranks them: through a change of each client.
	if err := store.DB().CreateInBatches(clients, 500).Error; err != nil {
		t.Fatal(err)
	}
	if err := store.RebuildStageStats(ctx); err != nil {
		t.Fatal(err)
	}
	for i := range clients {
		if i%50 == 0 || i%50 > 7 {
			continue
		}
		if _, err := store.ChangeClient(ctx, org.ID, clients[i].ID, func(*models.Client) ([]models.Event, error) { return nil, nil }); err != nil {
			t.Fatal(err)
		}
	}
	want := map[string]func(i int) bool{
		models.HealthDropped:      func(i int) bool { return i%50 == 1 || i%50 == 2 },
		models.HealthLimited:      func(i int) bool { return i%50 == 3 || i%50 == 4 },
		models.HealthNameRejected: func(i int) bool { return i%50 == 3 },
		models.HealthRestricted:   func(i int) bool { return i%50 == 5 || i%50 == 6 },
	}
	first, err := store.Clients(ctx, org.ID, models.ClientFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for filter, keep := range want {
		var wantIDs []int64
		for i, c := range clients {
			if keep(i) {
				wantIDs = append(wantIDs, c.ID)
			}
		}
		var got []int64
		for page := 1; ; page++ {
			list, err := store.Clients(ctx, org.ID, models.ClientFilter{Health: filter, Sort: "name", Page: page, PerPage: 200})
			if err != nil {
				t.Fatal(err)
			}
			if list.Total != int64(len(wantIDs)) {
				t.Fatalf("%s: total %d, want %d", filter, list.Total, len(wantIDs))
			}
			for _, c := range list.Clients {
				got = append(got, c.ID)
			}
			if len(list.Clients) < 200 {
				break
			}
		}
		if slices.Sort(got); !slices.Equal(got, wantIDs) {
			t.Errorf("%s: %d clients, want %d", filter, len(got), len(wantIDs))
		}
		// The API's and events' issues say the same as the filter's SQL.
		var all []models.Client
		if err := store.DB().Where("organisation_id = ?", org.ID).Order("id").Find(&all).Error; err != nil {
			t.Fatal(err)
		}
		for _, c := range all {
			if in := slices.Contains(c.Issues(), filter); in != slices.Contains(wantIDs, c.ID) {
				t.Fatalf("client %d (%+v): issues %v, filter %s finds it: %v", c.ID, c.ClientHealth, c.Issues(), filter, !in)
			}
		}
		if first.Health[filter] != int64(len(wantIDs)) {
			t.Errorf("%s counted %d, want %d", filter, first.Health[filter], len(wantIDs))
		}
	}
	// Rejected names, RED, suspended and disabled need attention: 4 of every 50.
	if first.Attention != 800 {
		t.Errorf("needs attention %d, want 800", first.Attention)
	}
	worst, err := store.Clients(ctx, org.ID, models.ClientFilter{Sort: "health", PerPage: 200})
	if err != nil {
		t.Fatal(err)
	}
	if worst.Clients[0].BanState != "DISABLE" || worst.Clients[199].HealthRank != 6 {
		t.Errorf("worst first: the first page starts with %+v", worst.Clients[0].ClientHealth)
	}
}
