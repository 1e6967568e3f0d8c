package handlers_test

import (
	"encoding/csv"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"wabadesk/models"
	"wabadesk/provisioning"
)

// Health reaches the reseller's systems: each signal Sinch reports sends
// client.health_changed (with the health before and after, valid against
// the OpenAPI document) once, and the API's client, sender and list, and
// the list's CSV export, show and filter it as the client list does.
func TestHealthReachesTheAPIAndWebhooks(t *testing.T) {
	app := mustApp(t)
	b, path, sid := activeClient(t, app)
	if err := app.sb.SetBusinessDailyLimit(projectA, provisioning.Tier10K); err != nil { // a healthy start
		t.Fatal(err)
	}
	app.sync()
	recv := newHookReceiver(t)
	_, secret := b.mustEndpoint(recv.srv.URL+"/wabadesk", models.HookClientHealthChanged)
	api := app.api(t, b.mustKey("CRM sync", "agent"))
	green, _ := app.sb.Sender(projectA, sid)

	steps := []struct {
		name   string
		fire   func() error
		issues string
	}{
		{"quality RED", func() error { return app.sb.SetQualityRating(projectA, sid, "RED") }, "quality"},
		{"a stale GREEN delivery", func() error { // a re-read: no news, no event
			payload, _ := json.Marshal(green)
			body := []byte(`{"type":"WHATSAPP_SENDER_QUALITY_RATING_CHANGED","payload":` + string(payload) + `}`)
			webhook := app.webhook(projectA)
			if code, _ := app.postCallback(webhook, body, time.Now(), webhook.Secret); code != http.StatusOK {
				t.Fatalf("stale callback: %d", code)
			}
			return nil
		}, ""},
		{"limit 250", func() error { return app.sb.SetBusinessDailyLimit(projectA, provisioning.Tier250) }, "quality limited"},
		{"name rejected", func() error {
			return app.sb.ReviewDisplayName(projectA, sid, "REJECTED", "Padaria Estrela", "Display name does not comply")
		}, "quality limited name"},
		{"WABA disabled", func() error { return app.sb.SetWabaBanState(projectA, "DISABLE") }, "quality limited name restricted"},
	}
	type health struct {
		Issues            []string
		QualityRating     string `json:"quality_rating"`
		DisplayNameStatus string `json:"display_name_status"`
		MessagingLimit    string `json:"messaging_limit"`
		WabaBanState      string `json:"waba_ban_state"`
	}
	var previous *health
	seen := 0
	for _, st := range steps {
		if err := st.fire(); err != nil {
			t.Fatal(err)
		}
		app.sync()
		app.deliver()
		got := recv.received()[seen:]
		if st.issues == "" {
			if len(got) != 0 {
				t.Fatalf("%s: %d events for a signal that did not change", st.name, len(got))
			}
			continue
		}
		if len(got) != 1 {
			t.Fatalf("%s: %d events, want one client.health_changed", st.name, len(got))
		}
		seen++
		e := checkHook(t, api.doc, secret, got[0])
		var d struct {
			Client struct {
				Health health
			}
			PreviousHealth health `json:"previous_health"`
		}
		if err := json.Unmarshal(e.Data, &d); err != nil {
			t.Fatal(err)
		}
		if e.Type != models.HookClientHealthChanged || strings.Join(d.Client.Health.Issues, " ") != st.issues {
			t.Errorf("%s: %s with issues %v, want %q", st.name, e.Type, d.Client.Health.Issues, st.issues)
		}
		if previous != nil && !slices.Equal(d.PreviousHealth.Issues, previous.Issues) {
			t.Errorf("%s: previous issues %v, want the last event's %v", st.name, d.PreviousHealth.Issues, previous.Issues)
		}
		previous = &d.Client.Health
	}
	if previous.QualityRating != "RED" || previous.MessagingLimit != "TIER_250" || previous.DisplayNameStatus != "REJECTED" ||
		previous.WabaBanState != "DISABLE" {
		t.Errorf("the last event's health is %+v", previous)
	}

	// The API shows the same, and filters and sorts by it.
	id := "/clients/" + itoa(mustID(t, path))
	var cl struct{ Health health }
	api.do(http.MethodGet, id, nil).json(t, &cl)
	if strings.Join(cl.Health.Issues, " ") != "quality limited name restricted" {
		t.Errorf("GET client: health %+v", cl.Health)
	}
	var senders struct {
		Data []struct {
			Health struct {
				QualityRating string `json:"quality_rating"`
				Status        string `json:"display_name_status"`
				Reason        string `json:"display_name_rejection_reason"`
			}
		}
	}
	api.do(http.MethodGet, id+"/senders", nil).json(t, &senders)
	if h := senders.Data[0].Health; h.QualityRating != "RED" || h.Status != "REJECTED" || h.Reason != "Display name does not comply" {
		t.Errorf("GET senders: health %+v", h)
	}
	if r := api.do(http.MethodPost, "/clients", validClient("Healthy", projectB, "223456789")); r.status != http.StatusCreated {
		t.Fatalf("create a second client: %d %s", r.status, r.body)
	}
	for q, want := range map[string]int{"health=name": 1, "health=any": 1, "health=quality&sort=health": 1, "sort=health": 2} {
		var list struct{ Data []apiClientJSON }
		api.do(http.MethodGet, "/clients?"+q, nil).json(t, &list)
		if len(list.Data) != want || list.Data[0].Name != "Padaria Estrela" {
			t.Errorf("?%s: %v, want %d starting with the unhealthy client", q, list.Data, want)
		}
	}
	// So does the list's CSV export, with its filter.
	res, err := b.client.Get(app.srv.URL + "/clients.csv?health=restricted")
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(res.Body).ReadAll()
	res.Body.Close()
	if err != nil || len(rows) != 2 {
		t.Fatalf("csv: %d rows, %v", len(rows), err)
	}
	row := map[string]string{}
	for i, col := range rows[0] {
		row[col] = rows[1][i]
	}
	if row["health"] != "WABA disabled" || row["health_issues"] != "quality limited name restricted" ||
		row["quality_rating"] != "RED" || row["messaging_limit"] != "TIER_250" || row["waba_ban_state"] != "DISABLE" {
		t.Errorf("csv row %v", row)
	}

	r := api.do(http.MethodGet, "/clients?health=sick", nil)
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.problem(t)["health"], "quality, limited") {
		t.Errorf("?health=sick: %d %s", r.status, r.body)
	}
}
