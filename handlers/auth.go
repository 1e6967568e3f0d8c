package handlers

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"wabadesk/models"
	"wabadesk/views"
)

type signupForm struct {
	OrganisationName string `form:"organisation_name"`
	Name             string `form:"name"`
	Email            string `form:"email"`
	Password         string `form:"password"`
}

type loginForm struct {
	Email    string `form:"email"`
	Password string `form:"password"`
	Next     string `form:"next"`
}

type acceptForm struct {
	Name     string `form:"name"`
	Password string `form:"password"`
}

// home sends people where they belong: sign-up on a fresh install, log-in
// when anonymous, otherwise the dashboard.
func (h *Handler) home(c echo.Context) error {
	if currentUser(c) != nil {
		return redirect(c, "/clients")
	}
	has, err := h.store.HasUsers(c.Request().Context())
	if err != nil {
		return err
	}
	if !has {
		return redirect(c, "/signup")
	}
	return redirect(c, "/login")
}

// signupAllowed is true when sign-up is open, or nobody exists yet.
func (h *Handler) signupAllowed(c echo.Context) (allowed, firstRun bool, err error) {
	has, err := h.store.HasUsers(c.Request().Context())
	return h.cfg.SignupOpen || !has, !has, err
}

func (h *Handler) newSignup(c echo.Context) error {
	if currentUser(c) != nil {
		return redirect(c, "/")
	}
	allowed, firstRun, err := h.signupAllowed(c)
	if err != nil {
		return err
	}
	if !allowed {
		return render(c, http.StatusForbidden, views.SignupClosedPage(h.page(c, "Sign-up", "")))
	}
	return render(c, http.StatusOK, views.SignupPage(h.page(c, "Create your organisation", ""), views.Form{}, firstRun))
}

func (h *Handler) createSignup(c echo.Context) error {
	allowed, firstRun, err := h.signupAllowed(c)
	if err != nil {
		return err
	}
	if !allowed {
		return render(c, http.StatusForbidden, views.SignupClosedPage(h.page(c, "Sign-up", "")))
	}
	var f signupForm
	if err := c.Bind(&f); err != nil {
		return err
	}
	// The answer says whether an e-mail has an account: a stranger may ask
	// only so often.
	if ok, err := h.allow(c.Request().Context(), signupsPerIP, c.RealIP()); err != nil || !ok {
		if err != nil {
			return err
		}
		form := formOf(&f, map[string]string{"": "Too many sign-ups from your network. For your security, wait an hour and try again."})
		return render(c, http.StatusTooManyRequests, views.SignupPage(h.page(c, "Create your organisation", ""), form, firstRun))
	}
	_, user, err := h.store.CreateOrganisation(c.Request().Context(), models.SignUp(f))
	if v, ok := models.AsValidation(err); ok {
		return render(c, http.StatusUnprocessableEntity, views.SignupPage(h.page(c, "Create your organisation", ""), formOf(&f, v), firstRun))
	}
	if err != nil {
		return err
	}
	if err := h.startSession(c, user, false); err != nil {
		return err
	}
	h.flash(c, "success", "Welcome to wabadesk! Your organisation is ready.")
	return redirect(c, "/")
}

func (h *Handler) newLogin(c echo.Context) error {
	if currentUser(c) != nil {
		return redirect(c, "/")
	}
	has, err := h.store.HasUsers(c.Request().Context())
	if err != nil {
		return err
	}
	if !has {
		return redirect(c, "/signup")
	}
	form := views.Form{Values: map[string]string{"next": c.QueryParam("next")}}
	return render(c, http.StatusOK, views.LoginPage(h.page(c, "Log in", ""), form, h.cfg.SignupOpen))
}

func (h *Handler) createLogin(c echo.Context) error {
	var f loginForm
	if err := c.Bind(&f); err != nil {
		return err
	}
	ctx := c.Request().Context()
	email, ip := strings.ToLower(strings.TrimSpace(f.Email)), c.RealIP()
	throttled, err := h.loginThrottled(ctx, email, ip)
	if err != nil {
		return err
	}
	if throttled {
		h.auditLoginFailure(c, email, "refused: too many failed attempts")
		form := formOf(&f, map[string]string{"": "Too many failed log-in attempts. For your security, wait 15 minutes and try again."})
		return render(c, http.StatusTooManyRequests, views.LoginPage(h.page(c, "Log in", ""), form, h.cfg.SignupOpen))
	}
	user, err := h.store.Authenticate(ctx, f.Email, f.Password)
	if errors.Is(err, models.ErrBadLogin) {
		if err := h.loginFailed(ctx, email, ip); err != nil {
			return err
		}
		h.auditLoginFailure(c, email, "wrong e-mail or password")
		form := formOf(&f, map[string]string{"": "Wrong e-mail or password. Check both and try again."})
		return render(c, http.StatusUnauthorized, views.LoginPage(h.page(c, "Log in", ""), form, h.cfg.SignupOpen))
	}
	if err != nil {
		return err
	}
	if user.TwoFactorOn() {
		// The failures are forgotten only after the second step: knowing
		// the password must not reset the count of guessed codes.
		if err := h.startSession(c, user, true); err != nil {
			return err
		}
		return redirect(c, "/login/two-factor?next="+url.QueryEscape(localPath(f.Next)))
	}
	if err := h.forget(ctx, loginFailsPerUser, email); err != nil {
		return err
	}
	if err := h.startSession(c, user, false); err != nil {
		return err
	}
	return redirect(c, localPath(f.Next))
}

// auditLoginFailure files a failed log-in with the organisation of the
// account it was for; attempts for unknown addresses belong to nobody.
func (h *Handler) auditLoginFailure(c echo.Context, email, why string) {
	h.auditByEmail(c, email, "login.failed", why)
}

// auditByEmail records action in the audit log of the organisation of the
// account with this e-mail, if any: what strangers try against accounts
// (failed log-ins, password resets) is seen by their owners.
func (h *Handler) auditByEmail(c echo.Context, email, action, detail string) {
	u, err := h.store.UserByEmail(c.Request().Context(), email)
	if err != nil {
		return
	}
	h.record(c, models.AuditEntry{OrganisationID: u.OrganisationID, ActorKind: models.ActorStaff, ActorID: u.ID,
		ActorName: u.Name, Action: action, Subject: email, Detail: detail})
}

func (h *Handler) logout(c echo.Context) error {
	h.endSession(c)
	h.flash(c, "info", "You are logged out.")
	return redirect(c, "/login")
}

func (h *Handler) showInvite(c echo.Context) error {
	inv, err := h.store.InviteByToken(c.Request().Context(), c.Param("token"))
	if errors.Is(err, models.ErrNotFound) {
		return errInviteGone
	}
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.AcceptInvitePage(h.page(c, "Join "+inv.Organisation.Name, ""),
		views.Form{}, inv.Organisation.Name, inv.Email, inv.Role.Label()))
}

func (h *Handler) acceptInvite(c echo.Context) error {
	ctx, token := c.Request().Context(), c.Param("token")
	inv, err := h.store.InviteByToken(ctx, token)
	if errors.Is(err, models.ErrNotFound) {
		return errInviteGone
	}
	if err != nil {
		return err
	}
	var f acceptForm
	if err := c.Bind(&f); err != nil {
		return err
	}
	user, err := h.store.AcceptInvite(ctx, token, f.Name, f.Password)
	if v, ok := models.AsValidation(err); ok {
		return render(c, http.StatusUnprocessableEntity, views.AcceptInvitePage(h.page(c, "Join "+inv.Organisation.Name, ""),
			formOf(&f, v), inv.Organisation.Name, inv.Email, inv.Role.Label()))
	}
	if errors.Is(err, models.ErrNotFound) {
		return errInviteGone
	}
	if err != nil {
		return err
	}
	if err := h.startSession(c, user, false); err != nil {
		return err
	}
	h.flash(c, "success", "Welcome to "+inv.Organisation.Name+"!")
	return redirect(c, "/")
}

// loginFailed counts a failed log-in step (password or second factor) for
// the account and the address.
func (h *Handler) loginFailed(ctx context.Context, email, ip string) error {
	return errors.Join(h.count(ctx, loginFailsPerUser, email), h.count(ctx, loginFailsPerIP, ip))
}

// loginThrottled reports whether a log-in for email from ip must wait.
func (h *Handler) loginThrottled(ctx context.Context, email, ip string) (bool, error) {
	user, err := h.reached(ctx, loginFailsPerUser, email)
	if err != nil || user {
		return user, err
	}
	return h.reached(ctx, loginFailsPerIP, ip)
}
