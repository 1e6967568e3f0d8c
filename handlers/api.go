package handlers

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/time/rate"

	"wabadesk/models"
)

// apiPrefix is where the REST API lives; its routes are in the route
// table with the api* access levels.
const apiPrefix = "/api/v1"

const keyAPIKey = "wabadesk.apikey" // echo context key for models.APIKey

// The default per-key rate: 20 requests a second, bursts of 100 (5 s
// worth). Counted per instance, in memory: a limit for a runaway script,
// not a quota.
const defaultAPIRate = 20

// fieldProblem is one invalid field of a problem answer.
type fieldProblem struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// apiProblem is an RFC 9457 problem document.
type apiProblem struct {
	Type   string         `json:"type"`
	Title  string         `json:"title"`
	Status int            `json:"status"`
	Detail string         `json:"detail,omitempty"`
	Errors []fieldProblem `json:"errors,omitempty"`
}

// problemJSON answers a problem document.
func problemJSON(c echo.Context, status int, title, detail string, fields models.ValidationError) error {
	p := apiProblem{Type: "about:blank", Title: title, Status: status, Detail: detail}
	if len(fields) > 0 {
		p.Type = "https://wabadesk.dev/problems/validation"
	}
	for _, f := range slices.Sorted(maps.Keys(fields)) {
		name := cmp.Or(apiFieldNames[f], f)
		p.Errors = append(p.Errors, fieldProblem{Field: name, Message: fields[f]})
	}
	b, _ := json.Marshal(p)
	return c.Blob(status, "application/problem+json", b)
}

// apiFieldNames names form fields the API nests differently.
var apiFieldNames = map[string]string{"": "_", "contact_name": "contact.name", "contact_email": "contact.email", "contact_language": "contact.language"}

// apiError is the error handler's answer on the API: the same error table
// as the pages, as problem+json.
func (h *Handler) apiError(c echo.Context, err error) {
	if v, ok := models.AsValidation(err); ok {
		_ = problemJSON(c, http.StatusUnprocessableEntity, "The request has invalid fields", "Fix each field listed in errors and send it again.", v)
		return
	}
	for _, row := range apiErrors {
		if errors.Is(err, row.kind) {
			_ = problemJSON(c, row.status, row.title, row.detail, nil)
			return
		}
	}
	p, expected := classify(err)
	if !expected {
		h.log.Error("API request failed", "request_id", requestID(c), "method", c.Request().Method,
			"path", c.Request().URL.Path, "error", err.Error())
	}
	_ = problemJSON(c, p.status, p.heading, p.message, nil)
}

// apiErrors are the API's own rows of the error table.
var apiErrors = []struct {
	kind          error
	status        int
	title, detail string
}{
	{models.ErrBadAPIKey, http.StatusUnauthorized, "API key missing, unknown, revoked or expired", "Send Authorization: Bearer wbk_… with a key from Settings → API keys."},
	{models.ErrIdempotencyMismatch, http.StatusConflict, "Idempotency-Key already used", "This Idempotency-Key was used for a different request in the last 24 hours. Use a new key for a new request."},
	{models.ErrIdempotencyInFlight, http.StatusConflict, "Request in progress", "The first request with this Idempotency-Key is still running. Retry in a moment to get its answer."},
	{models.ErrNotFound, http.StatusNotFound, "Not found", "Nothing with this ID exists in your organisation."},
	{models.ErrForbidden, http.StatusForbidden, "Not allowed for this key", "The key's role does not allow this. Create a key with a higher role."},
}

// apiLimiters holds each key's rate limiter.
type apiLimiters struct {
	mu   sync.Mutex
	m    map[int64]*rate.Limiter
	rate int
}

func (l *apiLimiters) get(id int64) *rate.Limiter {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.m == nil {
		l.m = map[int64]*rate.Limiter{}
	}
	lim, ok := l.m[id]
	if !ok {
		lim = rate.NewLimiter(rate.Limit(l.rate), 5*l.rate)
		l.m[id] = lim
	}
	return lim
}

// apiAuth authenticates a Bearer key and lets the request act as the
// key's role in its organisation, then limits its rate.
func (h *Handler) apiAuth(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		token, ok := strings.CutPrefix(c.Request().Header.Get(echo.HeaderAuthorization), "Bearer ")
		if !ok {
			c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Bearer realm="wabadesk"`)
			return models.ErrBadAPIKey
		}
		ctx := c.Request().Context()
		k, err := h.store.APIKeyByToken(ctx, strings.TrimSpace(token))
		if err != nil {
			c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Bearer realm="wabadesk", error="invalid_token"`)
			return err
		}
		if r := h.apiLimit.get(k.ID).Reserve(); r.Delay() > 0 {
			r.Cancel()
			c.Response().Header().Set("Retry-After", strconv.Itoa(int(max(time.Second, r.Delay()).Seconds()+0.999)))
			return problemJSON(c, http.StatusTooManyRequests, "Too many requests", "This key sends more than "+strconv.Itoa(h.apiLimit.rate)+" requests a second. Wait as Retry-After says.", nil)
		}
		org, err := h.store.OrganisationByID(ctx, k.OrganisationID)
		if err != nil {
			return err
		}
		// The key acts as a member of its role: store methods record it as
		// the actor, by name.
		u := models.User{OrganisationID: k.OrganisationID, Organisation: org, Name: "API key " + k.Name, Role: k.Role}
		c.Set(keyUser, &u)
		c.Set(keyAPIKey, k)
		return next(c)
	}
}

// apiRequire refuses a key below role.
func apiRequire(role models.Role) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if !currentUser(c).Role.AtLeast(role) {
				return models.ErrForbidden
			}
			return next(c)
		}
	}
}

// apiAudited records every API call in the audit log with the key's name:
// writes under their route's action, reads as "api.read".
func (h *Handler) apiAudited(action string, next echo.HandlerFunc) echo.HandlerFunc {
	if action == "" {
		action = "api.read"
	}
	return func(c echo.Context) error {
		err := next(c)
		k, ok := c.Get(keyAPIKey).(models.APIKey)
		if !ok {
			return err
		}
		status := c.Response().Status
		if err != nil {
			status = 0 // answered by the error handler after this
		}
		detail := c.Request().Method + " " + c.Request().URL.Path
		if status != 0 {
			detail += " → " + strconv.Itoa(status)
		}
		if d, _ := c.Get(keyAuditDetail).(string); d != "" {
			detail += "; " + d
		}
		h.record(c, models.AuditEntry{OrganisationID: k.OrganisationID, ActorKind: models.ActorAPI, ActorName: "API key " + k.Name,
			Action: action, Subject: auditSubject(c), Detail: detail})
		return err
	}
}

// idempotent makes a POST with an Idempotency-Key safe to retry: the
// first answer (2xx or 4xx) is stored and replayed for 24 hours; the same
// key with a different request is 409.
func (h *Handler) idempotent(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		key := c.Request().Header.Get("Idempotency-Key")
		if key == "" || c.Request().Method != http.MethodPost {
			return next(c)
		}
		if len(key) > 255 {
			return problemJSON(c, http.StatusBadRequest, "Idempotency-Key too long", "Use at most 255 characters, like a UUID.", nil)
		}
		// Imports skip the 1 MB body limit; what is beyond theirs is refused
		// by the import itself.
		body, err := io.ReadAll(io.LimitReader(c.Request().Body, models.ImportMaxBytes+1))
		if err != nil {
			return err
		}
		c.Request().Body = io.NopCloser(bytes.NewReader(body))
		sum := sha256.Sum256([]byte(c.Request().Method + " " + c.Request().URL.RequestURI() + "\n" + string(body)))
		k := c.Get(keyAPIKey).(models.APIKey)
		ctx := c.Request().Context()
		prev, err := h.store.ClaimIdempotencyKey(ctx, k.OrganisationID, k.ID, key, hex.EncodeToString(sum[:]))
		if err != nil {
			return err
		}
		if prev != nil {
			c.Response().Header().Set("Idempotent-Replayed", "true")
			if prev.Location != "" {
				c.Response().Header().Set(echo.HeaderLocation, prev.Location)
			}
			ct := "application/json"
			if prev.Status >= 400 {
				ct = "application/problem+json"
			}
			return c.Blob(prev.Status, ct, prev.Body)
		}
		rec := &recorder{ResponseWriter: c.Response().Writer}
		c.Response().Writer = rec
		// Recorded even when the caller hung up (the moment it will retry)
		// or the handler panicked: a key must not stay "in progress".
		finish := func(status int) {
			if ferr := h.store.FinishIdempotencyKey(context.WithoutCancel(ctx), k.OrganisationID, k.ID, key, status,
				c.Response().Header().Get(echo.HeaderLocation), rec.body.Bytes()); ferr != nil {
				h.log.Error("storing an idempotent answer failed", "request_id", requestID(c), "error", ferr.Error())
			}
		}
		defer func() {
			if p := recover(); p != nil {
				finish(http.StatusInternalServerError)
				panic(p)
			}
		}()
		if err := next(c); err != nil {
			h.apiError(c, err) // answer now, so the answer can be kept
		}
		finish(c.Response().Status)
		return nil
	}
}

// recorder keeps a copy of what is written.
type recorder struct {
	http.ResponseWriter
	body bytes.Buffer
}

func (r *recorder) Write(b []byte) (int, error) {
	r.body.Write(b)
	return r.ResponseWriter.Write(b)
}
