package handlers

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"wabadesk/models"
	"wabadesk/views"
)

type apiKeyForm struct {
	Name    string `form:"name"`
	Role    string `form:"role"`
	Expires string `form:"expires"`
}

func (h *Handler) listAPIKeys(c echo.Context) error {
	return h.renderAPIKeys(c, http.StatusOK, views.Form{Values: map[string]string{"role": "agent"}})
}

func (h *Handler) renderAPIKeys(c echo.Context, status int, form views.Form) error {
	u := currentUser(c)
	keys, err := h.store.APIKeys(c.Request().Context(), u.OrganisationID)
	if err != nil {
		return err
	}
	p := h.page(c, "API keys", "api")
	v := views.APIKeysView{Form: form, Docs: apiPrefix + "/docs", Spec: apiPrefix + "/openapi.json"}
	for _, r := range []models.Role{models.RoleViewer, models.RoleAgent, models.RoleAdmin} {
		if u.Role.AtLeast(r) {
			v.Roles = append(v.Roles, views.Option{Value: string(r), Label: r.Label()})
		}
	}
	now := h.store.Now()
	for _, k := range keys {
		row := views.APIKeyRow{ID: k.ID, Name: k.Name, Role: k.Role.Label(), Hint: k.Hint, CreatedBy: k.CreatedByName,
			Created: k.CreatedAt.Format("2 Jan 2006"), Expires: "Never", LastUsed: "Never", Active: k.Usable(now), Status: "Active"}
		if k.ExpiresAt != nil {
			row.Expires = k.ExpiresAt.Format("2 Jan 2006")
		}
		if k.LastUsedAt != nil {
			row.LastUsed = ago(*k.LastUsedAt, now)
		}
		switch {
		case k.RevokedAt != nil:
			row.Status = "Revoked " + k.RevokedAt.Format("2 Jan 2006")
		case !row.Active:
			row.Status = "Expired"
		}
		v.Keys = append(v.Keys, row)
	}
	for i, f := range p.Flashes { // the new key travels as a flash, shown once
		if f.Kind == "apikey" {
			v.NewKey = f.Message
			p.Flashes = append(p.Flashes[:i], p.Flashes[i+1:]...)
			break
		}
	}
	return render(c, status, views.APIKeysPage(p, v))
}

func (h *Handler) createAPIKey(c echo.Context) error {
	var f apiKeyForm
	if err := c.Bind(&f); err != nil {
		return err
	}
	in := models.NewAPIKey{Name: f.Name, Role: models.Role(f.Role)}
	if f.Expires != "" {
		d, err := time.Parse(time.DateOnly, f.Expires)
		if err != nil {
			return h.renderAPIKeys(c, http.StatusUnprocessableEntity, formOf(&f, map[string]string{"expires": "Use a date like 2027-01-31."}))
		}
		end := d.AddDate(0, 0, 1) // works through the day chosen
		in.ExpiresAt = &end
	}
	u := currentUser(c)
	k, token, err := h.store.CreateAPIKey(c.Request().Context(), u.OrganisationID, *u, in)
	if v, ok := models.AsValidation(err); ok {
		return h.renderAPIKeys(c, http.StatusUnprocessableEntity, formOf(&f, v))
	}
	if err != nil {
		return err
	}
	auditDetail(c, k.Name+" as "+k.Role.Label()+", "+k.Hint)
	h.flash(c, "success", "API key "+k.Name+" created. Copy it now: it is shown only once.")
	h.flash(c, "apikey", token)
	return redirect(c, "/settings/api-keys")
}

func (h *Handler) revokeAPIKey(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	k, err := h.store.RevokeAPIKey(c.Request().Context(), currentUser(c).OrganisationID, id)
	if err != nil {
		return err
	}
	auditDetail(c, k.Name)
	h.flash(c, "success", "API key "+k.Name+" revoked. Calls with it are refused from now on.")
	return redirect(c, "/settings/api-keys")
}
