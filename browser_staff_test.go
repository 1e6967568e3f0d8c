package main

import (
	"net/url"
	"testing"
)

// TestBrowserSignupInviteColleague: a new user signs up, invites a colleague,
// and the colleague joins with the invited role — in a real browser.
func TestBrowserSignupInviteColleague(t *testing.T) {
	base := startApp(t)
	owner := newTab(t, base, "owner", 1280, 860)

	owner.open("/")
	if p := owner.path(); p != "/signup" {
		t.Fatalf("fresh install opened %q, want /signup", p)
	}
	owner.shot("01-signup")
	owner.checkHTML("01-signup")
	owner.checkA11y("01-signup")
	owner.fill("#f-organisation_name", "Acme Messaging")
	owner.fill("#f-name", "Ana Lima")
	owner.fill("#f-email", "ana@acme.test")
	owner.fill("#f-password", "short")
	owner.submit("button[type=submit]")
	owner.expectText("[data-testid=error-password]", "at least 10")
	if v := owner.value("#f-email"); v != "ana@acme.test" {
		t.Fatalf("typed e-mail lost after an error: %q", v)
	}
	owner.shot("02-signup-error")
	owner.checkHTML("02-signup-error")
	owner.checkA11y("02-signup-error")
	owner.fill("#f-password", "correct horse battery")
	owner.submit("button[type=submit]")
	owner.expectText("[data-testid=org-name]", "Acme Messaging")
	owner.expectText("[data-testid=flash]", "Welcome")
	owner.open("/staff")
	owner.shot("03-staff")
	owner.checkHTML("03-staff")
	owner.checkA11y("03-staff")

	owner.fill("#f-email", "bo@acme.test")
	owner.do(chromedpSetSelect("#f-role", "agent"))
	owner.submit("form[action='/staff/invites'] button[type=submit]")
	link := owner.value("#invite-link")
	owner.shot("04-invite-link")
	owner.checkHTML("04-invite-link")
	owner.checkA11y("04-invite-link")
	u, err := url.Parse(link)
	if err != nil || u.Path == "" {
		t.Fatalf("invite link %q", link)
	}

	bo := newTab(t, base, "colleague", 1280, 860)
	bo.open(link)
	bo.expectText("h1", "Join Acme Messaging")
	bo.shot("05-accept-invite")
	bo.checkHTML("05-accept-invite")
	bo.checkA11y("05-accept-invite")
	bo.fill("#f-name", "Bo Souza")
	bo.fill("#f-password", "another good password")
	bo.submit("button[type=submit]")
	bo.expectText(".who", "Agent")
	bo.open("/staff")
	bo.expectText("[data-testid=staff-table]", "Ana Lima")
	bo.shot("06-colleague-staff")
	bo.checkHTML("06-colleague-staff")
	bo.checkA11y("06-colleague-staff")

	// Log out and back in as the colleague.
	bo.submit(".who button[type=submit]")
	bo.expectText("[data-testid=flash]", "logged out")
	bo.fill("#f-email", "bo@acme.test")
	bo.fill("#f-password", "another good password")
	bo.submit("button[type=submit]")
	bo.expectText(".who", "Bo Souza")
	bo.shot("07-colleague-login")
	bo.checkHTML("07-colleague-login")
	bo.checkA11y("07-colleague-login")
}
