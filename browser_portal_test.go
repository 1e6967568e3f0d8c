package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// TestBrowserClientPortal: the business client, on a phone-sized screen,
// follows the shared link: approves on the sandbox Meta page, receives the
// code in the sandbox inbox, enters it, and sees the sender become active.
func TestBrowserClientPortal(t *testing.T) {
	base := startApp(t)
	staff := newTab(t, base, "staff", 1280, 900)
	staff.signup()
	staff.createClient("2d9a6b3f-9e8c-4a1f-8b4c-3e7d6f5a8b92", "998877665544", "save-submit")
	// Act on the settled page, as a person would: the live refresh that shows
	// the new stage also drops the "Submitted" flash, and a click aimed
	// before that shift lands below the button.
	staff.waitText("[data-testid=client-stage]", "Waiting for Meta approval", 20*time.Second)
	staff.submit("[data-testid=create-link]")
	link := staff.value("#client-link")
	staff.page("01-staff-link-created")

	phone := newTab(t, base, "phone", 390, 844)
	phone.open(link)
	phone.expectText("[data-testid=portal-title]", "Padaria Estrela")
	phone.page("02-portal-first-open")
	phone.waitText("[data-testid=meta-button]", "Open the request in Meta Business Suite", 20*time.Second)
	phone.page("03-portal-approve-at-meta")
	phone.submit("[data-testid=meta-button]")
	if !strings.Contains(phone.path(), "/sandbox/meta/latest/settings/requests") {
		t.Fatalf("Meta button went to %q", phone.path())
	}
	phone.shot("04-sandbox-meta")
	phone.submit("[data-testid=approve]")

	staff.waitText("[data-testid=client-stage]", "Onboarded", 20*time.Second)
	// The page refreshed itself; the link, shown only once, is still there.
	if got := staff.value("#client-link"); got != link {
		t.Fatalf("after a live refresh the new link reads %q, want %q", got, link)
	}
	staff.submit("[data-testid=add-sender]") // a link: followed like a form, its status checked
	staff.fill("#f-country_code", "351")
	staff.fill("#f-phone_number", "912345678")
	staff.submit("[data-testid=save-submit]")

	phone.open(link)
	phone.waitText("[data-testid=now]", "Confirm your phone number", 20*time.Second)
	phone.page("05-portal-verify")
	phone.submit("[data-testid=portal-send]")
	phone.expectText("[data-testid=otp-sent]", "on its way")
	if p := phone.path(); strings.HasSuffix(p, "/otp") {
		t.Fatalf("after sending the code the address is %s: want the page (PRG)", p)
	}

	// The sandbox's phone stand-in shows staff their own clients' codes.
	clientPage := strings.TrimPrefix(staff.path(), base)
	staff.open("/sandbox/inbox?phone=351912345678")
	code := staff.text("[data-testid=otp]")
	staff.shot("06-sandbox-inbox")

	phone.fill("#code", "111111")
	phone.submit("[data-testid=portal-verify]")
	phone.expectText("[data-testid=error-code]", "not right")
	// The refused form is shown without a live refresh: a reload shows the latest.
	phone.expectText("[data-testid=reload-note]", "Reload the page")
	phone.page("07-portal-wrong-code")
	phone.fill("#code", code)
	phone.submit("[data-testid=portal-verify]")
	phone.expectText("[data-testid=notice]", "Thank you")
	if p := phone.path(); strings.HasSuffix(p, "/verify") {
		t.Fatalf("after the code the address is %s: want the page (PRG)", p)
	}
	phone.waitText("[data-testid=now]", "You are ready to use WhatsApp Business", 20*time.Second)
	phone.expectText("[data-testid=active]", "+351 912345678")
	phone.page("08-portal-active")

	phone.open(link + "?lang=es")
	phone.expectText("[data-testid=now]", "Ya puede usar WhatsApp Business")
	phone.page("09-portal-spanish")
	phone.open(link + "?lang=pt")
	phone.expectText("[data-testid=portal-title]", "Configuração do WhatsApp")

	staff.open(clientPage)
	staff.expectText("[data-testid=timeline]", "opened the approval request at Meta")
	staff.expectText("[data-testid=timeline]", "Phone number verified with the code")
	staff.page("10-staff-timeline")
	staff.do(chromedp.Evaluate[chromedp.Void]("window.confirm = () => true"))
	staff.submit("[data-testid=link-row] form[action$='/revoke'] button")
	phone.open(link)
	phone.expectText("[data-testid=gone]", "não funciona mais") // the language chosen last is remembered
	phone.page("11-portal-gone")
}

// TestBrowserPortalWithoutJavaScript: with scripts off, the client page
// does not claim to update by itself; it offers a reload.
func TestBrowserPortalWithoutJavaScript(t *testing.T) {
	base := startApp(t)
	staff := newTab(t, base, "staff", 1280, 900)
	staff.signup()
	staff.createClient("1c8f5a2e-8d7b-4f0e-9a3b-2d6c5e4f7a81", "123456789012345", "save-draft")
	staff.submit("[data-testid=create-link]")
	link := staff.value("#client-link")

	phone := newTab(t, base, "phone", 390, 844)
	if _, err := runAction(phone, func(ctx context.Context, tg *chromedp.Target) (cdp.Empty, error) {
		return cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
	}); err != nil {
		t.Fatal(err)
	}
	phone.open(link)
	phone.expectText("#live", "Reload the page to see the latest")
	if strings.Contains(phone.text("#live"), "updates by itself") {
		t.Fatal("without JavaScript the page still says it updates by itself")
	}
	phone.shot("01-no-javascript")
}
