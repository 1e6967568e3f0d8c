package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// attr returns an attribute of the first element matching sel.
func (tb *tab) attr(sel, name string) string {
	tb.t.Helper()
	v, err := runAction(tb, chromedp.AttributeValue(chromedp.CSS(sel), name))
	if err != nil {
		tb.t.Fatalf("%s: %s[%s]: %v", tb.name, sel, name, err)
	}
	return v.Value
}

// openMail opens the newest message to whom on the E-mail page, checks
// its HTML part like a page (axe) and returns the link it carries.
func (tb *tab) openMail(whom, step string) string {
	tb.t.Helper()
	tb.open("/outbox")
	tb.expectText("[data-testid=mail-row]", whom)
	tb.open(tb.attr("[data-testid=mail-subject]", "href"))
	tb.page(step)
	link := tb.attr("[data-testid=mail-link]", "href")
	// The preview forbids scripts (CSP sandbox), so axe looks at the same
	// HTML served from a test server of its own.
	html, err := runAction(tb, chromedp.Evaluate[string](`fetch(document.querySelector("[data-testid=mail-frame]").src).then(r => r.text())`, chromedp.EvalAwaitPromise))
	if err != nil {
		tb.t.Fatalf("%s: mail HTML: %v", tb.name, err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = io.WriteString(w, html)
	}))
	defer srv.Close()
	tb.open(srv.URL)
	tb.shot(step + "-html")
	tb.checkA11y(step + "-html")
	return link
}

// TestBrowserEmailInOutboxMode: with no SMTP server every e-mail lands on
// the E-mail page and its links work: an invite, a password reset, a
// client link in the client's language.
func TestBrowserEmailInOutboxMode(t *testing.T) {
	base := startApp(t)
	owner := newTab(t, base, "owner", 1280, 900)
	owner.signup()
	owner.open("/settings")
	owner.expectText("[data-testid=mail-mode]", "No SMTP server is configured")

	owner.invite("bo@acme.test", "agent")
	join := owner.openMail("bo@acme.test", "01-invite")
	if !strings.Contains(join, "/invites/") {
		t.Fatalf("invite mail links to %q", join)
	}
	agent := newTab(t, base, "agent", 1280, 900)
	agent.join(join, "Bo Silva")
	agent.expectText("[data-testid=org-name]", "Acme Messaging")

	// Bo forgets the password; an owner reads the link in the outbox.
	agent.submit("form[action='/logout'] button")
	agent.open("/login")
	agent.submit("[data-testid=forgot-password]")
	agent.fill("#f-email", "bo@acme.test")
	agent.submit("[data-testid=send-reset]")
	agent.expectText("[data-testid=reset-sent]", "If an account uses that address")
	agent.page("02-reset-sent")
	reset := owner.openMail("bo@acme.test", "03-reset")
	agent.open(reset)
	agent.fill("#f-password", "password1234")
	agent.submit("[data-testid=save-password]")
	agent.expectText("[data-testid=error-password]", "too easy to guess")
	agent.page("04-reset-weak")
	agent.fill("#f-password", "tulips under a blue lamp")
	agent.submit("[data-testid=save-password]")
	agent.expectText("[data-testid=flash]", "Your password was changed")
	agent.login("bo@acme.test", "tulips under a blue lamp")
	agent.expectText("[data-testid=org-name]", "Acme Messaging")

	// A client link by e-mail, in Portuguese.
	owner.createClient("1c8f5a2e-8d7b-4f0e-9a3b-2d6c5e4f7a81", "123456789012345", "save-submit")
	owner.waitText("[data-testid=client-stage]", "Waiting for Meta approval", 20*time.Second)
	owner.fill("#f-contact_name", "Maria")
	owner.fill("#f-contact_email", "maria@")
	owner.submit("[data-testid=save-contact]")
	owner.expectText("[data-testid=error-contact_email]", "valid e-mail")
	owner.fill("#f-contact_email", "maria@padaria.test")
	owner.do(chromedpSetSelect("#f-contact_language", "pt"))
	owner.submit("[data-testid=save-contact]")
	owner.expectText("[data-testid=reminders-note]", "Reminders go to maria@padaria.test")
	owner.submit("[data-testid=create-link]")
	owner.page("05-new-link-with-mail")
	owner.submit("[data-testid=mail-link]")
	owner.expectText("[data-testid=flash]", "Client link e-mailed to maria@padaria.test")
	page := owner.openMail("maria@padaria.test", "06-client-link")
	client := newTab(t, base, "client-phone", 390, 844)
	client.open(page)
	client.expectText("h1", "Padaria Estrela")
}
