package provisioning

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Production endpoints.
const (
	DefaultBaseURL  = "https://provisioning.api.sinch.com"
	DefaultTokenURL = "https://auth.sinch.com/oauth2/token"
)

// Config configures a Client. Zero values pick production defaults.
type Config struct {
	BaseURL    string   // default DefaultBaseURL; the sandbox's URL in development
	TokenURL   string   // default DefaultTokenURL; used with AuthOAuth2
	Auth       AuthMode // AuthBasic (default) or AuthOAuth2
	KeyID      string   // Sinch access key ID
	KeySecret  string   // Sinch access key secret
	HTTPClient *http.Client
	// MaxRetries is the number of retries after the first attempt for
	// transient failures; 0 means 3, negative means none.
	MaxRetries int
	// Backoff returns the wait before retry n (1-based) when the server gave
	// no Retry-After; default DefaultBackoff.
	Backoff func(retry int) time.Duration
	// Sleep waits between retries; tests replace it to record delays.
	Sleep func(ctx context.Context, d time.Duration) error
	// Now is the clock for token expiry; default time.Now.
	Now func() time.Time
}

// Client calls the Sinch Provisioning API. It is safe for concurrent use.
type Client struct {
	base       string
	hc         *http.Client
	auth       AuthMode
	keyID      string
	secret     string
	tokens     *tokenSource
	maxRetries int
	backoff    func(int) time.Duration
	sleep      func(context.Context, time.Duration) error
}

// New returns a Client for cfg.
func New(cfg Config) *Client {
	c := &Client{
		base: strings.TrimRight(cfg.BaseURL, "/"), hc: cfg.HTTPClient, auth: cfg.Auth,
		keyID: cfg.KeyID, secret: cfg.KeySecret, maxRetries: cfg.MaxRetries,
		backoff: cfg.Backoff, sleep: cfg.Sleep,
	}
	if c.base == "" {
		c.base = DefaultBaseURL
	}
	if c.hc == nil {
		c.hc = &http.Client{Timeout: 30 * time.Second}
	}
	if c.auth == "" {
		c.auth = AuthBasic
	}
	if c.maxRetries == 0 {
		c.maxRetries = defaultMaxRetries
	}
	c.maxRetries = max(c.maxRetries, 0)
	if c.backoff == nil {
		c.backoff = DefaultBackoff
	}
	if c.sleep == nil {
		c.sleep = sleepCtx
	}
	if c.auth == AuthOAuth2 {
		c.tokens = newTokenSource(cfg, c.hc)
	}
	return c
}

func newTokenSource(cfg Config, hc *http.Client) *tokenSource {
	ts := &tokenSource{url: cfg.TokenURL, keyID: cfg.KeyID, secret: cfg.KeySecret, hc: hc, now: cfg.Now}
	if ts.url == "" {
		ts.url = DefaultTokenURL
	}
	if ts.now == nil {
		ts.now = time.Now
	}
	return ts
}

// call describes one API operation.
type call struct {
	method string
	path   string     // already escaped
	query  url.Values // optional
	in     any        // request body, nil for none
	out    any        // response target, nil to discard
	create bool       // not idempotent: never retried once it may have been sent
}

// do runs c with auth, retries and error decoding.
func (c *Client) do(ctx context.Context, op call) error {
	body, err := encodeBody(op.in)
	if err != nil {
		return err
	}
	refreshed := false
	for attempt := 0; ; attempt++ {
		sent, err := c.once(ctx, op, body)
		if err == nil {
			return nil
		}
		if c.tokens != nil && !refreshed && StatusCode(err) == http.StatusUnauthorized {
			refreshed = true // a revoked or expired token: fetch a new one once
			attempt--
			continue
		}
		if op.create && sent && IsOutcomeUnknown(err) {
			return fmt.Errorf("%w: %w", ErrOutcomeUnknown, err)
		}
		if !IsRetryable(err) || attempt >= c.maxRetries || ctx.Err() != nil {
			return err
		}
		if serr := c.sleep(ctx, c.retryDelay(attempt+1, err)); serr != nil {
			return err
		}
	}
}

// once sends one attempt and decodes the answer. sent is false when the API
// request surely never reached Sinch (token or dial failure).
func (c *Client) once(ctx context.Context, op call, body []byte) (sent bool, err error) {
	req, tok, err := c.newRequest(ctx, op, body)
	if err != nil {
		return false, err
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		// A cancelled context also ends here: the request may still have
		// reached Sinch, and errors.Is(err, context.Canceled) keeps working.
		re := &RequestError{Method: op.method, URL: req.URL.String(), Err: err, MaybeSent: maybeSent(err)}
		return re.MaybeSent, re
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return true, &RequestError{Method: op.method, URL: req.URL.String(), Err: err, MaybeSent: true}
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		if resp.StatusCode == http.StatusUnauthorized && c.tokens != nil {
			c.tokens.Invalidate(tok)
		}
		return true, decodeAPIError(resp.StatusCode, resp.Header, data)
	}
	if op.out == nil || len(bytes.TrimSpace(data)) == 0 {
		return true, nil
	}
	if err := json.Unmarshal(data, op.out); err != nil {
		return true, fmt.Errorf("sinch: decode %s %s: %w", op.method, op.path, err)
	}
	return true, nil
}

func (c *Client) newRequest(ctx context.Context, op call, body []byte) (*http.Request, string, error) {
	u := c.base + op.path
	if len(op.query) > 0 {
		u += "?" + op.query.Encode()
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, op.method, u, rd)
	if err != nil {
		return nil, "", fmt.Errorf("sinch: build request: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.tokens == nil {
		req.SetBasicAuth(c.keyID, c.secret)
		return req, "", nil
	}
	tok, err := c.tokens.Token(ctx)
	if err != nil {
		return nil, "", err
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	return req, tok, nil
}

func encodeBody(in any) ([]byte, error) {
	if in == nil {
		return nil, nil
	}
	b, err := json.Marshal(in)
	if err != nil {
		return nil, fmt.Errorf("sinch: encode request: %w", err)
	}
	return b, nil
}

// maybeSent is false only when the connection was never established, so
// Sinch cannot have seen the request.
func maybeSent(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return false
	}
	var dns *net.DNSError
	return !errors.As(err, &dns)
}

// projectPath builds "/v1/projects/{projectId}" plus escaped segments.
func projectPath(projectID string, segments ...string) string {
	var b strings.Builder
	b.WriteString("/v1/projects/")
	b.WriteString(url.PathEscape(projectID))
	for _, s := range segments {
		b.WriteByte('/')
		b.WriteString(url.PathEscape(s))
	}
	return b.String()
}
