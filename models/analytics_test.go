package models_test

import (
	"context"
	"testing"
	"time"

	"wabadesk/models"
)

// TestAnalyticsOfASeededHistory: four clients with known journeys give
// known figures.
func TestAnalyticsOfASeededHistory(t *testing.T) {
	store, org, owner := mustStore(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC) // a Monday
	store.Now = func() time.Time { return now }
	agent := owner
	agent.Name = "Ana Agent"
	create := func(name string, by models.User) models.Client {
		c, err := store.CreateClient(ctx, org.ID, by, models.ClientInput{Name: name}, false)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	move := func(c models.Client, after time.Duration, a models.AccountStage, reason string) {
		now = now.Add(after)
		if _, err := store.ChangeClient(ctx, org.ID, c.ID, func(c *models.Client) ([]models.Event, error) {
			c.AccountStage, c.RejectionReason = a, reason
			return nil, nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	start := now
	a, b, c := create("A", owner), create("B", owner), create("C", owner)
	move(a, time.Hour, models.AccountQueued, "")
	move(b, 0, models.AccountQueued, "")
	move(a, 2*time.Hour, models.AccountPreparing, "")
	move(b, 0, models.AccountPreparing, "")
	if _, err := store.DeleteClient(ctx, org.ID, c.ID); err != nil {
		t.Fatal(err)
	}
	move(a, 24*time.Hour, models.AccountPendingMeta, "")
	move(b, 0, models.AccountPendingMeta, "")
	move(a, 48*time.Hour, models.AccountOnboarded, "")
	move(b, 0, models.AccountRejected, "The request expired at Meta")
	now = start.Add(7 * 24 * time.Hour) // next week
	d := create("D", agent)
	move(d, time.Hour, models.AccountQueued, "")
	move(d, time.Hour, models.AccountPreparing, "")
	move(d, time.Hour, models.AccountRejected, "Display name not allowed")
	move(d, time.Hour, models.AccountQueued, "")

	got, err := store.Analytics(ctx, org.ID, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if got.Cohort != 4 || got.Deleted != 1 {
		t.Errorf("cohort %d, deleted %d; want 4 and 1", got.Cohort, got.Deleted)
	}
	for st, want := range map[models.Stage]int{models.StageDraft: 4, models.StageQueued: 3, models.StagePreparing: 3,
		models.StageMetaApproval: 2, models.StageOnboarded: 1, models.StageRejected: 2, models.StageActive: 0} {
		if n := got.Stages[st].Reached; n != want {
			t.Errorf("%s reached by %d, want %d", st, n, want)
		}
	}
	near := func(d, want time.Duration) bool { return d > want*85/100 && d < want*115/100 }
	// Draft: A, B and D an hour (C's three hours ended in deletion).
	if f := got.Stages[models.StageDraft]; f.Stays != 4 || !near(f.Median, time.Hour) || !near(f.P90, 3*time.Hour) {
		t.Errorf("draft: %d stays, median %s, p90 %s; want 4, ~1h, ~3h", f.Stays, f.Median, f.P90)
	}
	if f := got.Stages[models.StageMetaApproval]; f.Stays != 2 || !near(f.Median, 48*time.Hour) {
		t.Errorf("at Meta: %d stays, median %s; want 2, ~48h", f.Stays, f.Median)
	}
	if len(got.Weeks) != 2 || got.Weeks[0].Week != "2026-11-02" || got.Weeks[0].Created != 3 || got.Weeks[0].Onboarded != 1 ||
		got.Weeks[1].Week != "2026-11-09" || got.Weeks[1].Created != 1 || got.Weeks[1].Rejected != 1 {
		t.Errorf("weeks %+v", got.Weeks)
	}
	if len(got.Staff) != 2 || got.Staff[0].Name != "Olga Owner" || got.Staff[0].Created != 3 || got.Staff[0].Rejected != 1 ||
		got.Staff[1].Name != "Ana Agent" || got.Staff[1].Created != 1 {
		t.Errorf("staff %+v", got.Staff)
	}
	if len(got.Reasons) != 2 || got.Reasons[0].N != 1 {
		t.Errorf("reasons %+v", got.Reasons)
	}
	if got.Now[models.StageOnboarded] != 1 || got.Now[models.StageRejected] != 1 || got.Now[models.StageQueued] != 1 ||
		got.ExpiredAtMeta != 1 || got.RejectedFinal != 0 {
		t.Errorf("now %v, expired %d, rejected for good %d", got.Now, got.ExpiredAtMeta, got.RejectedFinal)
	}
	// Another period sees none of it.
	if other, _ := store.Analytics(ctx, org.ID, time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)); other.Cohort != 0 {
		t.Errorf("October's cohort: %d", other.Cohort)
	}
}
