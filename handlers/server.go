// Package handlers is wabadesk's HTTP layer: the route table, one file per
// resource, sessions, CSRF, rendering and the one error handler.
//
// It may import views, models, provisioning and static; never the other way
// round. Handlers parse, call the Store, and render or redirect; they never
// build SQL.
package handlers

import (
	"cmp"
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"

	"github.com/gorilla/sessions"
	"github.com/klauspost/compress/gzhttp"
	"github.com/klauspost/compress/gzip"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"wabadesk/delivery"
	"wabadesk/mail"
	"wabadesk/models"
	"wabadesk/provisioning/onboarding"
	"wabadesk/static"
)

// Config is what the HTTP layer needs from main's configuration.
type Config struct {
	// BaseURL is the public address, used in links we hand out and to decide
	// whether cookies are Secure.
	BaseURL string
	// SessionSecret signs and encrypts the session cookie (32+ bytes).
	SessionSecret []byte
	// SignupOpen lets anyone create an organisation; otherwise only the very
	// first visitor may, and everyone else comes by invite.
	SignupOpen bool
	Logger     *slog.Logger
	// Done is closed when the server shuts down, so open event streams end
	// and do not hold the graceful shutdown.
	Done <-chan struct{}
	// Sandbox, when set, is the built-in Sinch simulator served under
	// /sandbox: its API, its stand-in Meta page and phone inbox.
	Sandbox http.Handler
	// Connections builds each organisation's Sinch connection; the settings
	// page tests credentials with it before they are saved.
	Connections *onboarding.Connections
	// Mail sends e-mail (or keeps it in the outbox); handlers queue
	// messages through the store and kick it.
	Mail *mail.Service
	// Metrics, when set, counts requests and serves /metrics on this
	// address to scrapers sending MetricsToken (main may serve it on an
	// address of its own instead).
	Metrics      *Metrics
	MetricsToken string
	// Deliveries posts outgoing webhooks; handlers kick it after queueing one.
	// Nil in tests that do not deliver.
	Deliveries *delivery.Service
	// APIRate is each API key's requests per second (bursts of 5×); 0 is
	// the default of 20.
	APIRate int
}

// Handler holds the dependencies every handler method uses.
type Handler struct {
	store    *models.Store
	onboard  *onboarding.Service
	cfg      Config
	sessions *sessions.CookieStore
	log      *slog.Logger
	secure   bool
	// Rendered list regions and client-page data, see cache.go.
	regions *tenantCache[string]
	portals *tenantCache[portalData]
	users   *tenantCache[models.User]
	// Staff sessions (session.go) and when this process last recorded
	// activity on each.
	staffSessions *tenantCache[models.Session]
	touches       touchLog
	conns         *tenantCache[onboarding.Connection]
	// tokenTenants maps client-link tokens to their organisation, for portals.
	tokenTenants tokenTenants
	apiLimit     apiLimiters // per API key
	// instance names this process in the readiness write check; unready
	// is the last probe's reason ("" when ready), to log changes once.
	instance string
	unready  atomic.Pointer[string]
}

// New builds the whole HTTP application; main and the tests both use it.
func New(store *models.Store, onboard *onboarding.Service, cfg Config) http.Handler {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	secure := strings.HasPrefix(cfg.BaseURL, "https://")
	h := &Handler{store: store, onboard: onboard, cfg: cfg, log: cfg.Logger, secure: secure,
		sessions:      newSessionStore(cfg.SessionSecret, secure, store.SessionLimits().Absolute),
		staffSessions: newTenantCache[models.Session](store, cacheTTL, 1<<20),
		regions:       newTenantCache[string](store, cacheTTL, 8<<20), portals: newTenantCache[portalData](store, cacheTTL, 4<<20),
		users: newTenantCache[models.User](store, cacheTTL, 1<<20), conns: newTenantCache[onboarding.Connection](store, cacheTTL, 1<<20)}

	h.apiLimit.rate = cmp.Or(cfg.APIRate, defaultAPIRate)
	h.instance = onboard.ID // unique per process
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = h.handleError
	e.IPExtractor = echo.ExtractIPDirect() // no proxy is trusted unless configured
	e.Use(
		middleware.RequestID(),
		markStart,
		h.securityHeaders,
		h.requestLogger(),
		middleware.Recover(),
		// Imports get 17 MB (a 16 MB file and the form around it), applied
		// here, before the CSRF check parses a multipart body.
		middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{Limit: "1M", Skipper: isImport}),
		middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{Limit: "17M", Skipper: func(c echo.Context) bool { return !isImport(c) }}),
		middleware.CSRFWithConfig(middleware.CSRFConfig{
			TokenLookup:    "form:_csrf,header:X-CSRF-Token",
			CookieName:     "wabadesk_csrf",
			CookiePath:     "/",
			CookieHTTPOnly: true,
			CookieSecure:   secure,
			CookieSameSite: http.SameSiteLaxMode,
			Skipper:        skipCSRF,
			ErrorHandler:   func(error, echo.Context) error { return errCSRF },
		}),
	)
	if cfg.Metrics != nil {
		e.Use(cfg.Metrics.middleware)
	}
	e.GET(static.Prefix+"*", echo.WrapHandler(static.Handler()))
	if cfg.Sandbox != nil {
		e.Any(sandboxPrefix+"/*", h.serveSandbox, h.loadUser)
	}
	h.register(e)
	return compress(e)
}

// compress gzips (or zstd-encodes, when the browser offers it) responses of
// 1 KB and more. klauspost's gzhttp does this in about half the CPU of
// compress/gzip (echo's middleware), a quarter of the client list's cost;
// level 1 keeps a 50-row list at 3.3 KB instead of 2.9 KB at level 5 for a
// third of the work. Event streams pass through untouched.
func compress(app http.Handler) http.Handler {
	wrap, err := gzhttp.NewWrapper(gzhttp.MinSize(1024), gzhttp.CompressionLevel(gzip.BestSpeed),
		gzhttp.ContentTypeFilter(func(ct string) bool { // images stay as they are too
			return gzhttp.DefaultContentTypeFilter(ct) && !strings.HasPrefix(ct, "text/event-stream")
		}))
	if err != nil { // only for invalid options, fixed above
		panic(err)
	}
	return wrap(app)
}

// sandboxPrefix is where the built-in Sinch simulator is mounted.
const sandboxPrefix = "/sandbox"

// skipCSRF exempts routes that no wabadesk form posts to: probes, assets,
// and the sandbox, which stands in for Sinch and Meta (outside systems that
// authenticate otherwise and never see our session).
// isImport says whether the request uploads a client import.
func isImport(c echo.Context) bool {
	return c.Request().Method == http.MethodPost && (c.Path() == importPrefix || c.Path() == apiPrefix+"/imports")
}

func skipCSRF(c echo.Context) bool {
	p := c.Request().URL.Path
	return p == "/healthz" || p == "/readyz" || strings.HasPrefix(p, static.Prefix) || strings.HasPrefix(p, sandboxPrefix+"/") ||
		strings.HasPrefix(p, webhookPrefix) || strings.HasPrefix(p, unsubscribePrefix) || strings.HasPrefix(p, apiPrefix+"/")
}

// connect is how the organisation reaches Sinch; saving the settings is an
// organisation change, so the cached one is never outdated.
func (h *Handler) connect(ctx context.Context, tenantID int64) (onboarding.Connection, error) {
	return h.conns.get(ctx, tenantID, "connection", func(ctx context.Context) (onboarding.Connection, int, error) {
		conn, err := h.onboard.Connection(ctx, tenantID)
		return conn, 1 << 10, err
	})
}

// link returns an absolute URL on the public base address.
func (h *Handler) link(path string) string { return h.cfg.BaseURL + path }

// localPath returns next when it is a path of this site, else "/": the
// redirect after log-in must never leave it. Browsers read a backslash as
// "/" and drop tabs and newlines inside URLs, so "/\evil.example" or a tab
// between two slashes lead to another host; those, schemes, hosts, user info and their
// percent-encoded forms are all refused.
func localPath(next string) string {
	if next == "" || next[0] != '/' || len(next) > 2048 || strings.HasPrefix(next, "//") || unsafeInPath(next) {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return "/"
	}
	if dec, err := url.PathUnescape(u.EscapedPath()); err != nil || strings.HasPrefix(dec, "//") || unsafeInPath(dec) {
		return "/"
	}
	return next
}

// unsafeInPath reports a backslash or a control character.
func unsafeInPath(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return r == '\\' || r < 0x20 || r == 0x7f })
}
