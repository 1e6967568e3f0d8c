package handlers_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"wabadesk/provisioning"
)

// activeClient takes a client through Meta's approval and the number's
// code to Active, and returns the staff browser, the client page and the
// sender's Sinch id.
func activeClient(t *testing.T, app *testApp) (*browser, string, string) {
	t.Helper()
	b, path := onboardedClient(t, app)
	expectStatus(t, b.post(path+"/senders", url.Values{"action": {"submit"}, "provider": {"CUSTOMER"}, "country_code": {"55"},
		"phone_number": {"11987654321"}, "display_name": {"Padaria Estrela"}, "vertical": {"FOOD_AND_GROCERY"}}), http.StatusSeeOther)
	app.sync()
	otpForm, _ := b.get(path).doc.Find("[data-testid=otp] form").First().Attr("action")
	expectStatus(t, b.post(otpForm, url.Values{"method": {"SMS"}}), http.StatusSeeOther)
	expectStatus(t, b.post(strings.TrimSuffix(otpForm, "/otp")+"/verify", url.Values{"code": {"123456"}}), http.StatusSeeOther)
	app.sync()
	if got := b.get(path).text("[data-testid=client-stage]"); got != "Active" {
		t.Fatalf("stage %q, want Active", got)
	}
	snds, _ := app.store.Senders(t.Context(), app.tenantOf("ana@acme.test"), mustID(t, path))
	return b, path, snds[0].SinchID
}

// Each health callback the sandbox fires, as Sinch would, moves the client
// page's panel, the list's column and filter, and the business client's
// page; a stale delivery (an older payload arriving late) moves nothing
// back, since every callback is a re-read.
func TestHealthCallbacksReachEveryPage(t *testing.T) {
	app := mustApp(t)
	b, path, sid := activeClient(t, app)
	link := b.mustLink(path)
	page := func() response { return b.get(path) }
	signal := func(r response) string { return r.text("[data-testid=health-panel]") }
	alerts := func(r response) string { return r.doc.Find("[data-testid=portal-alert]").Text() }

	// Quality: GREEN as activated, medium, then a drop to RED.
	if got := signal(page()); !strings.Contains(got, "Quality of +55 11987654321") || !strings.Contains(got, "High") {
		t.Fatalf("green quality not on the panel: %q", got)
	}
	if err := app.sb.SetQualityRating(projectA, sid, provisioning.QualityRating("YELLOW")); err != nil {
		t.Fatal(err)
	}
	app.sync()
	yellow, _ := app.sb.Sender(projectA, sid)
	if got := b.get("/clients").text("[data-testid=client-row] [data-testid=health]"); got != "Quality medium" {
		t.Fatalf("list after YELLOW: %q", got)
	}
	if err := app.sb.SetQualityRating(projectA, sid, provisioning.QualityRating("RED")); err != nil {
		t.Fatal(err)
	}
	app.sync()
	r := page()
	if got := signal(r); !strings.Contains(got, "Low") || !strings.Contains(got, "pause marketing") {
		t.Fatalf("red quality not on the panel: %q", got)
	}
	if !strings.Contains(r.text("[data-testid=timeline]"), "Quality rating: low (red)") {
		t.Fatalf("no timeline event: %q", r.text("[data-testid=timeline]"))
	}
	if got := b.get("/clients?health=quality").text("[data-testid=client-row] [data-testid=health]"); got != "Quality low" {
		t.Fatalf("list: %q", got)
	}
	if b.get("/clients?attention=1").doc.Find("[data-testid=client-row]").Length() != 1 {
		t.Fatal("a RED number does not need attention")
	}
	if got := alerts(app.visitor("").get(link + "?lang=pt")); !strings.Contains(got, "bloqueiam ou denunciam") {
		t.Fatalf("portal (pt): %q", got)
	}
	// A stale delivery: the YELLOW payload arrives late, signed and fresh.
	payload, _ := json.Marshal(yellow)
	body := []byte(`{"type":"WHATSAPP_SENDER_QUALITY_RATING_CHANGED","payload":` + string(payload) + `}`)
	webhook := app.webhook(projectA)
	if code, _ := app.postCallback(webhook, body, time.Now(), webhook.Secret); code != http.StatusOK {
		t.Fatalf("stale callback: %d", code)
	}
	app.sync()
	if got := signal(page()); !strings.Contains(got, "Low") {
		t.Fatalf("a stale callback moved quality back: %q", got)
	}

	// A rejected display name: the fix guide opens the sender form at the name.
	if err := app.sb.ReviewDisplayName(projectA, sid, provisioning.MetadataStatus("REJECTED"), "Padaria Estrela", "Display name does not comply with WhatsApp's display name guidelines"); err != nil {
		t.Fatal(err)
	}
	app.sync()
	r = page()
	if got := signal(r); !strings.Contains(got, "Rejected") || !strings.Contains(got, "250 business-initiated") {
		t.Fatalf("rejected name not on the panel: %q", got)
	}
	fix, _ := r.doc.Find("[data-testid=health-fix]").Attr("href")
	if !strings.HasSuffix(fix, "/edit#f-display_name") {
		t.Fatalf("fix link %q", fix)
	}
	if got := b.get(strings.TrimSuffix(fix, "#f-display_name")).text("[data-testid=name-rejection]"); !strings.Contains(got, "does not comply") {
		t.Fatalf("the sender form does not say why the name was rejected: %q", got)
	}
	if got := b.get("/clients?health=name").doc.Find("[data-testid=client-row]").Length(); got != 1 {
		t.Fatalf("name filter finds %d", got)
	}
	if got := alerts(app.visitor("").get(link + "?lang=es")); !strings.Contains(got, "no fue aprobado") {
		t.Fatalf("portal (es): %q", got)
	}

	// The number suspended, then active again.
	if err := app.sb.SetSenderState(projectA, sid, provisioning.SenderSuspended); err != nil {
		t.Fatal(err)
	}
	app.sync()
	if got := signal(page()); !strings.Contains(got, "Suspended by Meta") {
		t.Fatalf("suspension not on the panel: %q", got)
	}
	if got := b.get("/clients?health=restricted").text("[data-testid=client-row] [data-testid=health]"); got != "Number suspended" {
		t.Fatalf("suspended: list %q", got)
	}
	if got := alerts(app.visitor("").get(link)); !strings.Contains(got, "Your number is suspended") {
		t.Fatalf("portal (en): %q", got)
	}
	if err := app.sb.SetSenderState(projectA, sid, provisioning.SenderActive); err != nil {
		t.Fatal(err)
	}
	app.sync()
	if got := signal(page()); strings.Contains(got, "Suspended") {
		t.Fatalf("an active number is still suspended: %q", got)
	}

	// The WABA scheduled for disabling, then disabled, then reinstated.
	for _, tc := range []struct{ state, panel, list string }{
		{"SCHEDULE_FOR_DISABLE", "To be disabled", "WABA to be disabled"},
		{"DISABLE", "Disabled", "WABA disabled"},
	} {
		if err := app.sb.SetWabaBanState(projectA, provisioning.WabaBanState(tc.state)); err != nil {
			t.Fatal(err)
		}
		app.sync()
		if got := signal(page()); !strings.Contains(got, tc.panel) {
			t.Fatalf("%s: panel %q", tc.state, got)
		}
		if got := b.get("/clients?health=restricted&sort=health").text("[data-testid=client-row] [data-testid=health]"); got != tc.list {
			t.Fatalf("%s: list %q", tc.state, got)
		}
	}
	if got := alerts(app.visitor("").get(link)); !strings.Contains(got, "WhatsApp disabled your account") {
		t.Fatalf("portal (en): %q", got)
	}
	if err := app.sb.SetWabaBanState(projectA, provisioning.WabaBanState("REINSTATE")); err != nil {
		t.Fatal(err)
	}
	app.sync()
	if got := b.get("/clients?health=restricted").doc.Find("[data-testid=client-row]").Length(); got != 0 {
		t.Fatal("a reinstated WABA is still restricted")
	}

	// The portfolio's messaging limit.
	if err := app.sb.SetBusinessDailyLimit(projectA, provisioning.DailyLimit("TIER_10K")); err != nil {
		t.Fatal(err)
	}
	app.sync()
	if got := signal(page()); !strings.Contains(got, "10,000 a day") {
		t.Fatalf("limit: %q", got)
	}
}
