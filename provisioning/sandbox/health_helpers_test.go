package sandbox_test

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"wabadesk/provisioning"
	"wabadesk/provisioning/sandbox"
)

// healthNow is the fixed clock of the health tests.
var healthNow = time.Date(2026, 3, 4, 5, 6, 7, 890_000_000, time.UTC)

// hooks is a webhook target that records every verified callback body.
type hooks struct {
	srv  *httptest.Server
	mu   sync.Mutex
	got  []provisioning.Callback
	errs []string
}

func newHooks(t *testing.T) *hooks {
	h := &hooks{}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		defer h.mu.Unlock()
		if err := provisioning.VerifySignature("hook-secret", r.Header, body, healthNow); err != nil {
			h.errs = append(h.errs, err.Error())
		}
		cb, err := provisioning.ParseCallback(body)
		if err != nil {
			h.errs = append(h.errs, err.Error())
		}
		h.got = append(h.got, cb)
	}))
	t.Cleanup(h.srv.Close)
	return h
}

// world is a sandbox under /sandbox with PublicURL set, project "p"
// onboarded, one ACTIVE sender, and a webhook for ALL triggers.
type world struct {
	t      *testing.T
	sb     *sandbox.Sandbox
	c      *provisioning.Client
	public string // the sandbox's public URL, ".../sandbox"
	hooks  *hooks
	sender string
	seen   int // callbacks already looked at by takeCallbacks
}

func newWorld(t *testing.T, o sandbox.Options) *world {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	w := &world{t: t, public: "http://" + ln.Addr().String() + "/sandbox", hooks: newHooks(t)}
	o.Keys, o.PublicURL, o.Now = map[string]string{"k": "s"}, w.public, func() time.Time { return healthNow }
	if o.Delays == nil {
		o.Delays = &sandbox.Delays{}
	}
	o.CallbackBackoff = func(int) time.Duration { return time.Millisecond }
	w.sb = sandbox.New(o)
	srv := httptest.NewUnstartedServer(http.StripPrefix("/sandbox", w.sb))
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	t.Cleanup(func() { srv.Close(); w.sb.Close() })
	w.c = provisioning.New(provisioning.Config{BaseURL: w.public, KeyID: "k", KeySecret: "s", Now: o.Now})
	w.onboard("p")
	return w
}

// onboard gives projectID a webhook, an onboarded account and an ACTIVE
// SINCH-number sender, and forgets the callbacks that took.
func (w *world) onboard(projectID string) {
	t := w.t
	t.Helper()
	if _, err := w.c.CreateWebhook(ctx, projectID, provisioning.WebhookRequest{Target: w.hooks.srv.URL + "/" + projectID,
		Secret: "hook-secret", Triggers: []provisioning.Trigger{provisioning.TriggerAll}}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.c.CreateAccount(ctx, projectID, account()); err != nil {
		t.Fatal(err)
	}
	w.sb.Advance()
	if err := w.sb.Approve(projectID); err != nil {
		t.Fatal(err)
	}
	sn, err := w.c.CreateSender(ctx, projectID, provisioning.CreateSenderRequest{PhoneNumberProvider: provisioning.ProviderSinch,
		Details: provisioning.CreateSenderDetails{DisplayName: "Acme Support", Vertical: "OTHER", CountryCode: "48"}})
	if err != nil {
		t.Fatal(err)
	}
	w.sb.Advance()
	if got := w.getSender(projectID, sn.ID); got.State != provisioning.SenderActive {
		t.Fatalf("setup: sender is %s, not ACTIVE", got.Status())
	}
	if w.sender == "" {
		w.sender = sn.ID
	}
	w.takeCallbacks()
}

func (w *world) getSender(projectID, id string) *provisioning.Sender {
	w.t.Helper()
	sn, err := w.c.GetSender(ctx, projectID, id)
	if err != nil {
		w.t.Fatal(err)
	}
	return sn
}

func (w *world) getAccount(projectID string) *provisioning.Account {
	w.t.Helper()
	a, err := w.c.GetAccount(ctx, projectID)
	if err != nil {
		w.t.Fatal(err)
	}
	return a
}

// takeCallbacks waits for deliveries and returns the callbacks received
// since the last call, checking the courier's log agrees.
func (w *world) takeCallbacks() []provisioning.Callback {
	w.t.Helper()
	w.sb.WaitIdle()
	w.hooks.mu.Lock()
	defer w.hooks.mu.Unlock()
	if len(w.hooks.errs) > 0 {
		w.t.Fatalf("callback receiver: %v", w.hooks.errs)
	}
	got := slices.Clone(w.hooks.got[w.seen:])
	w.seen = len(w.hooks.got)
	sent := w.sb.SentCallbacks()
	if len(sent) != len(w.hooks.got) {
		w.t.Fatalf("SentCallbacks has %d entries, the receiver got %d", len(sent), len(w.hooks.got))
	}
	for i, cb := range got {
		if d := sent[len(sent)-len(got)+i]; d.Type != cb.Type || !d.Delivered {
			w.t.Fatalf("SentCallbacks entry %+v does not match received %s", d, cb.Type)
		}
	}
	return got
}

// oneCallback asserts exactly one callback of type typ arrived since the
// last look and returns it.
func (w *world) oneCallback(typ provisioning.Trigger) provisioning.Callback {
	w.t.Helper()
	got := w.takeCallbacks()
	if len(got) != 1 || got[0].Type != typ {
		types := []provisioning.Trigger{}
		for _, cb := range got {
			types = append(types, cb.Type)
		}
		w.t.Fatalf("want exactly one %s callback, got %v", typ, types)
	}
	return got[0]
}

func (w *world) noCallbacks() {
	w.t.Helper()
	if got := w.takeCallbacks(); len(got) != 0 {
		w.t.Fatalf("want no callbacks, got %d, first %s", len(got), got[0].Type)
	}
}

// snapshot is a project's account and senders as the API shows them.
func (w *world) snapshot(projectID string) string {
	w.t.Helper()
	a := w.getAccount(projectID)
	l, err := w.c.ListSenders(ctx, projectID, provisioning.ListSendersParams{})
	if err != nil {
		w.t.Fatal(err)
	}
	b, _ := json.Marshal([]any{a, l})
	return string(b)
}

// noFollow is a browser that shows redirects instead of following them.
var noFollow = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// post submits a control's form, returning status, Location and body.
func (w *world) post(path string, form url.Values, header ...string) (int, string, string) {
	w.t.Helper()
	req, err := http.NewRequest(http.MethodPost, w.public+path, strings.NewReader(form.Encode()))
	if err != nil {
		w.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := noFollow.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), string(b)
}
