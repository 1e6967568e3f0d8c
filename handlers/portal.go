package handlers

import (
	"cmp"
	"context"
	"errors"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"wabadesk/models"
	"wabadesk/provisioning/onboarding"
	"wabadesk/provisioning/sandbox"
	"wabadesk/views"
)

// The business client's page lives at /c/<token>. Everything it shows comes
// from the one client the token names; nothing else is reachable from it.
const portalPrefix = "/c/"

const langCookie = "wabadesk_lang"

// portal is what one request to the client page works with.
type portal struct {
	portalData
	lang views.Lang
}

// portalData is what the page shows. It is kept between changes in
// h.portals (cache.go): the page is public, re-fetches itself on every
// change of its client and anyone holding the link may reload it at will.
// Revoking a link is a change, and expiry is checked on every request.
type portalData struct {
	link        models.Link
	client      models.Client
	org         models.Organisation
	sender      *models.Sender // the latest live sender, if any
	metaLink    string         // the approval request while waiting at Meta
	metaSandbox bool
}

// openPortal resolves the token; an expired or revoked link is answered here
// with the friendly 410 page (and a nil portal). Forms that act on the
// state ask for fresh data instead of the cached page's.
func (h *Handler) openPortal(c echo.Context, fresh bool) (*portal, error) {
	ctx := c.Request().Context()
	p := &portal{lang: h.portalLang(c)}
	token := c.Param("token")
	hash := models.HashToken(token)
	load := func(ctx context.Context) (portalData, int, error) { return h.loadPortal(ctx, token) }
	var err error
	if tenant, ok := h.tokenTenants.lookup(hash); ok && !fresh {
		p.portalData, err = h.portals.get(ctx, tenant, hash, load)
	} else {
		p.portalData, _, err = load(ctx)
	}
	if err == nil && !p.link.Active(h.store.Now()) {
		err = models.ErrLinkGone
	}
	if errors.Is(err, models.ErrLinkGone) || errors.Is(err, models.ErrNotFound) {
		status := http.StatusGone
		if errors.Is(err, models.ErrNotFound) {
			status = http.StatusNotFound
		}
		return nil, render(c, status, views.PortalGonePage(p.lang))
	}
	if err != nil {
		return nil, err
	}
	h.tokenTenants.remember(hash, p.link.OrganisationID)
	return p, nil
}

// portalDataSize is roughly what one portalData holds, for the cache budget.
const portalDataSize = 4 << 10

func (h *Handler) loadPortal(ctx context.Context, token string) (d portalData, size int, err error) {
	if d.link, err = h.store.OpenLink(ctx, token); err != nil {
		return d, 0, err
	}
	tenant := d.link.OrganisationID
	if d.client, err = h.store.ClientByID(ctx, tenant, d.link.ClientID); err != nil {
		return d, 0, err
	}
	if d.org, err = h.store.OrganisationByID(ctx, tenant); err != nil {
		return d, 0, err
	}
	senders, err := h.store.Senders(ctx, tenant, d.link.ClientID)
	if err != nil {
		return d, 0, err
	}
	for i := range senders {
		if senders[i].Stage != models.SenderDeleted {
			d.sender = &senders[i]
			break
		}
	}
	d.metaLink, d.metaSandbox = h.metaLink(ctx, tenant, d.client)
	return d, portalDataSize, nil
}

// tokenTenants remembers which organisation a link token belongs to, which
// never changes, so the page's cache entry can be checked against that
// organisation's version before anything is read. Only tokens that opened
// a page are remembered, and past maxTokenTenants it starts over.
type tokenTenants struct {
	mu sync.Mutex
	m  map[string]int64 // token hash → organisation
}

const maxTokenTenants = 100_000

func (t *tokenTenants) lookup(hash string) (int64, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	id, ok := t.m[hash]
	return id, ok
}

func (t *tokenTenants) remember(hash string, tenantID int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.m == nil || len(t.m) >= maxTokenTenants {
		t.m = map[string]int64{}
	}
	t.m[hash] = tenantID
}

// portalLang: ?lang= (remembered in a cookie), else the cookie, else the
// browser's Accept-Language.
func (h *Handler) portalLang(c echo.Context) views.Lang {
	if q := c.QueryParam("lang"); q != "" {
		lang := views.ParseLang(q)
		c.SetCookie(&http.Cookie{Name: langCookie, Value: string(lang), Path: portalPrefix, MaxAge: 365 * 24 * 3600,
			HttpOnly: true, Secure: h.secure, SameSite: http.SameSiteLaxMode})
		return lang
	}
	var cookie string
	if ck, err := c.Cookie(langCookie); err == nil {
		cookie = ck.Value
	}
	return views.ParseLang(cookie, c.Request().Header.Get("Accept-Language"))
}

// showPortal renders the client page. Opening it (not the live refreshes)
// counts as a visit and, at most every 30 minutes, a timeline event.
func (h *Handler) showPortal(c echo.Context) error {
	p, err := h.openPortal(c, false)
	if p == nil {
		return err
	}
	if c.Request().Header.Get("HX-Request") == "" { // a visit, not a live refresh
		if last := h.store.CountOpen(p.link); last == nil || h.store.Now().Sub(*last) > 30*time.Minute {
			h.clientEvent(c, p, "client.link_opened", "Client opened their link")
		}
	}
	notice := ""
	if c.Request().Header.Get("HX-Request") == "" {
		notice = h.takePortalNotice(c, p.lang)
	}
	return h.renderPortal(c, http.StatusOK, p, views.Form{}, notice)
}

// clientEvent records a client action on the timeline (and so for staff)
// and in the audit log, with the link as the subject.
func (h *Handler) clientEvent(c echo.Context, p *portal, action, title string) {
	err := h.store.AddEvent(c.Request().Context(), p.link.OrganisationID, models.Event{ClientID: p.client.ID,
		Source: models.SourceClient, Actor: p.client.Name, Title: title})
	if err != nil {
		h.log.Warn("client event not recorded", "error", err, "request_id", requestID(c))
	}
	h.clientAudit(c, p, action)
}

// clientAudit writes a client action to the audit log.
func (h *Handler) clientAudit(c echo.Context, p *portal, action string) {
	h.record(c, models.AuditEntry{OrganisationID: p.link.OrganisationID, ActorKind: models.ActorClient,
		ActorName: p.client.Name + " (shared link)", Action: action,
		Subject: "client " + itoa(p.client.ID) + ", link " + itoa(p.link.ID)})
}

func (h *Handler) renderPortal(c echo.Context, status int, p *portal, form views.Form, notice string) error {
	base := portalPrefix + c.Param("token")
	v := views.PortalView{Lang: p.lang, Brand: p.org.Brand(), LogoURL: p.org.LogoURL,
		Support: orDefault(p.org.SupportContact, p.org.Brand()), ClientName: p.client.Name,
		Base: base, Form: form, Notice: notice, Live: h.liveURL(c, base+"/events")}
	if tok, ok := c.Get(middleware.DefaultCSRFConfig.ContextKey).(string); ok {
		v.CSRF = tok
	}
	if models.ValidAccent(p.org.AccentColor) {
		v.ThemeURL = "/brand/" + itoa(p.org.ID) + "/theme.css?c=" + url.QueryEscape(p.org.AccentColor[1:])
	}
	for _, l := range views.Langs {
		v.LangLinks = append(v.LangLinks, views.LangLink{Name: l.Name, Code: l.Code, URL: base + "?lang=" + string(l.Code), Current: l.Code == p.lang})
	}
	if status >= 400 { // a refused form: a live refresh would wipe its messages
		v.Live = ""
	}
	portalJourney(&v, p, h.store.Now())
	v.MetaSandbox = v.Mode == "meta" && p.metaSandbox
	c.Response().Header().Set("Referrer-Policy", "no-referrer") // the token must not leak to Meta or a logo host
	live := views.PortalLive(v)
	// The plain page is the same for every visitor of a link in a language,
	// so its live region is kept like the client list's (it holds links
	// with the token: the key is the token's hash). Refused forms and the
	// OTP step, whose forms carry the visitor's CSRF token, are not; a
	// form's notice stands outside the region.
	if status == http.StatusOK && len(form.Values) == 0 && v.Mode != "otp" {
		html, err := h.regions.get(c.Request().Context(), p.link.OrganisationID, "portal|"+models.HashToken(c.Param("token"))+"|"+string(p.lang),
			func(ctx context.Context) (string, int, error) {
				html, err := templ.ToGoHTML(ctx, live)
				return string(html), len(html), err
			})
		if err != nil {
			return err
		}
		live = templ.Raw(html)
	}
	return render(c, status, views.PortalPage(v, live))
}

// portalSteps are the client's steps; the stage picks the current one.
var portalSteps = []string{"step.prepare", "step.approve", "step.account", "step.number", "step.verify", "step.done"}

// portalJourney fills mode, steps and "what happens next" from the stage.
func portalJourney(v *views.PortalView, p *portal, now time.Time) {
	current, next := 0, "next.approve"
	switch p.client.Stage {
	case models.StageMetaApproval:
		current, next, v.Mode = 1, "next.account", "meta"
		v.MetaExpires = p.client.StageSince.Add(90 * 24 * time.Hour).Format("2006-01-02")
	case models.StageRejected:
		current, next, v.Mode = 1, "", "problem"
	case models.StageOnboarded, models.StageSenderReview:
		current, next = 3, "next.number"
	case models.StageSenderProblem:
		current, next, v.Mode = 3, "", "problem"
	case models.StageVerification:
		current, next, v.Mode = 4, "next.verify", "otp"
	case models.StageActive:
		current, next, v.Mode = len(portalSteps), "", "active"
	}
	if v.Mode == "" {
		v.Mode = "wait"
	}
	v.Next = next
	v.Alerts = portalAlerts(v.Lang, p, v.Brand)
	if p.sender != nil {
		v.Phone, v.DisplayName = p.sender.Phone(), p.sender.DisplayName
		v.OTPSent = p.sender.OTPRequestedAt != nil && now.Sub(*p.sender.OTPRequestedAt) < 10*time.Minute
	}
	for i, key := range portalSteps {
		state := "todo"
		if i < current {
			state = "done"
		} else if i == current {
			state = "current"
		}
		v.Steps = append(v.Steps, views.Step{Label: views.T(v.Lang, key), State: state})
	}
}

// portalAlerts are the health problems the business client must act on,
// worst first, in their language (the staff page has the details).
func portalAlerts(lang views.Lang, p *portal, brand string) []views.PortalAlert {
	c := p.client
	t := func(key string, args ...any) string { return views.T(lang, key, args...) }
	var out []views.PortalAlert
	switch c.BanState {
	case "DISABLE":
		out = append(out, views.PortalAlert{Heading: t("health.ban.disabled.heading"), Body: t("health.ban.disabled.body", brand)})
	case "SCHEDULE_FOR_DISABLE":
		date := ""
		if c.BanDate != "" {
			date = t("health.ban.date", models.BanDateLabel(c.BanDate))
		}
		out = append(out, views.PortalAlert{Heading: t("health.ban.scheduled.heading"), Body: t("health.ban.scheduled.body", date, brand)})
	}
	phone := ""
	if p.sender != nil {
		phone = p.sender.Phone()
	}
	if c.HealthSuspended {
		out = append(out, views.PortalAlert{Heading: t("health.suspended.heading"), Body: t("health.suspended.body", phone, brand)})
	}
	switch c.HealthQuality {
	case "RED":
		out = append(out, views.PortalAlert{Heading: t("health.quality.red.heading"), Body: t("health.quality.red.body", brand)})
	case "YELLOW":
		out = append(out, views.PortalAlert{Heading: t("health.quality.yellow.heading"), Body: t("health.quality.yellow.body")})
	}
	if p.sender != nil && p.sender.NameStatus == "REJECTED" {
		name := cmp.Or(p.sender.NameValue, p.sender.DisplayName)
		a := views.PortalAlert{Heading: t("health.name.heading"), Body: t("health.name.body", name, brand)}
		if p.sender.NameReason != "" {
			a.Body += " " + t("health.name.reason", p.sender.NameReason)
		}
		out = append(out, a)
	}
	return out
}

// showPortalMeta records the click and sends the client to the Meta request.
func (h *Handler) showPortalMeta(c echo.Context) error {
	p, err := h.openPortal(c, false)
	if p == nil {
		return err
	}
	if p.metaLink == "" {
		return redirect(c, portalPrefix+c.Param("token"))
	}
	h.clientEvent(c, p, "client.meta_opened", "Client opened the approval request at Meta")
	link := p.metaLink
	if p.metaSandbox { // the stand-in links back, as the real Meta would not
		link += "&" + sandbox.BackParam + "=" + url.QueryEscape(portalPrefix+c.Param("token")+"?lang="+string(p.lang))
	}
	return redirect(c, link)
}

// createPortalOTP asks Sinch to send the code by SMS or voice.
func (h *Handler) createPortalOTP(c echo.Context) error {
	return h.portalOTPStep(c, "method", otpRequests, "client.otp_requested",
		func(p *portal, method string) error {
			_, err := h.onboard.RequestOTP(c.Request().Context(), p.link.OrganisationID, p.client.ID, p.sender.ID, method,
				p.client.Name+" (shared link)", models.SourceClient)
			return err
		}, "")
}

// createPortalVerification checks the code the client typed.
func (h *Handler) createPortalVerification(c echo.Context) error {
	return h.portalOTPStep(c, "code", otpVerifies, "client.otp_entered",
		func(p *portal, code string) error {
			_, err := h.onboard.VerifyOTP(c.Request().Context(), p.link.OrganisationID, p.client.ID, p.sender.ID, code,
				p.client.Name+" (shared link)", models.SourceClient)
			return err
		}, "ok.verified")
}

// portalOTPStep runs one OTP form of the client page: the state check, the
// per-link and per-address limit, the Sinch call, the audit entry, and the
// answer in the client's language. Every step that went through redirects
// back to the page (PRG), with its notice (done, or "still working") kept
// for it; a refused one shows the page again with the message at the field.
func (h *Handler) portalOTPStep(c echo.Context, field string, limit rateLimit, action string,
	call func(p *portal, value string) error, done string) error {
	p, err := h.openPortal(c, true)
	if p == nil {
		return err
	}
	value := c.FormValue(field)
	form := views.Form{Values: map[string]string{field: value}}
	refuse := func(status int, msg string) error {
		form.Errors = map[string]string{field: msg}
		return h.renderPortal(c, status, p, form, "")
	}
	if p.sender == nil || p.client.Stage != models.StageVerification {
		return refuse(http.StatusConflict, views.T(p.lang, "err.notnow"))
	}
	if ok, err := h.allow(c.Request().Context(), limit, "link:"+itoa(p.link.ID), "ip:"+c.RealIP()); err != nil || !ok {
		if err != nil {
			return err
		}
		return refuse(http.StatusTooManyRequests, views.T(p.lang, "err.toomany"))
	}
	err = call(p, value)
	h.clientAudit(c, p, action)
	if errors.Is(err, onboarding.ErrInProgress) {
		done, err = "ok.working", nil
	}
	if err != nil {
		return refuse(portalStatus(err), h.portalError(p, err))
	}
	if done != "" {
		h.flash(c, portalNotice, done)
	}
	return redirect(c, portalPrefix+c.Param("token")+"?lang="+string(p.lang))
}

// portalNotice is the flash kind of a notice for the client page; its
// message is a catalogue key, shown in the client's language.
const portalNotice = "portal"

// takePortalNotice returns the notice a step left for the page, if any.
func (h *Handler) takePortalNotice(c echo.Context, lang views.Lang) string {
	for _, f := range h.flashes(c) {
		if f.Kind == portalNotice {
			return views.T(lang, f.Message)
		}
	}
	return ""
}

// showPortalStep is a GET of a step's address (a reload after a refused
// code, a bookmark): the client's page.
func (h *Handler) showPortalStep(c echo.Context) error {
	return redirect(c, portalPrefix+c.Param("token"))
}

// portalError words a refused OTP step for the client, in their language,
// without internal codes.
func (h *Handler) portalError(p *portal, err error) string {
	var oe *onboarding.OTPError
	switch {
	case errors.As(err, &oe):
		switch oe.Kind {
		case onboarding.OTPBadMethod:
			return views.T(p.lang, "err.method")
		case onboarding.OTPNotVerifying:
			return views.T(p.lang, "err.notnow")
		case onboarding.OTPResendWait:
			return views.T(p.lang, "err.wait", oe.Wait)
		case onboarding.OTPCodeFormat:
			return views.T(p.lang, "err.code.format")
		case onboarding.OTPTooManyWrong:
			return views.T(p.lang, "err.code.limit")
		case onboarding.OTPWrongCode:
			return views.T(p.lang, "err.code.wrong")
		case onboarding.OTPRateLimited:
			return views.T(p.lang, "err.toomany")
		}
	case errors.Is(err, onboarding.ErrUnavailable):
		return views.T(p.lang, "err.unavailable")
	}
	h.log.Warn("client OTP step failed", "error", err)
	return views.T(p.lang, "err.failed", orDefault(p.org.SupportContact, p.org.Brand()))
}

func portalStatus(err error) int {
	var oe *onboarding.OTPError
	if errors.As(err, &oe) && (oe.Kind == onboarding.OTPRateLimited || oe.Kind == onboarding.OTPResendWait) {
		return http.StatusTooManyRequests
	}
	if errors.Is(err, onboarding.ErrUnavailable) {
		return http.StatusServiceUnavailable
	}
	return http.StatusUnprocessableEntity
}

// streamPortal streams changes of this one client to its page.
func (h *Handler) streamPortal(c echo.Context) error {
	p, err := h.openPortal(c, false)
	if p == nil {
		return err
	}
	return h.stream(c, p.link.OrganisationID, func(ch models.Change) bool { return ch.ClientID == p.client.ID })
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
