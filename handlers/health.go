package handlers

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"wabadesk/static"
)

// healthz says the process is alive; it touches nothing else.
func (h *Handler) healthz(c echo.Context) error {
	return c.String(http.StatusOK, "ok")
}

// readyz says the database takes reads and writes, so a load balancer
// can route to us: a database that answers but cannot commit (disk full,
// read-only) is 503 too. The log says so when readiness changes, not on
// every probe.
func (h *Handler) readyz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	why := ""
	if err := h.store.Ping(ctx); err != nil {
		why = "database unreachable: " + err.Error()
	} else if err := h.store.CheckWritable(ctx, h.instance); err != nil {
		why = "database takes no writes: " + err.Error()
	}
	if was := h.unready.Swap(&why); was == nil || *was != why {
		switch {
		case why != "":
			h.log.Error("not ready", slog.String("reason", why))
		case was != nil:
			h.log.Info("ready again")
		}
	}
	if why != "" {
		return c.String(http.StatusServiceUnavailable, strings.SplitN(why, ":", 2)[0])
	}
	return c.String(http.StatusOK, "ready")
}

// requestLogger writes one structured line per request with its request ID.
func (h *Handler) requestLogger() echo.MiddlewareFunc {
	return middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
		HandleError: true, LogStatus: true, LogURIPath: true, LogMethod: true, LogLatency: true, LogRequestID: true, LogRemoteIP: true,
		Skipper: func(c echo.Context) bool { return c.Path() == "/healthz" || c.Path() == "/readyz" },
		LogValuesFunc: func(c echo.Context, v middleware.RequestLoggerValues) error {
			path := v.URIPath
			if strings.Contains(c.Path(), ":token") { // link, invite, reset and unsubscribe tokens are secrets
				path = c.Path()
			}
			if v.Error != nil && c.Response().Committed && v.Status < 500 { // failed after the answer began (a long CSV)
				h.log.Error("request failed after the answer began", slog.String("request_id", v.RequestID), slog.String("path", path),
					slog.String("error", v.Error.Error()))
			}
			h.log.LogAttrs(c.Request().Context(), slog.LevelInfo, "request",
				slog.String("request_id", v.RequestID), slog.String("method", v.Method),
				slog.String("path", path), slog.Int("status", v.Status),
				slog.Duration("latency", v.Latency), slog.String("ip", v.RemoteIP))
			return nil
		},
	})
}

// favicon answers browsers (and tools) that ask for /favicon.ico whatever
// the page's icon link says.
func (h *Handler) favicon(c echo.Context) error {
	return c.Redirect(http.StatusMovedPermanently, static.URL("logo.svg"))
}
