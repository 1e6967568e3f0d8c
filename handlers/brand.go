package handlers

import (
	"fmt"
	"math"
	"net/http"

	"strconv"

	"github.com/labstack/echo/v4"

	"wabadesk/models"
)

// brandCSS serves an organisation's accent colour as a stylesheet, so the
// client page needs no inline style (the CSP forbids them).
func (h *Handler) brandCSS(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return c.NoContent(http.StatusNotFound)
	}
	org, err := h.store.OrganisationByID(c.Request().Context(), id)
	if err != nil || !models.ValidAccent(org.AccentColor) {
		return c.NoContent(http.StatusNotFound)
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=300")
	return c.Blob(http.StatusOK, "text/css; charset=utf-8",
		fmt.Appendf(nil, ":root{--accent:%s;--accent-text:%s}\n", org.AccentColor, readableOn(org.AccentColor)))
}

// readableOn picks black or white text for a background colour, by its
// relative luminance (WCAG), so any accent stays legible.
func readableOn(hex string) string {
	lin := func(i int) float64 {
		v, _ := strconv.ParseUint(hex[i:i+2], 16, 8)
		c := float64(v) / 255
		if c <= 0.03928 {
			return c / 12.92
		}
		return math.Pow((c+0.055)/1.055, 2.4)
	}
	l := 0.2126*lin(1) + 0.7152*lin(3) + 0.0722*lin(5)
	if (l+0.05)/0.05 > 1.05/(l+0.05) { // contrast with black beats contrast with white
		return "#111111"
	}
	return "#ffffff"
}
