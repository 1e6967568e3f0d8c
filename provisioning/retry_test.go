package provisioning_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"wabadesk/provisioning"
	"wabadesk/provisioning/sandbox"
)

func TestRetry429HonoursRetryAfter(t *testing.T) {
	e := newEnv(t)
	e.onboarded("p")
	e.sb.SetFaults(sandbox.Faults{TooManyRequests: 2, RetryAfter: 7 * time.Second})
	e.requests.Store(0)
	must[*provisioning.Account](t)(e.client.GetAccount(ctx, "p"))
	if got := e.requests.Load(); got != 3 {
		t.Fatalf("want 3 attempts, got %d", got)
	}
	if len(e.sleeps) != 2 || e.sleeps[0] != 7*time.Second || e.sleeps[1] != 7*time.Second {
		t.Fatalf("want two 7s waits from Retry-After, got %v", e.sleeps)
	}
}

func TestRetryServerErrorsAndDroppedConnections(t *testing.T) {
	for name, f := range map[string]sandbox.Faults{
		"5xx":     {ServerErrors: 2},
		"dropped": {DropConnections: 2},
	} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			e.onboarded("p")
			e.sb.SetFaults(f)
			e.requests.Store(0)
			must[*provisioning.Account](t)(e.client.GetAccount(ctx, "p"))
			if got := e.requests.Load(); got != 3 {
				t.Fatalf("want 3 attempts, got %d", got)
			}
			// net/http itself replays an idempotent GET once when a reused
			// connection is closed, so drops may need fewer client retries.
			if len(e.sleeps) < 1 || len(e.sleeps) > 2 {
				t.Fatalf("want 1-2 backoff waits, got %v", e.sleeps)
			}
		})
	}
}

func TestRetryTimeout(t *testing.T) {
	e := newEnv(t, func(_ *sandbox.Options, c *provisioning.Config) {
		c.HTTPClient = &http.Client{Timeout: 50 * time.Millisecond}
	})
	e.onboarded("p")
	e.sb.SetFaults(sandbox.Faults{Latency: 200 * time.Millisecond})
	_, err := e.client.GetAccount(ctx, "p")
	if !provisioning.IsRetryable(err) || !provisioning.IsOutcomeUnknown(err) {
		t.Fatalf("timeout should be retryable with unknown outcome: %v", err)
	}
	var re *provisioning.RequestError
	if !errors.As(err, &re) {
		t.Fatalf("want RequestError, got %T", err)
	}
	if got := e.requests.Load(); got != 1+4 { // the create in onboarded + 4 attempts
		t.Fatalf("want 4 attempts for the GET, server saw %d requests in total", got)
	}
	e.sb.SetFaults(sandbox.Faults{})
	must[*provisioning.Account](t)(e.client.GetAccount(ctx, "p"))
}

func TestRetryGivesUpAfterMaxRetries(t *testing.T) {
	e := newEnv(t, func(_ *sandbox.Options, c *provisioning.Config) { c.MaxRetries = 1 })
	e.onboarded("p")
	e.sb.SetFaults(sandbox.Faults{ServerErrors: 5})
	e.requests.Store(0)
	_, err := e.client.GetAccount(ctx, "p")
	wantCode(t, err, 500, "internal_error")
	if !provisioning.IsRetryable(err) || e.requests.Load() != 2 {
		t.Fatalf("want 2 attempts and a retryable error, got %d, %v", e.requests.Load(), err)
	}
}

// A create that may have reached Sinch is never retried: the caller must
// reconcile first, and finds the account there.
func TestCreateWithUnknownOutcomeIsNotRetried(t *testing.T) {
	for name, f := range map[string]sandbox.Faults{
		"dropped after processing": {DropAfterProcessing: 1},
		"5xx":                      {ServerErrors: 1},
	} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			e.sb.SetFaults(f)
			_, err := e.client.CreateAccount(ctx, "p", partnerAccount())
			if !errors.Is(err, provisioning.ErrOutcomeUnknown) || !provisioning.IsOutcomeUnknown(err) {
				t.Fatalf("want ErrOutcomeUnknown, got %v", err)
			}
			if got := e.requests.Load(); got != 1 {
				t.Fatalf("create was retried: %d requests", got)
			}
			_, getErr := e.client.GetAccount(ctx, "p")
			if name == "dropped after processing" && getErr != nil {
				t.Fatalf("the create took effect, GET should find it: %v", getErr)
			}
		})
	}
}

// A 429 means Sinch refused the create, so retrying it is safe.
func TestCreateRetriedOn429(t *testing.T) {
	e := newEnv(t)
	e.sb.SetFaults(sandbox.Faults{TooManyRequests: 1})
	must[*provisioning.Account](t)(e.client.CreateAccount(ctx, "p", partnerAccount()))
	if e.requests.Load() != 2 {
		t.Fatalf("want 2 requests, got %d", e.requests.Load())
	}
}

func TestConnectionRefusedIsRetryableAndNotSent(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	var sleeps int
	c := provisioning.New(provisioning.Config{BaseURL: url, KeyID: "k", KeySecret: "s",
		Sleep: func(_ ctxT, _ time.Duration) error { sleeps++; return nil }})
	_, err := c.CreateAccount(ctx, "p", partnerAccount())
	if errors.Is(err, provisioning.ErrOutcomeUnknown) || provisioning.IsOutcomeUnknown(err) {
		t.Fatalf("a refused connection never reached Sinch: %v", err)
	}
	if !provisioning.IsRetryable(err) || sleeps != 3 {
		t.Fatalf("want retryable error after 3 retries, got %v after %d", err, sleeps)
	}
}

func TestNonJSONErrorBody(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		_, _ = w.Write([]byte("<html><body>502 Bad Gateway</body></html>\n"))
	}))
	defer srv.Close()
	c := provisioning.New(provisioning.Config{BaseURL: srv.URL, MaxRetries: -1})
	_, err := c.GetAccount(ctx, "p")
	var ae *provisioning.APIError
	if !errors.As(err, &ae) || ae.StatusCode != 502 || ae.ErrorCode != "" || ae.Body == "" || ae.Message == "" {
		t.Fatalf("want 502 APIError with raw body, got %#v", err)
	}
	if !provisioning.IsRetryable(err) {
		t.Fatal("502 should be retryable")
	}
}

func TestDefaultBackoffIsCappedAndJittered(t *testing.T) {
	for n := 1; n < 30; n++ {
		if d := provisioning.DefaultBackoff(n); d <= 0 || d > 10*time.Second+time.Millisecond {
			t.Fatalf("backoff(%d) = %v", n, d)
		}
	}
	seen := map[time.Duration]bool{}
	for range 20 {
		seen[provisioning.DefaultBackoff(3)] = true
	}
	if len(seen) < 2 {
		t.Fatal("backoff has no jitter")
	}
}
