package handlers_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"wabadesk/models"
)

// mustInvite creates an invite from b's staff page and returns its link path.
func (b *browser) mustInvite(email string, role models.Role) string {
	b.t.Helper()
	r := b.post("/staff/invites", url.Values{"email": {email}, "role": {string(role)}})
	if r.status != http.StatusSeeOther {
		b.t.Fatalf("invite: status %d: %q", r.status, r.text(".error"))
	}
	page := b.get("/staff")
	link, _ := page.doc.Find("#invite-link").Attr("value")
	if link == "" {
		b.t.Fatal("invite link not shown after creating it")
	}
	u, _ := url.Parse(link)
	return u.Path
}

func TestInviteAcceptanceWithRole(t *testing.T) {
	app := mustApp(t)
	owner := app.browser()
	owner.mustSignup("Acme", "ana@acme.test")
	path := owner.mustInvite("bo@acme.test", models.RoleViewer)

	if again := owner.get("/staff"); again.doc.Find("#invite-link").Length() != 0 {
		t.Fatal("invite link shown a second time")
	}

	bo := app.browser()
	r := bo.get(path)
	expectStatus(t, r, http.StatusOK)
	if r.text("[data-testid=invite-email]") != "bo@acme.test" {
		t.Fatalf("invite e-mail = %q", r.text("[data-testid=invite-email]"))
	}
	r = bo.post(path, url.Values{"name": {"Bo"}, "password": {"short"}})
	expectStatus(t, r, http.StatusUnprocessableEntity)
	if v, _ := r.doc.Find("#f-name").Attr("value"); v != "Bo" {
		t.Fatalf("typed name lost: %q", v)
	}
	r = bo.post(path, url.Values{"name": {"Bo"}, "password": {"another good password"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("accept: %d %q", r.status, r.text(".error"))
	}
	staff := bo.get("/staff")
	expectStatus(t, staff, http.StatusOK)
	if staff.text("[data-testid=org-name]") != "Acme" {
		t.Fatal("invited person is not in the inviting organisation")
	}
	if !strings.Contains(staff.text(".who"), "Viewer") {
		t.Fatalf("role shown = %q, want Viewer", staff.text(".who"))
	}
	// A viewer sees no invite form, and the server refuses one anyway.
	if staff.doc.Find("form[action='/staff/invites']").Length() != 0 {
		t.Fatal("viewer sees the invite form")
	}
	expectStatus(t, bo.post("/staff/invites", url.Values{"email": {"x@acme.test"}, "role": {"agent"}}), http.StatusForbidden)

	// The link works once.
	expectStatus(t, app.browser().get(path), http.StatusGone)
	// And the new colleague can log in with the chosen password.
	app.browser().mustLogin("bo@acme.test", "another good password")
}

func TestAdminCannotInviteOwner(t *testing.T) {
	app := mustApp(t)
	owner := app.browser()
	owner.mustSignup("Acme", "ana@acme.test")
	path := owner.mustInvite("ad@acme.test", models.RoleAdmin)
	adm := app.browser()
	adm.post(path, url.Values{"name": {"Ad"}, "password": {"another good password"}})
	r := adm.post("/staff/invites", url.Values{"email": {"x@acme.test"}, "role": {"owner"}})
	expectStatus(t, r, http.StatusUnprocessableEntity)
	if r.text("[data-testid=error-role]") == "" {
		t.Fatal("expected a message next to role")
	}
}

func TestRevokedInviteStopsWorking(t *testing.T) {
	app := mustApp(t)
	owner := app.browser()
	owner.mustSignup("Acme", "ana@acme.test")
	path := owner.mustInvite("bo@acme.test", models.RoleAgent)
	invs, _ := app.store.PendingInvites(t.Context(), 1)
	r := owner.post("/staff/invites/"+strconv.FormatInt(invs[0].ID, 10)+"/delete", url.Values{})
	expectStatus(t, r, http.StatusSeeOther)
	expectStatus(t, app.browser().get(path), http.StatusGone)
}

func TestRemovedStaffIsLoggedOut(t *testing.T) {
	app := mustApp(t)
	owner := app.browser()
	owner.mustSignup("Acme", "ana@acme.test")
	path := owner.mustInvite("bo@acme.test", models.RoleAgent)
	bo := app.browser()
	bo.post(path, url.Values{"name": {"Bo"}, "password": {"another good password"}})
	expectStatus(t, bo.get("/staff"), http.StatusOK)

	u, err := app.store.Authenticate(t.Context(), "bo@acme.test", "another good password")
	if err != nil {
		t.Fatal(err)
	}
	expectStatus(t, owner.post("/staff/"+strconv.FormatInt(u.ID, 10)+"/delete", url.Values{}), http.StatusSeeOther)
	if r := bo.get("/staff"); r.status != http.StatusSeeOther {
		t.Fatalf("removed member still sees /staff (%d)", r.status)
	}
	// Nobody removes themselves.
	expectStatus(t, owner.post("/staff/1/delete", url.Values{}), http.StatusForbidden)
}

func TestPasswordChangeEndsOtherSessions(t *testing.T) {
	app := mustApp(t)
	laptop := app.browser()
	laptop.mustSignup("Acme", "ana@acme.test")
	phone := app.browser()
	phone.mustLogin("ana@acme.test", "correct horse battery")

	r := laptop.post("/account/password", url.Values{"current_password": {"wrong"}, "new_password": {"a new long password"}})
	expectStatus(t, r, http.StatusUnprocessableEntity)
	if r.text("[data-testid=error-current_password]") == "" {
		t.Fatal("no message next to the current password")
	}
	r = laptop.post("/account/password", url.Values{"current_password": {"correct horse battery"}, "new_password": {"a new long password"}})
	expectStatus(t, r, http.StatusSeeOther)
	expectStatus(t, laptop.get("/account"), http.StatusOK)
	if r := phone.get("/account"); r.status != http.StatusSeeOther {
		t.Fatalf("other session survived the password change (%d)", r.status)
	}
	app.browser().mustLogin("ana@acme.test", "a new long password")
}

// TestTenantIsolation: staff of organisation A get 404 for B's IDs on every
// route that takes one.
func TestTenantIsolation(t *testing.T) {
	app := mustApp(t)
	a := app.browser()
	a.mustSignup("Acme", "ana@acme.test")
	b := app.browser()
	b.mustSignup("Bravo", "bea@bravo.test")
	b.mustInvite("carl@bravo.test", models.RoleAgent)

	bea, _ := app.store.Authenticate(t.Context(), "bea@bravo.test", "correct horse battery")
	invs, _ := app.store.PendingInvites(t.Context(), bea.OrganisationID)
	if len(invs) != 1 {
		t.Fatalf("setup: %d invites", len(invs))
	}
	for _, path := range []string{
		"/staff/" + strconv.FormatInt(bea.ID, 10) + "/delete",
		"/staff/invites/" + strconv.FormatInt(invs[0].ID, 10) + "/delete",
		"/staff/999999/delete",
		"/staff/not-a-number/delete",
	} {
		r := a.post(path, url.Values{})
		if r.status != http.StatusNotFound {
			t.Errorf("POST %s as Acme's owner = %d, want 404", path, r.status)
		}
	}
	if staff := a.get("/staff"); strings.Contains(staff.text("main"), "bravo.test") {
		t.Error("Acme's staff page shows Bravo's people")
	}
	if _, err := app.store.UserByID(t.Context(), bea.ID); err != nil {
		t.Fatal("Bravo's owner was removed by Acme")
	}
}
