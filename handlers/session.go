package handlers

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"

	"wabadesk/models"
	"wabadesk/views"
)

const (
	sessionName   = "wabadesk"
	sessionMaxAge = 14 * 24 * 3600
	keyUser       = "wabadesk.user" // echo context key for *models.User
)

// newSessionStore derives separate signing and encryption keys from the one
// configured secret, so operators manage a single value.
func newSessionStore(secret []byte, secure bool) *sessions.CookieStore {
	derive := func(purpose string) []byte {
		m := hmac.New(sha256.New, secret)
		m.Write([]byte(purpose))
		return m.Sum(nil)
	}
	s := sessions.NewCookieStore(derive("session-sign"), derive("session-encrypt"))
	s.Options = &sessions.Options{
		Path: "/", MaxAge: sessionMaxAge, HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode,
	}
	s.MaxAge(sessionMaxAge) // the codecs check the cookie's age too
	useSessionCodec(s)
	return s
}

func (h *Handler) session(c echo.Context) *sessions.Session {
	// A cookie that no longer decodes (rotated secret) just starts a new session.
	s, _ := h.sessions.Get(c.Request(), sessionName)
	return s
}

// loadUser puts the logged-in user, if any, into the context. A session whose
// version no longer matches the user's (password changed, removed) is dropped.
func (h *Handler) loadUser(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		s := h.session(c)
		id, _ := s.Values["uid"].(int64)
		if id == 0 {
			return next(c)
		}
		org, _ := s.Values["org"].(int64)
		ver, _ := s.Values["ver"].(int)
		u, err := h.sessionUser(c.Request().Context(), id, org, ver)
		if errors.Is(err, models.ErrNotFound) || (err == nil && ver != u.SessionVersion) {
			h.endSession(c)
			return next(c)
		}
		if err != nil {
			return err
		}
		c.Set(keyUser, &u)
		return next(c)
	}
}

// sessionUser loads the session's user. Staff changes (password, removal)
// are organisation changes, so the cached user is never older than the
// session check needs, with two exceptions read from the database: a
// cookie newer than the cached user (a password just changed on another
// instance whose notice has not arrived yet) and a cookie from before the
// session named the organisation.
func (h *Handler) sessionUser(ctx context.Context, id, org int64, ver int) (models.User, error) {
	if org != 0 {
		u, err := h.users.get(ctx, org, "user|"+itoa(id), func(ctx context.Context) (models.User, int, error) {
			u, err := h.store.UserByID(ctx, id)
			return u, 1 << 10, err
		})
		if err == nil && u.OrganisationID != org {
			return u, models.ErrNotFound
		}
		if err != nil || u.SessionVersion >= ver {
			return u, err
		}
	}
	return h.store.UserByID(ctx, id)
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
// fixated session) is discarded and a new random ID issued.
func (h *Handler) startSession(c echo.Context, u models.User) error {
	s := h.session(c)
	for k := range s.Values {
		delete(s.Values, k)
	}
	sid := make([]byte, 16)
	_, _ = rand.Read(sid)
	s.Values["sid"] = hex.EncodeToString(sid)
	s.Values["uid"] = u.ID
	s.Values["org"] = u.OrganisationID
	s.Values["ver"] = u.SessionVersion
	c.Set(keyUser, &u)
	return s.Save(c.Request(), c.Response())
}

// endSession forgets the user (the cookie is replaced by an empty one).
func (h *Handler) endSession(c echo.Context) {
	s := h.session(c)
	for k := range s.Values {
		delete(s.Values, k)
	}
	_ = s.Save(c.Request(), c.Response())
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
