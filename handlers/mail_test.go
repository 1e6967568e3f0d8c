package handlers_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"wabadesk/mail"
	"wabadesk/mail/mailtest"
	"wabadesk/models"
)

// withSMTP points the app's mail at a real SMTP server in the test.
func (a *testApp) withSMTP() *mailtest.Server {
	a.t.Helper()
	srv := mailtest.Start(a.t)
	tr, err := mail.ParseSMTP(srv.URL)
	if err != nil {
		a.t.Fatal(err)
	}
	a.mail.Transport = tr
	return srv
}

// linkIn returns the first URL of the app in text with the given path prefix.
func (a *testApp) linkIn(text, prefix string) string {
	a.t.Helper()
	m := regexp.MustCompile(regexp.QuoteMeta(a.srv.URL+prefix) + `[A-Za-z0-9_\-./]+`).FindString(text)
	if m == "" {
		a.t.Fatalf("no %s link in:\n%s", prefix, text)
	}
	return strings.TrimPrefix(m, a.srv.URL)
}

func TestInviteArrivesByEmailAndItsLinkWorks(t *testing.T) {
	app := mustApp(t)
	smtp := app.withSMTP()
	owner := app.browser()
	owner.mustSignup("Acme", "olga@acme.test")
	r := owner.post("/staff/invites", url.Values{"email": {"bo@acme.test"}, "role": {"agent"}})
	expectStatus(t, r, http.StatusSeeOther)
	app.mail.RunOnce(t.Context())
	got := smtp.Wait(t, "bo@acme.test", 1, 5*time.Second)
	if got[0].Subject != "Owner of Acme invited you to Acme on wabadesk" || !strings.Contains(got[0].Text, "as an agent") {
		t.Fatalf("invite mail: %q\n%s", got[0].Subject, got[0].Text)
	}
	join := app.linkIn(got[0].Text, "/invites/")
	page := app.browser().get(join)
	expectStatus(t, page, http.StatusOK)
	if page.text("[data-testid=invite-email]") != "bo@acme.test" {
		t.Fatalf("the mailed link opens %q", page.text("main"))
	}
	staff := owner.get("/staff")
	if !strings.Contains(staff.text("[data-testid=invite-mail]"), "sent") {
		t.Fatalf("staff list: %q", staff.text("[data-testid=invite-mail]"))
	}

	// A refused address shows on the staff list.
	smtp.Refuse("nobody@acme.test", 550)
	owner.post("/staff/invites", url.Values{"email": {"nobody@acme.test"}, "role": {"viewer"}})
	app.mail.RunOnce(t.Context())
	staff = owner.get("/staff")
	if s := staff.doc.Find("[data-testid=invite-mail].error-text").Text(); !strings.Contains(s, "bounced") || !strings.Contains(s, "550") {
		t.Fatalf("bounce not shown: %q", staff.text("[data-testid=invites-table]"))
	}
}

func TestForgotPasswordResetsOnceAndEndsSessions(t *testing.T) {
	app := mustApp(t)
	smtp := app.withSMTP()
	owner := app.browser()
	owner.mustSignup("Acme", "olga@acme.test")
	login := app.browser().get("/login")
	if login.doc.Find("a[href='/password/forgot']").Length() != 1 {
		t.Fatal("no 'Forgot your password?' link on the log-in page")
	}

	stranger := app.browser()
	bad := stranger.post("/password/forgot", url.Values{"email": {"not-an-address"}})
	expectStatus(t, bad, http.StatusUnprocessableEntity)
	if bad.doc.Find("#f-email").AttrOr("value", "") != "not-an-address" || !strings.Contains(bad.text("[data-testid=error-email]"), "valid e-mail") {
		t.Fatalf("bad address: %q", bad.text("main"))
	}
	// Known and unknown addresses get the same answer.
	known := stranger.post("/password/forgot", url.Values{"email": {"Olga@acme.test"}})
	unknown := stranger.post("/password/forgot", url.Values{"email": {"nobody@acme.test"}})
	if known.status != http.StatusSeeOther || known.location() != unknown.location() || unknown.status != known.status {
		t.Fatalf("answers differ: %d %q / %d %q", known.status, known.location(), unknown.status, unknown.location())
	}
	if !strings.Contains(stranger.get(known.location()).text("[data-testid=reset-sent]"), "If an account uses that address") {
		t.Fatal("no neutral confirmation")
	}
	app.mail.RunOnce(t.Context())
	got := smtp.Wait(t, "olga@acme.test", 1, 5*time.Second)
	if len(smtp.To("nobody@acme.test")) != 0 {
		t.Fatal("a mail went to an address without an account")
	}
	reset := app.linkIn(got[0].Text, "/password/reset/")
	form := stranger.get(reset)
	expectStatus(t, form, http.StatusOK)
	weak := stranger.post(reset, url.Values{"password": {"password123"}})
	expectStatus(t, weak, http.StatusUnprocessableEntity)
	if !strings.Contains(weak.text("[data-testid=error-password]"), "too easy to guess") {
		t.Fatalf("weak password: %q", weak.text("main"))
	}
	done := stranger.post(reset, url.Values{"password": {"a fresh sentence Olga picked"}})
	if done.status != http.StatusSeeOther || done.location() != "/login" {
		t.Fatalf("reset: %d %q", done.status, done.location())
	}
	// The owner's old session ended; the new password works; the link
	// works once.
	if r := owner.get("/clients"); r.status != http.StatusSeeOther || !strings.HasPrefix(r.location(), "/login") {
		t.Fatalf("old session still works: %d", r.status)
	}
	app.browser().mustLogin("olga@acme.test", "a fresh sentence Olga picked")
	again := stranger.get(reset)
	expectStatus(t, again, http.StatusGone)

	// An address gets at most three links an hour; the answer stays the same.
	for range 4 {
		stranger.post("/password/forgot", url.Values{"email": {"olga@acme.test"}})
	}
	app.mail.RunOnce(t.Context())
	if n := len(smtp.To("olga@acme.test")); n != 1+3-1 { // the first hour already had one
		t.Fatalf("%d reset mails: the per-address limit does not hold", n)
	}
}

func TestClientLinkByEmailOutboxAndUnsubscribe(t *testing.T) {
	app := mustApp(t)
	owner := app.browser()
	owner.mustSignup("Acme", "olga@acme.test")
	page := owner.mustCreateClient(clientValues("1c8f5a2e-8d7b-4f0e-9a3b-2d6c5e4f7a81", "123456789012345"), "draft")

	// A bad address comes back next to the field, with what was typed.
	bad := owner.post(page+"/contact", url.Values{"contact_name": {"Maria"}, "contact_email": {"maria@"}, "contact_language": {"pt"}})
	expectStatus(t, bad, http.StatusUnprocessableEntity)
	if bad.doc.Find("#f-contact_email").AttrOr("value", "") != "maria@" || bad.text("[data-testid=error-contact_email]") == "" ||
		bad.doc.Find("#f-contact_name").AttrOr("value", "") != "Maria" {
		t.Fatalf("contact errors: %q", bad.text("[data-testid=contact]"))
	}
	expectStatus(t, owner.post(page+"/contact", url.Values{"contact_name": {"Maria"}, "contact_email": {"maria@padaria.test"}, "contact_language": {"pt"}}), http.StatusSeeOther)

	r := owner.post(page+"/links", url.Values{"days": {"30"}})
	shown := owner.get(r.location())
	link := shown.doc.Find("#client-link").AttrOr("value", "")
	if shown.doc.Find("[data-testid=mail-link]").Length() != 1 || link == "" {
		t.Fatalf("no 'Send by e-mail' beside the new link: %q", shown.text("[data-testid=links]"))
	}
	expectStatus(t, owner.post(page+"/links/mail", url.Values{"link": {link}}), http.StatusSeeOther)
	app.mail.RunOnce(t.Context())

	outbox := owner.get("/outbox")
	expectStatus(t, outbox, http.StatusOK)
	if !strings.Contains(outbox.text("[data-testid=outbox-banner]"), "No SMTP server is configured") ||
		!strings.Contains(outbox.text("[data-testid=mail-row]"), "maria@padaria.test") || outbox.text("[data-testid=mail-state]") != "In the outbox, not sent" {
		t.Fatalf("outbox: %q", outbox.text("main"))
	}
	msg := owner.get(outbox.doc.Find("[data-testid=mail-subject]").AttrOr("href", ""))
	if msg.text("[data-testid=mail-heading]") != "Sua página de configuração do WhatsApp da Acme" || msg.doc.Find("[data-testid=mail-link]").First().AttrOr("href", "") != link {
		t.Fatalf("mail page: %q / %q", msg.text("[data-testid=mail-heading]"), msg.doc.Find("[data-testid=mail-link]").First().AttrOr("href", ""))
	}
	html := owner.get(msg.doc.Find("[data-testid=mail-frame]").AttrOr("src", ""))
	if html.status != http.StatusOK || !strings.Contains(html.header.Get("Content-Security-Policy"), "sandbox") || html.doc.Find("html[lang=pt]").Length() != 1 {
		t.Fatalf("html part: %d %q", html.status, html.header.Get("Content-Security-Policy"))
	}
	if tl := owner.get(page).text("[data-testid=timeline]"); !strings.Contains(tl, "Client link e-mailed to maria@padaria.test") {
		t.Fatalf("timeline: %q", tl)
	}

	// Agents cannot read the outbox; another organisation gets 404.
	other := app.browser()
	other.mustSignup("Bravo", "bo@bravo.test")
	if r := other.get(outbox.doc.Find("[data-testid=mail-subject]").AttrOr("href", "")); r.status != http.StatusNotFound {
		t.Fatalf("another organisation's mail: %d", r.status)
	}

	// The unsubscribe page asks first; the one-click POST needs no session.
	id := mustID(t, page)
	token := app.mail.UnsubscribeToken(app.tenantOf("olga@acme.test"), id)
	ask := app.browser().get("/unsubscribe/" + token)
	expectStatus(t, ask, http.StatusOK)
	if c, _ := app.store.ClientByID(t.Context(), app.tenantOf("olga@acme.test"), id); c.RemindersUnsubscribed {
		t.Fatal("opening the page unsubscribed")
	}
	done := app.browser().postRaw("/unsubscribe/"+token, url.Values{"List-Unsubscribe": {"One-Click"}})
	expectStatus(t, done, http.StatusOK)
	if !strings.Contains(done.text("[data-testid=unsubscribed]"), "Pronto") {
		t.Fatalf("not confirmed in Portuguese: %q", done.text("main"))
	}
	if c, _ := app.store.ClientByID(t.Context(), app.tenantOf("olga@acme.test"), id); !c.RemindersUnsubscribed {
		t.Fatal("one-click unsubscribe did nothing")
	}
	if r := app.browser().postRaw("/unsubscribe/"+token[:len(token)-2]+"xx", url.Values{}); r.status != http.StatusNotFound {
		t.Fatalf("forged token: %d", r.status)
	}
	if !strings.Contains(owner.get(page).text("[data-testid=reminders-note]"), "the contact unsubscribed") {
		t.Fatal("staff do not see the unsubscribe")
	}
}

func TestPasswordResetMailsAreForOwnersOnly(t *testing.T) {
	app := mustApp(t)
	owner := app.browser()
	owner.mustSignup("Acme", "olga@acme.test")
	join := owner.mustInvite("ad@acme.test", models.RoleAdmin)
	admin := app.browser()
	expectStatus(t, admin.post(join, url.Values{"name": {"Ad Min"}, "password": {"correct horse battery"}}), http.StatusSeeOther)
	app.browser().post("/password/forgot", url.Values{"email": {"olga@acme.test"}})
	app.mail.RunOnce(t.Context())
	ms, _ := app.store.Mails(t.Context(), app.tenantOf("olga@acme.test"), []string{models.MailPasswordReset}, 10)
	if len(ms) != 1 {
		t.Fatalf("%d reset mails", len(ms))
	}
	path := "/outbox/" + itoa(ms[0].ID)
	if r := admin.get(path); !strings.Contains(r.text("[data-testid=mail-hidden]"), "only to owners") || strings.Contains(r.text("main"), "/password/reset/") {
		t.Fatalf("an admin reads the owner's reset link: %q", r.text("main"))
	}
	if r := admin.get(path + "/html"); r.status != http.StatusNotFound {
		t.Fatalf("html part for an admin: %d", r.status)
	}
	if r := owner.get(path); !strings.Contains(r.text("main"), "/password/reset/") {
		t.Fatal("the owner does not see the link")
	}

	// An invite to become an owner would make its reader one.
	owner.mustInvite("second@acme.test", models.RoleOwner)
	app.mail.RunOnce(t.Context())
	invites, _ := app.store.Mails(t.Context(), app.tenantOf("olga@acme.test"), []string{models.MailInvite}, 10)
	path = "/outbox/" + itoa(invites[0].ID)
	if r := admin.get(path); !strings.Contains(r.text("[data-testid=mail-hidden]"), "Owner") || strings.Contains(r.text("main"), "/invites/") {
		t.Fatalf("an admin reads an owner invite: %q", r.text("main"))
	}
	if r := owner.get(path); !strings.Contains(r.text("main"), "/invites/") {
		t.Fatal("the owner does not see the invite link")
	}
}

func TestSettingsShowMailModeAndSendATest(t *testing.T) {
	app := mustApp(t)
	owner := app.browser()
	owner.mustSignup("Acme", "olga@acme.test")
	s := owner.get("/settings")
	if !strings.Contains(s.text("[data-testid=mail-mode]"), "No SMTP server is configured") {
		t.Fatalf("mode: %q", s.text("[data-testid=mail-settings]"))
	}
	expectStatus(t, owner.post("/settings/email/test", url.Values{}), http.StatusSeeOther)
	app.mail.RunOnce(t.Context())
	if r := owner.get("/outbox"); !strings.Contains(r.text("[data-testid=mail-row]"), "Test e-mail") {
		t.Fatalf("test mail: %q", r.text("main"))
	}
	smtp := app.withSMTP()
	if s := owner.get("/settings"); !strings.Contains(s.text("[data-testid=mail-mode]"), "SMTP server 127.0.0.1") {
		t.Fatalf("SMTP mode: %q", s.text("[data-testid=mail-mode]"))
	}
	expectStatus(t, owner.post("/settings/email/test", url.Values{}), http.StatusSeeOther)
	app.mail.RunOnce(t.Context())
	smtp.Wait(t, "olga@acme.test", 1, 5*time.Second)
	expectStatus(t, owner.post("/settings/reminders", url.Values{}), http.StatusSeeOther)
	if s := owner.get("/settings"); s.doc.Find("#f-reminders[checked]").Length() != 0 {
		t.Fatal("reminders still on")
	}
}

func TestNotificationChoicesAreSavedPerMember(t *testing.T) {
	app := mustApp(t)
	owner := app.browser()
	owner.mustSignup("Acme", "olga@acme.test")
	acc := owner.get("/account")
	if acc.doc.Find("[data-testid=notify-digest-attention][checked]").Length() != 1 || acc.doc.Find("[data-testid=notify-now-attention][checked]").Length() != 0 {
		t.Fatal("new members should get the digest and no immediate mail")
	}
	r := owner.post("/account/notifications", url.Values{"now": {"rejected", "bogus"}, "digest": {"active"}})
	expectStatus(t, r, http.StatusSeeOther)
	u, err := app.store.Authenticate(t.Context(), "olga@acme.test", "correct horse battery")
	if err != nil || u.NotifyNow != "rejected" || u.NotifyDigest != "active" {
		t.Fatalf("saved now=%q digest=%q (%v)", u.NotifyNow, u.NotifyDigest, err)
	}
	acc = owner.get("/account")
	if acc.doc.Find("[data-testid=notify-now-rejected][checked]").Length() != 1 || acc.doc.Find("[data-testid=notify-digest-attention][checked]").Length() != 0 {
		t.Fatal("the page does not show what was saved")
	}
}
