package handlers_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	netmail "net/mail"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/crypto/bcrypt"

	"wabadesk/delivery"
	"wabadesk/handlers"
	"wabadesk/mail"
	"wabadesk/models"
	"wabadesk/models/modelstest"
	"wabadesk/provisioning"
	"wabadesk/provisioning/onboarding"
	"wabadesk/provisioning/sandbox"
)

// testApp is the whole application on a real database (SQLite, or PostgreSQL
// when modelstest.EnvURL is set) behind a real HTTP server, built with the
// same constructor main uses.
type testApp struct {
	t          testing.TB
	srv        *httptest.Server
	store      *models.Store
	sb         *sandbox.Sandbox
	svc        *onboarding.Service
	mail       *mail.Service     // the outbox unless a test points it at its SMTP server
	deliveries *delivery.Service // run by deliver()
	cfg        handlers.Config
}

// twin is a second instance of the app on the same database, as another
// process behind the load balancer would be (its own caches and memory).
func (a *testApp) twin() *testApp {
	b := *a
	b.srv = httptest.NewServer(handlers.New(a.store, a.svc, a.cfg))
	a.t.Cleanup(b.srv.Close)
	return &b
}

// appSetup is what a test may adjust before the app is built.
type appSetup struct {
	cfg     *handlers.Config
	sandbox *sandbox.Options
	// dsn, when set, is an existing PostgreSQL database to share with
	// another instance (instead of a fresh database of the test's own).
	dsn string
	// sinchURL, when set, is another instance's sandbox to talk to.
	sinchURL string
	// metrics counts everything, as main does with --metrics-token.
	metrics bool
}

// withMetrics measures the app and serves /metrics to metricsToken.
func withMetrics(s *appSetup) { s.metrics = true }

const metricsToken = "test-metrics-token-0123"

type appOption func(*appSetup)

func mustApp(t testing.TB, opts ...appOption) *testApp {
	t.Helper()
	setup := appSetup{cfg: &handlers.Config{}, sandbox: &sandbox.Options{}}
	for _, o := range opts { // a dry run, to learn which database to open
		o(&setup)
	}
	db := modelstest.Open(t)
	if setup.dsn != "" {
		var err error
		if db, err = models.OpenPostgres(setup.dsn, models.Pool{MaxOpenConns: 10, MaxIdleConns: 2}); err != nil {
			t.Fatal(err)
		}
	}
	store := models.NewStore(db)
	store.PasswordCost = bcrypt.MinCost
	store.LoopbackEndpoints = true // the receivers are httptest servers
	if err := store.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	cfg := handlers.Config{SessionSecret: []byte("test-secret-test-secret-test-secret!"), SignupOpen: true,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	app := &testApp{t: t, store: store}
	app.srv = httptest.NewServer(nil)
	// The sandbox runs with zero delays; tests move it with sb.Advance().
	sbOpts := sandbox.Options{PublicURL: app.srv.URL + "/sandbox", Keys: map[string]string{"test-key": "test-secret"},
		Delays: &sandbox.Delays{}, OTP: func() string { return "123456" }}
	for _, o := range opts {
		o(&appSetup{cfg: &cfg, sandbox: &sbOpts, dsn: setup.dsn, sinchURL: setup.sinchURL})
	}
	var hc *http.Client
	if setup.metrics {
		cfg.Metrics, cfg.MetricsToken = handlers.NewMetrics(store, "test"), metricsToken
		hc = &http.Client{Transport: cfg.Metrics.SinchTransport(http.DefaultTransport)}
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = app.srv.URL
	}
	app.sb = sandbox.New(sbOpts)
	sinchURL := app.srv.URL + "/sandbox"
	if setup.sinchURL != "" {
		sinchURL = setup.sinchURL
	}
	client := provisioning.New(provisioning.Config{BaseURL: sinchURL, KeyID: "test-key", KeySecret: "test-secret", HTTPClient: hc,
		Sleep: func(context.Context, time.Duration) error { return nil }})
	conn := onboarding.Connection{Client: client, MetaBase: app.sb.MetaRequestsURL(), Sandbox: true}
	key, _ := models.ParseKey(strings.Repeat("5e", 32))
	store.Cipher, _ = models.NewCipher(key)
	conns := onboarding.NewConnections(store, conn)
	conns.Sleep = func(context.Context, time.Duration) error { return nil }
	cfg.Connections = conns
	app.svc = onboarding.New(store, conns.Connect)
	app.svc.Backoff = func(int) time.Duration { return 0 }
	app.svc.WebhookBase = app.srv.URL + "/webhooks/sinch/"
	cfg.Sandbox = app.sb
	app.mail = mail.New(store, mail.Outbox{}, netmail.Address{Name: "wabadesk", Address: "desk@example.com"}, cfg.BaseURL, []byte("test unsubscribe key"))
	// Digests go out after 07:00 UTC by the wall clock; these tests do not
	// cover them (mail's do), and one queued mid-test would top the outbox.
	app.mail.DigestHour = 24
	cfg.Mail = app.mail
	app.deliveries = delivery.New(store)
	cfg.Deliveries = app.deliveries
	if cfg.Metrics != nil {
		app.svc.OnSync, app.mail.OnFinish, app.deliveries.OnFinish = cfg.Metrics.Sync, cfg.Metrics.Mail, cfg.Metrics.Delivery
	}
	app.cfg = cfg
	app.srv.Config.Handler = handlers.New(store, app.svc, cfg)
	t.Cleanup(func() { app.srv.Close(); app.sb.Close(); store.Close() })
	return app
}

// browser is one person with their own cookie jar.
type browser struct {
	t      testing.TB
	app    *testApp
	client *http.Client
}

func (a *testApp) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: a.t, app: a, client: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// response is a finished request with its parsed HTML.
type response struct {
	status int
	header http.Header
	doc    *goquery.Document
}

func (r response) location() string { return r.header.Get("Location") }

// text is the trimmed text of the first match of sel.
func (r response) text(sel string) string { return strings.TrimSpace(r.doc.Find(sel).First().Text()) }

func (b *browser) do(req *http.Request) response {
	b.t.Helper()
	res, err := b.client.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	doc, err := goquery.NewDocumentFromReader(res.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return response{status: res.StatusCode, header: res.Header, doc: doc}
}

func (b *browser) get(path string) response {
	req, _ := http.NewRequest(http.MethodGet, b.app.srv.URL+path, nil)
	return b.do(req)
}

// csrf returns the token the browser's forms would carry.
func (b *browser) csrf() string {
	u, _ := url.Parse(b.app.srv.URL)
	for i := 0; i < 2; i++ {
		for _, c := range b.client.Jar.Cookies(u) {
			if c.Name == "wabadesk_csrf" {
				return c.Value
			}
		}
		b.get("/login") // any page hands out the token cookie
	}
	b.t.Fatal("no CSRF cookie")
	return ""
}

// post submits a form the way the browser would, CSRF token included.
func (b *browser) post(path string, form url.Values) response {
	form.Set("_csrf", b.csrf())
	return b.postRaw(path, form)
}

// postRaw submits exactly form, without adding a token.
func (b *browser) postRaw(path string, form url.Values) response {
	req, _ := http.NewRequest(http.MethodPost, b.app.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// mustSignup creates an organisation and leaves b logged in as its owner.
func (b *browser) mustSignup(org, email string) {
	b.t.Helper()
	r := b.post("/signup", url.Values{"organisation_name": {org}, "name": {"Owner of " + org},
		"email": {email}, "password": {"correct horse battery"}})
	if r.status != http.StatusSeeOther {
		b.t.Fatalf("signup %s: status %d, errors %q", org, r.status, r.text(".error, [data-testid=form-error]"))
	}
}

// mustLogin logs b in.
func (b *browser) mustLogin(email, password string) {
	b.t.Helper()
	r := b.post("/login", url.Values{"email": {email}, "password": {password}})
	if r.status != http.StatusSeeOther {
		b.t.Fatalf("login %s: status %d", email, r.status)
	}
}

func expectStatus(t *testing.T, r response, want int) {
	t.Helper()
	if r.status != want {
		t.Fatalf("status %d, want %d; page: %q", r.status, want, r.text("main"))
	}
}

// tenantOf returns the organisation of the user with email.
func (a *testApp) tenantOf(email string) int64 {
	a.t.Helper()
	u, err := a.store.Authenticate(context.Background(), email, "correct horse battery")
	if err != nil {
		a.t.Fatalf("tenant of %s: %v", email, err)
	}
	return u.OrganisationID
}
