package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"wabadesk/models"
	"wabadesk/views"
)

// mustLink creates a client link from the staff page and returns its path.
func (b *browser) mustLink(clientPath string) string {
	b.t.Helper()
	r := b.post(clientPath+"/links", url.Values{"days": {"30"}})
	if r.status != http.StatusSeeOther {
		b.t.Fatalf("create link: %d", r.status)
	}
	page := b.get(clientPath)
	link, _ := page.doc.Find("#client-link").Attr("value")
	if link == "" || page.doc.Find("[data-testid=qr] path").Length() != 1 {
		b.t.Fatal("new link or its QR code not shown")
	}
	u, _ := url.Parse(link)
	return u.Path
}

// visitor is someone without an account opening a shared link.
func (a *testApp) visitor(lang string) *browser {
	v := a.browser()
	if lang != "" {
		v.get("/healthz")
	}
	return v
}

func (b *browser) getLang(path, acceptLanguage string) response {
	req, _ := http.NewRequest(http.MethodGet, b.app.srv.URL+path, nil)
	req.Header.Set("Accept-Language", acceptLanguage)
	return b.do(req)
}

func TestLinkLifecycle(t *testing.T) {
	app := mustApp(t)
	staff := app.browser()
	staff.mustSignup("Acme", "ana@acme.test")
	clientPath := staff.mustCreateClient(clientValues(projectA, "123456789"), "submit")
	link := staff.mustLink(clientPath)
	if again := staff.get(clientPath); again.doc.Find("#client-link").Length() != 0 {
		t.Fatal("the link is shown a second time")
	}

	client := app.visitor("")
	r := client.get(link)
	expectStatus(t, r, http.StatusOK)
	if !strings.Contains(r.text("[data-testid=portal-title]"), "Padaria Estrela") {
		t.Fatalf("portal title %q", r.text("[data-testid=portal-title]"))
	}
	page := staff.get(clientPath)
	if !strings.Contains(page.text("[data-testid=links-table]"), "1×") || !strings.Contains(page.text("[data-testid=timeline]"), "Client opened their link") {
		t.Fatalf("open not counted/recorded: %q", page.text("[data-testid=links-table]"))
	}

	// Regenerate: the old link stops, the new one works.
	lid := page.doc.Find("[data-testid=link-row] form[action$='/regenerate']").AttrOr("action", "")
	expectStatus(t, staff.post(lid, url.Values{}), http.StatusSeeOther)
	fresh, _ := staff.get(clientPath).doc.Find("#client-link").Attr("value")
	expectStatus(t, client.get(link), http.StatusGone)
	freshPath, _ := url.Parse(fresh)
	expectStatus(t, client.get(freshPath.Path), http.StatusOK)

	// Revoke.
	rev := staff.get(clientPath).doc.Find("[data-testid=link-row] form[action$='/revoke']").AttrOr("action", "")
	expectStatus(t, staff.post(rev, url.Values{}), http.StatusSeeOther)
	gone := client.get(freshPath.Path)
	expectStatus(t, gone, http.StatusGone)
	if !strings.Contains(gone.text("[data-testid=gone]"), "ask the company") {
		t.Fatalf("gone page: %q", gone.text("[data-testid=gone]"))
	}

	// Expiry: 31 days later a 30-day link no longer works.
	third := staff.mustLink(clientPath)
	expectStatus(t, client.get(third), http.StatusOK)
	app.store.Now = func() time.Time { return time.Now().Add(31 * 24 * time.Hour) }
	expectStatus(t, client.get(third), http.StatusGone)
	expectStatus(t, client.get("/c/not-a-real-token"), http.StatusNotFound)
}

func TestLinkNeverRevealsAnotherClient(t *testing.T) {
	app := mustApp(t)
	staff := app.browser()
	staff.mustSignup("Acme", "ana@acme.test")
	a := staff.mustCreateClient(clientValues(projectA, "111111111"), "draft")
	bv := clientValues(projectB, "222222222")
	bv.Set("name", "Oficina Bravo")
	staff.mustCreateClient(bv, "draft")
	link := staff.mustLink(a)
	page := app.visitor("").get(link)
	body := page.text("body")
	for _, secret := range []string{"Oficina Bravo", "222222222", projectB, "ana@acme.test", projectA, "111111111"} {
		if strings.Contains(body, secret) {
			t.Errorf("client page shows %q", secret)
		}
	}
	// The token is the only key: paths under it cannot reach other data.
	expectStatus(t, app.visitor("").get("/clients/2"), http.StatusSeeOther)
}

func TestPortalOTPWrongRightAndLimits(t *testing.T) {
	app := mustApp(t)
	staff, clientPath := onboardedClient(t, app)
	staff.post(clientPath+"/senders", url.Values{"action": {"submit"}, "provider": {"CUSTOMER"}, "country_code": {"55"},
		"phone_number": {"11987654321"}, "display_name": {"Padaria Estrela"}, "vertical": {"RESTAURANT"}})
	app.sync()
	link := staff.mustLink(clientPath)
	client := app.visitor("")
	page := client.get(link + "?lang=pt") // the choice is remembered for the forms that follow
	if page.doc.Find("html").AttrOr("lang", "") != "pt" || !strings.Contains(page.text("[data-testid=now]"), "Confirme seu número") {
		t.Fatalf("Portuguese OTP page expected: %q", page.text("[data-testid=now]"))
	}

	r := client.post(link+"/otp", url.Values{"method": {"SMS"}})
	expectStatus(t, r, http.StatusSeeOther)
	if code, ok := app.sb.LatestOTP("5511987654321"); !ok || code != "123456" {
		t.Fatal("no code delivered")
	}
	r = client.post(link+"/otp", url.Values{"method": {"SMS"}})
	expectStatus(t, r, http.StatusTooManyRequests)
	if !strings.Contains(r.text("[data-testid=error-method]"), "Aguarde") {
		t.Fatalf("resend wait message = %q", r.text("[data-testid=error-method]"))
	}
	r = client.post(link+"/verify", url.Values{"code": {"12"}})
	expectStatus(t, r, http.StatusUnprocessableEntity)
	if !strings.Contains(r.text("[data-testid=error-code]"), "6 dígitos") {
		t.Fatalf("format message = %q", r.text("[data-testid=error-code]"))
	}
	for i := 0; i < 4; i++ {
		r = client.post(link+"/verify", url.Values{"code": {"000000"}})
		if !strings.Contains(r.text("[data-testid=error-code]"), "não está correto") {
			t.Fatalf("wrong code %d: %q", i, r.text("[data-testid=error-code]"))
		}
	}
	// The right code is accepted; the per-link limit of 10 tries an hour is not yet spent.
	// Answered with a redirect to the page (PRG), which shows the notice once.
	r = client.post(link+"/verify", url.Values{"code": {"123456"}})
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.location(), link) {
		t.Fatalf("right code: %d %q, want a redirect to the page", r.status, r.location())
	}
	if page := client.get(r.location()); !strings.Contains(page.text("[data-testid=notice]"), "Obrigado") {
		t.Fatalf("success notice %q", page.text("[data-testid=notice]"))
	}
	if page := client.get(link); page.text("[data-testid=notice]") != "" {
		t.Fatal("the notice is shown again on the next visit")
	}
	// A reload of the step's address lands on the page.
	for _, step := range []string{"/otp", "/verify"} {
		if r := client.get(link + step); r.status != http.StatusSeeOther || r.location() != link {
			t.Errorf("GET %s: %d %q", step, r.status, r.location())
		}
	}
	r = client.post(link+"/verify", url.Values{"code": {"123456"}})
	for i := 0; i < 5 && r.status != http.StatusTooManyRequests; i++ {
		r = client.post(link+"/verify", url.Values{"code": {"123456"}})
	}
	expectStatus(t, r, http.StatusTooManyRequests)
	app.sync()
	app.sync()
	page = client.get(link)
	if page.text("[data-testid=active]") == "" {
		t.Fatalf("not active after verification: %q", page.text("[data-testid=now]"))
	}
	audit := staff.get("/audit").text("main")
	for _, want := range []string{"client.otp_requested", "client.otp_entered", "client.link_opened", "(shared link)"} {
		if !strings.Contains(audit, want) {
			t.Errorf("audit log lacks %q", want)
		}
	}
	timeline := staff.get(clientPath).text("[data-testid=timeline]")
	for _, internal := range []string{"Provisioning API user", "Sinch: Registered", "Sinch: Verified", "Sinch: Edited"} {
		if strings.Contains(timeline, internal) {
			t.Errorf("the timeline shows Sinch's internal words %q", internal)
		}
	}
	for _, want := range []string{"Verification code requested", "wrong verification code", "verified with the code", "(shared link)"} {
		if !strings.Contains(timeline, want) {
			t.Errorf("staff timeline lacks %q", want)
		}
	}
}

func TestPortalFormsNeedCSRF(t *testing.T) {
	app := mustApp(t)
	staff := app.browser()
	staff.mustSignup("Acme", "ana@acme.test")
	link := staff.mustLink(staff.mustCreateClient(clientValues(projectA, "123456789"), "draft"))
	v := app.visitor("")
	v.get(link)
	for _, p := range []string{link + "/otp", link + "/verify"} {
		if r := v.postRaw(p, url.Values{"method": {"SMS"}, "code": {"123456"}}); r.status != http.StatusForbidden {
			t.Errorf("POST %s without CSRF token = %d", p, r.status)
		}
	}
}

func TestPortalMetaButtonRecordsAndRedirects(t *testing.T) {
	app := mustApp(t)
	staff := app.browser()
	staff.mustSignup("Acme", "ana@acme.test")
	clientPath := staff.mustCreateClient(clientValues(projectA, "123456789"), "submit")
	app.sync()
	link := staff.mustLink(clientPath)
	client := app.visitor("")
	page := client.getLang(link, "es")
	if !strings.Contains(page.text("[data-testid=meta-button]"), "Abrir la solicitud") {
		t.Fatalf("Spanish Meta button: %q", page.text("[data-testid=meta-button]"))
	}
	r := client.get(link + "/meta")
	if r.status != http.StatusSeeOther || !strings.Contains(r.location(), "/sandbox/meta/latest/settings/requests?") ||
		!strings.Contains(r.location(), "business_id=123456789") || !strings.Contains(r.location(), "access=") {
		t.Fatalf("meta redirect %d %q", r.status, r.location())
	}
	// The business client, not logged in, sees their own request there and
	// nothing without the link's access.
	u, _ := url.Parse(r.location())
	meta := client.get(u.RequestURI())
	expectStatus(t, meta, http.StatusOK)
	if meta.doc.Find("[data-testid=request]").Length() != 1 || meta.doc.Find("[data-testid=approve]").Length() != 1 {
		t.Fatalf("the client's own request is not shown: %q", meta.text("body"))
	}
	if back, _ := meta.doc.Find("[data-testid=back]").Attr("href"); !strings.HasPrefix(back, link) {
		t.Fatalf("the stand-in links back to %q, want the set-up page %q", back, link)
	}
	if body := meta.text("body"); strings.Contains(body, "PENDING_FACEBOOK_VERIFICATION") || strings.Contains(body, "SINCH_UK") {
		t.Fatalf("the stand-in shows raw codes: %q", body)
	}
	q := u.Query()
	for _, access := range []string{"", q.Get("access") + "x", strings.Replace(q.Get("access"), "1c8f", "2c8f", 1)} {
		q.Set("access", access)
		u.RawQuery = q.Encode()
		expectStatus(t, client.get(u.RequestURI()), http.StatusForbidden)
	}
	if !strings.Contains(staff.get(clientPath).text("[data-testid=timeline]"), "opened the approval request at Meta") {
		t.Fatal("click not on the timeline")
	}
}

// TestPortalTranslationsComplete: every catalog string exists in the three
// languages, and every page state renders without a missing translation.
func TestPortalTranslationsComplete(t *testing.T) {
	for _, key := range views.CatalogKeys() {
		for _, l := range views.Langs {
			if strings.TrimSpace(views.CatalogText(l.Code, key)) == "" {
				t.Errorf("%q has no %s translation", key, l.Code)
			}
		}
	}
	app := mustApp(t)
	staff, clientPath := onboardedClient(t, app) // then through verification to active
	link := staff.mustLink(clientPath)
	check := func(state string) {
		for _, l := range views.Langs {
			r := app.visitor("").get(link + "?lang=" + string(l.Code))
			if body := r.text("body"); strings.Contains(body, "⟦") {
				t.Errorf("%s page in %s misses a translation: %q", state, l.Code, body)
			}
		}
	}
	check("onboarded")
	staff.post(clientPath+"/senders", url.Values{"action": {"submit"}, "provider": {"CUSTOMER"}, "country_code": {"44"},
		"phone_number": {"7700900123"}, "display_name": {"Padaria Sol"}, "vertical": {"RESTAURANT"}})
	app.sync()
	check("verification")
	r := app.visitor("").get(link + "?lang=es")
	if r.doc.Find("input[name=_csrf]").Length() == 0 {
		t.Fatal("OTP forms lack the CSRF token")
	}
}

func TestPortalWrongCodeLockout(t *testing.T) {
	app := mustApp(t)
	staff, clientPath := onboardedClient(t, app)
	staff.post(clientPath+"/senders", url.Values{"action": {"submit"}, "provider": {"CUSTOMER"}, "country_code": {"55"},
		"phone_number": {"11987654321"}, "display_name": {"Padaria Estrela"}, "vertical": {"RESTAURANT"}})
	app.sync()
	link := staff.mustLink(clientPath)
	client := app.visitor("")
	client.get(link + "?lang=en")
	expectStatus(t, client.post(link+"/otp", url.Values{"method": {"SMS"}}), http.StatusSeeOther)
	var r response
	for i := 0; i < 5; i++ {
		r = client.post(link+"/verify", url.Values{"code": {"000000"}})
	}
	if !strings.Contains(r.text("[data-testid=error-code]"), "Too many wrong codes") {
		t.Fatalf("after 5 wrong codes: %q", r.text("[data-testid=error-code]"))
	}
	expectStatus(t, client.post(link+"/verify", url.Values{"code": {"123456"}}), http.StatusUnprocessableEntity)
	// Sinch too refuses new codes after so many wrong ones: a clear message, no error code.
	app.store.Now = func() time.Time { return time.Now().Add(time.Minute) }
	app.svc.Now = app.store.Now
	r = client.post(link+"/otp", url.Values{"method": {"VOICE"}})
	expectStatus(t, r, http.StatusTooManyRequests)
	if msg := r.text("[data-testid=error-method]"); !strings.Contains(msg, "Too many attempts") || strings.Contains(msg, "_") {
		t.Fatalf("lockout message = %q", msg)
	}
}

func TestPortalShowsTheResellersBranding(t *testing.T) {
	app := mustApp(t)
	staff := app.browser()
	staff.mustSignup("Acme", "ana@acme.test")
	tenant := app.tenantOf("ana@acme.test")
	if _, err := app.store.UpdateBranding(t.Context(), tenant, models.Branding{BrandName: "Zap Messaging",
		LogoURL: "https://cdn.example.com/zap.png", AccentColor: "#f5d90a", SupportContact: "help@zap.example"}); err != nil {
		t.Fatal(err)
	}
	link := staff.mustLink(staff.mustCreateClient(clientValues(projectA, "123456789"), "draft"))
	page := app.visitor("").get(link)
	if got := page.text(".portal-brand"); got != "Zap Messaging" || page.doc.Find(".portal-logo").AttrOr("src", "") != "https://cdn.example.com/zap.png" {
		t.Fatalf("brand %q / logo %q", got, page.doc.Find(".portal-logo").AttrOr("src", ""))
	}
	if !strings.Contains(page.text("footer"), "help@zap.example") || strings.Contains(page.text("body"), "Acme") {
		t.Fatalf("footer %q; the organisation's own name must not show", page.text("footer"))
	}
	theme := page.doc.Find(`link[href^="/brand/"]`).AttrOr("href", "")
	css := app.visitor("").get(theme)
	expectStatus(t, css, http.StatusOK)
	if body := css.doc.Text(); !strings.Contains(body, "--accent:#f5d90a") || !strings.Contains(body, "--accent-text:#111111") {
		t.Fatalf("theme %q: a yellow accent needs dark text", body)
	}
}

// The page's live region is cached between changes (cache.go): each
// language still gets its own, every visitor's OTP forms carry their own
// CSRF token, and the next stage shows at once.
func TestPortalCacheKeepsLanguagesVisitorsAndStagesApart(t *testing.T) {
	app := mustApp(t)
	staff, clientPath := onboardedClient(t, app)
	link := staff.mustLink(clientPath)
	title := func(lang string) string {
		return app.visitor("").get(link + "?lang=" + lang).text("[data-testid=now] h2")
	}
	if en, es := title("en"), title("es"); en == es {
		t.Fatalf("English and Spanish visitors both read %q", en)
	}

	staff.post(clientPath+"/senders", url.Values{"action": {"submit"}, "provider": {"CUSTOMER"}, "country_code": {"44"},
		"phone_number": {"7700900123"}, "display_name": {"Padaria Sol"}, "vertical": {"RESTAURANT"}})
	app.sync() // the sender now waits for its code: the page must show the OTP step at once
	for _, name := range []string{"first", "second"} {
		v := app.visitor("")
		page := v.get(link)
		if page.doc.Find("[data-testid=now] form").Length() == 0 {
			t.Fatalf("%s visitor: no OTP form after the change: %q", name, page.text("[data-testid=now]"))
		}
		if got, want := page.doc.Find("input[name=_csrf]").AttrOr("value", ""), v.csrf(); got != want {
			t.Fatalf("%s visitor's form carries CSRF token %q, their cookie holds %q", name, got, want)
		}
	}
}
