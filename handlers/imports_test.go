package handlers_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"wabadesk/models"
)

// upload posts file to the import form, as the browser would.
func (b *browser) upload(name, file string) response {
	b.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("_csrf", b.csrf())
	part, _ := w.CreateFormFile("file", name)
	_, _ = part.Write([]byte(file))
	_ = w.Close()
	req, _ := http.NewRequest(http.MethodPost, b.app.srv.URL+"/clients/import", &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return b.do(req)
}

func TestImportPagesCheckStartAndReport(t *testing.T) {
	app := mustApp(t)
	owner := app.browser()
	owner.mustSignup("Acme", "olga@acme.test")

	r := owner.upload("contacts.csv", "name,phone\nA,1\n")
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.text("[data-testid=error-file]"), "Missing: project_id") {
		t.Fatalf("not the template: %d %q", r.status, r.text("[data-testid=error-file]"))
	}
	if r := owner.get("/clients/import/template.csv"); r.status != http.StatusOK || !strings.HasPrefix(r.doc.Text(), importHeader) {
		t.Fatalf("template: %d %q", r.status, r.doc.Text())
	}
	r = owner.upload("book.csv", importHeader+importRow(1, "100000000001")+importRow(2, "12ab")+importRow(3, "100000000001"))
	if r.status != http.StatusSeeOther {
		t.Fatalf("upload: %d %q", r.status, r.text("main"))
	}
	page := owner.get(r.location() + "?problems=1")
	if got := page.doc.Find("[data-testid=import-row]").Length(); got != 2 {
		t.Fatalf("%d rows with problems shown, want 2", got)
	}
	if got := page.text("[data-line='3'] [data-testid=problem-business_manager_id]"); !strings.Contains(got, "digits only") {
		t.Errorf("line 3's problem %q", got)
	}
	if got := page.text("[data-line='4'] [data-testid=problem-business_manager_id]"); !strings.Contains(got, "as line 2") {
		t.Errorf("line 4's problem %q", got)
	}

	// Only agents and up; only the organisation's own.
	viewer := app.browser()
	if r := viewer.post(owner.mustInvite("vic@acme.test", models.RoleViewer), url.Values{"name": {"Vic"}, "password": {"another good password"}}); r.status != http.StatusSeeOther {
		t.Fatalf("join: %d", r.status)
	}
	if r := viewer.get(r.location()); r.status != http.StatusForbidden {
		t.Errorf("a viewer opens an import: %d", r.status)
	}
	other := app.browser()
	other.mustSignup("Other", "otto@other.test")
	if r := other.get(r.location()); r.status != http.StatusNotFound {
		t.Errorf("another organisation opens the import: %d", r.status)
	}
	if r := other.post(r.location()+"/start", url.Values{"mode": {"draft"}}); r.status != http.StatusNotFound {
		t.Errorf("another organisation starts the import: %d", r.status)
	}

	if r := owner.post(r.location()+"/start", url.Values{"mode": {"sometime"}}); r.status != http.StatusUnprocessableEntity {
		t.Errorf("a bad mode: %d", r.status)
	}
	if r := owner.post(r.location()+"/start", url.Values{"mode": {"draft"}}); r.status != http.StatusSeeOther {
		t.Fatalf("start: %d", r.status)
	}
	var result string
	for i := 0; i < 100; i++ {
		result = owner.get(r.location() + "/result.csv").doc.Text()
		if !strings.Contains(result, "not imported yet") {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	lines := strings.Split(strings.TrimSpace(result), "\n")
	if len(lines) != 4 || !strings.Contains(lines[1], ",created,") || !strings.Contains(lines[2], ",skipped,") || !strings.Contains(lines[3], "as line 2") {
		t.Fatalf("result:\n%s", result)
	}
	if r := owner.post(r.location()+"/start", url.Values{"mode": {"draft"}}); r.status != http.StatusSeeOther || owner.get(r.location()).text("[data-testid=flash]") == "" {
		t.Errorf("starting twice: %d", r.status)
	}
}
