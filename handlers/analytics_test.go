package handlers_test

import (
	"github.com/PuerkitoBio/goquery"
	"net/http"
	"strings"
	"testing"
	"time"

	"wabadesk/models"
	"wabadesk/models/modelstest"
)

func TestAnalyticsPageChartsTablesAndCSV(t *testing.T) {
	app := mustApp(t)
	owner := app.browser()
	owner.mustSignup("Acme", "olga@acme.test")
	modelstest.SeedHistory(t, app.store.DB(), 1, 200, time.Now())

	r := owner.get("/analytics?from=2024-01-01&to=2026-12-31")
	expectStatus(t, r, http.StatusOK)
	if got := r.text("[data-testid=cohort]"); got != "200" { // the 20 deleted drafts included
		t.Fatalf("cohort %q, want 200", got)
	}
	for _, chart := range []string{"funnel-chart", "times-chart", "weeks-chart"} {
		svg := r.doc.Find("[data-testid=" + chart + "]")
		if svg.Length() != 1 || svg.AttrOr("role", "") != "img" || svg.Find("title").Text() == "" {
			t.Errorf("%s: missing, or without role and title", chart)
		}
	}
	active := r.doc.Find("[data-testid=funnel-table] tr").FilterFunction(func(_ int, s *goquery.Selection) bool {
		return strings.HasPrefix(strings.TrimSpace(s.Find("th").Text()), "Active")
	})
	if got := strings.TrimSpace(active.Find("td").First().Text()); got != "120" { // 6 in 10 reach Active
		t.Errorf("active in the funnel table: %q, want 120", got)
	}
	if got := r.text("[data-testid=dropoff]"); !strings.Contains(got, "Expired at Meta (not approved in time)20") {
		t.Errorf("drop-off %q", got)
	}
	if r.doc.Find("[data-testid=staff-table] tbody tr").Length() != 5 {
		t.Errorf("staff rows: %d", r.doc.Find("[data-testid=staff-table] tbody tr").Length())
	}

	bad := owner.get("/analytics?from=yesterday")
	if bad.status != http.StatusUnprocessableEntity || !strings.Contains(bad.text("[data-testid=error-from]"), "2026-09-01") ||
		bad.doc.Find("#f-from").AttrOr("value", "") != "yesterday" {
		t.Errorf("a bad date: %d %q", bad.status, bad.text("[data-testid=error-from]"))
	}
	csv := owner.get("/analytics.csv?from=2024-01-01&to=2026-12-31").doc.Text()
	for _, want := range []string{"cohort,clients created,200", "stage,active,120,", "dropoff,expired_at_meta,20"} {
		if !strings.Contains(csv, want) {
			t.Errorf("CSV lacks %q:\n%s", want, csv)
		}
	}
	// Agents see no analytics.
	agent := app.browser()
	agent.post(owner.mustInvite("ana@acme.test", models.RoleAgent), map[string][]string{"name": {"Ana"}, "password": {"another good password"}})
	if r := agent.get("/analytics"); r.status != http.StatusForbidden {
		t.Errorf("an agent: %d", r.status)
	}
}

// BenchmarkAnalytics100k is the analytics page of an organisation with
// 100,000 clients and their histories, for a year's cohort (README; target
// under 200 ms).
func BenchmarkAnalytics100k(b *testing.B) {
	app := mustApp(b)
	owner := app.browser()
	owner.mustSignup("Acme", "olga@acme.test")
	modelstest.SeedHistory(b, app.store.DB(), 1, 100000, time.Now())
	for name, from := range map[string]time.Time{"year": time.Now().AddDate(-1, 0, 0), "90days": time.Now().AddDate(0, 0, -89)} {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				owner.getRaw("/analytics?from=" + from.Format(time.DateOnly))
			}
		})
	}
}
