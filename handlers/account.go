package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"wabadesk/models"
	"wabadesk/views"
)

type passwordForm struct {
	Current string `form:"current_password"`
	New     string `form:"new_password"`
}

func (h *Handler) showAccount(c echo.Context) error {
	return h.renderAccount(c, http.StatusOK, views.Form{})
}

// renderAccount shows the account page with the password form as given.
func (h *Handler) renderAccount(c echo.Context, status int, password views.Form) error {
	u, current := currentUser(c), currentSession(c)
	list, err := h.store.UserSessions(c.Request().Context(), u.OrganisationID, u.ID)
	if err != nil {
		return err
	}
	now := h.store.Now()
	v := views.AccountView{Password: password, TwoFactorOn: u.TwoFactorOn(), TwoFactorSince: when(u.TOTPEnabledAt)}
	for _, e := range models.NotifyEvents {
		v.Notify = append(v.Notify, views.NotifyRow{Event: e, Label: notifyLabels[e], Now: models.Wants(u.NotifyNow, e), Digest: models.Wants(u.NotifyDigest, e)})
	}
	for _, s := range list {
		v.Sessions = append(v.Sessions, views.SessionRow{ID: s.ID, Browser: browserOf(s.UserAgent), IP: s.IP,
			Started: when(&s.CreatedAt), LastSeen: ago(s.LastSeenAt, now), Current: current != nil && s.ID == current.ID})
	}
	return render(c, status, views.AccountPage(h.page(c, "Your account", "account"), v))
}

// updatePassword changes the password; the store ends every session of the
// user, and this browser gets a new one.
func (h *Handler) updatePassword(c echo.Context) error {
	var f passwordForm
	if err := c.Bind(&f); err != nil {
		return err
	}
	u := currentUser(c)
	updated, err := h.store.ChangePassword(c.Request().Context(), u.OrganisationID, u.ID, f.Current, f.New)
	if v, ok := models.AsValidation(err); ok {
		return h.renderAccount(c, http.StatusUnprocessableEntity, formOf(&f, v))
	}
	if err != nil {
		return err
	}
	if err := h.startSession(c, updated, false); err != nil {
		return err
	}
	h.flash(c, "success", "Your password was changed. Other sessions have been logged out.")
	return redirect(c, "/account")
}

// endUserSession logs out one of the viewer's other browsers.
func (h *Handler) endUserSession(c echo.Context) error {
	u := currentUser(c)
	id, err := strconv.ParseInt(c.Param("sid"), 10, 64)
	if err != nil {
		return models.ErrNotFound
	}
	if cur := currentSession(c); cur != nil && cur.ID == id {
		return h.logout(c)
	}
	err = h.store.EndSession(c.Request().Context(), u.OrganisationID, u.ID, id)
	if errors.Is(err, models.ErrNotFound) {
		h.flash(c, "info", "That session had already ended.")
		return redirect(c, "/account")
	}
	if err != nil {
		return err
	}
	h.flash(c, "success", "That browser is logged out.")
	return redirect(c, "/account")
}

// endAllSessions logs the viewer out everywhere, this browser included.
func (h *Handler) endAllSessions(c echo.Context) error {
	u := currentUser(c)
	if err := h.store.EndSessions(c.Request().Context(), u.OrganisationID, u.ID, 0); err != nil {
		return err
	}
	h.endSession(c)
	h.flash(c, "info", "You are logged out everywhere.")
	return redirect(c, "/login")
}

// browserOf names a browser and system from a User-Agent, roughly, for
// people recognising their own devices.
func browserOf(ua string) string {
	browser := "Unknown browser"
	for _, b := range []struct{ token, name string }{
		{"Edg/", "Edge"}, {"OPR/", "Opera"}, {"Firefox/", "Firefox"}, {"Chrome/", "Chrome"}, {"Safari/", "Safari"}, {"curl/", "curl"},
	} {
		if strings.Contains(ua, b.token) {
			browser = b.name
			break
		}
	}
	for _, o := range []struct{ token, name string }{
		{"iPhone", "iPhone"}, {"iPad", "iPad"}, {"Android", "Android"}, {"Windows", "Windows"}, {"Mac OS X", "macOS"}, {"CrOS", "ChromeOS"}, {"Linux", "Linux"},
	} {
		if strings.Contains(ua, o.token) {
			return browser + " on " + o.name
		}
	}
	return browser
}

var notifyLabels = map[string]string{models.NotifyAttention: "needs attention", models.NotifyRejected: "was rejected", models.NotifyActive: "became active on WhatsApp"}

// updateNotifications saves which e-mails the member wants.
func (h *Handler) updateNotifications(c echo.Context) error {
	form, err := c.FormParams()
	if err != nil {
		return err
	}
	u := currentUser(c)
	if err := h.store.SetNotifications(c.Request().Context(), u.OrganisationID, u.ID, form["now"], form["digest"]); err != nil {
		return err
	}
	auditDetail(c, "at once: "+orDash(strings.Join(form["now"], ", "))+"; digest: "+orDash(strings.Join(form["digest"], ", ")))
	h.flash(c, "success", "Notifications saved.")
	return redirect(c, "/account")
}
