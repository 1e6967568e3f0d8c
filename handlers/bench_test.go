package handlers_test

import (
	"fmt"
	"io"
	"net/http"
	"strconv"
	"testing"
	"time"

	"wabadesk/models"
)

// seedClients inserts n clients spread over every stage for tenant 1, the
// way a busy reseller's table looks, without going through Sinch.
func seedClients(tb testing.TB, app *testApp, n int) {
	tb.Helper()
	now := time.Now().UTC()
	batch := make([]models.Client, 0, 500)
	for i := range n {
		st := models.Stages[i%len(models.Stages)]
		since := now.Add(-time.Duration(i%500) * time.Hour)
		batch = append(batch, models.Client{OrganisationID: 1, ClientInput: models.ClientInput{
			Name: fmt.Sprintf("Client %05d", i), ProjectID: fmt.Sprintf("%08x-0000-4000-8000-%012x", i, i),
			BusinessManagerID: strconv.Itoa(100000000 + i), WabaName: fmt.Sprintf("Business %05d Ltd", i),
			SenderDisplayName: "Shop", BusinessCategory: "OTHER"},
			AccountStage: models.AccountOnboarded, Stage: st, StageSince: since, LastChangeAt: since,
			SenderPhone: fmt.Sprintf("+44 7700%06d", i)})
		if len(batch) == cap(batch) {
			if err := app.store.DB().CreateInBatches(batch, 500).Error; err != nil {
				tb.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	if len(batch) > 0 {
		app.store.DB().CreateInBatches(batch, 500)
	}
}

// getRaw fetches path and discards the body, checking only the status.
func (b *browser) getRaw(path string) {
	res, err := b.client.Get(b.app.srv.URL + path)
	if err != nil {
		b.t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		b.t.Fatalf("GET %s = %d", path, res.StatusCode)
	}
}

// BenchmarkClientList10k renders the home page (50 rows, counts, filters)
// of a tenant with 10,000 clients over real HTTP: "changed" as after every
// change of the tenant (query and render; the way each open list re-fetches
// itself), "unchanged" as a reload that finds the rendered region cached.
func BenchmarkClientList10k(b *testing.B) {
	app := mustApp(b)
	br := app.browser()
	br.mustSignup("Acme", "ana@acme.test")
	seedClients(b, app, 10000)
	for _, path := range []string{"/clients", "/clients?q=07700001234", "/clients?attention=1&sort=waiting", "/clients?page=150"} {
		b.Run("changed"+path, func(b *testing.B) {
			for b.Loop() {
				app.store.Changes.Deliver(models.Change{TenantID: 1, ClientID: 1})
				br.getRaw(path)
			}
		})
		b.Run("unchanged"+path, func(b *testing.B) {
			for b.Loop() {
				br.getRaw(path)
			}
		})
	}
}

// BenchmarkClientPage renders one client's page with its timeline.
func BenchmarkClientPage(b *testing.B) {
	app := mustApp(b)
	br := app.browser()
	br.mustSignup("Acme", "ana@acme.test")
	seedClients(b, app, 10000)
	path := "/clients/" + strconv.Itoa(5000)
	for i := range 30 {
		app.store.AddEvent(b.Context(), 1, models.Event{ClientID: 5000, Source: models.SourceSinch, Title: "Event " + strconv.Itoa(i)})
	}
	for b.Loop() {
		br.getRaw(path)
	}
}

// BenchmarkAPIClientList is the API's first page of 50 clients at 10,000,
// beside the HTML list after a change (BenchmarkClientList10k/changed):
// the API has no cache, so this is every call's cost.
func BenchmarkAPIClientList(b *testing.B) {
	app := mustApp(b, func(s *appSetup) { s.cfg.APIRate = 1 << 20 })
	br := app.browser()
	br.mustSignup("Acme", "ana@acme.test")
	seedClients(b, app, 10000)
	key := br.mustKey("Bench", "viewer")
	for _, path := range []string{"/clients", "/clients?q=07700001234", "/clients?attention=true&sort=waiting"} {
		b.Run(path, func(b *testing.B) {
			req, _ := http.NewRequest(http.MethodGet, app.srv.URL+"/api/v1"+path, nil)
			req.Header.Set("Authorization", "Bearer "+key)
			for b.Loop() {
				res, err := http.DefaultClient.Do(req)
				if err != nil || res.StatusCode != http.StatusOK {
					b.Fatalf("%v %v", res, err)
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
			}
		})
	}
}
