package handlers

import (
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"wabadesk/models"
	"wabadesk/provisioning"
	"wabadesk/provisioning/onboarding"
	"wabadesk/views"
)

// Errors of the HTTP layer itself.
var (
	errCSRF       = errors.New("csrf token missing or wrong")
	errInviteGone = errors.New("invite no longer usable")
	errSandboxOff = errors.New("sandbox pages need a log-in or a client link")
)

// problem is how one kind of error is shown.
type problem struct {
	status  int
	heading string
	message string
}

// errorTable maps every error kind to the page users see. It is the only
// place that decides statuses; anything not listed is a 500.
var errorTable = []struct {
	kind error
	problem
}{
	{models.ErrNotFound, problem{http.StatusNotFound, "Page not found", "We could not find that page. The link may be wrong, or what it pointed to was removed."}},
	{models.ErrForbidden, problem{http.StatusForbidden, "Not allowed", "Your role does not allow this. Ask an owner of your organisation if you need it."}},
	{models.ErrConflict, problem{http.StatusConflict, "Already changed", "Someone else changed this at the same time. Reload the page and try again."}},
	{errCSRF, problem{http.StatusForbidden, "This form has expired", "For your security the form could not be accepted. Go back, reload the page and try again."}},
	{errInviteGone, problem{http.StatusGone, "This invite link no longer works", "It was already used, revoked or has expired. Ask the person who invited you for a new link."}},
	{models.ErrResetGone, problem{http.StatusGone, "This password link no longer works", "It was used already or is more than an hour old. Ask for a new one: on the log-in page, choose \"Forgot your password?\"."}},
	{onboarding.ErrUnavailable, problem{http.StatusServiceUnavailable, "Sinch is not answering", "Sinch could not be reached or answered with a temporary error. Nothing was lost: try again in a minute."}},
	{errSandboxOff, problem{http.StatusForbidden, "Log in to see the sandbox", "The sandbox's pages show only your own organisation's projects. Log in, or open this page from your set-up page's link (links expire after 7 days)."}},
}

var httpProblems = map[int]problem{
	http.StatusNotFound:              {http.StatusNotFound, "Page not found", "We could not find that page. The link may be wrong, or what it pointed to was removed."},
	http.StatusMethodNotAllowed:      {http.StatusMethodNotAllowed, "Not possible here", "That action is not available on this page."},
	http.StatusRequestEntityTooLarge: {http.StatusRequestEntityTooLarge, "Too much data", "What you sent is larger than we accept. Try a smaller file or less text."},
	http.StatusTooManyRequests:       {http.StatusTooManyRequests, "Slow down", "Too many attempts in a short time. Wait a minute and try again."},
	http.StatusBadRequest:            {http.StatusBadRequest, "Something is wrong with that request", "Go back, reload the page and try again."},
}

var internalProblem = problem{http.StatusInternalServerError, "Something went wrong", "We could not finish this. It has been logged; please try again in a moment."}

// classify finds the problem for err; the bool says whether it is expected
// (not worth an error log line).
func classify(err error) (problem, bool) {
	for _, row := range errorTable {
		if errors.Is(err, row.kind) {
			return row.problem, true
		}
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		if p, ok := httpProblems[he.Code]; ok {
			return p, true
		}
		if he.Code < 500 {
			return problem{he.Code, http.StatusText(he.Code), "Go back and try again."}, true
		}
	}
	return internalProblem, false
}

// handleError is Echo's one error handler: it logs unexpected errors once,
// with the request ID, and shows a page we wrote. Raw errors never reach users.
func (h *Handler) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	if strings.HasPrefix(c.Request().URL.Path, apiPrefix+"/") {
		h.apiError(c, err)
		return
	}
	p, expected := classify(err)
	if !expected {
		h.log.Error("request failed", slog.String("request_id", requestID(c)),
			slog.String("method", c.Request().Method), slog.String("path", c.Request().URL.Path),
			slog.String("error", err.Error()))
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(p.status)
		return
	}
	if err := render(c, p.status, views.ErrorPage(h.page(c, p.heading, ""), p.status, p.heading, p.message)); err != nil {
		_ = c.String(p.status, p.heading)
	}
}

func requestID(c echo.Context) string {
	return c.Response().Header().Get(echo.HeaderXRequestID)
}

// sinchProblem words an error of Sinch's (unreachable, or a refusal) for
// the flash or the field it belongs to; ok is false for anything else (the
// database, a bug), which is returned to the error handler to be logged
// and shown as a 500, never passed off as Sinch's.
func sinchProblem(err error) (msg string, ok bool) {
	var ae *provisioning.APIError
	if errors.Is(err, onboarding.ErrUnavailable) || errors.Is(err, provisioning.ErrOutcomeUnknown) ||
		provisioning.IsRetryable(err) || errors.As(err, &ae) {
		return onboarding.Plain(err), true
	}
	return "", false
}
