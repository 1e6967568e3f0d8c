package onboarding

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"time"

	"wabadesk/models"
	"wabadesk/provisioning"
)

// Connections gives every organisation the Sinch connection its settings
// name: the shared built-in sandbox, or a client for its own live account.
// Live clients are cached per organisation (so OAuth2 tokens are reused)
// and rebuilt when the settings' version changes, on this or any instance.
type Connections struct {
	store   *models.Store
	sandbox Connection
	// HTTPClient is used by live clients; default has a 30 s timeout.
	HTTPClient *http.Client
	// Sleep, when set, replaces waits between retries (tests).
	Sleep func(context.Context, time.Duration) error

	mu    sync.Mutex
	cache map[int64]cachedConn
}

type cachedConn struct {
	version int64
	conn    Connection
}

// NewConnections returns a Connections; sandbox is what sandbox-mode
// organisations use.
func NewConnections(store *models.Store, sandbox Connection) *Connections {
	return &Connections{store: store, sandbox: sandbox, cache: map[int64]cachedConn{}}
}

// Connect is the Connector: the organisation's current connection.
func (cs *Connections) Connect(ctx context.Context, tenantID int64) (Connection, error) {
	set, err := cs.store.SinchSettings(ctx, tenantID)
	if err != nil {
		return Connection{}, err
	}
	if set.Mode != models.SinchLive {
		return cs.sandbox, nil
	}
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if c, ok := cs.cache[tenantID]; ok && c.version == set.Version {
		return c.conn, nil
	}
	secret, err := cs.store.SinchSecret(set)
	if err != nil {
		return Connection{}, fmt.Errorf("onboarding: sinch secret: %w", err)
	}
	conn := cs.Live(set, secret, 0)
	cs.cache[tenantID] = cachedConn{version: set.Version, conn: conn}
	return conn, nil
}

// For returns the connection the given settings describe, uncached: the
// "Test connection" button uses it before anything is saved. Tests get no
// retries, so the answer is quick.
func (cs *Connections) For(set models.SinchSettings, secret string) Connection {
	if set.Mode != models.SinchLive {
		return cs.sandbox
	}
	return cs.Live(set, secret, -1)
}

// Live builds a connection to a live Sinch account (or anything that speaks
// its API, like a standalone sandbox).
func (cs *Connections) Live(set models.SinchSettings, secret string, maxRetries int) Connection {
	hc := cs.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	auth := provisioning.AuthBasic
	if set.Auth == "oauth2" {
		auth = provisioning.AuthOAuth2
	}
	client := provisioning.New(provisioning.Config{BaseURL: set.BaseURL, TokenURL: set.TokenURL, Auth: auth,
		KeyID: set.KeyID, KeySecret: secret, HTTPClient: hc, MaxRetries: maxRetries, Sleep: cs.Sleep})
	return Connection{Client: client, MetaBase: provisioning.MetaRequestsURL}
}

// Check proves a connection works: it lists the webhooks of projectID,
// which needs valid credentials (and, with OAuth2, a token) and access to
// that project. The error is in plain words for the settings page.
func Check(ctx context.Context, conn Connection, projectID string) error {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	_, err := conn.Client.ListWebhooks(ctx, projectID, provisioning.PageParams{PageSize: 1})
	if err == nil {
		return nil
	}
	var re *provisioning.RequestError
	switch code := provisioning.StatusCode(err); {
	case errors.As(err, &re):
		host := re.URL
		if u, perr := url.Parse(re.URL); perr == nil {
			host = u.Host
		}
		return checkProblem(fmt.Sprintf("Could not reach Sinch at %s. Check the address and that this server can reach it.", host))
	case code == http.StatusUnauthorized:
		return checkProblem("Sinch did not accept this key. Check the key ID, the key secret and the authentication mode (Basic or OAuth2).")
	case code == http.StatusForbidden:
		return checkProblem(fmt.Sprintf("The key is valid but may not use project %q. Check the project ID belongs to the same Sinch account as the key.", projectID))
	case code == http.StatusNotFound:
		return checkProblem(fmt.Sprintf("Sinch does not know project %q. Check the project ID (Sinch dashboard, project settings).", projectID))
	}
	return checkProblem(Plain(err))
}

// checkProblem is Check's answer: sentences for the settings page, not an
// error string to wrap.
type checkProblem string

func (p checkProblem) Error() string { return string(p) }
