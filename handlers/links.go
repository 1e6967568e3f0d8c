package handlers

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"rsc.io/qr"

	"wabadesk/models"
	"wabadesk/views"
)

// createLink makes a shareable client link; its URL is shown once (it
// travels to the client page in a flash, like invite links).
func (h *Handler) createLink(c echo.Context) error {
	cl, err := h.clientParam(c)
	if err != nil {
		return err
	}
	days, _ := strconv.Atoi(c.FormValue("days"))
	lifetime := time.Duration(days) * 24 * time.Hour
	if !validLifetime(lifetime) {
		lifetime = models.DefaultLinkLifetime
	}
	return h.issueLink(c, cl, lifetime, "Client link created.")
}

func validLifetime(d time.Duration) bool {
	for _, l := range models.LinkLifetimes {
		if d == l {
			return true
		}
	}
	return false
}

func (h *Handler) issueLink(c echo.Context, cl models.Client, lifetime time.Duration, msg string) error {
	u := currentUser(c)
	_, token, err := h.store.CreateLink(c.Request().Context(), u.OrganisationID, cl.ID, *u, lifetime)
	if err != nil {
		return err
	}
	h.flash(c, "success", msg+" Copy it now: for safety it is shown only once.")
	h.flash(c, "link", h.link(portalPrefix+token))
	return redirect(c, clientURL(cl.ID)+"#links")
}

// linkParam loads the :lid link of the :id client of the tenant.
func (h *Handler) linkParam(c echo.Context) (models.Client, models.Link, error) {
	cl, err := h.clientParam(c)
	if err != nil {
		return cl, models.Link{}, err
	}
	lid, err := strconv.ParseInt(c.Param("lid"), 10, 64)
	if err != nil {
		return cl, models.Link{}, models.ErrNotFound
	}
	links, err := h.store.Links(c.Request().Context(), cl.OrganisationID, cl.ID)
	if err != nil {
		return cl, models.Link{}, err
	}
	for _, l := range links {
		if l.ID == lid {
			return cl, l, nil
		}
	}
	return cl, models.Link{}, models.ErrNotFound
}

func (h *Handler) revokeLink(c echo.Context) error {
	cl, l, err := h.linkParam(c)
	if err != nil {
		return err
	}
	if _, err := h.store.RevokeLink(c.Request().Context(), cl.OrganisationID, cl.ID, l.ID, *currentUser(c)); err != nil {
		return err
	}
	h.flash(c, "success", "The link was revoked; it shows the client a 'no longer works' page now.")
	return redirect(c, clientURL(cl.ID)+"#links")
}

// regenerateLink revokes a link and issues a new one with the same lifetime.
func (h *Handler) regenerateLink(c echo.Context) error {
	cl, l, err := h.linkParam(c)
	if err != nil {
		return err
	}
	if _, err := h.store.RevokeLink(c.Request().Context(), cl.OrganisationID, cl.ID, l.ID, *currentUser(c)); err != nil {
		return err
	}
	lifetime := l.ExpiresAt.Sub(l.CreatedAt).Round(24 * time.Hour)
	if !validLifetime(lifetime) {
		lifetime = models.DefaultLinkLifetime
	}
	return h.issueLink(c, cl, lifetime, "A new link replaces the old one, which no longer works.")
}

// linkRows shows a client's links to staff.
func linkRows(links []models.Link, now time.Time) []views.LinkRow {
	var out []views.LinkRow
	for _, l := range links {
		row := views.LinkRow{ID: l.ID, CreatedBy: l.CreatedByName, Created: l.CreatedAt.Format("2 Jan 2006 15:04"),
			Expires: l.ExpiresAt.Format("2 Jan 2006"), LastOpened: when(l.LastOpenedAt), Opens: l.Opens, Active: l.Active(now)}
		switch {
		case l.RevokedAt != nil:
			row.Status = "Revoked " + l.RevokedAt.Format("2 Jan 2006")
		case !l.Active(now):
			row.Status = "Expired"
		default:
			row.Status = "Active"
		}
		out = append(out, row)
	}
	return out
}

// qrPath draws a QR code of text as one SVG path (a unit square per dark
// module), so the page needs no image file and no inline script.
func qrPath(text string) (path string, size int, err error) {
	code, err := qr.Encode(text, qr.M)
	if err != nil {
		return "", 0, errors.New("qr: " + err.Error())
	}
	var b strings.Builder
	for y := 0; y < code.Size; y++ {
		for x := 0; x < code.Size; x++ {
			if code.Black(x, y) {
				b.WriteString("M" + strconv.Itoa(x+4) + " " + strconv.Itoa(y+4) + "h1v1h-1z")
			}
		}
	}
	return b.String(), code.Size + 8, nil // 4 modules of quiet zone on each side
}
