package provisioning

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// AuthMode selects how requests authenticate.
type AuthMode string

// Supported auth modes. Sinch rate-limits Basic heavily; prefer OAuth2.
const (
	AuthBasic  AuthMode = "basic"
	AuthOAuth2 AuthMode = "oauth2"
)

// tokenLeeway refreshes a token this long before Sinch would reject it, so a
// request in flight does not carry a token that expires on the way.
const tokenLeeway = 60 * time.Second

// tokenSource fetches and caches an OAuth2 client-credentials token.
type tokenSource struct {
	url, keyID, secret string
	hc                 *http.Client
	now                func() time.Time

	mu      sync.Mutex
	token   string
	expires time.Time
}

// Token returns a cached token or fetches a new one.
func (t *tokenSource) Token(ctx context.Context) (string, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.token != "" && t.now().Before(t.expires) {
		return t.token, nil
	}
	tok, ttl, err := t.fetch(ctx)
	if err != nil {
		return "", err
	}
	leeway := min(tokenLeeway, ttl/10)
	t.token, t.expires = tok, t.now().Add(ttl-leeway)
	return tok, nil
}

// Invalidate drops tok if it is still the cached one (after a 401).
func (t *tokenSource) Invalidate(tok string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.token == tok {
		t.token = ""
	}
}

func (t *tokenSource) fetch(ctx context.Context) (string, time.Duration, error) {
	form := url.Values{"grant_type": {"client_credentials"}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.url, strings.NewReader(form.Encode()))
	if err != nil {
		return "", 0, fmt.Errorf("sinch: token request: %w", err)
	}
	req.SetBasicAuth(t.keyID, t.secret)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := t.hc.Do(req)
	if err != nil {
		return "", 0, &RequestError{Method: req.Method, URL: t.url, Err: err, MaybeSent: maybeSent(err)}
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusOK {
		return "", 0, decodeAPIError(resp.StatusCode, resp.Header, body)
	}
	var tr struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int    `json:"expires_in"`
	}
	if err := json.Unmarshal(body, &tr); err != nil || tr.AccessToken == "" {
		return "", 0, fmt.Errorf("sinch: token response without access_token")
	}
	ttl := time.Duration(tr.ExpiresIn) * time.Second
	if ttl <= 0 {
		ttl = 5 * time.Minute
	}
	return tr.AccessToken, ttl, nil
}
