package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/pquerna/otp/totp"

	"wabadesk/models"
)

// enrol sets up two-factor log-in for b and returns the secret and the
// recovery codes, as a person scanning the QR code and typing a code would.
func enrol(t *testing.T, b *browser, now func() time.Time) (string, []string) {
	t.Helper()
	r := b.get("/account/two-factor")
	expectStatus(t, r, http.StatusOK)
	secret := strings.ReplaceAll(r.text("[data-testid=totp-secret]"), " ", "")
	if len(secret) < 16 || r.doc.Find("[data-testid=totp-qr] path").Length() != 1 {
		t.Fatalf("set-up page: secret %q, QR %d", secret, r.doc.Find("[data-testid=totp-qr]").Length())
	}
	r = b.post("/account/two-factor", url.Values{"code": {"000000"}})
	expectStatus(t, r, http.StatusUnprocessableEntity)
	if r.text("[data-testid=error-code]") == "" || strings.ReplaceAll(r.text("[data-testid=totp-secret]"), " ", "") != secret {
		t.Fatal("a wrong first code: no message next to the field, or a new secret")
	}
	code, _ := totp.GenerateCode(secret, now())
	r = b.post("/account/two-factor", url.Values{"code": {code}})
	expectStatus(t, r, http.StatusOK)
	var codes []string
	r.doc.Find("[data-testid=recovery-codes] code").Each(func(_ int, s *goquery.Selection) { codes = append(codes, s.Text()) })
	if len(codes) != models.RecoveryCodes {
		t.Fatalf("%d recovery codes shown, want %d", len(codes), models.RecoveryCodes)
	}
	return secret, codes
}

func TestTwoFactorLogIn(t *testing.T) {
	clock := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	now := func() time.Time { return clock }
	app := mustApp(t)
	app.store.Now = now
	ana := app.browser()
	ana.mustSignup("Acme", "ana@acme.test")
	other := app.browser()
	other.mustLogin("ana@acme.test", "correct horse battery")
	secret, codes := enrol(t, ana, now)
	if loggedIn(other) {
		t.Fatal("a session logged in with the password alone survived turning on two-factor log-in")
	}

	// The password alone opens only the second step.
	b := app.browser()
	r := b.post("/login", url.Values{"email": {"ana@acme.test"}, "password": {"correct horse battery"}, "next": {"/account"}})
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.location(), "/login/two-factor") {
		t.Fatalf("after the password: %d %q", r.status, r.location())
	}
	if loggedIn(b) {
		t.Fatal("logged in without the second factor")
	}
	r = b.post("/login/two-factor", url.Values{"code": {"123456"}, "next": {"/account"}})
	expectStatus(t, r, http.StatusUnauthorized)
	if !strings.Contains(r.text("[data-testid=error-code]"), "not right") {
		t.Fatalf("wrong code message %q", r.text("[data-testid=error-code]"))
	}
	// The code used to turn it on does not work twice.
	used, _ := totp.GenerateCode(secret, now())
	expectStatus(t, b.post("/login/two-factor", url.Values{"code": {used}}), http.StatusUnauthorized)
	clock = clock.Add(30 * time.Second)
	code, _ := totp.GenerateCode(secret, now())
	r = b.post("/login/two-factor", url.Values{"code": {code}, "next": {"/account"}})
	if r.status != http.StatusSeeOther || r.location() != "/account" {
		t.Fatalf("right code: %d %q", r.status, r.location())
	}
	if !loggedIn(b) {
		t.Fatal("not logged in after both factors")
	}

	// A recovery code works once, typed loosely.
	for i, want := range []int{http.StatusSeeOther, http.StatusUnauthorized} {
		c := app.browser()
		c.post("/login", url.Values{"email": {"ana@acme.test"}, "password": {"correct horse battery"}})
		r = c.post("/login/two-factor", url.Values{"code": {" " + strings.ToUpper(strings.ReplaceAll(codes[0], "-", " ")) + " "}})
		if r.status != want {
			t.Fatalf("recovery code, use %d: %d, want %d", i+1, r.status, want)
		}
	}

	// Guessing codes is throttled with the password step: 5 failures per
	// account (the spent recovery code was the first since the last log-in).
	c := app.browser()
	c.post("/login", url.Values{"email": {"ana@acme.test"}, "password": {"correct horse battery"}})
	for _, guess := range []string{"111111", "222222", "333333", "444444"} {
		expectStatus(t, c.post("/login/two-factor", url.Values{"code": {guess}}), http.StatusUnauthorized)
	}
	clock = clock.Add(30 * time.Second)
	code, _ = totp.GenerateCode(secret, now())
	expectStatus(t, c.post("/login/two-factor", url.Values{"code": {code}}), http.StatusTooManyRequests)
}

// An owner requires two-factor log-in; a colleague without it is taken to
// set it up before anything else, and can then work.
func TestRequiredTwoFactorMakesMembersEnrol(t *testing.T) {
	app := mustApp(t)
	owner := app.browser()
	owner.mustSignup("Acme", "ana@acme.test")
	path := owner.mustInvite("bo@acme.test", models.RoleAgent)
	bo := app.browser()
	expectStatus(t, bo.post(path, url.Values{"name": {"Bo"}, "password": {"another good password"}}), http.StatusSeeOther)

	expectStatus(t, owner.post("/settings/security", url.Values{"require_two_factor": {"on"}}), http.StatusSeeOther)
	for _, p := range []string{"/clients", "/account", "/clients/new"} {
		if r := bo.get(p); r.status != http.StatusSeeOther || r.location() != "/account/two-factor" {
			t.Fatalf("GET %s by a member without two-factor: %d %q", p, r.status, r.location())
		}
	}
	r := bo.get("/account/two-factor")
	expectStatus(t, r, http.StatusOK)
	if r.doc.Find("[data-testid=must-enrol]").Length() != 1 {
		t.Fatal("the set-up page does not say why")
	}
	enrol(t, bo, time.Now)
	expectStatus(t, bo.get("/clients"), http.StatusOK)
	// Required: it cannot be turned off.
	r = bo.post("/account/two-factor/disable", url.Values{"password": {"another good password"}})
	expectStatus(t, r, http.StatusUnprocessableEntity)
	// The owner is held to it too.
	if r := owner.get("/clients"); r.location() != "/account/two-factor" {
		t.Fatalf("the owner without two-factor went to %q", r.location())
	}
}
