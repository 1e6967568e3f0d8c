package handlers

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"wabadesk/models"
	"wabadesk/views"
)

type forgotForm struct {
	Email string `form:"email"`
}

type resetForm struct {
	Password string `form:"password"`
}

// newPasswordReset asks for the address to send a reset link to.
func (h *Handler) newPasswordReset(c echo.Context) error {
	sent := c.QueryParam("sent") != ""
	return render(c, http.StatusOK, views.ForgotPasswordPage(h.page(c, "Forgot your password?", ""), views.Form{}, sent))
}

// createPasswordReset e-mails a reset link if the address has an account,
// and answers the same either way. A network may ask 10 times an hour; an
// address gets at most 3 links an hour (more are silently not sent), so
// nobody can flood a mailbox.
func (h *Handler) createPasswordReset(c echo.Context) error {
	var f forgotForm
	if err := c.Bind(&f); err != nil {
		return err
	}
	ctx := c.Request().Context()
	email := strings.ToLower(strings.TrimSpace(f.Email))
	v := models.ValidationError{}
	if email == "" {
		v.Add("email", "Enter the e-mail address you log in with.")
	} else if !strings.Contains(email, "@") || len(email) > 254 {
		v.Add("email", "Enter a valid e-mail address, like name@example.com.")
	}
	if len(v) > 0 {
		return render(c, http.StatusUnprocessableEntity, views.ForgotPasswordPage(h.page(c, "Forgot your password?", ""), formOf(&f, v), false))
	}
	ok, err := h.allow(ctx, resetsPerIP, c.RealIP())
	if err != nil {
		return err
	}
	if !ok {
		form := formOf(&f, map[string]string{"": "Too many requests from your network. Wait an hour and try again."})
		return render(c, http.StatusTooManyRequests, views.ForgotPasswordPage(h.page(c, "Forgot your password?", ""), form, false))
	}
	if ok, err = h.allow(ctx, resetsPerEmail, email); err != nil {
		return err
	}
	if ok {
		if err := h.store.RequestPasswordReset(ctx, email); err != nil {
			return err
		}
		h.cfg.Mail.Kick()
		h.auditByEmail(c, email, "password.reset_requested", "link e-mailed")
	} else {
		h.auditByEmail(c, email, "password.reset_requested", "not sent: 3 links in the last hour already")
	}
	return redirect(c, "/password/forgot?sent=1")
}

// showPasswordReset is the page a reset link opens.
func (h *Handler) showPasswordReset(c echo.Context) error {
	r, err := h.store.PasswordResetByToken(c.Request().Context(), c.Param("token"))
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.ResetPasswordPage(h.page(c, "Choose a new password", ""), views.Form{}, r.User.Email))
}

// updatePasswordByReset sets the new password, ends every session of the
// user and sends them to log in.
func (h *Handler) updatePasswordByReset(c echo.Context) error {
	var f resetForm
	if err := c.Bind(&f); err != nil {
		return err
	}
	ctx, token := c.Request().Context(), c.Param("token")
	u, err := h.store.ResetPassword(ctx, token, f.Password)
	if v, ok := models.AsValidation(err); ok {
		r, err := h.store.PasswordResetByToken(ctx, token)
		if err != nil {
			return err
		}
		return render(c, http.StatusUnprocessableEntity, views.ResetPasswordPage(h.page(c, "Choose a new password", ""), views.Form{Errors: v}, r.User.Email))
	}
	if errors.Is(err, models.ErrResetGone) || err != nil {
		return err
	}
	c.Set(keyUser, &u) // the audit entry names who reset
	_ = h.forget(ctx, loginFailsPerUser, u.Email)
	h.flash(c, "success", "Your password was changed and you were logged out everywhere. Log in with the new password.")
	return redirect(c, "/login")
}
