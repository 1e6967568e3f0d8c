package main

import (
	"path/filepath"
	"testing"
	"time"

	"wabadesk/models"
	"wabadesk/models/modelstest"
)

// TestBrowserAnalytics: an owner reads the onboarding analytics of an
// organisation with 10,000 clients' histories.
func TestBrowserAnalytics(t *testing.T) {
	if modelstest.URL(t) != "" {
		t.Skip("seeded straight into the SQLite file; the figures are tested on both databases in models")
	}
	dir := t.TempDir()
	base := startApp(t, "--data-dir", dir)
	owner := newTab(t, base, "owner", 1280, 900)
	owner.signup()
	db, err := models.OpenSQLite(filepath.Join(dir, "wabadesk.db"))
	if err != nil {
		t.Fatal(err)
	}
	modelstest.SeedHistory(t, db, 1, 10000, time.Now())
	if sql, err := db.DB(); err == nil {
		sql.Close()
	}
	owner.open("/clients")
	owner.submit("a[href='/analytics']")
	owner.expectText("[data-testid=cohort]", "")
	owner.page("01-analytics-90-days")
	owner.submit("a[href*='from=']:nth-of-type(3)") // last 365 days
	owner.expectText("[data-testid=funnel-table]", "%")
	owner.page("02-analytics-year")
}
