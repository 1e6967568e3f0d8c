package main

import (
	"net/http/httptest"
	"testing"

	"github.com/chromedp/chromedp"

	"wabadesk/provisioning/sandbox"
)

// TestBrowserSettingsRolesAudit: the owner switches the organisation from
// the sandbox to live credentials (a standalone sandbox with its own key
// stands in for Sinch) and back, a viewer cannot change anything, and the
// audit page shows what happened.
func TestBrowserSettingsRolesAudit(t *testing.T) {
	base := startApp(t)
	live := sandbox.New(sandbox.Options{Keys: map[string]string{"live-key": "live-secret-9876"}})
	liveSrv := httptest.NewServer(live)
	t.Cleanup(func() { liveSrv.Close(); live.Close() })

	owner := newTab(t, base, "owner", 1280, 1000)
	owner.signup()
	owner.expectText("[data-testid=org-name]", "Acme Messaging")

	owner.open("/settings")
	owner.expectText("[data-testid=sinch-current]", "Sandbox")
	owner.shot("01-settings-sandbox")
	owner.checkHTML("01-settings-sandbox")
	owner.checkA11y("01-settings-sandbox")

	// Live, with a wrong secret first: the test says so in plain words.
	owner.do(chromedp.Click(chromedp.CSS("#f-mode-live")))
	owner.do(chromedpSetSelect("#f-auth", "oauth2"))
	owner.fill("#f-key_id", "live-key")
	owner.fill("#f-key_secret", "not-the-secret")
	owner.fill("#f-base_url", liveSrv.URL)
	owner.fill("#f-token_url", liveSrv.URL+"/oauth2/token")
	owner.fill("#f-project_id", "1c8f5a2e-8d7b-4f0e-9a3b-2d6c5e4f7a81")
	owner.submit("[data-testid=test-sinch]")
	owner.expectText("[data-testid=test-result]", "did not accept this key")
	owner.shot("02-test-wrong-secret")
	owner.checkHTML("02-test-wrong-secret")
	owner.checkA11y("02-test-wrong-secret")

	owner.fill("#f-key_secret", "live-secret-9876")
	owner.fill("#f-project_id", "1c8f5a2e-8d7b-4f0e-9a3b-2d6c5e4f7a81")
	owner.submit("[data-testid=test-sinch]")
	owner.expectText("[data-testid=test-result]", "Connected")
	owner.fill("#f-key_secret", "live-secret-9876")
	owner.submit("[data-testid=save-sinch]")
	owner.expectText("[data-testid=flash]", "live Sinch account")
	owner.expectText("[data-testid=sinch-current]", "Live")
	owner.expectText("#h-key_secret", "…9876")
	owner.shot("03-settings-live")
	owner.checkHTML("03-settings-live")
	owner.checkA11y("03-settings-live")

	// And back to the sandbox; the live key stays stored for next time.
	owner.do(chromedp.Click(chromedp.CSS("#f-mode-sandbox")))
	owner.submit("[data-testid=save-sinch]")
	owner.expectText("[data-testid=flash]", "Sinch sandbox")
	owner.expectText("[data-testid=sinch-current]", "Sandbox")

	// A viewer joins and can change nothing.
	link := owner.invite("vi@acme.test", "viewer")
	viewer := newTab(t, base, "viewer", 1280, 860)
	viewer.join(link, "Vi Costa")
	viewer.expectText(".who", "Viewer")
	viewer.open("/clients")
	if n, _ := runAction(viewer, chromedp.Evaluate[int](`document.querySelectorAll("[data-testid=new-client], form[method=post]:not([action='/logout'])").length`)); n != 0 {
		t.Fatalf("viewer sees %d ways to change something", n)
	}
	viewer.shot("04-viewer-clients")
	viewer.checkA11y("04-viewer-clients")
	viewer.open("/settings")
	viewer.expectText("[data-testid=error-page]", "Not allowed")
	viewer.shot("05-viewer-settings-refused")
	viewer.checkHTML("05-viewer-settings-refused")
	viewer.checkA11y("05-viewer-settings-refused")

	owner.open("/audit")
	owner.expectText("[data-testid=audit-table]", "settings.sinch_changed")
	owner.expectText("[data-testid=audit-table]", "settings.sinch_tested")
	owner.expectText("[data-testid=audit-table]", "staff.joined")
	owner.expectText("[data-testid=audit-table]", "Vi Costa")
	owner.shot("06-audit")
	owner.checkHTML("06-audit")
	owner.checkA11y("06-audit")
	owner.open("/audit?action=settings.sinch_changed")
	owner.expectText("[data-testid=audit-table]", "live, oauth2, key live-key")
	owner.shot("07-audit-filtered")
	owner.checkA11y("07-audit-filtered")

	// The outgoing webhooks page, with every event to choose.
	owner.open("/settings/endpoints")
	owner.expectText("fieldset.events", "client.health_changed")
	owner.shot("08-endpoints")
	owner.checkHTML("08-endpoints")
	owner.checkA11y("08-endpoints")
}
