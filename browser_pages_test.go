package main

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserClientPagesChecks walks the staff pages of one draft client —
// the list empty and filled, the form with and without errors, the client
// page, the edit form — and checks each for accessibility and valid HTML.
func TestBrowserClientPagesChecks(t *testing.T) {
	base := startApp(t)
	staff := newTab(t, base, "staff", 1280, 900)
	check := func(step string) {
		t.Helper()
		staff.shot(step)
		staff.checkHTML(step)
		staff.checkA11y(step)
	}

	staff.signup()
	staff.expectText("[data-testid=empty]", "No clients yet")
	check("01-empty-list")

	staff.open("/clients/new")
	check("02-new-client")
	staff.fill("#f-name", "Padaria Estrela")
	staff.fill("#f-project_id", "not-a-project")
	staff.submit("[data-testid=save-draft]")
	staff.expectText("[data-testid=error-project_id]", "project ID looks like")
	check("03-client-form-errors")

	staff.fill("#f-project_id", "1c8f5a2e-8d7b-4f0e-9a3b-2d6c5e4f7a81")
	staff.fill("#f-business_manager_id", "123456789012345")
	staff.do(chromedp.SetValue(chromedp.CSS("#f-business_category"), "FOOD_AND_GROCERY"))
	staff.submit("[data-testid=save-draft]")
	staff.expectText("[data-testid=client-name]", "Padaria Estrela")
	check("04-client-page")
	clientPage := staff.path()

	staff.open(clientPage + "/edit")
	check("05-edit-client")

	staff.open("/clients")
	staff.expectText("[data-testid=client-row]", "Padaria Estrela")
	check("06-list")
}
