package handlers

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"wabadesk/models"
	"wabadesk/views"
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
		fmt.Appendf(nil, ":root{--accent:%s;--accent-text:%s}\n", org.AccentColor, views.TextOn(org.AccentColor)))
}
