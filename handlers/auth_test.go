package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestFreshInstallSendsFirstVisitorToSignup(t *testing.T) {
	b := mustApp(t).browser()
	r := b.get("/")
	if r.status != http.StatusSeeOther || r.location() != "/signup" {
		t.Fatalf("got %d → %q, want 303 → /signup", r.status, r.location())
	}
	if r := b.get("/login"); r.location() != "/signup" {
		t.Fatalf("login on fresh install should go to sign-up, got %q", r.location())
	}
}

func TestSignupCreatesOrganisationAndLogsIn(t *testing.T) {
	b := mustApp(t).browser()
	b.mustSignup("Acme Messaging", "ana@acme.test")
	r := b.get("/staff")
	expectStatus(t, r, http.StatusOK)
	if got := r.text("[data-testid=org-name]"); got != "Acme Messaging" {
		t.Fatalf("org name in nav = %q", got)
	}
	if got := r.text("[data-testid=staff-row]"); !strings.Contains(got, "ana@acme.test") || !strings.Contains(got, "Owner") {
		t.Fatalf("staff row = %q, want the owner", got)
	}
}

func TestSignupValidationKeepsValues(t *testing.T) {
	b := mustApp(t).browser()
	r := b.post("/signup", url.Values{"organisation_name": {"Acme"}, "name": {"Ana"}, "email": {"not-an-email"}, "password": {"short"}})
	expectStatus(t, r, http.StatusUnprocessableEntity)
	if r.text("[data-testid=error-email]") == "" || r.text("[data-testid=error-password]") == "" {
		t.Fatal("expected messages next to e-mail and password")
	}
	for _, f := range []string{"email", "password"} {
		if r.doc.Find("[data-testid=error-summary] a[href='#f-"+f+"']").Length() != 1 {
			t.Errorf("the error summary does not link to %s", f)
		}
	}
	if v, _ := r.doc.Find("#f-email").Attr("value"); v != "not-an-email" {
		t.Fatalf("typed e-mail lost: %q", v)
	}
	if v, _ := r.doc.Find("#f-organisation_name").Attr("value"); v != "Acme" {
		t.Fatalf("typed organisation lost: %q", v)
	}
}

func TestSignupDuplicateEmail(t *testing.T) {
	app := mustApp(t)
	app.browser().mustSignup("Acme", "ana@acme.test")
	r := app.browser().post("/signup", url.Values{"organisation_name": {"Other"}, "name": {"Ana"},
		"email": {"ANA@acme.test"}, "password": {"correct horse battery"}})
	expectStatus(t, r, http.StatusUnprocessableEntity)
	if !strings.Contains(r.text("[data-testid=error-email]"), "already exists") {
		t.Fatalf("e-mail error = %q", r.text("[data-testid=error-email]"))
	}
}

func TestLoginWrongPasswordAndLogout(t *testing.T) {
	app := mustApp(t)
	app.browser().mustSignup("Acme", "ana@acme.test")

	b := app.browser()
	r := b.post("/login", url.Values{"email": {"ana@acme.test"}, "password": {"wrong password!"}})
	expectStatus(t, r, http.StatusUnauthorized)
	if !strings.Contains(r.text("[data-testid=form-error]"), "Wrong e-mail or password") {
		t.Fatalf("form error = %q", r.text("[data-testid=form-error]"))
	}
	if v, _ := r.doc.Find("#f-email").Attr("value"); v != "ana@acme.test" {
		t.Fatalf("typed e-mail lost: %q", v)
	}
	if r := b.get("/staff"); r.status != http.StatusSeeOther || !strings.HasPrefix(r.location(), "/login") {
		t.Fatalf("after failed login /staff should redirect to login, got %d %q", r.status, r.location())
	}

	b.mustLogin("ana@acme.test", "correct horse battery")
	expectStatus(t, b.get("/staff"), http.StatusOK)

	r = b.post("/logout", url.Values{})
	if r.status != http.StatusSeeOther || r.location() != "/login" {
		t.Fatalf("logout: %d %q", r.status, r.location())
	}
	if r := b.get("/staff"); r.status != http.StatusSeeOther {
		t.Fatalf("after logout /staff = %d, want redirect to login", r.status)
	}
}

func TestLoginRedirectsBackToRequestedPage(t *testing.T) {
	app := mustApp(t)
	app.browser().mustSignup("Acme", "ana@acme.test")
	b := app.browser()
	r := b.get("/account")
	if r.location() != "/login?next=%2Faccount" {
		t.Fatalf("redirect = %q", r.location())
	}
	r = b.post("/login", url.Values{"email": {"ana@acme.test"}, "password": {"correct horse battery"}, "next": {"/account"}})
	if r.location() != "/account" {
		t.Fatalf("after login went to %q", r.location())
	}
	for _, next := range []string{"https://evil.test/", "//evil.test", "///evil.test", `/\evil.test`, `/\\evil.test`, `\/evil.test`,
		"/%2F/evil.test", "/%2f%2fevil.test", "/%5Cevil.test", "/%5cevil.test", "/\t/evil.test", "/%09/evil.test", "/\n/evil.test",
		"javascript:alert(1)", "http:/evil.test", " /evil.test", "evil.test", "/ok/..\\evil.test", "/@evil.test\\"} {
		r = b.post("/login", url.Values{"email": {"ana@acme.test"}, "password": {"correct horse battery"}, "next": {next}})
		if r.location() != "/" {
			t.Errorf("open redirect: next=%q went to %q", next, r.location())
		}
	}
	for _, next := range []string{"/account", "/clients?stage=draft&q=a%20b", "/clients/1#timeline", "/@ana"} {
		r = b.post("/login", url.Values{"email": {"ana@acme.test"}, "password": {"correct horse battery"}, "next": {next}})
		if r.location() != next {
			t.Errorf("next=%q went to %q", next, r.location())
		}
	}
}

func TestCSRFRejectedWithoutToken(t *testing.T) {
	app := mustApp(t)
	b := app.browser()
	b.csrf() // has a token cookie, but the form below does not carry it
	r := b.postRaw("/signup", url.Values{"organisation_name": {"Acme"}, "name": {"Ana"},
		"email": {"ana@acme.test"}, "password": {"correct horse battery"}})
	expectStatus(t, r, http.StatusForbidden)
	if !strings.Contains(r.text("h1"), "expired") {
		t.Fatalf("CSRF page heading = %q", r.text("h1"))
	}
	r = b.postRaw("/signup", url.Values{"_csrf": {"forged-token"}, "organisation_name": {"Acme"}, "name": {"Ana"},
		"email": {"ana@acme.test"}, "password": {"correct horse battery"}})
	expectStatus(t, r, http.StatusForbidden)
	if has, _ := app.store.HasUsers(t.Context()); has {
		t.Fatal("a forged sign-up created a user")
	}
}

func TestSignupInviteOnly(t *testing.T) {
	app := mustApp(t, func(s *appSetup) { s.cfg.SignupOpen = false })
	app.browser().mustSignup("First", "first@one.test") // the first visitor may always sign up
	r := app.browser().post("/signup", url.Values{"organisation_name": {"Second"}, "name": {"B"},
		"email": {"b@two.test"}, "password": {"correct horse battery"}})
	expectStatus(t, r, http.StatusForbidden)
	if r := app.browser().get("/signup"); r.status != http.StatusForbidden {
		t.Fatalf("sign-up page with invite-only = %d", r.status)
	}
}

func TestSessionCookieFlags(t *testing.T) {
	for _, tc := range []struct {
		base   string
		secure bool
	}{{"", false}, {"https://desk.example.com", true}} {
		app := mustApp(t, func(s *appSetup) { s.cfg.BaseURL = tc.base })
		r := app.browser().post("/signup", url.Values{"organisation_name": {"Acme"}, "name": {"Ana"},
			"email": {"ana@acme.test"}, "password": {"correct horse battery"}})
		var found bool
		for _, raw := range r.header.Values("Set-Cookie") {
			c, err := http.ParseSetCookie(raw)
			if err != nil || c.Name != "wabadesk" {
				continue
			}
			found = true
			if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Secure != tc.secure {
				t.Errorf("base %q: cookie %q: HttpOnly=%v SameSite=%v Secure=%v", tc.base, raw, c.HttpOnly, c.SameSite, c.Secure)
			}
		}
		if !found {
			t.Fatalf("base %q: no session cookie set on sign-up", tc.base)
		}
	}
}

func TestSessionRotatedOnLogin(t *testing.T) {
	app := mustApp(t)
	app.browser().mustSignup("Acme", "ana@acme.test")
	b := app.browser()
	b.get("/login")
	before := sessionCookie(b)
	b.mustLogin("ana@acme.test", "correct horse battery")
	after := sessionCookie(b)
	if after == "" || after == before {
		t.Fatal("session cookie was not replaced on login")
	}
}

func sessionCookie(b *browser) string {
	u, _ := url.Parse(b.app.srv.URL)
	for _, c := range b.client.Jar.Cookies(u) {
		if c.Name == "wabadesk" {
			return c.Value
		}
	}
	return ""
}

func TestHealthAndReady(t *testing.T) {
	b := mustApp(t).browser()
	for _, p := range []string{"/healthz", "/readyz"} {
		if r := b.get(p); r.status != http.StatusOK {
			t.Fatalf("%s = %d", p, r.status)
		}
	}
}

// Common and patterned passwords are refused, with the reason next to the
// field, at sign-up, on an invite and when changing the password.
func TestWeakPasswordsRefused(t *testing.T) {
	app := mustApp(t)
	for _, pw := range []string{"aaaaaaaaaa", "1234567890", "password12", "qwertyuiop", "iloveyou12", "ana@acme.test1"} {
		r := app.browser().post("/signup", url.Values{"organisation_name": {"Acme"}, "name": {"Ana"}, "email": {"ana@acme.test"}, "password": {pw}})
		expectStatus(t, r, http.StatusUnprocessableEntity)
		if got := r.text("[data-testid=error-password]"); !strings.Contains(got, "too easy to guess") {
			t.Errorf("password %q: message %q", pw, got)
		}
	}
	b := app.browser()
	b.mustSignup("Acme", "ana@acme.test")
	r := b.post("/account/password", url.Values{"current_password": {"correct horse battery"}, "new_password": {"password12"}})
	expectStatus(t, r, http.StatusUnprocessableEntity)
	if got := r.text("[data-testid=error-new_password]"); !strings.Contains(got, "too easy to guess") {
		t.Errorf("password change: message %q", got)
	}
}
