package handlers

import (
	"strings"

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
