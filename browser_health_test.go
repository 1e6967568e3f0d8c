package main

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserClientHealth: with a client Active, the sandbox (as Meta)
// drops the number's quality, rejects its display name and disables the
// WABA; each shows up by itself on the open client page, the client list
// and the business client's page.
func TestBrowserClientHealth(t *testing.T) {
	base := startApp(t)
	staff := newTab(t, base, "staff", 1280, 1000)
	staff.signup()
	staff.createClient("1c8f5a2e-8d7b-4f0e-9a3b-2d6c5e4f7a81", "123456789012345", "save-submit")
	staff.waitText("[data-testid=client-stage]", "Waiting for Meta approval", 20*time.Second)
	clientPage := staff.path()
	meta := newTab(t, base, "meta", 1280, 900)
	meta.open(staff.value("#meta-link"))
	meta.submit("[data-testid=approve]")
	staff.waitText("[data-testid=client-stage]", "Onboarded", 20*time.Second)
	staff.submit("[data-testid=add-sender]")
	staff.fill("#f-country_code", "55")
	staff.fill("#f-phone_number", "11987654321")
	staff.submit("[data-testid=save-submit]")
	staff.waitText("[data-testid=sender-stage]", "Phone verification", 20*time.Second)
	staff.submit("[data-testid=request-otp]")
	staff.open("/sandbox/inbox?phone=5511987654321")
	code := staff.text("[data-testid=otp]")
	staff.open(clientPage)
	staff.fill("input[name=code]", code)
	staff.submit("[data-testid=verify-otp]")
	staff.waitText("[data-testid=client-stage]", "Active", 20*time.Second)
	staff.submit("[data-testid=create-link]")
	link := staff.value("#client-link")
	staff.open(clientPage)
	staff.waitText("[data-testid=health-panel]", "High", 10*time.Second)

	list := newTab(t, base, "list", 1280, 700)
	list.login("ana@acme.test", "correct horse battery")
	list.open("/clients")
	portal := newTab(t, base, "client-phone", 390, 844)
	portal.open(link)
	sandbox := newTab(t, base, "sandbox", 1280, 1000)
	sandbox.login("ana@acme.test", "correct horse battery")
	sandbox.open("/sandbox/")

	// Quality drops to RED.
	sandbox.do(chromedp.SetValue(chromedp.CSS("select[name=rating]"), "RED"))
	sandbox.submit("[data-testid=set-quality]")
	staff.waitText("[data-testid=health-panel]", "Low", 20*time.Second)
	list.waitText("[data-testid=client-row] [data-testid=health]", "Quality low", 20*time.Second)
	portal.waitText("[data-testid=now]", "Many people block or report your messages", 20*time.Second)
	staff.page("01-quality-low")
	list.page("02-list-quality-low")
	portal.page("03-portal-quality-low")

	// Meta rejects the display name.
	sandbox.open("/sandbox/")
	sandbox.submit("[data-testid=name-REJECTED]")
	staff.waitText("[data-testid=health-panel]", "Rejected", 20*time.Second)
	portal.waitText("[data-testid=now]", "Your display name was not approved", 20*time.Second)
	staff.page("04-name-rejected")
	portal.page("05-portal-name-rejected")

	// The WABA is disabled.
	sandbox.open("/sandbox/")
	sandbox.submit("[data-testid=ban-DISABLE]")
	staff.waitText("[data-testid=health-panel]", "Disabled", 20*time.Second)
	list.waitText("[data-testid=client-row] [data-testid=health]", "WABA disabled", 20*time.Second)
	portal.waitText("[data-testid=now]", "WhatsApp disabled your account", 20*time.Second)
	staff.page("06-waba-disabled")
	list.page("07-list-waba-disabled")
	portal.page("08-portal-waba-disabled")
	sandbox.shot("09-sandbox-controls")

	// The portfolio: worst first, with the health filters' counts.
	list.open("/clients?health=any&sort=health")
	list.expectText("[data-testid=health-counts]", "Restricted")
	list.page("10-portfolio")
	// The fix guide opens the sender form at the display name.
	staff.submit("[data-testid=health-fix]")
	staff.expectText("#nc-display_name", "")
	staff.page("11-fix-name-form")
}
