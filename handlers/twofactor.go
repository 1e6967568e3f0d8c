package handlers

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"wabadesk/models"
	"wabadesk/views"
)

// Two-factor log-in: the second step of log-in, setting it up on Your
// account, and the owner's "require it for everyone" (models/twofactor.go).

type twoFactorLoginForm struct {
	Code string `form:"code"`
	Next string `form:"next"`
}

// pending is the log-in waiting for its second factor, or nil.
func pending(c echo.Context) *pendingLogin {
	p, _ := c.Get(keyPending).(*pendingLogin)
	return p
}

func (h *Handler) showLoginTwoFactor(c echo.Context) error {
	if pending(c) == nil {
		return redirect(c, "/login")
	}
	form := views.Form{Values: map[string]string{"next": c.QueryParam("next")}}
	return render(c, http.StatusOK, views.TwoFactorLoginPage(h.page(c, "Two-factor log-in", ""), form))
}

// createLoginTwoFactor checks the code, throttled with the password step
// (the same counts per account and address), and finishes the log-in with
// a new session.
func (h *Handler) createLoginTwoFactor(c echo.Context) error {
	p := pending(c)
	if p == nil {
		h.flash(c, "info", "Your log-in took too long. Log in again.")
		return redirect(c, "/login")
	}
	var f twoFactorLoginForm
	if err := c.Bind(&f); err != nil {
		return err
	}
	ctx, email, ip := c.Request().Context(), p.user.Email, c.RealIP()
	page := func(status int, msg string) error {
		form := formOf(&f, map[string]string{"code": msg})
		delete(form.Values, "code")
		return render(c, status, views.TwoFactorLoginPage(h.page(c, "Two-factor log-in", ""), form))
	}
	throttled, err := h.loginThrottled(ctx, email, ip)
	if err != nil {
		return err
	}
	if throttled {
		h.auditLoginFailure(c, email, "second factor refused: too many failed attempts")
		return page(http.StatusTooManyRequests, "Too many failed attempts. For your security, wait 15 minutes and try again.")
	}
	ok, recovery, err := h.store.CheckSecondFactor(ctx, p.user.OrganisationID, p.user.ID, f.Code)
	if err != nil {
		return err
	}
	if !ok {
		if err := h.loginFailed(ctx, email, ip); err != nil {
			return err
		}
		h.auditLoginFailure(c, email, "wrong second-factor code")
		return page(http.StatusUnauthorized, "That code is not right, or was used already. Type the code your app shows now, or a recovery code.")
	}
	if err := h.forget(ctx, loginFailsPerUser, email); err != nil {
		return err
	}
	h.endSession(c) // the pending one
	if err := h.startSession(c, p.user, false); err != nil {
		return err
	}
	if recovery {
		left, err := h.store.RecoveryCodesLeft(ctx, p.user.OrganisationID, p.user.ID)
		if err != nil {
			return err
		}
		auditDetail(c, "with a recovery code")
		h.flash(c, "info", "You logged in with a recovery code; "+itoa(int64(left))+" left. Make new ones on Your account → Two-factor log-in.")
	}
	return redirect(c, localPath(f.Next))
}

// showTwoFactor is the set-up page, or the state of two-factor log-in.
func (h *Handler) showTwoFactor(c echo.Context) error {
	return h.renderTwoFactor(c, http.StatusOK, views.TwoFactorView{})
}

func (h *Handler) renderTwoFactor(c echo.Context, status int, v views.TwoFactorView) error {
	ctx, u := c.Request().Context(), currentUser(c)
	v.On, v.Required, v.MustEnrolNow = u.TwoFactorOn(), u.Organisation.RequireTwoFactor, u.MustEnrolTwoFactor()
	switch {
	case len(v.NewCodes) > 0:
	case v.On:
		v.Since = when(u.TOTPEnabledAt)
		left, err := h.store.RecoveryCodesLeft(ctx, u.OrganisationID, u.ID)
		if err != nil {
			return err
		}
		v.CodesLeft = left
	default:
		enrol, err := h.store.BeginTOTP(ctx, u.OrganisationID, u.ID)
		if err != nil {
			return err
		}
		if v.QRPath, v.QRSize, err = qrPath(enrol.URI); err != nil {
			return err
		}
		v.Secret = groupSecret(enrol.Secret)
	}
	return render(c, status, views.TwoFactorPage(h.page(c, "Two-factor log-in", "account"), v))
}

// enableTwoFactor checks the first code and shows the recovery codes once.
func (h *Handler) enableTwoFactor(c echo.Context) error {
	u := currentUser(c)
	code := c.FormValue("code")
	codes, err := h.store.EnableTOTP(c.Request().Context(), u.OrganisationID, u.ID, strings.ReplaceAll(code, " ", ""))
	if v, ok := models.AsValidation(err); ok {
		return h.renderTwoFactor(c, http.StatusUnprocessableEntity, views.TwoFactorView{Form: views.Form{Values: map[string]string{"code": code}, Errors: v}})
	}
	if err != nil {
		return err
	}
	// Other browsers logged in with the password alone end: from now on a
	// session means both factors.
	if err := h.store.EndSessions(c.Request().Context(), u.OrganisationID, u.ID, currentSession(c).ID); err != nil {
		return err
	}
	now := h.store.Now()
	u.TOTPEnabledAt = &now // the page below shows the new state
	return h.renderTwoFactor(c, http.StatusOK, views.TwoFactorView{NewCodes: codes})
}

func (h *Handler) newRecoveryCodes(c echo.Context) error {
	u := currentUser(c)
	codes, err := h.store.NewRecoveryCodes(c.Request().Context(), u.OrganisationID, u.ID)
	if errors.Is(err, models.ErrConflict) {
		return redirect(c, "/account/two-factor")
	}
	if err != nil {
		return err
	}
	return h.renderTwoFactor(c, http.StatusOK, views.TwoFactorView{NewCodes: codes})
}

func (h *Handler) disableTwoFactor(c echo.Context) error {
	u := currentUser(c)
	err := h.store.DisableTOTP(c.Request().Context(), u.OrganisationID, u.ID, c.FormValue("password"))
	if v, ok := models.AsValidation(err); ok {
		return h.renderTwoFactor(c, http.StatusUnprocessableEntity, views.TwoFactorView{DisableForm: views.Form{Errors: v}})
	}
	if err != nil {
		return err
	}
	h.flash(c, "success", "Two-factor log-in is off.")
	return redirect(c, "/account")
}

// updateSecurity is the owner's "require two-factor log-in for everyone".
func (h *Handler) updateSecurity(c echo.Context) error {
	u := currentUser(c)
	on := c.FormValue("require_two_factor") == "on"
	if err := h.store.SetRequireTwoFactor(c.Request().Context(), u.OrganisationID, on); err != nil {
		return err
	}
	if on {
		auditDetail(c, "two-factor log-in required")
		h.flash(c, "success", "Two-factor log-in is now required for everyone. Members without it set it up before anything else.")
	} else {
		auditDetail(c, "two-factor log-in optional")
		h.flash(c, "success", "Two-factor log-in is now up to each member.")
	}
	return redirect(c, "/settings")
}

// enrolmentAllowed reports whether a member whose organisation requires
// two-factor log-in may open path before setting it up.
func enrolmentAllowed(path string) bool {
	return strings.HasPrefix(path, "/account/two-factor") || path == "/logout"
}

// groupSecret writes a base32 secret in groups of four, easier to type.
func groupSecret(s string) string {
	var b strings.Builder
	for i, r := range s {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}
