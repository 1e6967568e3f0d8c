package handlers

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"

	"wabadesk/models"
	"wabadesk/views"
)

const (
	sessionName = "wabadesk"
	keyUser     = "wabadesk.user"    // echo context key for *models.User
	keySession  = "wabadesk.session" // echo context key for *models.Session
	keyPending  = "wabadesk.pending" // echo context key for *pendingLogin
)

// deriveKey makes a key for one purpose from the one configured secret, so
// operators manage a single value and no two uses share a key.
func deriveKey(secret []byte, purpose string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(purpose))
	return m.Sum(nil)
}

// newSessionStore derives separate signing and encryption keys from the
// configured secret.
func newSessionStore(secret []byte, secure bool, lifetime time.Duration) *sessions.CookieStore {
	maxAge := int(lifetime / time.Second)
	s := sessions.NewCookieStore(deriveKey(secret, "session-sign"), deriveKey(secret, "session-encrypt"))
	s.Options = &sessions.Options{
		Path: "/", MaxAge: maxAge, HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode,
	}
	s.MaxAge(maxAge) // the codecs check the cookie's age too
	useSessionCodec(s)
	return s
}

func (h *Handler) session(c echo.Context) *sessions.Session {
	// A cookie that no longer decodes (rotated secret) just starts a new session.
	s, _ := h.sessions.Get(c.Request(), sessionName)
	return s
}

// loadUser puts the logged-in user, if any, into the context. The cookie
// names a server-side session (models.Session); a session that was ended,
// has expired or whose user is gone logs the browser out.
func (h *Handler) loadUser(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		s := h.session(c)
		token, _ := s.Values["sid"].(string)
		org, _ := s.Values["org"].(int64)
		if token == "" || org == 0 {
			return next(c)
		}
		ctx := c.Request().Context()
		sess, err := h.liveSession(ctx, org, token)
		if errors.Is(err, models.ErrNotFound) {
			h.endSession(c)
			return next(c)
		}
		if err != nil {
			return err
		}
		u, err := h.users.get(ctx, org, "user|"+itoa(sess.UserID), func(ctx context.Context) (models.User, int, error) {
			u, err := h.store.UserByID(ctx, sess.UserID)
			return u, 1 << 10, err
		})
		if errors.Is(err, models.ErrNotFound) || err == nil && u.OrganisationID != org {
			h.endSession(c)
			return next(c)
		}
		if err != nil {
			return err
		}
		if sess.Pending { // only the second step of log-in sees it
			c.Set(keyPending, &pendingLogin{session: sess, user: u})
			return next(c)
		}
		c.Set(keySession, &sess)
		c.Set(keyUser, &u)
		return next(c)
	}
}

// pendingLogin is a log-in waiting for its second factor.
type pendingLogin struct {
	session models.Session
	user    models.User
}

// liveSession returns the session the token names while it is live, and
// records activity at most once a minute. Rows are cached like users (an
// ending notifies every instance); an expiry seen in a cached row is
// checked against the database, where another instance may have recorded
// more recent activity.
func (h *Handler) liveSession(ctx context.Context, org int64, token string) (models.Session, error) {
	load := func(ctx context.Context) (models.Session, int, error) {
		sess, err := h.store.SessionByToken(ctx, token)
		return sess, 512, err
	}
	sess, err := h.staffSessions.get(ctx, org, "session|"+models.HashToken(token), load)
	if err != nil {
		return sess, err
	}
	now := h.store.Now()
	if last := h.touches.last(sess.ID); last.After(sess.LastSeenAt) {
		sess.LastSeenAt = last
	}
	if !sess.Live(now, h.store.SessionLimits()) {
		if sess, _, err = load(ctx); err != nil {
			return sess, err
		}
		if !sess.Live(now, h.store.SessionLimits()) || sess.OrganisationID != org {
			return sess, models.ErrNotFound
		}
	}
	if now.Sub(sess.LastSeenAt) > time.Minute {
		if err := h.store.TouchSession(ctx, sess.ID); err != nil {
			return sess, err
		}
		h.touches.record(sess.ID, now)
	}
	return sess, nil
}

// require refuses the request unless a user with at least min is logged in.
// Anonymous visitors go to the log-in page and come back afterwards.
func (h *Handler) require(min models.Role) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			u := currentUser(c)
			if u == nil {
				target := "/login"
				if c.Request().Method == http.MethodGet {
					target += "?next=" + url.QueryEscape(c.Request().URL.RequestURI())
				}
				return c.Redirect(http.StatusSeeOther, target)
			}
			if u.MustEnrolTwoFactor() && !enrolmentAllowed(c.Request().URL.Path) {
				return c.Redirect(http.StatusSeeOther, "/account/two-factor")
			}
			if !u.Role.AtLeast(min) {
				return models.ErrForbidden
			}
			return next(c)
		}
	}
}

// currentUser is the logged-in user or nil.
func currentUser(c echo.Context) *models.User {
	u, _ := c.Get(keyUser).(*models.User)
	return u
}

// startSession logs u in with a fresh session: every old value (and any
// fixated session) is discarded, a new server-side session recorded and
// its random token put in the cookie.
func (h *Handler) startSession(c echo.Context, u models.User, pending bool) error {
	r := c.Request()
	token, sess, err := h.store.StartSession(r.Context(), u, r.UserAgent(), c.RealIP(), pending)
	if err != nil {
		return err
	}
	s := h.session(c)
	for k := range s.Values {
		delete(s.Values, k)
	}
	s.Values["sid"] = token
	s.Values["org"] = u.OrganisationID
	if !pending {
		c.Set(keySession, &sess)
		c.Set(keyUser, &u)
	}
	return s.Save(r, c.Response())
}

// endSession ends the browser's session: its row (so copies of the cookie
// stop working too) and the cookie, replaced by an empty one.
func (h *Handler) endSession(c echo.Context) {
	var end *models.Session
	if sess, u := currentSession(c), currentUser(c); sess != nil && u != nil {
		end = sess
	} else if p, _ := c.Get(keyPending).(*pendingLogin); p != nil {
		end = &p.session
	}
	if end != nil {
		if err := h.store.EndSession(c.Request().Context(), end.OrganisationID, end.UserID, end.ID); err != nil && !errors.Is(err, models.ErrNotFound) {
			h.log.Warn("ending a session failed", "error", err)
		}
	}
	s := h.session(c)
	for k := range s.Values {
		delete(s.Values, k)
	}
	_ = s.Save(c.Request(), c.Response())
}

// currentSession is the logged-in browser's session or nil.
func currentSession(c echo.Context) *models.Session {
	s, _ := c.Get(keySession).(*models.Session)
	return s
}

// touchLog remembers when this process last recorded activity on each
// session, so a cached row does not trigger a write per request.
type touchLog struct {
	mu sync.Mutex
	at map[int64]time.Time
}

func (t *touchLog) last(id int64) time.Time {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.at[id]
}

func (t *touchLog) record(id int64, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.at == nil || len(t.at) > 10000 {
		t.at = map[int64]time.Time{}
	}
	t.at[id] = now
}

// flash queues a message for the next page.
func (h *Handler) flash(c echo.Context, kind, msg string) {
	s := h.session(c)
	s.AddFlash(kind + "|" + msg)
	_ = s.Save(c.Request(), c.Response())
}

// flashes takes the queued messages.
func (h *Handler) flashes(c echo.Context) []views.Flash {
	s := h.session(c)
	raw := s.Flashes()
	if len(raw) == 0 {
		return nil
	}
	_ = s.Save(c.Request(), c.Response())
	out := make([]views.Flash, 0, len(raw))
	for _, f := range raw {
		kind, msg, _ := strings.Cut(f.(string), "|")
		out = append(out, views.Flash{Kind: kind, Message: msg})
	}
	return out
}
