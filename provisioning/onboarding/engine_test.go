package onboarding_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"wabadesk/models"
	"wabadesk/models/modelstest"
	"wabadesk/provisioning"
	"wabadesk/provisioning/onboarding"
	"wabadesk/provisioning/sandbox"
)

// engine is a Service on a real database and the sandbox over real HTTP,
// all on one fake clock.
type engine struct {
	t     testing.TB
	svc   *onboarding.Service
	store *models.Store
	sb    *sandbox.Sandbox
	conn  onboarding.Connection
	clock *fakeClock
	start time.Time    // the fake clock's first reading
	calls atomic.Int64 // Sinch API requests made
	org   models.Organisation
	owner models.User
}

type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// countingTransport counts the requests that reach the sandbox.
type countingTransport struct{ n *atomic.Int64 }

func (t countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	t.n.Add(1)
	return http.DefaultTransport.RoundTrip(r)
}

func mustEngine(t testing.TB) *engine {
	t.Helper()
	start := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	e := &engine{t: t, clock: &fakeClock{now: start}, start: start}
	e.store = models.NewStore(modelstest.Open(t))
	e.store.Now, e.store.PasswordCost = e.clock.Now, bcrypt.MinCost
	key, _ := models.ParseKey(strings.Repeat("5e", 32))
	e.store.Cipher, _ = models.NewCipher(key) // webhook secrets are sealed
	if err := e.store.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	e.sb = sandbox.New(sandbox.Options{Keys: map[string]string{"k": "s"}, Delays: &sandbox.Delays{}, Now: e.clock.Now})
	srv := httptest.NewServer(e.sb)
	t.Cleanup(func() { srv.Close(); e.sb.Close(); e.store.Close() })
	client := provisioning.New(provisioning.Config{BaseURL: srv.URL, KeyID: "k", KeySecret: "s",
		HTTPClient: &http.Client{Transport: countingTransport{&e.calls}, Timeout: 10 * time.Second},
		Sleep:      func(context.Context, time.Duration) error { return nil }})
	e.conn = onboarding.Connection{Client: client, MetaBase: srv.URL + "/meta", Sandbox: true}
	e.svc = e.newService("worker-a")
	var err error
	e.org, e.owner, err = e.store.CreateOrganisation(context.Background(), models.SignUp{OrganisationName: "Acme",
		Name: "Ana", Email: "ana@acme.test", Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// newService is another process on the same database and Sinch.
func (e *engine) newService(id string) *onboarding.Service {
	svc := onboarding.New(e.store, func(context.Context, int64) (onboarding.Connection, error) { return e.conn, nil })
	svc.Now, svc.ID, svc.Backoff = e.clock.Now, id, func(int) time.Duration { return time.Second }
	svc.TenantRate = 1000
	return svc
}

// mustClient stores a client as "Save and submit" does: recorded as
// submitting, no call made yet.
func (e *engine) mustClient(i int, submit bool) models.Client {
	e.t.Helper()
	c, err := e.store.CreateClient(context.Background(), e.org.ID, e.owner, models.ClientInput{Name: fmt.Sprintf("Client %d", i),
		ProjectID: fmt.Sprintf("%08d-0000-4000-8000-000000000000", i), BusinessManagerID: fmt.Sprint(1000000 + i),
		WabaName: "Acme Ltd", SenderDisplayName: "Acme", BusinessCategory: "OTHER"}, submit)
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

func (e *engine) run() {
	e.t.Helper()
	if _, err := e.svc.RunOnce(context.Background()); err != nil {
		e.t.Fatal(err)
	}
}

// inStage counts the clients among ids that are in stage.
func (e *engine) inStage(ids []int64, stage models.Stage) int {
	n := 0
	for _, id := range ids {
		if e.client(id).Stage == stage {
			n++
		}
	}
	return n
}

func (e *engine) client(id int64) models.Client {
	e.t.Helper()
	c, err := e.store.ClientByID(context.Background(), e.org.ID, id)
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// expectOneAccount checks Sinch has the client's account, created once.
func (e *engine) expectOneAccount(c models.Client, creates int) {
	e.t.Helper()
	st := e.sb.Stats()
	if _, ok := e.sb.Account(c.ProjectID); !ok {
		e.t.Fatalf("no account at Sinch for %s", c.ProjectID)
	}
	if st.CreatesReceived != creates || st.CreatesRefusedExisting != 0 {
		e.t.Fatalf("sandbox saw %d creates (%d refused as existing), want %d and 0", st.CreatesReceived, st.CreatesRefusedExisting, creates)
	}
	if got := e.client(c.ID).AccountStage; got != models.AccountPreparing && got != models.AccountPendingMeta {
		e.t.Fatalf("client stage %s after its account was created", got)
	}
}

// A process killed after recording a submission, before calling Sinch:
// its lease runs out, and another worker makes the call, once.
func TestKillBetweenIntentAndCall(t *testing.T) {
	e := mustEngine(t)
	c := e.mustClient(1, true)
	if ok, _ := e.store.LeaseClient(t.Context(), e.org.ID, c.ID, "dead-worker", 45*time.Second); !ok {
		t.Fatal("lease not taken")
	}
	e.run()
	if st := e.sb.Stats(); st.CreatesReceived != 0 {
		t.Fatal("a leased submission was sent while its lease was live")
	}
	if got := e.client(c.ID).Stage.Label(); got != "Submitting to Sinch" {
		t.Fatalf("stage while the submission waits: %q", got)
	}
	e.clock.Advance(46 * time.Second)
	e.run()
	e.expectOneAccount(c, 1)
	events, err := e.store.Events(t.Context(), e.org.ID, c.ID, 20)
	if err != nil {
		t.Fatal(err)
	}
	submitted := 0
	for _, ev := range events {
		if strings.HasPrefix(ev.Title, "Submitted to Sinch") {
			submitted++
			if ev.Source != models.SourceSystem || ev.Actor != "" {
				t.Fatalf("the worker's submission is attributed to %s %q", ev.Source, ev.Actor)
			}
		}
	}
	if submitted != 1 {
		t.Fatalf("%d \"Submitted to Sinch\" events, want 1", submitted)
	}
}

// A process killed after Sinch created the account, before recording it:
// the retry reads Sinch first and adopts the account instead of creating.
func TestKillBetweenCallAndOutcome(t *testing.T) {
	e := mustEngine(t)
	c := e.mustClient(2, true)
	e.store.LeaseClient(t.Context(), e.org.ID, c.ID, "dead-worker", 45*time.Second)
	// What attemptSubmit records before sending, then the call itself.
	if _, err := e.store.ChangeClient(t.Context(), e.org.ID, c.ID, func(m *models.Client) ([]models.Event, error) {
		m.OutcomeUnknown = true
		return nil, nil
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.conn.Client.CreateAccount(t.Context(), c.ProjectID, provisioning.CreateAccountRequest{WabaName: "Acme Ltd",
		ClientBusinessManagerID: c.BusinessManagerID, SenderDetails: provisioning.AccountSenderDetails{DisplayName: "Acme", BusinessCategory: "OTHER"}}); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(46 * time.Second)
	e.run()
	e.expectOneAccount(c, 1)
	if e.client(c.ID).OutcomeUnknown {
		t.Fatal("the outcome is still unknown after adopting the account")
	}
}

// A browser that gives up: the call goes on detached from the request and
// its outcome is recorded; the page was told the work continues.
func TestCancelledRequestStillSubmitsOnce(t *testing.T) {
	e := mustEngine(t)
	e.sb.SetFaults(sandbox.Faults{Latency: 300 * time.Millisecond})
	c := e.mustClient(3, false)
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	_, err := e.svc.SubmitClient(ctx, e.org.ID, c.ID, "Ana")
	if !errors.Is(err, onboarding.ErrInProgress) {
		t.Fatalf("submit on a request that gave up: %v, want ErrInProgress", err)
	}
	e.svc.Wait()
	e.expectOneAccount(c, 1)
	e.sb.SetFaults(sandbox.Faults{})
	e.run() // nothing left to submit
	e.expectOneAccount(c, 1)
}

// Work Sinch refuses for good is parked with a reason and holds no slot:
// the organisation's other clients are synced in the same pass.
func TestUnsyncableClientNeverBlocksItsOrganisation(t *testing.T) {
	e := mustEngine(t)
	e.svc.Workers, e.svc.TenantConcurrency = 1, 1
	bad := e.mustClient(10, false) // Sinch has no account for it, but we think it has one
	var good []models.Client
	for i := range 8 {
		good = append(good, e.mustClient(20+i, true))
	}
	draft := e.mustClient(40, false)
	e.store.ChangeClient(t.Context(), e.org.ID, bad.ID, func(m *models.Client) ([]models.Event, error) {
		m.AccountStage = models.AccountPreparing
		m.NextSyncAt = ptr(e.clock.Now().Add(-time.Hour)) // longest waiting: first in line
		return nil, nil
	})
	e.run()
	for _, g := range good {
		if got := e.client(g.ID).AccountStage; got == models.AccountQueued {
			t.Fatalf("%s still %s behind the unsyncable client", g.Name, got)
		}
	}
	b := e.client(bad.ID)
	if b.ParkedReason == "" || !e.store.NeedsAttention(b) {
		t.Fatalf("the unsyncable client is not parked: %+v", b.Outbox)
	}
	if d := e.client(draft.ID); d.NextSyncAt != nil {
		t.Fatalf("a draft is due at %v", d.NextSyncAt)
	}
	stats, err := e.store.QueueStats(t.Context(), e.org.ID)
	if err != nil || len(stats) != 1 || stats[0].Parked != 1 || stats[0].Due != 0 {
		t.Fatalf("queue stats %+v, %v: want 1 parked, 0 due", stats, err)
	}
	before := e.calls.Load()
	e.run()
	if e.calls.Load() != before {
		t.Fatal("parked or scheduled work was tried again at once")
	}
}

// Two processes on one database (PostgreSQL in CI's second pass) share a
// burst of recorded submissions: each is sent exactly once.
func TestTwoWorkersNeverRunOneIntentTwice(t *testing.T) {
	e := mustEngine(t)
	const n = 30
	for i := range n {
		e.mustClient(100+i, true)
	}
	a, b := e.newService("worker-a"), e.newService("worker-b")
	var wg sync.WaitGroup
	for _, svc := range []*onboarding.Service{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 5 { // repeated passes race for the same due rows
				if _, err := svc.RunOnce(context.Background()); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	st := e.sb.Stats()
	if st.CreatesReceived != n || st.CreatesRefusedExisting != 0 || st.Accounts != n {
		t.Fatalf("sandbox: %+v, want %d creates, none refused, %d accounts", st, n, n)
	}
}

func ptr[T any](v T) *T { return &v }

// BenchmarkIdlePolling measures the polling budget: Sinch calls per idle
// client per hour over a simulated day, with working webhooks and without.
// Idle is Onboarded, or waiting at Meta (where clients spend days).
func BenchmarkIdlePolling(b *testing.B) {
	for _, hasWebhook := range []bool{true, false} {
		for _, idle := range []models.Stage{models.StageOnboarded, models.StageMetaApproval} {
			name := map[bool]string{true: "webhooks", false: "no-webhooks"}[hasWebhook] + "/" + string(idle)
			b.Run(name, func(b *testing.B) {
				for range b.N {
					b.ReportMetric(idlePolling(b, hasWebhook, idle), "calls/client/h")
				}
			})
		}
	}
}

// restartDistrustForTest is onboarding's restartDistrust, plus a minute.
const restartDistrustForTest = 16 * time.Minute

func idlePolling(b *testing.B, hasWebhook bool, idle models.Stage) float64 {
	e := mustEngine(b)
	if hasWebhook {
		e.svc.WebhookBase = "http://127.0.0.1:9/webhooks/sinch/" // registered; deliveries need not arrive
	}
	const n = 20
	ids, projects := make([]int64, n), make([]string, n)
	for i := range n {
		c := e.mustClient(i, true)
		ids[i], projects[i] = c.ID, c.ProjectID
	}
	// Settle first, inside the distrust of webhooks after a start, so no
	// missed callback is recorded (deliveries to port 9 never arrive).
	for e.inStage(ids, idle) < n && e.clock.Now().Before(e.start.Add(restartDistrustForTest)) {
		e.clock.Advance(time.Minute)
		e.sb.Advance()
		e.run()
		for _, p := range projects {
			if idle == models.StageOnboarded {
				_ = e.sb.Approve(p) // an error: not waiting at Meta (yet or any more)
			}
		}
	}
	if got := e.inStage(ids, idle); got < n {
		b.Fatalf("%d of %d clients %s before measuring", got, n, idle)
	}
	e.clock.Advance(restartDistrustForTest)
	e.run()
	e.calls.Store(0)
	const hours = 24
	for range hours * 60 {
		e.clock.Advance(time.Minute)
		e.run()
	}
	if got := e.inStage(ids, idle); got < n {
		b.Fatalf("%d of %d clients still %s after the day", got, n, idle)
	}
	return float64(e.calls.Load()) / n / hours
}
