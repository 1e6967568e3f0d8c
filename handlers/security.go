package handlers

import (
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
)

// contentPolicy allows only our own scripts and styles: no inline script or
// style anywhere, no framing, forms post only to us. Logos may come from any
// https address the owner typed.
const contentPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; " +
	"connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

// sandboxPolicy is for the simulator's stand-in pages (Meta, the phone
// inbox), which carry their own small inline stylesheet.
const sandboxPolicy = "default-src 'self'; script-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

// securityHeaders sets the headers every answer carries; HSTS only when the
// public address is https (a browser would refuse plain http afterwards).
func (h *Handler) securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		hd := c.Response().Header()
		policy := contentPolicy
		if strings.HasPrefix(c.Request().URL.Path, sandboxPrefix+"/") {
			policy = sandboxPolicy
		}
		hd.Set("Content-Security-Policy", policy)
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Referrer-Policy", "same-origin")
		hd.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		hd.Set("Cross-Origin-Opener-Policy", "same-origin")
		if h.secure {
			hd.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
		}
		return next(c)
	}
}

// Log-in throttling: after too many failures for one e-mail address, or
// from one IP address, log-ins are refused for a while (429), even with the
// right password, so guessing does not pay.
const (
	loginWindow     = 15 * time.Minute
	maxFailsPerUser = 5
	maxFailsPerIP   = 20
)

// failureCounter counts failures per key in a sliding window. It lives in
// this process: with several instances each counts on its own.
type failureCounter struct {
	mu    sync.Mutex
	fails map[string][]time.Time
}

// blocked reports whether key has reached max failures in the window.
func (f *failureCounter) blocked(key string, max int, now time.Time) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.recent(key, now)) >= max
}

// fail records one failure for each key.
func (f *failureCounter) fail(now time.Time, keys ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fails == nil {
		f.fails = map[string][]time.Time{}
	}
	if len(f.fails) > 10000 { // forget idle keys now and then
		for k := range f.fails {
			if len(f.recent(k, now)) == 0 {
				delete(f.fails, k)
			}
		}
	}
	for _, k := range keys {
		f.fails[k] = append(f.recent(k, now), now)
	}
}

// clear forgets key's failures (a successful log-in).
func (f *failureCounter) clear(key string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.fails, key)
}

func (f *failureCounter) recent(key string, now time.Time) []time.Time {
	ts := f.fails[key]
	i := 0
	for i < len(ts) && now.Sub(ts[i]) >= loginWindow {
		i++
	}
	return ts[i:]
}

// loginThrottled reports whether a log-in for email from ip must wait.
func (h *Handler) loginThrottled(email, ip string, now time.Time) bool {
	return h.logins.blocked("user:"+email, maxFailsPerUser, now) || h.logins.blocked("ip:"+ip, maxFailsPerIP, now)
}
