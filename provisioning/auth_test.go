package provisioning_test

import (
	"context"
	"testing"
	"time"

	"wabadesk/provisioning"
	"wabadesk/provisioning/sandbox"
)

type ctxT = context.Context

func TestBasicAuthWrongCredentials(t *testing.T) {
	e := newEnv(t, func(_ *sandbox.Options, c *provisioning.Config) { c.KeySecret = "wrong" })
	_, err := e.client.GetAccount(ctx, "p")
	wantCode(t, err, 401, "unauthorized_error")
	if provisioning.IsRetryable(err) {
		t.Fatal("401 must not be retried")
	}
}

func TestAddKeyAtRuntime(t *testing.T) {
	e := newEnv(t, func(_ *sandbox.Options, c *provisioning.Config) { c.KeyID, c.KeySecret = "tenant-7", "s7" })
	_, err := e.client.ListWebhooks(ctx, "p", provisioning.PageParams{})
	wantCode(t, err, 401, "unauthorized_error")
	e.sb.AddKey("tenant-7", "s7")
	must[*provisioning.WebhookList](t)(e.client.ListWebhooks(ctx, "p", provisioning.PageParams{}))
}

func TestOAuth2TokenIsCachedAndRefreshedOn401(t *testing.T) {
	e := newEnv(t, withOAuth2())
	for range 3 {
		must[*provisioning.WebhookList](t)(e.client.ListWebhooks(ctx, "p", provisioning.PageParams{}))
	}
	if got := e.tokens.Load(); got != 1 {
		t.Fatalf("want 1 token request for 3 calls, got %d", got)
	}
	e.sb.ExpireTokens() // Sinch revoked the token: the next call gets 401 once
	e.requests.Store(0)
	must[*provisioning.WebhookList](t)(e.client.ListWebhooks(ctx, "p", provisioning.PageParams{}))
	if e.tokens.Load() != 2 || e.requests.Load() != 2 {
		t.Fatalf("want one refresh and one replay, got %d tokens, %d requests", e.tokens.Load(), e.requests.Load())
	}
}

func TestOAuth2TokenRefreshedBeforeExpiry(t *testing.T) {
	e := newEnv(t, withOAuth2(), func(o *sandbox.Options, _ *provisioning.Config) { o.TokenTTL = time.Hour })
	must[*provisioning.WebhookList](t)(e.client.ListWebhooks(ctx, "p", provisioning.PageParams{}))
	e.clock.Add(59*time.Minute + 30*time.Second) // inside the leeway: fetch early
	must[*provisioning.WebhookList](t)(e.client.ListWebhooks(ctx, "p", provisioning.PageParams{}))
	if got := e.tokens.Load(); got != 2 {
		t.Fatalf("want a fresh token before expiry, got %d token requests", got)
	}
	if e.requests.Load() != 2 {
		t.Fatalf("no request should have failed with 401: %d requests", e.requests.Load())
	}
}

func TestOAuth2WrongCredentials(t *testing.T) {
	e := newEnv(t, withOAuth2(), func(_ *sandbox.Options, c *provisioning.Config) { c.KeySecret = "nope" })
	_, err := e.client.GetAccount(ctx, "p")
	if provisioning.StatusCode(err) != 401 || e.requests.Load() != 0 {
		t.Fatalf("want 401 from the token endpoint and no API call, got %v (%d calls)", err, e.requests.Load())
	}
}
