package main

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// openMail opens the newest message of kind to whom on the E-mail page
// (waiting up to limit for it), checks its HTML part like a page (axe)
// and returns the links it carries.
func (tb *tab) openMail(whom, kind, step string, limit time.Duration) []string {
	tb.t.Helper()
	find := fmt.Sprintf(`[...document.querySelectorAll("[data-testid=mail-row]")].filter(r => r.textContent.includes(%q) && r.textContent.includes(%q)).map(r => r.querySelector("a").href).concat([""])[0]`, whom, kind)
	var href string
	for deadline := time.Now().Add(limit); href == ""; {
		tb.open("/outbox")
		var err error
		if href, err = runAction(tb, chromedp.Evaluate[string](find)); err != nil {
			tb.t.Fatal(err)
		}
		if href == "" && time.Now().After(deadline) {
			tb.t.Fatalf("no %s to %s on the E-mail page: %q", kind, whom, tb.text("main"))
		}
		if href == "" {
			time.Sleep(time.Second)
		}
	}
	tb.open(href)
	tb.page(step)
	links, err := runAction(tb, chromedp.Evaluate[[]string](`[...document.querySelectorAll("[data-testid=mail-link]")].map(a => a.href)`))
	if err != nil || len(links) == 0 {
		tb.t.Fatalf("no links in the %s: %v", kind, err)
	}
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
	return links
}

// TestBrowserEmailInOutboxMode: with no SMTP server every e-mail lands on
// the E-mail page and its links work: an invite, a password reset, a
// client link and a reminder in the client's language, whose unsubscribe
// link works. Reminders come 3 s into the wait at Meta here.
func TestBrowserEmailInOutboxMode(t *testing.T) {
	base := startApp(t, "--remind-after", "meta_approval=3s")
	owner := newTab(t, base, "owner", 1280, 900)
	owner.signup()
	owner.open("/settings")
	owner.expectText("[data-testid=mail-mode]", "No SMTP server is configured")

	owner.invite("bo@acme.test", "agent")
	join := owner.openMail("bo@acme.test", "Staff invite", "01-invite", 10*time.Second)[0]
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
	reset := owner.openMail("bo@acme.test", "Password reset", "03-reset", 10*time.Second)[0]
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
	clientPage := owner.path()
	owner.fill("#f-contact_name", "Maria")
	owner.fill("#f-contact_email", "maria@")
	owner.submit("[data-testid=save-contact]")
	owner.expectText("[data-testid=error-contact_email]", "valid e-mail")
	owner.fill("#f-contact_email", "maria@padaria.test")
	owner.do(chromedpSetSelect("#f-contact_language", "es"))
	owner.submit("[data-testid=save-contact]")
	owner.expectText("[data-testid=reminders-note]", "Reminders go to maria@padaria.test")
	owner.submit("[data-testid=create-link]")
	owner.page("05-new-link-with-mail")
	owner.submit("[data-testid=mail-link]")
	owner.expectText("[data-testid=flash]", "Client link e-mailed to maria@padaria.test")
	page := owner.openMail("maria@padaria.test", "Client link", "06-client-link", 10*time.Second)[0]
	client := newTab(t, base, "client-phone", 390, 844)
	client.open(page)
	client.expectText("h1", "Padaria Estrela")

	links := owner.openMail("maria@padaria.test", "Reminder", "07-reminder", 30*time.Second)
	if !strings.Contains(links[0], "/c/") || !strings.Contains(links[len(links)-1], "/unsubscribe/") {
		t.Fatalf("reminder links %q, want a client link and an unsubscribe link", links)
	}
	client.open(links[0])
	client.expectText("h1", "Padaria Estrela")
	client.open(links[len(links)-1])
	client.expectText("[data-testid=unsubscribe] h1", "¿Dejar de recibir") // not yet: it asks
	client.page("08-unsubscribe")
	client.submit("[data-testid=unsubscribe-button]")
	client.expectText("[data-testid=unsubscribed]", "Listo")
	owner.open(clientPage)
	owner.expectText("[data-testid=reminders-note]", "the contact unsubscribed")
	owner.expectText("[data-testid=timeline]", "Reminder 1 sent to maria@padaria.test")
}
