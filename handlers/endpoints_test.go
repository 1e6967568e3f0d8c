package handlers_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"wabadesk/delivery"
	"wabadesk/models"
)

// hookReceiver is a reseller's endpoint: it keeps what arrives, with its
// signature header, for the test to check.
type hookReceiver struct {
	srv  *httptest.Server
	mu   sync.Mutex
	got  []receivedHook
	code int // the answer; 0 is 200
}

type receivedHook struct {
	header http.Header
	body   []byte
}

func newHookReceiver(t *testing.T) *hookReceiver {
	r := &hookReceiver{}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		defer r.mu.Unlock()
		r.got = append(r.got, receivedHook{req.Header.Clone(), body})
		if r.code != 0 {
			w.WriteHeader(r.code)
		}
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *hookReceiver) received() []receivedHook {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]receivedHook(nil), r.got...)
}

// deliver posts every due outgoing webhook, as the worker would.
func (a *testApp) deliver() {
	for a.deliveries.RunOnce(context.Background()) > 0 {
	}
}

// checkHook checks a received event's signature and its body against the
// OpenAPI document's webhook of its type, and returns it.
func checkHook(t *testing.T, doc *openapi3.T, secret string, h receivedHook) delivery.Envelope {
	t.Helper()
	if err := delivery.Verify(secret, h.header.Get(delivery.SignatureHeader), h.body, time.Now(), 5*time.Minute); err != nil {
		t.Fatalf("signature: %v", err)
	}
	var e delivery.Envelope
	if err := json.Unmarshal(h.body, &e); err != nil {
		t.Fatal(err)
	}
	schema := doc.Components.Schemas["HookEvent_"+strings.ReplaceAll(e.Type, ".", "_")]
	if schema == nil || doc.Webhooks[e.Type] == nil {
		t.Fatalf("%s is not in the OpenAPI document's webhooks", e.Type)
	}
	var v any
	_ = json.Unmarshal(h.body, &v)
	if err := schema.Value.VisitJSON(v, openapi3.EnableFormatValidation()); err != nil {
		t.Errorf("%s does not match its schema: %v\n%s", e.Type, err, h.body)
	}
	return e
}

// mustEndpoint adds an endpoint on the page and returns its secret.
func (b *browser) mustEndpoint(u string, events ...string) (path, secret string) {
	b.t.Helper()
	r := b.post("/settings/endpoints", url.Values{"url": {u}, "description": {"CRM"}, "events": events})
	if r.status != http.StatusSeeOther {
		b.t.Fatalf("add endpoint: %d %q", r.status, r.text("main"))
	}
	page := b.get(r.location())
	secret = page.doc.Find("#endpoint-secret").AttrOr("value", "")
	if !strings.HasPrefix(secret, "whsec_") {
		b.t.Fatalf("secret %q", secret)
	}
	return r.location(), secret
}

func TestEndpointFormKeepsInputAndSaysWhatIsWrong(t *testing.T) {
	app := mustApp(t)
	owner := app.browser()
	owner.mustSignup("Acme", "olga@acme.test")
	for _, tc := range []struct {
		url    string
		events []string
		field  string
		want   string
	}{
		{"http://crm.example.com/hook", []string{models.HookClientCreated}, "url", "Use https"},
		{"crm.example.com/hook", []string{models.HookClientCreated}, "url", "full URL"},
		{"https://crm.example.com/hook", nil, "events", "at least one"},
		{"https://crm.example.com/hook", []string{"client.exploded"}, "events", "from the list"},
	} {
		r := owner.post("/settings/endpoints", url.Values{"url": {tc.url}, "events": tc.events})
		if r.status != http.StatusUnprocessableEntity {
			t.Fatalf("%s %v: status %d", tc.url, tc.events, r.status)
		}
		if got := r.text("[data-testid=error-" + tc.field + "]"); !strings.Contains(got, tc.want) {
			t.Errorf("%s %v: %s error %q, want %q", tc.url, tc.events, tc.field, got, tc.want)
		}
		if got := r.doc.Find("#f-url").AttrOr("value", ""); got != tc.url {
			t.Errorf("typed URL not kept: %q", got)
		}
		if r.doc.Find("[data-testid=error-summary]").Length() != 1 {
			t.Errorf("%s: no error summary", tc.url)
		}
	}
	// A server reached on a public address posts to nothing on its own machine.
	app.store.LoopbackEndpoints = false
	if r := owner.post("/settings/endpoints", url.Values{"url": {"http://127.0.0.1:9000/admin"}, "events": {models.HookClientCreated}}); r.status != http.StatusUnprocessableEntity ||
		!strings.Contains(r.text("[data-testid=error-url]"), "own machine") {
		t.Errorf("a loopback endpoint on a public server: %d %q", r.status, r.text("[data-testid=error-url]"))
	}
	app.store.LoopbackEndpoints = true
	// Another organisation's endpoint is not found.
	path, _ := owner.mustEndpoint("https://crm.example.com/hook", models.HookClientCreated)
	other := app.browser()
	other.mustSignup("Other", "otto@other.test")
	for _, p := range []string{path, path + "/test", path + "/delete"} {
		var r response
		if strings.HasSuffix(p, path) {
			r = other.get(p)
		} else {
			r = other.post(p, url.Values{})
		}
		if r.status != http.StatusNotFound {
			t.Errorf("%s by another organisation: %d, want 404", p, r.status)
		}
	}
	// An agent does not manage endpoints.
	agent := app.browser()
	if r := agent.post(owner.mustInvite("ana@acme.test", models.RoleAgent), url.Values{"name": {"Ana"}, "password": {"another good password"}}); r.status != http.StatusSeeOther {
		t.Fatalf("join: %d", r.status)
	}
	if r := agent.get("/settings/endpoints"); r.status != http.StatusForbidden {
		t.Errorf("agent opens the endpoints page: %d", r.status)
	}
}

// TestWebhooksFollowAnAPIJourney: an endpoint added on the page receives,
// signed, every event of a client followed to Active through the API, in
// the order they happened, each valid against the OpenAPI document's
// webhooks; a failing answer is retried and shown in the delivery log,
// and "send test event" and "redeliver" work.
func TestWebhooksFollowAnAPIJourney(t *testing.T) {
	app := mustApp(t)
	owner := app.browser()
	owner.mustSignup("Acme", "olga@acme.test")
	recv := newHookReceiver(t)
	epPath, secret := owner.mustEndpoint(recv.srv.URL+"/wabadesk", models.HookEvents...)
	api := app.api(t, owner.mustKey("CRM sync", "agent"))

	var cl apiClientJSON
	api.do(http.MethodPost, "/clients", map[string]any{"name": "Padaria", "project_id": projectA, "business_manager_id": "123456789",
		"waba_name": "Padaria Ltda", "sender_display_name": "Padaria", "business_category": "FOOD_AND_GROCERY", "submit": true}).json(t, &cl)
	id := "/clients/" + itoa(cl.ID)
	app.sync()
	app.sb.Approve(projectA)
	app.sync()
	var link struct{ URL string }
	api.do(http.MethodPost, id+"/links", map[string]any{"days": 7}).json(t, &link)
	app.visitor("en").get(strings.TrimPrefix(link.URL, app.srv.URL))
	if err := app.store.FlushOpens(context.Background()); err != nil {
		t.Fatal(err)
	}
	var snd struct{ ID int64 }
	api.do(http.MethodPost, id+"/senders", map[string]any{"country_code": "55", "phone_number": "11987654321", "submit": true}).json(t, &snd)
	sid := id + "/senders/" + itoa(snd.ID)
	app.sync()
	api.do(http.MethodPost, sid+"/otp", map[string]any{"method": "SMS"})
	api.do(http.MethodPost, sid+"/verify", map[string]any{"code": "123456"})
	app.sync()
	app.deliver()

	var types, stages []string
	for _, h := range recv.received() {
		e := checkHook(t, api.doc, secret, h)
		types = append(types, e.Type)
		if e.Type == models.HookClientStageChanged {
			var d struct{ Client struct{ Stage string } }
			_ = json.Unmarshal(e.Data, &d)
			stages = append(stages, d.Client.Stage)
		}
	}
	for _, want := range []string{models.HookClientCreated, models.HookClientStageChanged, models.HookLinkOpened,
		models.HookSenderStateChanged, models.HookOTPVerified} {
		if !strings.Contains(strings.Join(types, " "), want) {
			t.Errorf("no %s among %v", want, types)
		}
	}
	if types[0] != models.HookClientCreated {
		t.Errorf("first event %s, want client.created", types[0])
	}
	// One client's events come in the order its stages followed each other.
	want := []string{"queued", "preparing", "meta_approval", "onboarded", "sender_review", "verification", "active"}
	if got := strings.Join(stages, ","); !strings.HasSuffix(got, "active") || !inOrder(stages, want) {
		t.Errorf("stage changes arrived as %v", stages)
	}

	// The receiver breaks: the test event is retried and the log says why.
	recv.mu.Lock()
	recv.code = http.StatusBadGateway
	recv.mu.Unlock()
	if r := owner.post(epPath+"/test", url.Values{}); r.status != http.StatusSeeOther {
		t.Fatalf("send test event: %d", r.status)
	}
	app.deliver()
	page := owner.get(epPath)
	if got := page.text("[data-testid=delivery-row] [data-testid=delivery-status]"); got != "HTTP 502" {
		t.Errorf("the latest delivery's answer reads %q, want HTTP 502", got)
	}
	if got := page.text("[data-testid=delivery-row] [data-testid=delivery-state]"); !strings.HasPrefix(got, "Retrying") {
		t.Errorf("the latest delivery is %q, want Retrying", got)
	}
	if got := page.text("[data-testid=endpoint-status]"); !strings.HasPrefix(got, "Failing since") {
		t.Errorf("endpoint status %q", got)
	}
	recv.mu.Lock()
	recv.code = 0
	recv.mu.Unlock()
	redeliver := page.doc.Find("[data-testid=delivery-row] form").First().AttrOr("action", "")
	if r := owner.post(redeliver, url.Values{}); r.status != http.StatusSeeOther {
		t.Fatalf("redeliver: %d", r.status)
	}
	app.deliver()
	page = owner.get(epPath)
	if got := page.text("[data-testid=delivery-row] [data-testid=delivery-state]"); got != "Delivered" {
		t.Errorf("after redelivery the test event is %q", got)
	}
	last := recv.received()[len(recv.received())-1]
	if !strings.Contains(string(last.body), `"type":"test"`) {
		t.Errorf("the redelivered body is %s", last.body)
	}
}

// inOrder reports whether got lists its stages in want's order.
func inOrder(got, want []string) bool {
	pos := -1
	for _, g := range got {
		i := -1
		for j, w := range want {
			if w == g {
				i = j
			}
		}
		if i < pos {
			return false
		}
		pos = i
	}
	return true
}
