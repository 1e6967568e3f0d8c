package provisioning_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"wabadesk/provisioning"
	"wabadesk/provisioning/sandbox"
)

const (
	testKey    = "key-1"
	testSecret = "secret-1"
	testOTP    = "123456"
)

// clock is a settable fake clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// env is a sandbox behind a real HTTP server and a client pointed at it.
type env struct {
	t        *testing.T
	sb       *sandbox.Sandbox
	srv      *httptest.Server
	clock    *clock
	client   *provisioning.Client
	requests atomic.Int64 // API requests that reached the server
	tokens   atomic.Int64 // token requests
	sleeps   []time.Duration
	mu       sync.Mutex
}

type envOption func(*sandbox.Options, *provisioning.Config)

func newEnv(t *testing.T, opts ...envOption) *env {
	t.Helper()
	e := &env{t: t, clock: &clock{t: time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)}}
	so := sandbox.Options{
		Keys: map[string]string{testKey: testSecret}, Delays: &sandbox.Delays{}, Now: e.clock.Now,
		OTP: func() string { return testOTP }, CallbackBackoff: func(int) time.Duration { return time.Millisecond },
	}
	cfg := provisioning.Config{KeyID: testKey, KeySecret: testSecret, Now: e.clock.Now,
		Sleep: e.recordSleep, HTTPClient: &http.Client{Timeout: 5 * time.Second}}
	for _, o := range opts {
		o(&so, &cfg)
	}
	e.sb = sandbox.New(so)
	e.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/oauth2/token" {
			e.tokens.Add(1)
		} else {
			e.requests.Add(1)
		}
		e.sb.ServeHTTP(w, r)
	}))
	t.Cleanup(func() { e.srv.Close(); e.sb.Close() })
	cfg.BaseURL, cfg.TokenURL = e.srv.URL, e.srv.URL+"/oauth2/token"
	e.client = provisioning.New(cfg)
	return e
}

func withOAuth2() envOption {
	return func(_ *sandbox.Options, c *provisioning.Config) { c.Auth = provisioning.AuthOAuth2 }
}

func (e *env) recordSleep(ctx context.Context, d time.Duration) error {
	e.mu.Lock()
	e.sleeps = append(e.sleeps, d)
	e.mu.Unlock()
	return ctx.Err()
}

// receiver is a webhook target that records verified callbacks.
type receiver struct {
	srv    *httptest.Server
	mu     sync.Mutex
	got    []provisioning.Callback
	fail   atomic.Int64 // answer 500 to this many calls first
	secret string
	errs   []error
}

func newReceiver(t *testing.T, secret string, now func() time.Time) *receiver {
	rc := &receiver{secret: secret}
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rc.fail.Add(-1) >= 0 {
			http.Error(w, "down", http.StatusInternalServerError)
			return
		}
		body, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		defer rc.mu.Unlock()
		if err := provisioning.VerifySignature(rc.secret, r.Header, body, now()); err != nil {
			rc.errs = append(rc.errs, err)
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		cb, err := provisioning.ParseCallback(body)
		if err != nil {
			rc.errs = append(rc.errs, err)
		}
		rc.got = append(rc.got, cb)
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *receiver) types() []provisioning.Trigger {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	var out []provisioning.Trigger
	for _, c := range rc.got {
		out = append(out, c.Type)
	}
	return out
}

func must[T any](t *testing.T) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return v
	}
}

func mustOK(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
}

// wantCode asserts err is an APIError with status and errorCode.
func wantCode(t *testing.T, err error, status int, code string) *provisioning.APIError {
	t.Helper()
	ae, ok := err.(*provisioning.APIError)
	if !ok {
		t.Fatalf("want APIError %d %s, got %T %v", status, code, err, err)
	}
	if ae.StatusCode != status || ae.ErrorCode != code {
		t.Fatalf("want %d %s, got %d %s (%s)", status, code, ae.StatusCode, ae.ErrorCode, ae.Message)
	}
	if ae.Message == "" || ae.Resolution == "" {
		t.Fatalf("error %s lacks message or resolution: %+v", code, ae)
	}
	return ae
}

var ctx = context.Background()

func partnerAccount() provisioning.CreateAccountRequest {
	return provisioning.CreateAccountRequest{
		WabaName: "Acme Ltd", ClientBusinessManagerID: "1234567890", BusinessManager: provisioning.SinchUK,
		SenderDetails: provisioning.AccountSenderDetails{DisplayName: "Acme", BusinessCategory: "PROFESSIONAL_SERVICES", Region: "EU", MetaLocalStorage: "DE"},
	}
}

func customerSender(number string) provisioning.CreateSenderRequest {
	return provisioning.CreateSenderRequest{PhoneNumberProvider: provisioning.ProviderCustomer,
		Details: provisioning.CreateSenderDetails{DisplayName: "Acme Support", Vertical: "PROFESSIONAL_SERVICES",
			CountryCode: "48", PhoneNumber: number, Email: "help@acme.test", WebsiteOne: "https://acme.test", About: "We help."}}
}

// onboarded creates an account and approves it at the Meta stand-in.
func (e *env) onboarded(project string) {
	e.t.Helper()
	if _, err := e.client.CreateAccount(ctx, project, partnerAccount()); err != nil {
		e.t.Fatal(err)
	}
	e.sb.Advance()
	if err := e.sb.Approve(project); err != nil {
		e.t.Fatal(err)
	}
}

type sandboxOptions = sandbox.Options
