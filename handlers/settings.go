package handlers

import (
	"errors"
	"io"
	"net/http"
	netmail "net/mail"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"wabadesk/mail"
	"wabadesk/models"
	"wabadesk/provisioning/onboarding"
	"wabadesk/views"
)

type sinchForm struct {
	Mode      string `form:"mode"`
	Auth      string `form:"auth"`
	KeyID     string `form:"key_id"`
	KeySecret string `form:"key_secret"`
	BaseURL   string `form:"base_url"`
	TokenURL  string `form:"token_url"`
	ProjectID string `form:"project_id"`
}

func (f sinchForm) input() models.SinchInput {
	return models.SinchInput{Mode: models.SinchMode(f.Mode), Auth: f.Auth, KeyID: f.KeyID, KeySecret: f.KeySecret,
		BaseURL: f.BaseURL, TokenURL: f.TokenURL}
}

type brandingForm struct {
	BrandName      string `form:"brand_name"`
	LogoURL        string `form:"logo_url"`
	AccentColor    string `form:"accent_color"`
	SupportContact string `form:"support_contact"`
}

// showSettings: the Sinch connection and the branding, for owners.
func (h *Handler) showSettings(c echo.Context) error {
	return h.renderSettings(c, http.StatusOK, nil, nil, views.TestResult{})
}

// renderSettings shows the page; a nil form shows what is stored. The key
// secret is never sent back, typed or stored: only its last 4 characters.
func (h *Handler) renderSettings(c echo.Context, status int, sinch, brand *views.Form, test views.TestResult) error {
	ctx, u := c.Request().Context(), currentUser(c)
	set, err := h.store.SinchSettings(ctx, u.OrganisationID)
	if err != nil {
		return err
	}
	org, err := h.store.OrganisationByID(ctx, u.OrganisationID)
	if err != nil {
		return err
	}
	if sinch == nil {
		sinch = &views.Form{Values: map[string]string{"mode": string(set.Mode), "auth": set.Auth, "key_id": set.KeyID,
			"base_url": set.BaseURL, "token_url": set.TokenURL}}
	}
	delete(sinch.Values, "key_secret")
	if brand == nil {
		brand = &views.Form{Values: map[string]string{"brand_name": org.BrandName, "logo_url": org.LogoURL,
			"accent_color": org.AccentColor, "support_contact": org.SupportContact}}
	}
	v := views.SettingsView{Sinch: *sinch, Branding: *brand, Test: test, Live: set.Mode == models.SinchLive,
		SecretLast4: set.SecretLast4, HasSecret: set.HasSecret(), OrgName: org.Name, LogoURL: org.LogoURL,
		RequireTwoFactor: org.RequireTwoFactor, Mail: views.MailSettings{Outbox: h.cfg.Mail.Transport.Outbox(), Mode: h.cfg.Mail.Transport.Describe(),
			From: displayAddress(h.cfg.Mail.From), TestTo: u.Email, Reminders: !org.RemindersOff, Cadence: cadenceWords(h.cfg.Mail.Remind)}}
	if set.Version > 0 {
		v.UpdatedBy, v.UpdatedAt = set.UpdatedBy, set.UpdatedAt.Format("2 Jan 2006 15:04")
	}
	return render(c, status, views.SettingsPage(h.page(c, "Settings", "settings"), v))
}

func (h *Handler) updateSinch(c echo.Context) error {
	var f sinchForm
	if err := c.Bind(&f); err != nil {
		return err
	}
	u := currentUser(c)
	set, err := h.store.SaveSinchSettings(c.Request().Context(), u.OrganisationID, f.input(), u.Name)
	if v, ok := models.AsValidation(err); ok {
		form := formOf(&f, v)
		return h.renderSettings(c, http.StatusUnprocessableEntity, &form, nil, views.TestResult{})
	}
	if err != nil {
		return err
	}
	detail := "sandbox"
	if set.Mode == models.SinchLive {
		detail = "live, " + set.Auth + ", key " + set.KeyID + ", " + set.BaseURL
		if f.KeySecret != "" {
			detail += ", new secret …" + set.SecretLast4
		}
	}
	auditDetail(c, detail)
	msg := "Saved. This organisation now uses the Sinch sandbox."
	if set.Mode == models.SinchLive {
		msg = "Saved. This organisation now uses its live Sinch account. Your clients are unchanged."
	}
	h.flash(c, "success", msg)
	return redirect(c, "/settings")
}

// testSinch calls Sinch with what the form says (the stored secret when the
// field is empty), saving nothing, and reports the outcome on the page.
func (h *Handler) testSinch(c echo.Context) error {
	var f sinchForm
	if err := c.Bind(&f); err != nil {
		return err
	}
	ctx, u := c.Request().Context(), currentUser(c)
	stored, err := h.store.SinchSettings(ctx, u.OrganisationID)
	if err != nil {
		return err
	}
	in := f.input()
	form := formOf(&f, nil)
	if err := in.Validate(stored.HasSecret()); err != nil {
		v, _ := models.AsValidation(err)
		form.Errors = v
		return h.renderSettings(c, http.StatusUnprocessableEntity, &form, nil, views.TestResult{})
	}
	if f.ProjectID == "" {
		form.Errors = map[string]string{"project_id": "Enter a Sinch project ID the key can use, to test with."}
		return h.renderSettings(c, http.StatusUnprocessableEntity, &form, nil, views.TestResult{})
	}
	secret := in.KeySecret
	if secret == "" {
		if secret, err = h.store.SinchSecret(stored); err != nil {
			return err
		}
	}
	set := models.SinchSettings{Mode: in.Mode, Auth: in.Auth, KeyID: in.KeyID, BaseURL: in.BaseURL, TokenURL: in.TokenURL}
	res := views.TestResult{Done: true, OK: true, Message: "Connected: Sinch accepted the key and project " + f.ProjectID + "."}
	if set.Mode == models.SinchSandbox {
		res.Message = "Connected to the built-in Sinch sandbox."
	}
	if err := onboarding.Check(ctx, h.cfg.Connections.For(set, secret), f.ProjectID); err != nil {
		res.OK, res.Message = false, err.Error()
	}
	auditDetail(c, string(set.Mode)+" "+set.KeyID+": "+map[bool]string{true: "ok", false: "failed"}[res.OK])
	return h.renderSettings(c, http.StatusOK, &form, nil, res)
}

func (h *Handler) updateBranding(c echo.Context) error {
	var f brandingForm
	if err := c.Bind(&f); err != nil {
		return err
	}
	ctx, u := c.Request().Context(), currentUser(c)
	fail := func(v models.ValidationError) error {
		form := formOf(&f, v)
		return h.renderSettings(c, http.StatusUnprocessableEntity, nil, &form, views.TestResult{})
	}
	if fh, err := c.FormFile("logo"); err == nil {
		data, err := readUpload(fh.Open, models.MaxLogoBytes)
		if err != nil {
			return fail(models.ValidationError{"logo": "The image is too large: use one under 512 KB."})
		}
		url, err := h.store.SaveLogo(ctx, u.OrganisationID, http.DetectContentType(data), data)
		if v, ok := models.AsValidation(err); ok {
			return fail(v)
		}
		if err != nil {
			return err
		}
		f.LogoURL = url
	} else if !errors.Is(err, http.ErrMissingFile) && !errors.Is(err, http.ErrNotMultipart) {
		return err
	}
	org, err := h.store.UpdateBranding(ctx, u.OrganisationID, models.Branding(f))
	if v, ok := models.AsValidation(err); ok {
		return fail(v)
	}
	if err != nil {
		return err
	}
	auditDetail(c, "name "+strconv.Quote(org.BrandName)+", colour "+org.AccentColor+", logo "+org.LogoURL)
	h.flash(c, "success", "Branding saved. Your clients see it on their page.")
	return redirect(c, "/settings")
}

// readUpload reads at most limit bytes, failing when there are more.
func readUpload[F io.ReadCloser](open func() (F, error), limit int64) ([]byte, error) {
	r, err := open()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err == nil && int64(len(data)) > limit {
		err = errors.New("upload too large")
	}
	return data, err
}

// showLogo serves an uploaded logo; the URL carries its hash, so it may be
// cached for good.
func (h *Handler) showLogo(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	logo, err := h.store.LogoByOrganisation(c.Request().Context(), id)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	c.Response().Header().Set("Content-Security-Policy", "default-src 'none'")
	return c.Blob(http.StatusOK, logo.ContentType, logo.Data)
}

// sendTestMail queues a test message to the owner's own address.
func (h *Handler) sendTestMail(c echo.Context) error {
	u := currentUser(c)
	if err := h.cfg.Mail.Test(c.Request().Context(), u.OrganisationID, u.Email, u.Name); err != nil {
		return err
	}
	auditDetail(c, u.Email)
	if h.cfg.Mail.Transport.Outbox() {
		h.flash(c, "success", "Test e-mail written to the outbox. Open the E-mail page to read it.")
	} else {
		h.flash(c, "success", "Test e-mail on its way to "+u.Email+". The E-mail page shows whether the server took it.")
	}
	return redirect(c, "/settings")
}

// updateReminders turns reminder e-mails on or off for the organisation.
func (h *Handler) updateReminders(c echo.Context) error {
	on := c.FormValue("reminders") == "on"
	if err := h.store.SetReminders(c.Request().Context(), currentUser(c).OrganisationID, on); err != nil {
		return err
	}
	auditDetail(c, map[bool]string{true: "on", false: "off"}[on])
	h.flash(c, "success", map[bool]string{true: "Reminders are on.", false: "Reminders are off: business clients get none until you turn them on."}[on])
	return redirect(c, "/settings")
}

// cadenceWords says when reminders go, for the settings page.
func cadenceWords(c mail.Cadence) string {
	words := func(ds []time.Duration) string {
		var parts []string
		for _, d := range ds {
			parts = append(parts, mail.Span(d))
		}
		return strings.Join(parts, ", ")
	}
	out := ""
	if ds := c[models.StageMetaApproval]; len(ds) > 0 {
		out += "Waiting at Meta: after " + words(ds) + ", then weekly until Meta cancels the request. "
	}
	if ds := c[models.StageVerification]; len(ds) > 0 {
		out += "Phone verification: after " + words(ds) + "."
	}
	if out == "" {
		return "No reminders are configured (--remind-after)."
	}
	return strings.TrimSpace(out)
}

// displayAddress writes an address as people read it: Name <addr>.
func displayAddress(a netmail.Address) string {
	if a.Name == "" {
		return a.Address
	}
	return a.Name + " <" + a.Address + ">"
}
