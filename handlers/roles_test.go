package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"wabadesk/handlers"
	"wabadesk/models"
)

// staffOfEveryRole signs up an owner and invites one member of each other
// role; it returns their e-mail addresses by role.
func staffOfEveryRole(t *testing.T, app *testApp) (models.Organisation, map[models.Role]models.User) {
	t.Helper()
	ctx := context.Background()
	app.browser().mustSignup("Matrix Co", "owner@matrix.test")
	owner, err := app.store.UserByEmail(ctx, "owner@matrix.test")
	if err != nil {
		t.Fatal(err)
	}
	users := map[models.Role]models.User{models.RoleOwner: owner}
	for _, r := range []models.Role{models.RoleAdmin, models.RoleAgent, models.RoleViewer} {
		users[r] = mustMember(t, app, owner, string(r)+"@matrix.test", r)
	}
	org, _ := app.store.OrganisationByID(ctx, owner.OrganisationID)
	return org, users
}

func mustMember(t *testing.T, app *testApp, owner models.User, email string, r models.Role) models.User {
	t.Helper()
	ctx := context.Background()
	_, token, err := app.store.CreateInvite(ctx, owner.OrganisationID, owner, models.NewInvite{Email: email, Role: r})
	if err != nil {
		t.Fatal(err)
	}
	u, err := app.store.AcceptInvite(ctx, token, "Member "+string(r), "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	return u
}

var param = regexp.MustCompile(`:[a-z]+`)

// TestRoleMatrix calls every route of the route table as every role (and
// anonymously) and checks the server's answer: refused with 403 below the
// route's role, never 403 from it upwards, a log-in redirect when
// anonymous. A route added to the table is covered without editing this.
func TestRoleMatrix(t *testing.T) {
	app := mustApp(t)
	ctx := context.Background()
	org, users := staffOfEveryRole(t, app)
	client, err := app.store.CreateClient(ctx, org.ID, users[models.RoleOwner], models.ClientInput{Name: "Acme"}, false)
	if err != nil {
		t.Fatal(err)
	}
	victim := mustMember(t, app, users[models.RoleOwner], "victim@matrix.test", models.RoleViewer)
	inv, _, err := app.store.CreateInvite(ctx, org.ID, users[models.RoleOwner], models.NewInvite{Email: "later@matrix.test", Role: models.RoleAgent})
	if err != nil {
		t.Fatal(err)
	}
	ids := func(path string) string {
		return param.ReplaceAllStringFunc(path, func(p string) string {
			switch {
			case p == ":id" && strings.HasPrefix(path, "/clients/"):
				return strconv.FormatInt(client.ID, 10)
			case p == ":id" && strings.HasPrefix(path, "/staff/invites/"):
				return strconv.FormatInt(inv.ID, 10)
			case p == ":id" && strings.HasPrefix(path, "/staff/"):
				return strconv.FormatInt(victim.ID, 10)
			case p == ":id":
				return strconv.FormatInt(org.ID, 10)
			}
			return "999999"
		})
	}
	roles := []models.Role{"", models.RoleViewer, models.RoleAgent, models.RoleAdmin, models.RoleOwner} // weakest first: refusals before changes
	checked := 0
	for _, r := range handlers.RouteTable() {
		if r.Machine || r.API {
			continue
		}
		path := ids(r.Path)
		for _, role := range roles {
			b := app.browser()
			if role != "" {
				b.mustLogin(users[role].Email, "correct horse battery")
			}
			status, loc := b.statusOf(r.Method, path)
			name := r.Method + " " + r.Path + " as " + string(role)
			switch {
			case r.Public:
				if status == http.StatusForbidden {
					t.Errorf("%s: 403 on a public route", name)
				}
			case role == "":
				if status != http.StatusSeeOther || !strings.HasPrefix(loc, "/login") {
					t.Errorf("%s (anonymous): status %d to %q, want 303 to /login", name, status, loc)
				}
			case role.AtLeast(r.MinRole):
				if status == http.StatusForbidden {
					t.Errorf("%s: 403, but %s may do this", name, role)
				}
			default:
				if status != http.StatusForbidden {
					t.Errorf("%s: status %d, want 403 (needs %s)", name, status, r.MinRole)
				}
			}
			checked++
		}
	}
	if checked < 150 {
		t.Fatalf("only %d route × role cases ran", checked)
	}
}

// statusOf makes one request (a POST with the CSRF token) and returns the
// status without reading the body, so event streams do not hang the test.
func (b *browser) statusOf(method, path string) (int, string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var req *http.Request
	if method == http.MethodGet {
		req, _ = http.NewRequestWithContext(ctx, method, b.app.srv.URL+path, nil)
	} else {
		form := url.Values{"_csrf": {b.csrf()}}
		req, _ = http.NewRequestWithContext(ctx, method, b.app.srv.URL+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res, err := b.client.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", method, path, err)
	}
	res.Body.Close()
	return res.StatusCode, res.Header.Get("Location")
}

// TestRouteTableRoles pins the roles the issue asks for on the routes that
// matter most, so a loosened access level shows up here.
func TestRouteTableRoles(t *testing.T) {
	want := map[string]models.Role{
		"POST /clients": models.RoleAgent, "POST /clients/:id/submit": models.RoleAgent,
		"POST /clients/:id/links": models.RoleAgent, "GET /clients": models.RoleViewer,
		"POST /staff/invites": models.RoleAdmin, "POST /staff/:id/delete": models.RoleOwner,
		"GET /settings": models.RoleOwner, "POST /settings/sinch": models.RoleOwner, "POST /settings/branding": models.RoleOwner,
		"GET /audit": models.RoleAdmin, "GET /audit.csv": models.RoleAdmin,
	}
	for _, r := range handlers.RouteTable() {
		key := r.Method + " " + r.Path
		if role, ok := want[key]; ok {
			if r.Public || r.Machine || r.MinRole != role {
				t.Errorf("%s: needs %s (public %v), want %s", key, r.MinRole, r.Public, role)
			}
			delete(want, key)
		}
	}
	for key := range want {
		t.Errorf("%s: not in the route table", key)
	}
}

// TestEveryStateChangeIsAudited: every POST a staff member can make names
// its audit action in the route table. The client page (under the portal
// prefix) records its own entries.
func TestEveryStateChangeIsAudited(t *testing.T) {
	for _, r := range handlers.RouteTable() {
		key := r.Method + " " + r.Path
		if r.Method == http.MethodGet || r.Machine || strings.HasPrefix(r.Path, handlers.PortalPrefix) {
			continue
		}
		if r.Audit == "" {
			t.Errorf("%s changes state but has no audit action: name it in the route table (handlers/routes.go)", key)
		}
	}
}
