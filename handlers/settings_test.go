package handlers_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"wabadesk/models"
	"wabadesk/provisioning"
)

func sinchValues(mode, auth, keyID, secret, base, project string) url.Values {
	token := ""
	if base != "" {
		token = base + "/oauth2/token"
	}
	return url.Values{"mode": {mode}, "auth": {auth}, "key_id": {keyID}, "key_secret": {secret},
		"base_url": {base}, "token_url": {token}, "project_id": {project}}
}

// Test connection calls Sinch with what the form says: the sandbox with its
// own key accepts good credentials (Basic and OAuth2) and refuses bad ones,
// in plain words.
func TestTestConnection(t *testing.T) {
	app := mustApp(t)
	app.sb.AddKey("live-key", "live-secret-1234")
	owner := app.browser()
	owner.mustSignup("Conn Co", "owner@conn.test")
	base := app.srv.URL + "/sandbox"

	for _, tc := range []struct {
		name string
		form url.Values
		ok   bool
		want string
	}{
		{"sandbox", sinchValues("sandbox", "basic", "", "", "", "p-1"), true, "built-in Sinch sandbox"},
		{"live basic", sinchValues("live", "basic", "live-key", "live-secret-1234", base, "p-1"), true, "accepted the key"},
		{"live oauth2", sinchValues("live", "oauth2", "live-key", "live-secret-1234", base, "p-1"), true, "accepted the key"},
		{"wrong secret", sinchValues("live", "basic", "live-key", "nope-nope", base, "p-1"), false, "did not accept this key"},
		{"wrong secret oauth2", sinchValues("live", "oauth2", "live-key", "nope-nope", base, "p-1"), false, "did not accept this key"},
		{"unreachable", sinchValues("live", "basic", "live-key", "live-secret-1234", "http://127.0.0.1:1", "p-1"), false, "Could not reach Sinch"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := owner.post("/settings/sinch/test", tc.form)
			expectStatus(t, r, http.StatusOK)
			got := r.text("[data-testid=test-result]")
			if !strings.Contains(got, tc.want) || r.doc.Find("[data-testid=test-result].flash-success").Length() == 1 != tc.ok {
				t.Fatalf("result %q, want %q (ok=%v)", got, tc.want, tc.ok)
			}
			if v, _ := r.doc.Find("#f-key_secret").Attr("value"); v != "" {
				t.Fatal("the typed secret came back in the page")
			}
		})
	}
	r := owner.post("/settings/sinch/test", sinchValues("live", "basic", "live-key", "live-secret-1234", base, ""))
	expectStatus(t, r, http.StatusUnprocessableEntity)
	if r.text("[data-testid=error-project_id]") == "" {
		t.Fatal("no message for the missing project ID")
	}
}

// An owner switches to live credentials and back: the worker's connection
// follows, the secret is never shown again, and no client is lost.
func TestSwitchSandboxLiveAndBack(t *testing.T) {
	app := mustApp(t)
	app.sb.AddKey("live-key", "live-secret-1234")
	ctx := context.Background()
	owner := app.browser()
	owner.mustSignup("Switch Co", "owner@switch.test")
	tenant := app.tenantOf("owner@switch.test")
	owner.mustCreateClient(clientValues("5c8f5a2e-8d7b-4f0e-9a3b-2d6c5e4f7a81", "1234567890"), "draft")

	r := owner.post("/settings/sinch", sinchValues("live", "oauth2", "live-key", "live-secret-1234", app.srv.URL+"/sandbox", ""))
	expectStatus(t, r, http.StatusSeeOther)
	conn, err := app.svc.Connection(ctx, tenant)
	if err != nil || conn.Sandbox {
		t.Fatalf("after saving live: sandbox=%v, %v", conn.Sandbox, err)
	}
	if _, err := conn.Client.ListWebhooks(ctx, "5c8f5a2e-8d7b-4f0e-9a3b-2d6c5e4f7a81", provisioning.PageParams{}); err != nil {
		t.Fatalf("the live connection does not work: %v", err)
	}
	page := owner.get("/settings")
	if strings.Contains(page.doc.Text(), "live-secret-1234") || !strings.Contains(page.text("#h-key_secret"), "…1234") {
		t.Fatalf("settings page: secret shown, or its last 4 missing: %q", page.text("#h-key_secret"))
	}
	if v, _ := page.doc.Find("#f-mode-live").Attr("checked"); page.doc.Find("#f-mode-live[checked]").Length() != 1 {
		t.Fatalf("live not selected after saving (%q)", v)
	}

	// Back to the sandbox, leaving the secret field empty: the stored one stays.
	r = owner.post("/settings/sinch", sinchValues("sandbox", "oauth2", "live-key", "", app.srv.URL+"/sandbox", ""))
	expectStatus(t, r, http.StatusSeeOther)
	if conn, _ := app.svc.Connection(ctx, tenant); !conn.Sandbox {
		t.Fatal("still live after switching back")
	}
	set, _ := app.store.SinchSettings(ctx, tenant)
	if secret, err := app.store.SinchSecret(set); err != nil || secret != "live-secret-1234" {
		t.Fatalf("stored secret lost: %v", err)
	}
	list := owner.get("/clients")
	if !strings.Contains(list.doc.Text(), "Padaria Estrela") {
		t.Fatal("client lost after switching connections")
	}
}

// Each staff action lands in the audit log with who, what, on what and
// from where; the page filters it and the CSV carries it, tenant-scoped.
func TestAuditEntriesForEachAction(t *testing.T) {
	app := mustApp(t)
	ctx := context.Background()
	owner := app.browser()
	owner.mustSignup("Audit Co", "owner@audit.test")
	tenant := app.tenantOf("owner@audit.test")
	other := app.browser()
	other.mustSignup("Other Co", "owner@other.test")

	bad := app.browser()
	expectStatus(t, bad.post("/login", url.Values{"email": {"owner@audit.test"}, "password": {"wrong password!"}}), http.StatusUnauthorized)
	owner.mustLogin("owner@audit.test", "correct horse battery")
	client := owner.mustCreateClient(clientValues("6c8f5a2e-8d7b-4f0e-9a3b-2d6c5e4f7a81", "1234567890"), "draft")
	v := clientValues("6c8f5a2e-8d7b-4f0e-9a3b-2d6c5e4f7a81", "1234567890")
	v.Set("name", "Padaria Estrela Nova")
	v.Set("action", "draft")
	expectStatus(t, owner.post(client, v), http.StatusSeeOther)
	expectStatus(t, owner.post(client+"/submit", url.Values{}), http.StatusSeeOther)
	expectStatus(t, owner.post(client+"/links", url.Values{"days": {"30"}}), http.StatusSeeOther)
	expectStatus(t, owner.post("/staff/invites", url.Values{"email": {"new@audit.test"}, "role": {"agent"}}), http.StatusSeeOther)
	member := mustMember(t, app, mustUser(t, app, "owner@audit.test"), "gone@audit.test", models.RoleViewer)
	expectStatus(t, owner.post("/staff/"+itoa(member.ID)+"/delete", url.Values{}), http.StatusSeeOther)
	expectStatus(t, owner.post("/settings/sinch", sinchValues("sandbox", "basic", "", "", "", "")), http.StatusSeeOther)
	expectStatus(t, owner.post("/settings/branding", url.Values{"brand_name": {"Audit"}, "accent_color": {"#0a7d5a"}}), http.StatusSeeOther)
	// A refused change is not recorded as done.
	expectStatus(t, owner.post("/settings/branding", url.Values{"accent_color": {"red"}}), http.StatusUnprocessableEntity)

	entries, err := app.store.AuditEntries(ctx, tenant, models.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]models.AuditEntry{}
	for _, e := range entries {
		if _, seen := got[e.Action]; !seen {
			got[e.Action] = e
		}
	}
	for _, action := range []string{"organisation.created", "login.failed", "login", "client.created", "client.edited",
		"client.submitted", "link.created", "staff.invited", "staff.removed", "settings.sinch_changed", "settings.branding_changed"} {
		e, ok := got[action]
		if !ok {
			t.Errorf("no audit entry for %s (have %v)", action, keys(got))
			continue
		}
		if e.ActorName != "Owner of Audit Co" || e.IP == "" || e.UserAgent == "" || e.At.IsZero() {
			t.Errorf("%s: incomplete entry %+v", action, e)
		}
	}
	if got["settings.branding_changed"].Detail == "" {
		t.Errorf("branding entry has no detail")
	}
	if s := got["client.created"].Subject; s != client {
		t.Errorf("client.created subject %q, want %q", s, client)
	}
	if d := got["staff.invited"].Detail; !strings.Contains(d, "new@audit.test") {
		t.Errorf("invite detail %q", d)
	}

	page := owner.get("/audit?action=client.created")
	expectStatus(t, page, http.StatusOK)
	if n := page.doc.Find("[data-testid=audit-row]").Length(); n != 1 {
		t.Fatalf("filtered audit page shows %d rows, want 1", n)
	}
	if o := other.get("/audit"); strings.Contains(o.doc.Text(), "Audit Co") || strings.Contains(o.doc.Text(), "6c8f5a2e-8d7b-4f0e-9a3b-2d6c5e4f7a81") {
		t.Fatal("another organisation sees this audit log")
	}
	req, _ := http.NewRequest(http.MethodGet, app.srv.URL+"/audit.csv?action=login.failed", nil)
	res, err := owner.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	rows, err := csv.NewReader(res.Body).ReadAll()
	if err != nil || len(rows) != 2 || rows[0][4] != "action" || rows[1][4] != "login.failed" {
		t.Fatalf("CSV %v, %v", rows, err)
	}
}

func keys(m map[string]models.AuditEntry) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func mustUser(t *testing.T, app *testApp, email string) models.User {
	t.Helper()
	u, err := app.store.UserByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// Five wrong passwords for one account, or twenty from one address, and
// log-ins wait (429), even with the right password.
func TestLoginThrottling(t *testing.T) {
	app := mustApp(t)
	app.browser().mustSignup("Throttle Co", "owner@throttle.test")
	b := app.browser()
	for i := range 5 {
		r := b.post("/login", url.Values{"email": {"owner@throttle.test"}, "password": {"wrong password " + itoa(int64(i))}})
		expectStatus(t, r, http.StatusUnauthorized)
	}
	r := b.post("/login", url.Values{"email": {"OWNER@throttle.test"}, "password": {"correct horse battery"}})
	expectStatus(t, r, http.StatusTooManyRequests)
	if !strings.Contains(r.text("[data-testid=form-error]"), "wait 15 minutes") {
		t.Fatalf("message %q", r.text("[data-testid=form-error]"))
	}
	entries, _ := app.store.AuditEntries(context.Background(), mustUser(t, app, "owner@throttle.test").OrganisationID, models.AuditFilter{Action: "login.failed"})
	if len(entries) != 6 {
		t.Fatalf("%d failed log-ins audited, want 6", len(entries))
	}

	// Per address: 20 failures over many accounts block a 21st account.
	app2 := mustApp(t)
	app2.browser().mustSignup("Throttle Two", "owner@two.test")
	c := app2.browser()
	for i := range 20 {
		r := c.post("/login", url.Values{"email": {"guess" + itoa(int64(i)) + "@two.test"}, "password": {"whatever password"}})
		expectStatus(t, r, http.StatusUnauthorized)
	}
	expectStatus(t, c.post("/login", url.Values{"email": {"owner@two.test"}, "password": {"correct horse battery"}}), http.StatusTooManyRequests)
}

// Removing a member ends their session at once.
func TestRemovalEndsSession(t *testing.T) {
	app := mustApp(t)
	owner := app.browser()
	owner.mustSignup("Remove Co", "owner@remove.test")
	member := mustMember(t, app, mustUser(t, app, "owner@remove.test"), "ana@remove.test", models.RoleAdmin)
	ana := app.browser()
	ana.mustLogin("ana@remove.test", "correct horse battery")
	expectStatus(t, ana.get("/clients"), http.StatusOK)
	// Admins invite but do not remove.
	expectStatus(t, ana.post("/staff/"+itoa(mustUser(t, app, "owner@remove.test").ID)+"/delete", url.Values{}), http.StatusForbidden)
	expectStatus(t, owner.post("/staff/"+itoa(member.ID)+"/delete", url.Values{}), http.StatusSeeOther)
	r := ana.get("/clients")
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.location(), "/login") {
		t.Fatalf("removed member still in: %d %q", r.status, r.location())
	}
}

// Every page carries the security headers; the CSP forbids inline script
// and style except on the sandbox's stand-in pages.
func TestSecurityHeaders(t *testing.T) {
	app := mustApp(t, func(s *appSetup) { s.cfg.BaseURL = "https://desk.example.com" })
	b := app.browser()
	for _, path := range []string{"/login", "/clients", "/static/app.css", "/nope"} {
		req, _ := http.NewRequest(http.MethodGet, app.srv.URL+path, nil)
		res, err := b.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		csp := res.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("%s: CSP %q", path, csp)
		}
		for _, h := range []string{"X-Content-Type-Options", "Referrer-Policy", "Strict-Transport-Security"} {
			if res.Header.Get(h) == "" {
				t.Errorf("%s: no %s", path, h)
			}
		}
	}
	res, err := http.Get(app.srv.URL + "/sandbox/inbox")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "style-src 'self' 'unsafe-inline'") || strings.Contains(csp, "script-src 'self'") {
		t.Errorf("sandbox CSP %q", csp)
	}
	plain := mustApp(t)
	res, _ = http.Get(plain.srv.URL + "/login")
	res.Body.Close()
	if res.Header.Get("Strict-Transport-Security") != "" {
		t.Error("HSTS on plain http")
	}
}

// An uploaded logo is validated, stored and served with its type; other
// files are refused next to the field.
func TestLogoUpload(t *testing.T) {
	app := mustApp(t)
	owner := app.browser()
	owner.mustSignup("Logo Co", "owner@logo.test")
	png := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{0}, 64)...)
	upload := func(name string, data []byte) response {
		var body bytes.Buffer
		w := multipart.NewWriter(&body)
		_ = w.WriteField("_csrf", owner.csrf())
		_ = w.WriteField("brand_name", "Logo Brand")
		fw, _ := w.CreateFormFile("logo", name)
		_, _ = fw.Write(data)
		w.Close()
		req, _ := http.NewRequest(http.MethodPost, app.srv.URL+"/settings/branding", &body)
		req.Header.Set("Content-Type", w.FormDataContentType())
		return owner.do(req)
	}
	r := upload("evil.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`))
	expectStatus(t, r, http.StatusUnprocessableEntity)
	if r.text("[data-testid=error-logo]") == "" {
		t.Fatal("no message for an SVG upload")
	}
	expectStatus(t, upload("logo.png", png), http.StatusSeeOther)
	org, _ := app.store.OrganisationByID(context.Background(), app.tenantOf("owner@logo.test"))
	if !strings.HasPrefix(org.LogoURL, models.LogoPath) || org.BrandName != "Logo Brand" {
		t.Fatalf("org after upload: %+v", org)
	}
	res, err := http.Get(app.srv.URL + org.LogoURL)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("logo served %d %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
}
