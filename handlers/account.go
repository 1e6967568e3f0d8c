package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"wabadesk/models"
	"wabadesk/views"
)

type passwordForm struct {
	Current string `form:"current_password"`
	New     string `form:"new_password"`
}

func (h *Handler) showAccount(c echo.Context) error {
	return render(c, http.StatusOK, views.AccountPage(h.page(c, "Your account", "account"), views.Form{}))
}

// updatePassword changes the password; the store bumps the session version,
// so this session is re-issued and every other one ends.
func (h *Handler) updatePassword(c echo.Context) error {
	var f passwordForm
	if err := c.Bind(&f); err != nil {
		return err
	}
	u := currentUser(c)
	updated, err := h.store.ChangePassword(c.Request().Context(), u.OrganisationID, u.ID, f.Current, f.New)
	if v, ok := models.AsValidation(err); ok {
		return render(c, http.StatusUnprocessableEntity, views.AccountPage(h.page(c, "Your account", "account"), formOf(&f, v)))
	}
	if err != nil {
		return err
	}
	if err := h.startSession(c, updated); err != nil {
		return err
	}
	h.flash(c, "success", "Your password was changed. Other sessions have been logged out.")
	return redirect(c, "/account")
}
