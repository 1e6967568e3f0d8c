package main

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// waitText waits, without reloading, until sel's text contains want: the
// page must update itself (live region + event stream). Fails after limit.
func (tb *tab) waitText(sel, want string, limit time.Duration) {
	tb.t.Helper()
	deadline := time.Now().Add(limit)
	for {
		got, err := runAction(tb, chromedp.Text(chromedp.CSS(sel)))
		if err == nil && strings.Contains(got, want) {
			return
		}
		if time.Now().After(deadline) {
			tb.shot("timeout")
			tb.t.Fatalf("%s: %s never showed %q (last %q, %v)", tb.name, sel, want, got, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// TestBrowserOnboardingJourney: staff create a client, the sandbox prepares
// the request, the client approves on the sandbox Meta page, staff add a
// sender, the OTP arrives in the sandbox inbox and the sender becomes active.
func TestBrowserOnboardingJourney(t *testing.T) {
	base := startApp(t)
	staff := newTab(t, base, "staff", 1280, 900)
	staff.signup()
	staff.expectText("[data-testid=empty]", "No clients yet")
	staff.page("01-empty-list")

	staff.open("/clients/new")
	staff.fill("#f-name", "Padaria Estrela")
	staff.fill("#f-project_id", "not-a-project")
	staff.fill("#f-business_manager_id", "12AB")
	staff.submit("[data-testid=save-submit]")
	staff.expectText("[data-testid=error-project_id]", "project ID looks like")
	staff.expectText("[data-testid=error-business_manager_id]", "digits only")
	staff.page("02-client-form-errors")
	staff.fill("#f-project_id", "1c8f5a2e-8d7b-4f0e-9a3b-2d6c5e4f7a81")
	staff.fill("#f-business_manager_id", "123456789012345")
	staff.fill("#f-waba_name", "Padaria Estrela Ltda")
	staff.fill("#f-sender_display_name", "Padaria Estrela")
	staff.do(chromedp.SetValue(chromedp.CSS("#f-business_category"), "FOOD_AND_GROCERY"))
	staff.submit("[data-testid=save-submit]")
	staff.expectText("[data-testid=client-name]", "Padaria Estrela")
	staff.page("03-submitted")
	// A colleague watches the list in another window; it moves by itself.
	list := newTab(t, base, "list", 1280, 700)
	list.open("/login")
	list.fill("#f-email", "ana@acme.test")
	list.fill("#f-password", "correct horse battery")
	list.submit("button[type=submit]")
	list.waitText("[data-testid=client-row] [data-testid=stage]", "Waiting for Meta approval", 20*time.Second)
	list.page("03b-list-live")

	staff.waitText("[data-testid=client-stage]", "Waiting for Meta approval", 20*time.Second)
	link := staff.value("#meta-link")
	if !strings.Contains(link, "/sandbox/meta/latest/settings/requests?business_id=123456789012345") {
		t.Fatalf("approval link %q", link)
	}
	staff.do(chromedp.Click(chromedp.CSS("[data-copy-target='#meta-link']")))
	staff.expectText("[data-copy-target='#meta-link']", "Copied")
	staff.page("04-waiting-for-meta")

	client := newTab(t, base, "client-phone", 390, 844)
	client.open(link)
	client.shot("05-sandbox-meta")
	client.submit("[data-testid=approve]")
	client.shot("06-sandbox-meta-approved")

	staff.waitText("[data-testid=client-stage]", "Onboarded", 20*time.Second)
	staff.page("07-onboarded")
	staff.submit("[data-testid=add-sender]") // a link: followed like a form, its status checked
	staff.fill("#f-country_code", "55")
	staff.fill("#f-phone_number", "11987654321")
	staff.page("08-sender-form")
	staff.submit("[data-testid=save-submit]")
	staff.waitText("[data-testid=sender-stage]", "Phone verification", 20*time.Second)
	staff.page("09-verification")
	staff.submit("[data-testid=request-otp]")
	staff.expectText("[data-testid=flash]", "Code sent")

	// The sandbox's phone stand-in shows staff their own clients' codes
	// (a stranger gets nothing).
	clientPage := strings.TrimPrefix(staff.path(), base)
	staff.open("/sandbox/inbox?phone=5511987654321")
	code := staff.text("[data-testid=otp]")
	staff.shot("10-sandbox-inbox")
	if len(code) != 6 {
		t.Fatalf("inbox code %q", code)
	}
	staff.open(clientPage)
	staff.fill("input[name=code]", "000000")
	staff.submit("[data-testid=verify-otp]")
	staff.expectText("[data-testid=error-code]", "not right")
	staff.page("11-wrong-code")
	staff.fill("input[name=code]", code)
	staff.submit("[data-testid=verify-otp]")
	staff.waitText("[data-testid=client-stage]", "Active", 20*time.Second)
	// "Number verified. Sinch now activates the sender." answered the
	// verification; the live refresh to Active made it stale.
	if flashes, _ := runAction(staff, chromedp.Evaluate[int](`document.querySelectorAll("[data-testid=flash]").length`)); flashes != 0 {
		t.Fatalf("a stale flash stays above the Active client (%v)", flashes)
	}
	staff.page("12-active")
	list.waitText("[data-testid=client-row] [data-testid=stage]", "Active", 10*time.Second)
	staff.open("/clients")
	staff.expectText("[data-testid=client-row] [data-testid=stage]", "Active")
	staff.page("13-list")
}
