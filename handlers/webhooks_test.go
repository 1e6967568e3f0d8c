package handlers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"wabadesk/models"
	"wabadesk/provisioning"
	"wabadesk/provisioning/onboarding"
	"wabadesk/provisioning/sandbox"
)

// sinchClient talks to the test sandbox directly, as Sinch's other users would.
func (a *testApp) sinchClient() *provisioning.Client {
	return provisioning.New(provisioning.Config{BaseURL: a.srv.URL + "/sandbox", KeyID: "test-key", KeySecret: "test-secret",
		Sleep: func(context.Context, time.Duration) error { return nil }})
}

// postCallback delivers a signed callback to the webhook's URL.
func (a *testApp) postCallback(webhook models.Webhook, body []byte, at time.Time, secret string) (int, string) {
	a.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, a.srv.URL+"/webhooks/sinch/"+webhook.Token, bytes.NewReader(body))
	for k, v := range provisioning.SignatureHeaders(secret, body, fmt.Sprint(at.UnixNano()), at) {
		req.Header[k] = v
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer res.Body.Close()
	var out bytes.Buffer
	out.ReadFrom(res.Body)
	return res.StatusCode, out.String()
}

func (a *testApp) webhook(project string) models.Webhook {
	a.t.Helper()
	h, err := a.store.WebhookFor(a.t.Context(), 1, project)
	if err != nil {
		a.t.Fatal(err)
	}
	return h
}

// onboardedClient signs up, submits a client and lets the sandbox onboard it.
func onboardedClient(t *testing.T, app *testApp) (*browser, string) {
	b := app.browser()
	b.mustSignup("Acme", "ana@acme.test")
	path := b.mustCreateClient(clientValues(projectA, "123456789"), "submit")
	app.sync()
	app.sb.Approve(projectA)
	app.sync()
	return b, path
}

func TestWebhookRegisteredOnFirstUseAndAfterBaseURLChange(t *testing.T) {
	app := mustApp(t)
	onboardedClient(t, app)
	list, err := app.sinchClient().ListWebhooks(t.Context(), projectA, provisioning.PageParams{})
	if err != nil || len(list.Webhooks) != 1 {
		t.Fatalf("webhooks at Sinch: %+v %v", list, err)
	}
	w := list.Webhooks[0]
	webhook := app.webhook(projectA)
	if w.Target != app.srv.URL+"/webhooks/sinch/"+webhook.Token || len(w.Triggers) != 1 || w.Triggers[0] != provisioning.TriggerAll {
		t.Fatalf("webhook %+v", w)
	}
	// The public URL moves: the next sync re-points the same webhook.
	app.svc.WebhookBase = "https://desk.example.com/webhooks/sinch/"
	app.forceDue()
	app.svc.RunOnce(t.Context())
	list, _ = app.sinchClient().ListWebhooks(t.Context(), projectA, provisioning.PageParams{})
	if len(list.Webhooks) != 1 || list.Webhooks[0].ID != w.ID || list.Webhooks[0].Target != "https://desk.example.com/webhooks/sinch/"+webhook.Token {
		t.Fatalf("after base URL change: %+v", list.Webhooks)
	}
}

func TestWebhookLimitReachedFallsBackToPolling(t *testing.T) {
	app := mustApp(t)
	sc := app.sinchClient()
	for i := range 15 {
		_, err := sc.CreateWebhook(t.Context(), projectA, provisioning.WebhookRequest{Target: fmt.Sprintf("https://other%d.example.com/webhook", i),
			Secret: "s", Triggers: []provisioning.Trigger{provisioning.TriggerAll}})
		if err != nil {
			t.Fatal(err)
		}
	}
	b, path := onboardedClient(t, app)
	if got := b.get(path).text("[data-testid=client-stage]"); got != "Onboarded" {
		t.Fatalf("stage = %q: polling should have carried the client", got)
	}
	if h := app.webhook(projectA); !strings.Contains(h.Problem, "15 webhooks") || h.SinchID != "" {
		t.Fatalf("webhook = %+v", h)
	}
}

func TestWebhookSignatureGoodBadStale(t *testing.T) {
	app := mustApp(t)
	onboardedClient(t, app)
	webhook := app.webhook(projectA)
	acct, _ := app.sb.Account(projectA)
	payload, _ := json.Marshal(acct)
	body := []byte(`{"type":"WHATSAPP_ACCOUNT_ONBOARDED","payload":` + string(payload) + `,"comment":"test callback"}`)
	before, _ := app.store.Callbacks(t.Context(), 1, 100)

	if code, _ := app.postCallback(webhook, body, time.Now(), "wrong secret"); code != http.StatusUnauthorized {
		t.Fatalf("bad signature: %d", code)
	}
	if code, _ := app.postCallback(webhook, body, time.Now().Add(-10*time.Minute), webhook.Secret); code != http.StatusUnauthorized {
		t.Fatalf("stale signature: %d", code)
	}
	if after, _ := app.store.Callbacks(t.Context(), 1, 100); len(after) != len(before) {
		t.Fatal("a rejected callback was recorded")
	}
	if code, out := app.postCallback(webhook, body, time.Now(), webhook.Secret); code != http.StatusOK || out != onboarding.OutcomeApplied {
		t.Fatalf("good signature: %d %q", code, out)
	}
	if code, out := app.postCallback(webhook, body, time.Now(), webhook.Secret); code != http.StatusOK || out != onboarding.OutcomeDuplicate {
		t.Fatalf("duplicate: %d %q", code, out)
	}
	if code, _ := app.postCallback(models.Webhook{Token: "nope"}, body, time.Now(), webhook.Secret); code != http.StatusNotFound {
		t.Fatalf("unknown webhook: %d", code)
	}
	if code, _ := app.postCallback(webhook, []byte(`{"type":`), time.Now(), webhook.Secret); code != http.StatusBadRequest {
		t.Fatalf("malformed: %d", code)
	}
}

func TestWebhookDrivesUpdateWithoutPolling(t *testing.T) {
	app := mustApp(t)
	b := app.browser()
	b.mustSignup("Acme", "ana@acme.test")
	path := b.mustCreateClient(clientValues(projectA, "123456789"), "submit")
	app.sync() // pending at Meta
	far := app.store.Now().Add(time.Hour)
	app.store.DB().Exec("UPDATE clients SET next_sync_at = ?", far) // no poll would come for an hour

	app.sb.Approve(projectA)
	app.sb.WaitIdle() // the sandbox has delivered WHATSAPP_ACCOUNT_ONBOARDED to us
	if _, err := app.svc.RunOnce(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := b.get(path).text("[data-testid=client-stage]"); got != "Onboarded" {
		t.Fatalf("stage after the webhook = %q", got)
	}
}

func TestOutOfOrderDeliveryNeverMovesBackwards(t *testing.T) {
	app := mustApp(t)
	b, path := onboardedClient(t, app)
	webhook := app.webhook(projectA)
	// A stale "pending verification" callback arrives after the onboarding.
	stale := []byte(`{"type":"WHATSAPP_ACCOUNT_PENDING_VERIFICATION","payload":{"isEmbeddedSignup":false,"businessManager":"SINCH_UK",` +
		`"changes":{"status":"PENDING_FACEBOOK_VERIFICATION"},"wabaMaxPriceOnboarded":false,"compatibleRegions":["eu"]}}`)
	if code, _ := app.postCallback(webhook, stale, time.Now(), webhook.Secret); code != http.StatusOK {
		t.Fatalf("stale callback: %d", code)
	}
	app.svc.RunOnce(t.Context())
	if got := b.get(path).text("[data-testid=client-stage]"); got != "Onboarded" {
		t.Fatalf("stage after a stale callback = %q", got)
	}
}

func TestWebhookLostPollerCatchesUp(t *testing.T) {
	app := mustApp(t, func(s *appSetup) { s.sandbox.CallbackAttempts = 1 })
	b := app.browser()
	b.mustSignup("Acme", "ana@acme.test")
	path := b.mustCreateClient(clientValues(projectA, "123456789"), "submit")
	app.sync()
	// Sinch's callbacks now go nowhere: the webhook's token no longer matches;
	// and no poll is due for an hour.
	app.store.DB().Exec("UPDATE project_hooks SET token = 'lost'")
	app.store.DB().Exec("UPDATE clients SET next_sync_at = ?", app.store.Now().Add(time.Hour))
	app.sb.Approve(projectA)
	app.sb.WaitIdle()
	app.svc.RunOnce(t.Context())
	if got := b.get(path).text("[data-testid=client-stage]"); got == "Onboarded" {
		t.Fatal("updated although the webhook was lost and no poll was due")
	}
	app.forceDue() // the poll's time comes
	app.svc.RunOnce(t.Context())
	if got := b.get(path).text("[data-testid=client-stage]"); got != "Onboarded" {
		t.Fatalf("poller did not catch up: %q", got)
	}
}

func TestTooManyRequestsPausesTheTenant(t *testing.T) {
	app := mustApp(t)
	b := app.browser()
	b.mustSignup("Acme", "ana@acme.test")
	b.mustCreateClient(clientValues(projectA, "123456789"), "submit")
	app.sync()
	app.sb.SetFaults(sandbox.Faults{TooManyRequests: 20, RetryAfter: time.Minute})
	app.forceDue()
	app.svc.RunOnce(t.Context())
	cl, _ := app.store.ClientByID(t.Context(), 1, 1)
	if cl.NextSyncAt == nil || cl.NextSyncAt.Before(app.store.Now().Add(50*time.Second)) {
		t.Fatalf("next sync %v, want at least Retry-After (1 min) away", cl.NextSyncAt)
	}
	app.sb.SetFaults(sandbox.Faults{})
	app.forceDue()
	if n, _ := app.svc.RunOnce(t.Context()); n != 0 {
		t.Fatalf("synced %d clients while the tenant is paused after a 429", n)
	}
}

// countingConnector counts account reads per project, to prove that two
// workers never sync the same client at once.
type countingTransport struct {
	base  http.RoundTripper
	mu    sync.Mutex
	reads map[string]int
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/whatsapp") {
		c.mu.Lock()
		c.reads[r.URL.Path]++
		c.mu.Unlock()
	}
	return c.base.RoundTrip(r)
}

func TestWebhooksPageShowsRegistrationAndCallbacks(t *testing.T) {
	app := mustApp(t)
	b, _ := onboardedClient(t, app)
	app.sb.WaitIdle()
	page := b.get("/settings/webhooks")
	expectStatus(t, page, http.StatusOK)
	if !strings.Contains(page.text("[data-testid=webhooks-table]"), "Registered") {
		t.Fatalf("webhooks: %q", page.text("[data-testid=webhooks-table]"))
	}
	if !strings.Contains(page.text("[data-testid=callbacks-table]"), "WHATSAPP_ACCOUNT_ONBOARDED") {
		t.Fatalf("callbacks: %q", page.text("[data-testid=callbacks-table]"))
	}
}
