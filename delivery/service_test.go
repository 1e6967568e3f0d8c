package delivery_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"wabadesk/delivery"
	"wabadesk/models"
	"wabadesk/models/modelstest"
)

// receiver is the reseller's endpoint: it checks every signature with the
// documented algorithm and answers with the status fail returns.
type receiver struct {
	t      *testing.T
	srv    *httptest.Server
	secret string
	clock  *modelstest.Clock
	mu     sync.Mutex
	got    []delivery.Envelope // accepted, in arrival order
	posts  int
	fail   func(e delivery.Envelope) int // 0: accept
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	if err := delivery.Verify(r.secret, req.Header.Get(delivery.SignatureHeader), body, r.clock.Now(), 5*time.Minute); err != nil {
		r.t.Errorf("delivery with a bad signature: %v", err)
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	var e delivery.Envelope
	if err := json.Unmarshal(body, &e); err != nil {
		r.t.Errorf("delivery is not JSON: %v", err)
	}
	if req.Header.Get("X-Wabadesk-Event") != e.Type {
		r.t.Errorf("X-Wabadesk-Event %q for a %s event", req.Header.Get("X-Wabadesk-Event"), e.Type)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.posts++
	if r.fail != nil {
		if code := r.fail(e); code != 0 {
			w.WriteHeader(code)
			_, _ = w.Write([]byte("not now"))
			return
		}
	}
	r.got = append(r.got, e)
}

func (r *receiver) events() []delivery.Envelope {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]delivery.Envelope(nil), r.got...)
}

type env struct {
	t     *testing.T
	store *models.Store
	svc   *delivery.Service
	clock *modelstest.Clock
	org   models.Organisation
	owner models.User
	recv  *receiver
	ep    models.Endpoint
}

func newEnv(t *testing.T, events ...string) *env {
	t.Helper()
	e := &env{t: t, clock: modelstest.NewClock(time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))}
	e.store = models.NewStore(modelstest.Open(t))
	e.store.Now, e.store.PasswordCost = e.clock.Now, bcrypt.MinCost
	e.store.LoopbackEndpoints = true // the receiver is an httptest server
	key, _ := models.ParseKey(strings.Repeat("5e", 32))
	e.store.Cipher, _ = models.NewCipher(key)
	if err := e.store.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.store.Close() })
	var err error
	e.org, e.owner, err = e.store.CreateOrganisation(t.Context(), models.SignUp{OrganisationName: "Acme Messaging", Name: "Ana Lima",
		Email: "ana@acme.test", Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	e.recv = &receiver{t: t, clock: e.clock}
	e.recv.srv = httptest.NewServer(e.recv)
	t.Cleanup(e.recv.srv.Close)
	if len(events) == 0 {
		events = models.HookEvents
	}
	e.ep, err = e.store.CreateEndpoint(t.Context(), e.org.ID, models.EndpointInput{URL: e.recv.srv.URL + "/hooks", Events: events})
	if err != nil {
		t.Fatal(err)
	}
	if e.recv.secret, err = e.store.EndpointSecret(e.ep); err != nil {
		t.Fatal(err)
	}
	e.svc = delivery.New(e.store)
	e.svc.Now, e.svc.Backoff = e.clock.Now, time.Minute
	return e
}

// run delivers what is due now, as Run would.
func (e *env) run() {
	e.t.Helper()
	for e.svc.RunOnce(e.t.Context()) > 0 {
	}
}

func (e *env) client(name string) models.Client {
	e.t.Helper()
	c, err := e.store.CreateClient(e.t.Context(), e.org.ID, e.owner, models.ClientInput{Name: name}, false)
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

func (e *env) move(c models.Client, a models.AccountStage) {
	e.t.Helper()
	if _, err := e.store.ChangeClient(e.t.Context(), e.org.ID, c.ID, func(c *models.Client) ([]models.Event, error) {
		c.AccountStage = a
		return nil, nil
	}); err != nil {
		e.t.Fatal(err)
	}
}

func types(es []delivery.Envelope) []string {
	var out []string
	for _, e := range es {
		d, _ := json.Marshal(e.Data)
		var data struct {
			Client struct{ Name, Stage string }
		}
		_ = json.Unmarshal(d, &data)
		out = append(out, e.Type+" "+data.Client.Name+" "+data.Client.Stage)
	}
	return out
}

func TestEventsArriveSignedAndInOrderPerClientDespiteRetries(t *testing.T) {
	e := newEnv(t)
	// The receiver refuses Padaria's first event twice; Bar's go through.
	refused := 0
	e.recv.fail = func(ev delivery.Envelope) int {
		if strings.Contains(string(mustJSON(ev.Data)), "Padaria") && ev.Type == models.HookClientCreated && refused < 2 {
			refused++
			return http.StatusServiceUnavailable
		}
		return 0
	}
	padaria := e.client("Padaria")
	e.move(padaria, models.AccountQueued)
	bar := e.client("Bar")
	e.run()
	if got := types(e.recv.events()); strings.Join(got, "|") != "client.created Bar draft" {
		t.Fatalf("after the first round: %v; want only Bar's event (Padaria's first failed, its second waits)", got)
	}
	e.clock.Advance(59 * time.Second) // backoff is a minute
	e.run()
	if n := len(e.recv.events()); n != 1 {
		t.Fatalf("retried before the backoff: %d events", n)
	}
	e.clock.Advance(time.Second)
	e.run() // second failure: the next wait is two minutes
	e.clock.Advance(2 * time.Minute)
	e.run()
	want := []string{"client.created Bar draft", "client.created Padaria draft", "client.stage_changed Padaria queued"}
	if got := types(e.recv.events()); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("events %v, want %v", got, want)
	}
	_ = bar
	ds, err := e.store.Deliveries(t.Context(), e.org.ID, e.ep.ID, 10)
	if err != nil {
		t.Fatal(err)
	}
	attempts := 0
	for _, d := range ds {
		if d.State != models.DeliveryDelivered {
			t.Errorf("delivery %s is %s", d.Type, d.State)
		}
		attempts += d.Attempts
	}
	if attempts != 5 {
		t.Errorf("%d attempts in the log, want 5 (3 events, 2 refused)", attempts)
	}
}

func mustJSON(v any) []byte { b, _ := json.Marshal(v); return b }

func TestOnlyWantedEventsAndOnlyTheTenantsEndpoints(t *testing.T) {
	e := newEnv(t, models.HookClientStageChanged)
	other, otherOwner, err := e.store.CreateOrganisation(t.Context(), models.SignUp{OrganisationName: "Other", Name: "Olga",
		Email: "olga@other.test", Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	c := e.client("Padaria")
	e.move(c, models.AccountQueued)
	theirs, err := e.store.CreateClient(t.Context(), other.ID, otherOwner, models.ClientInput{Name: "Theirs"}, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.ChangeClient(t.Context(), other.ID, theirs.ID, func(c *models.Client) ([]models.Event, error) {
		c.AccountStage = models.AccountQueued
		return nil, nil
	}); err != nil {
		t.Fatal(err)
	}
	e.run()
	want := "client.stage_changed Padaria queued"
	if got := types(e.recv.events()); strings.Join(got, "|") != want {
		t.Fatalf("events %v, want only %q", got, want)
	}
	if o := e.recv.events()[0].Organisation; o != e.org.ID {
		t.Errorf("organisation %d, want %d", o, e.org.ID)
	}
}

func TestFailingEndpointGivesUpAfterADayAndIsDisabledWithOwnersTold(t *testing.T) {
	e := newEnv(t)
	e.recv.fail = func(delivery.Envelope) int { return http.StatusInternalServerError }
	e.client("Padaria")
	e.run()
	for range 30 { // an hour apart at most: 25 hours of retries
		e.clock.Advance(time.Hour)
		e.run()
	}
	ds, err := e.store.Deliveries(t.Context(), e.org.ID, e.ep.ID, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 1 || ds[0].State != models.DeliveryFailed || ds[0].LastStatus != 500 {
		t.Fatalf("deliveries %+v, want one failed with 500", ds)
	}
	ep, err := e.store.EndpointByID(t.Context(), e.org.ID, e.ep.ID)
	if err != nil {
		t.Fatal(err)
	}
	if ep.Enabled || !strings.Contains(ep.DisabledReason, "HTTP 500") {
		t.Fatalf("endpoint enabled=%v reason=%q, want disabled saying HTTP 500", ep.Enabled, ep.DisabledReason)
	}
	mails, err := e.store.Mails(t.Context(), e.org.ID, []string{models.MailEndpointDisabled}, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(mails) != 1 || mails[0].To != "ana@acme.test" {
		t.Fatalf("mails %+v, want one to the owner", mails)
	}
	// Disabled: new events are not even queued, and nothing is posted.
	posts := e.recv.posts
	e.client("Bar")
	e.clock.Advance(time.Hour)
	e.run()
	if e.recv.posts != posts {
		t.Errorf("a disabled endpoint got %d more posts", e.recv.posts-posts)
	}
	// Redeliver after the receiver is fixed: the same event, same id.
	e.recv.fail = nil
	if _, err := e.store.UpdateEndpoint(t.Context(), e.org.ID, e.ep.ID, models.EndpointInput{URL: ep.URL, Events: models.HookEvents}, true); err != nil {
		t.Fatal(err)
	}
	if err := e.store.Redeliver(t.Context(), e.org.ID, e.ep.ID, ds[0].ID); err != nil {
		t.Fatal(err)
	}
	e.run()
	got := e.recv.events()
	if len(got) != 1 || got[0].ID != ds[0].EventID {
		t.Fatalf("after redelivery got %v, want the event %s", types(got), ds[0].EventID)
	}
}

func TestSignatureVerification(t *testing.T) {
	body := []byte(`{"id":"evt_1"}`)
	now := time.Unix(1_800_000_000, 0)
	h := delivery.Sign("whsec_x", now.Unix(), body)
	if err := delivery.Verify("whsec_x", h, body, now.Add(time.Minute), 5*time.Minute); err != nil {
		t.Fatalf("own signature refused: %v", err)
	}
	for name, tc := range map[string]struct {
		secret, header string
		body           []byte
		at             time.Time
	}{
		"other secret": {"whsec_y", h, body, now},
		"changed body": {"whsec_x", h, []byte(`{"id":"evt_2"}`), now},
		"too old":      {"whsec_x", h, body, now.Add(10 * time.Minute)},
		"no v1":        {"whsec_x", "t=1800000000", body, now},
	} {
		if err := delivery.Verify(tc.secret, tc.header, tc.body, tc.at, 5*time.Minute); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestNoDeliveriesIntoPrivateNetworks(t *testing.T) {
	c := delivery.NewClient(false)
	local := httptest.NewServer(http.NotFoundHandler())
	defer local.Close()
	for _, u := range []string{"http://10.1.2.3/x", "http://169.254.169.254/latest/meta-data", "http://192.168.1.1/",
		"http://100.100.100.200/latest/meta-data", "http://[64:ff9b::a01:203]/", local.URL} {
		res, err := c.Get(u)
		if err == nil {
			res.Body.Close()
			t.Errorf("%s: reached", u)
		} else if !strings.Contains(err.Error(), "refused") {
			t.Errorf("%s: %v, want refused", u, err)
		}
	}
}
