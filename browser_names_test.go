package main

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
)

// TestBrowserDisplayNameCheck: a display name gets Meta's rules next to it
// while it is typed; submitting over them asks why, and the reason goes
// on the timeline. Without the live check the same notes come on submit.
func TestBrowserDisplayNameCheck(t *testing.T) {
	base := startApp(t)
	staff := newTab(t, base, "staff", 1280, 1000)
	staff.signup()
	staff.open("/clients/new")
	staff.fill("#f-name", "Luna Pizza")
	staff.fill("#f-project_id", "1c8f5a2e-8d7b-4f0e-9a3b-2d6c5e4f7a81")
	staff.fill("#f-business_manager_id", "123456789012345")
	staff.fill("#f-waba_name", "Luna Pizza Ltda")
	staff.do(chromedp.SetValue(chromedp.CSS("#f-business_category"), "FOOD_AND_GROCERY"))
	staff.fill("#f-sender_display_name", "BEST DEALS!!! ")
	// Typed as a keyboard's emoji picker does: inserted text, not a key.
	staff.do(chromedp.Focus(chromedp.CSS("#f-sender_display_name")))
	if _, err := runAction(staff, func(ctx context.Context, tg *chromedp.Target) (cdp.Empty, error) {
		return cdp.Call(ctx, tg, input.InsertText, input.InsertTextParams{Text: "🎉"})
	}); err != nil {
		t.Fatal(err)
	}
	notes := "[data-testid=name-notes-sender_display_name]"
	staff.waitText(notes, "DN-CAPS", 5*time.Second)
	staff.waitText(notes, "DN-PUNCT", 5*time.Second)
	staff.waitText(notes, "DN-EMOJI", 5*time.Second)
	staff.page("01-warnings-while-typing")
	// Fixing the name clears them, still without a page load.
	staff.do(chromedp.Evaluate[chromedp.Void](`document.getElementById("f-sender_display_name").value = ""`), chromedp.SendKeys(chromedp.CSS("#f-sender_display_name"), "Best Deals"))
	staff.waitText("[data-testid=client-form]", "Save and submit", time.Second)
	for i := 0; staff.text(notes) != "" && i < 50; i++ {
		time.Sleep(100 * time.Millisecond)
	}
	if got := staff.text(notes); got != "" {
		t.Fatalf("notes stay after the fix to %q: %q", staff.value("#f-sender_display_name"), got)
	}
	staff.do(chromedp.Evaluate[chromedp.Void](`document.getElementById("f-sender_display_name").value = ""`), chromedp.SendKeys(chromedp.CSS("#f-sender_display_name"), "BEST DEALS!!!"))
	staff.waitText(notes, "DN-PUNCT", 5*time.Second)
	staff.submit("[data-testid=save-submit]")
	staff.expectText("[data-testid=error-name_reason]", "DN-CAPS, DN-PUNCT")
	staff.page("02-reason-asked")
	staff.do(chromedp.SendKeys(chromedp.CSS("#f-name_reason"), "The brand is written this way on every shop front."))
	staff.submit("[data-testid=save-submit]")
	staff.expectText("[data-testid=timeline]", "every shop front")
	staff.expectText("[data-testid=timeline]", "submitted despite Meta's rules (DN-CAPS, DN-PUNCT)")
	staff.page("03-reason-on-timeline")
}
