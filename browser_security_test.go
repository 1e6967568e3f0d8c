package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"
)

// cookies are the tab's cookies for the app.
func (tb *tab) cookies() []*network.Cookie {
	tb.t.Helper()
	list, err := runAction(tb, func(ctx context.Context, t *chromedp.Target) ([]*network.Cookie, error) {
		res, err := cdp.Call(ctx, t, network.GetCookies, network.GetCookiesParams{URLs: []string{tb.base + "/"}})
		return res.Cookies, err
	})
	if err != nil {
		tb.t.Fatal(err)
	}
	return list
}

// setCookies puts copies of cookies into the tab, as someone who lifted
// them from another browser would.
func (tb *tab) setCookies(list []*network.Cookie) {
	tb.t.Helper()
	for _, c := range list {
		_, err := runAction(tb, func(ctx context.Context, t *chromedp.Target) (cdp.Empty, error) {
			return cdp.Call(ctx, t, network.SetCookie, network.SetCookieParams{Name: c.Name, Value: c.Value, URL: tb.base + "/", HTTPOnly: &c.HTTPOnly})
		})
		if err != nil {
			tb.t.Fatal(err)
		}
	}
}

// TestBrowserSessionsAndTwoFactor: a copied session cookie stops working at
// log-out; an owner requires two-factor log-in and a colleague is made to
// set it up at their next log-in, with a code computed here as an
// authenticator app would.
func TestBrowserSessionsAndTwoFactor(t *testing.T) {
	base := startApp(t)
	owner := newTab(t, base, "owner", 1280, 1000)
	owner.signup()
	owner.expectText("[data-testid=org-name]", "Acme Messaging")

	// A second browser with a copy of the owner's cookies is in, until log-out.
	thief := newTab(t, base, "thief", 1280, 900)
	thief.open("/healthz")
	thief.setCookies(owner.cookies())
	thief.open("/clients")
	thief.expectText("[data-testid=org-name]", "Acme Messaging")
	owner.open("/account")
	owner.expectText("[data-testid=sessions-table]", "This browser")
	owner.page("01-account-sessions")
	owner.submit("form[action='/logout'] button")
	thief.open("/clients")
	if p := thief.path(); !strings.HasPrefix(p, "/login") {
		t.Fatalf("the copied cookie still opens %s after log-out", p)
	}
	thief.shot("02-copied-cookie-after-logout")

	// The owner invites Bo, then requires two-factor log-in for everyone.
	owner.login("ana@acme.test", "correct horse battery")
	bo := newTab(t, base, "bo", 1280, 900)
	bo.join(owner.invite("bo@acme.test", "agent"), "Bo Silva")
	bo.submit("form[action='/logout'] button")

	owner.open("/settings")
	owner.page("02a-settings-security")
	owner.do(chromedp.Click(chromedp.CSS("#f-require_two_factor")))
	owner.submit("[data-testid=save-security]")
	owner.expectText("[data-testid=flash]", "now required")
	owner.shot("02b-required-owner-set-up")
	// The owner is held to it first.
	owner.open("/clients")
	if p := owner.path(); p != "/account/two-factor" {
		t.Fatalf("owner without two-factor went to %s", p)
	}

	// Bo logs in and is taken to set it up before anything else.
	bo.login("bo@acme.test", "another good password")
	if p := bo.path(); p != "/account/two-factor" {
		t.Fatalf("Bo went to %s, want the two-factor set-up", p)
	}
	bo.expectText("[data-testid=must-enrol]", "requires two-factor log-in")
	bo.page("03-two-factor-setup")
	secret := strings.ReplaceAll(bo.text("[data-testid=totp-secret]"), " ", "")
	bo.fill("#f-code", "000000")
	bo.submit("button[type=submit].btn-primary")
	bo.expectText("[data-testid=error-code]", "does not match")
	bo.page("04-two-factor-wrong-code")
	code, err := totp.GenerateCode(secret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	bo.fill("#f-code", code)
	bo.submit("button[type=submit].btn-primary")
	bo.expectText("[data-testid=recovery-codes]", "Your recovery codes")
	bo.page("05-recovery-codes")
	bo.open("/clients")
	if p := bo.path(); p != "/clients" {
		t.Fatalf("after setting it up Bo went to %s", p)
	}

	// Next log-in asks for the code.
	bo.submit("form[action='/logout'] button")
	bo.login("bo@acme.test", "another good password")
	if p := bo.path(); !strings.HasPrefix(p, "/login/two-factor") {
		t.Fatalf("after the password Bo went to %s", p)
	}
	bo.page("06-two-factor-login")
	// The set-up code is spent; the next step's code is accepted (a clock
	// drift of one step is allowed) and is new.
	code, _ = totp.GenerateCode(secret, time.Now().Add(30*time.Second))
	bo.fill("#f-code", code)
	bo.submit("button[type=submit]")
	if p := bo.path(); p != "/" && p != "/clients" {
		t.Fatalf("after the code Bo went to %s", p)
	}
	bo.expectText("[data-testid=org-name]", "Acme Messaging")
}
