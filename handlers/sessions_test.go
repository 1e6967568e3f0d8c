package handlers_test

import (
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
)

// copyOf is a second browser holding a copy of b's cookies, as an attacker
// who lifted the session cookie would.
func (b *browser) copyOf() *browser {
	u, _ := url.Parse(b.app.srv.URL)
	jar, _ := cookiejar.New(nil)
	jar.SetCookies(u, b.client.Jar.Cookies(u))
	c := *b.app.browser()
	c.client.Jar = jar
	return &c
}

func loggedIn(b *browser) bool { return b.get("/clients").status == http.StatusOK }

// Log-out ends the session itself: a copy of the cookie taken before is
// refused afterwards.
func TestLogoutEndsCopiedCookies(t *testing.T) {
	app := mustApp(t)
	b := app.browser()
	b.mustSignup("Acme", "ana@acme.test")
	thief := b.copyOf()
	if !loggedIn(thief) {
		t.Fatal("the copied cookie did not work before log-out")
	}
	expectStatus(t, b.post("/logout", url.Values{}), http.StatusSeeOther)
	if loggedIn(thief) {
		t.Fatal("a cookie copied before log-out still opens /clients")
	}
}

// The account page lists the sessions; one can be ended from another
// browser, and "log out everywhere" ends all of them.
func TestAccountListsAndEndsSessions(t *testing.T) {
	app := mustApp(t)
	app.browser().mustSignup("Acme", "ana@acme.test")
	laptop, phone := app.browser(), app.browser()
	laptop.mustLogin("ana@acme.test", "correct horse battery")
	phone.mustLogin("ana@acme.test", "correct horse battery")

	r := laptop.get("/account")
	expectStatus(t, r, http.StatusOK)
	if n := r.doc.Find("[data-testid=session-row]").Length(); n != 3 {
		t.Fatalf("%d sessions listed, want 3 (sign-up, laptop, phone)", n)
	}
	if got := r.doc.Find("[data-testid=session-row]:contains('This browser')").Length(); got != 1 {
		t.Fatalf("%d rows marked as this browser, want 1", got)
	}
	// End every other session one by one from the laptop.
	for {
		form := r.doc.Find("[data-testid=session-row] form").First()
		action, ok := form.Attr("action")
		if !ok {
			break
		}
		expectStatus(t, laptop.post(action, url.Values{}), http.StatusSeeOther)
		r = laptop.get("/account")
	}
	if loggedIn(phone) {
		t.Fatal("the phone is still logged in after its session was ended")
	}
	if !loggedIn(laptop) {
		t.Fatal("ending other sessions logged out this browser")
	}
	phone.mustLogin("ana@acme.test", "correct horse battery")
	expectStatus(t, laptop.post("/account/sessions/end-all", url.Values{}), http.StatusSeeOther)
	if loggedIn(phone) || loggedIn(laptop) {
		t.Fatal("log out everywhere left a session")
	}
}

// Sessions of another organisation's user are never listed or ended.
func TestSessionIDsOfOthersAreRefused(t *testing.T) {
	app := mustApp(t)
	ana := app.browser()
	ana.mustSignup("Acme", "ana@acme.test")
	olga := app.browser()
	olga.mustSignup("Other", "olga@other.test")
	for id := 1; id <= 3; id++ {
		olga.post("/account/sessions/"+strconv.Itoa(id)+"/end", url.Values{})
	}
	if !loggedIn(ana) {
		t.Fatal("another organisation's user ended Ana's session")
	}
}

// Idle and absolute lifetimes end a session.
func TestSessionLifetimes(t *testing.T) {
	now := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	app := mustApp(t)
	app.store.Now = func() time.Time { return now }
	b := app.browser()
	b.mustSignup("Acme", "ana@acme.test")
	start, limits := now, app.store.SessionLimits()
	now = now.Add(limits.Idle - time.Hour)
	if !loggedIn(b) {
		t.Fatal("logged out before the idle limit")
	}
	for range 20 { // active every day
		if !loggedIn(b) {
			break
		}
		now = now.Add(24 * time.Hour)
	}
	if lived := now.Sub(start); loggedIn(b) || lived < limits.Absolute || lived > limits.Absolute+24*time.Hour {
		t.Fatalf("a session used daily ended after %s; want the absolute lifetime (%s)", lived, limits.Absolute)
	}
	b.mustLogin("ana@acme.test", "correct horse battery")
	now = now.Add(limits.Idle + time.Minute)
	if loggedIn(b) {
		t.Fatal("a session outlived its idle limit")
	}
}

// Limits are counted in the database: failures on two instances add up,
// and sign-ups from one address are throttled.
func TestLimitsAreSharedByInstances(t *testing.T) {
	a := mustApp(t)
	b := a.twin()
	a.browser().mustSignup("Acme", "ana@acme.test")
	for i := range 5 {
		inst := map[bool]*testApp{true: a, false: b}[i%2 == 0]
		r := inst.browser().post("/login", url.Values{"email": {"ana@acme.test"}, "password": {"wrong password " + strconv.Itoa(i)}})
		expectStatus(t, r, http.StatusUnauthorized)
	}
	for _, inst := range []*testApp{a, b} {
		r := inst.browser().post("/login", url.Values{"email": {"ana@acme.test"}, "password": {"correct horse battery"}})
		expectStatus(t, r, http.StatusTooManyRequests)
	}

	// Sign-up answers whether an address has an account: 20 an hour per
	// address, Acme's own sign-up included.
	for i := range 19 {
		inst := map[bool]*testApp{true: a, false: b}[i%2 == 0]
		r := inst.browser().post("/signup", url.Values{"organisation_name": {"X"}, "name": {"X"}, "email": {"ana@acme.test"}, "password": {"correct horse battery"}})
		expectStatus(t, r, http.StatusUnprocessableEntity) // the address has an account
	}
	r := b.browser().post("/signup", url.Values{"organisation_name": {"X"}, "name": {"X"}, "email": {"ana@acme.test"}, "password": {"correct horse battery"}})
	expectStatus(t, r, http.StatusTooManyRequests)
	if !strings.Contains(r.text("[data-testid=form-error]"), "Too many sign-ups") {
		t.Fatalf("message %q", r.text("[data-testid=form-error]"))
	}
}

// The built-in sandbox's pages show and act only on the visitor's own
// organisation's projects; strangers see nothing.
func TestSandboxPagesAreScoped(t *testing.T) {
	app := mustApp(t)
	ana, bea := app.browser(), app.browser()
	ana.mustSignup("Acme", "ana@acme.test")
	bea.mustSignup("Bravo", "bea@bravo.test")
	ana.mustCreateClient(clientValues(projectA, "123456789"), "submit")
	bea.mustCreateClient(clientValues(projectB, "987654321"), "submit")
	app.sync()

	const requests = "/sandbox/meta/latest/settings/requests"
	mine := func(b *browser) (ids []string) {
		r := b.get(requests)
		expectStatus(t, r, http.StatusOK)
		r.doc.Find("[data-testid=request]").Each(func(_ int, s *goquery.Selection) {
			id, _ := s.Attr("id")
			ids = append(ids, strings.TrimPrefix(id, "r"))
		})
		return ids
	}
	anaReqs, beaReqs := mine(ana), mine(bea)
	if len(anaReqs) != 1 || len(beaReqs) != 1 || anaReqs[0] == beaReqs[0] {
		t.Fatalf("Meta stand-in: Ana sees %v, Bea sees %v; want one request each, their own", anaReqs, beaReqs)
	}
	if n := ana.get("/sandbox/").doc.Find("[data-testid=project]").Length(); n != 1 {
		t.Fatalf("overview shows Ana %d projects, want her 1", n)
	}
	// Ana cannot approve Bea's request by its id.
	r := ana.post(requests+"/"+beaReqs[0]+"/approve", url.Values{})
	if !strings.Contains(r.location(), "done=none") {
		t.Fatalf("approving another organisation's request: %d %q", r.status, r.location())
	}
	if got := mine(bea); len(got) != 1 || bea.get(requests).doc.Find("[data-testid=approve]").Length() != 1 {
		t.Fatal("Bea's request is no longer pending")
	}
	stranger := app.browser()
	for _, p := range []string{"/sandbox/", "/sandbox/inbox", requests, "/sandbox/stats"} {
		if r := stranger.get(p); r.status != http.StatusForbidden && r.status != http.StatusNotFound {
			t.Errorf("GET %s without a log-in: %d", p, r.status)
		}
	}
	expectStatus(t, ana.get("/sandbox/inbox"), http.StatusOK)
}
