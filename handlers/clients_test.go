package handlers_test

import (
	"github.com/PuerkitoBio/goquery"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"wabadesk/models"
	"wabadesk/provisioning/sandbox"
)

const (
	projectA = "1c8f5a2e-8d7b-4f0e-9a3b-2d6c5e4f7a81"
	projectB = "2d9a6b3f-9e8c-4a1f-8b4c-3e7d6f5a8b92"
)

func clientValues(project, bm string) url.Values {
	return url.Values{"name": {"Padaria Estrela"}, "project_id": {project}, "business_manager_id": {bm},
		"legacy": {"false"}, "waba_name": {"Padaria Estrela Ltda"}, "sender_display_name": {"Padaria Estrela"},
		"business_category": {"FOOD_AND_GROCERY"}}
}

// mustCreateClient posts the new-client form and returns the client's URL.
func (b *browser) mustCreateClient(v url.Values, action string) string {
	b.t.Helper()
	v.Set("action", action)
	r := b.post("/clients", v)
	if r.status != http.StatusSeeOther {
		b.t.Fatalf("create client: %d; errors: %q %q", r.status, r.text(".error"), r.text("[data-testid=form-error]"))
	}
	return r.location()
}

// sync lets the sandbox advance and the worker catch up, twice so chained
// transitions settle: what a running server does on its own every second.
func (a *testApp) sync() {
	a.t.Helper()
	for range 2 {
		a.sb.Advance()
		a.sb.WaitIdle() // callbacks delivered now, not in the middle of a later step
		a.forceDue()
		if _, err := a.svc.RunOnce(a.t.Context()); err != nil {
			a.t.Fatal(err)
		}
	}
	a.sb.WaitIdle()
}

// forceDue makes every scheduled poll due now (the schedule itself is
// tested in the onboarding package).
func (a *testApp) forceDue() {
	a.store.DB().Exec("UPDATE clients SET next_sync_at = ? WHERE next_sync_at IS NOT NULL", a.store.Now().Add(-1))
}

func TestClientJourneyEndToEnd(t *testing.T) {
	app := mustApp(t)
	b := app.browser()
	b.mustSignup("Acme", "ana@acme.test")

	path := b.mustCreateClient(clientValues(projectA, "123456789012345"), "submit")
	page := b.get(path)
	expectStatus(t, page, http.StatusOK)
	if got := page.text("[data-testid=client-stage]"); got != "Sinch preparing" {
		t.Fatalf("after submit stage = %q", got)
	}
	if _, ok := app.sb.Account(projectA); !ok {
		t.Fatal("the sandbox has no account after submit")
	}

	app.sync()
	page = b.get(path)
	if got := page.text("[data-testid=client-stage]"); got != "Waiting for Meta approval" {
		t.Fatalf("stage = %q", got)
	}
	if got := page.text("[data-testid=waiting-on]"); got != "client" {
		t.Fatalf("waiting on = %q", got)
	}
	link, _ := page.doc.Find("#meta-link").Attr("value")
	if !strings.HasPrefix(link, app.srv.URL+"/sandbox/meta/latest/settings/requests?") || !strings.Contains(link, "business_id=123456789012345") ||
		!strings.Contains(link, "selected_request_id="+app.sb.RequestID(projectA)) {
		t.Fatalf("meta link = %q", link)
	}
	if !strings.Contains(page.text("[data-testid=meta-approval]"), "Sandbox") {
		t.Fatal("sandbox link is not labelled")
	}

	if err := app.sb.Approve(projectA); err != nil {
		t.Fatal(err)
	}
	app.sync()
	page = b.get(path)
	if got := page.text("[data-testid=client-stage]"); got != "Onboarded" {
		t.Fatalf("after approval stage = %q", got)
	}

	r := b.post(path+"/senders", url.Values{"action": {"submit"}, "provider": {"CUSTOMER"}, "country_code": {"+55"},
		"phone_number": {"11 98765-4321"}, "display_name": {"Padaria Estrela"}, "vertical": {"FOOD_AND_GROCERY"}, "about": {"Pães frescos"}})
	expectStatus(t, r, http.StatusSeeOther)
	app.sync()
	page = b.get(path)
	if got := page.text("[data-testid=sender-stage]"); got != "Phone verification" {
		t.Fatalf("sender stage = %q (problem %q)", got, page.text("[data-testid=sender-problem]"))
	}
	if got := page.text("[data-testid=sender-profile]"); !strings.Contains(got, "Food and grocery") || !strings.Contains(got, "Pães frescos") {
		t.Fatalf("the sender card does not show the profile sent to Sinch: %q", got)
	}
	// Staff can write to Sinch about the sender; an empty comment is refused at the field.
	commentURL, _ := page.doc.Find("[data-testid=sender] .sender-comment form").Attr("action")
	r = b.post(commentURL, url.Values{"comment": {"  "}})
	expectStatus(t, r, http.StatusUnprocessableEntity)
	if r.doc.Find("[data-testid=sender] .sender-comment .has-error").Length() != 1 {
		t.Fatal("no message next to the sender's comment field")
	}
	expectStatus(t, b.post(commentURL, url.Values{"comment": {"Please check the display name."}}), http.StatusSeeOther)
	if !strings.Contains(b.get(path).text("[data-testid=timeline]"), "Please check the display name.") {
		t.Fatal("the sender comment is not on the timeline")
	}
	page = b.get(path)
	otpForm, _ := page.doc.Find("[data-testid=otp] form").First().Attr("action")

	expectStatus(t, b.post(otpForm, url.Values{"method": {"SMS"}}), http.StatusSeeOther)
	if code, ok := app.sb.LatestOTP("5511987654321"); !ok || code != "123456" {
		t.Fatalf("no code in the sandbox inbox (%q %v)", code, ok)
	}
	// Asking again at once is refused with a clear message.
	r = b.post(otpForm, url.Values{"method": {"VOICE"}})
	expectStatus(t, r, http.StatusUnprocessableEntity)
	if !strings.Contains(r.text("[data-testid=error-method]"), "Wait") {
		t.Fatalf("resend message = %q", r.text("[data-testid=error-method]"))
	}

	verify := strings.TrimSuffix(otpForm, "/otp") + "/verify"
	r = b.post(verify, url.Values{"code": {"654321"}})
	expectStatus(t, r, http.StatusUnprocessableEntity)
	if !strings.Contains(r.text("[data-testid=error-code]"), "not right") {
		t.Fatalf("wrong code message = %q", r.text("[data-testid=error-code]"))
	}
	if v, _ := r.doc.Find("input[name=code]").Attr("value"); v != "654321" {
		t.Fatalf("typed code lost: %q", v)
	}
	r = b.post(verify, url.Values{"code": {"12345"}})
	expectStatus(t, r, http.StatusUnprocessableEntity)

	expectStatus(t, b.post(verify, url.Values{"code": {"123456"}}), http.StatusSeeOther)
	// Until Sinch activates it, the card says the number is verified and
	// asks for no code.
	page = b.get(path)
	if page.doc.Find("[data-testid=sender-verified]").Length() != 1 || page.doc.Find("[data-testid=otp]").Length() != 0 {
		t.Fatalf("after verifying: %q", page.text("[data-testid=senders]"))
	}
	app.sync()
	page = b.get(path)
	if page.doc.Find("[data-testid=sender-verified]").Length() != 0 {
		t.Fatal("the verified note stays on an active sender")
	}
	if got := page.text("[data-testid=client-stage]"); got != "Active" {
		t.Fatalf("final stage = %q, sender %q", got, page.text("[data-testid=sender-stage]"))
	}
	for _, want := range []string{"Submitted to Sinch", "Waiting for the client to approve", "onboarded", "Verification code requested", "wrong verification code", "verified", "Sender active"} {
		if !strings.Contains(page.text("[data-testid=timeline]"), want) {
			t.Errorf("timeline lacks %q", want)
		}
	}
	list := b.get("/clients")
	if got := list.text("[data-testid=client-row] [data-testid=stage]"); got != "Active" {
		t.Fatalf("list stage = %q", got)
	}
	if !strings.Contains(list.text("[data-testid=client-row]"), "+55 11987654321") {
		t.Fatalf("list row lacks the number: %q", list.text("[data-testid=client-row]"))
	}
}

func TestClientFormValidation(t *testing.T) {
	app := mustApp(t)
	b := app.browser()
	b.mustSignup("Acme", "ana@acme.test")
	b.mustCreateClient(clientValues(projectA, "111111111"), "draft")

	cases := []struct {
		name   string
		change func(url.Values)
		field  string
	}{
		{"missing project on submit", func(v url.Values) { v.Set("project_id", "") }, "project_id"},
		{"bad project format", func(v url.Values) { v.Set("project_id", "my-project") }, "project_id"},
		{"letters in BM ID", func(v url.Values) { v.Set("business_manager_id", "12ab34") }, "business_manager_id"},
		{"duplicate project", func(v url.Values) { v.Set("project_id", projectA) }, "project_id"},
		{"duplicate BM", func(v url.Values) { v.Set("business_manager_id", "111111111") }, "business_manager_id"},
		{"missing WABA name", func(v url.Values) { v.Set("waba_name", "") }, "waba_name"},
		{"too long display name", func(v url.Values) { v.Set("sender_display_name", strings.Repeat("x", 256)) }, "sender_display_name"},
		{"unknown category", func(v url.Values) { v.Set("business_category", "ONLINE_GAMBLING") }, "business_category"},
		{"EU under Sinch Brazil", func(v url.Values) { v.Set("region", "EU"); v.Set("sinch_business_manager", "SINCH_BR") }, "region"},
		{"legacy without legal name", func(v url.Values) { v.Set("legacy", "true") }, "company_legal_name"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v := clientValues(projectB, "222222222")
			tc.change(v)
			v.Set("action", "submit")
			r := b.post("/clients", v)
			expectStatus(t, r, http.StatusUnprocessableEntity)
			if r.text("[data-testid=error-"+tc.field+"]") == "" {
				t.Fatalf("no message next to %s; page errors: %q", tc.field, r.text(".error"))
			}
			if got, _ := r.doc.Find("#f-name").Attr("value"); got != "Padaria Estrela" {
				t.Fatalf("typed name lost: %q", got)
			}
		})
	}
	// A draft needs only a name; what it has must be well-formed.
	b.mustCreateClient(url.Values{"name": {"Only a name"}}, "draft")
}

func TestSinchRefusalShownNextToField(t *testing.T) {
	// The reseller's Sinch environment offers only some business managers:
	// something our form cannot know, so Sinch's 400 must land at the field.
	app := mustApp(t, func(s *appSetup) { s.sandbox.AllowedBusinessManagers = []string{"SINCH_AMERICA", "SINCH_UK"} })
	b := app.browser()
	b.mustSignup("Acme", "ana@acme.test")
	v := clientValues(projectA, "123456789")
	v.Set("sinch_business_manager", "SINCH_MX")
	v.Set("region", "US")
	path := b.mustCreateClient(v, "draft")
	r := b.post(path+"/submit", url.Values{})
	expectStatus(t, r, http.StatusUnprocessableEntity)
	msg := r.text("[data-testid=error-sinch_business_manager]")
	if !strings.Contains(msg, "Allowed business managers for environment SINCH_AMERICA, SINCH_UK") {
		t.Fatalf("business manager message = %q", msg)
	}
	if got, _ := r.doc.Find("#f-sinch_business_manager option[selected]").Attr("value"); got != "SINCH_MX" {
		t.Fatalf("chosen business manager lost: %q", got)
	}
	if _, ok := app.sb.Account(projectA); ok {
		t.Fatal("an account was created despite the 400")
	}
	page := b.get(path)
	if !strings.Contains(page.text("[data-testid=timeline]"), "Sinch refused") || page.text("[data-testid=sinch-errors]") == "" {
		t.Fatal("the refusal is not on the client page")
	}
	// Fixing the field and submitting again works.
	v.Set("sinch_business_manager", "SINCH_UK")
	v.Set("action", "submit")
	expectStatus(t, b.post(path, v), http.StatusSeeOther)
	if _, ok := app.sb.Account(projectA); !ok {
		t.Fatal("no account after the fix")
	}
}

func TestSubmitQueuedOn503ThenOneAccount(t *testing.T) {
	for _, tc := range []struct {
		name   string
		faults sandbox.Faults
	}{
		{"503 before processing", sandbox.Faults{ServerErrors: 1}},
		{"connection dropped after Sinch created it", sandbox.Faults{DropAfterProcessing: 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			app := mustApp(t)
			b := app.browser()
			b.mustSignup("Acme", "ana@acme.test")
			path := b.mustCreateClient(clientValues(projectA, "123456789"), "draft")
			// The webhook is registered first; the fault then hits the create.
			if _, err := app.svc.EnsureWebhook(t.Context(), 1, projectA); err != nil {
				t.Fatal(err)
			}
			app.sb.SetFaults(tc.faults)
			expectStatus(t, b.post(path+"/submit", url.Values{}), http.StatusSeeOther)
			page := b.get(path)
			if got := page.text("[data-testid=client-stage]"); got != "Submitting to Sinch" {
				t.Fatalf("stage after a failed submit = %q", got)
			}
			if !strings.Contains(page.text("[data-testid=queued]"), "retries automatically") {
				t.Fatalf("the page does not say the submission is queued: %q", page.text("[data-testid=queued]"))
			}
			if strings.Contains(page.doc.Find("[data-testid=flash]").Text(), "could not be reached") {
				t.Fatalf("a flash repeats what the page's note says (and would go stale): %q", page.doc.Find("[data-testid=flash]").Text())
			}
			app.sync()
			page = b.get(path)
			if got := page.text("[data-testid=client-stage]"); got != "Waiting for Meta approval" {
				t.Fatalf("stage after the retry = %q", got)
			}
			if n := strings.Count(strings.Join(sandboxCreates(app), ","), projectA); n != 1 {
				t.Fatalf("%d accounts created at Sinch, want exactly 1", n)
			}
		})
	}
}

// sandboxCreates lists the projects that have an account in the sandbox.
func sandboxCreates(app *testApp) []string {
	if _, ok := app.sb.Account(projectA); ok {
		return []string{projectA}
	}
	return nil
}

func TestAccountExistsWithSameBMIsAdopted(t *testing.T) {
	app := mustApp(t)
	b := app.browser()
	b.mustSignup("Acme", "ana@acme.test")
	other := b.mustCreateClient(clientValues(projectA, "123456789"), "submit")
	app.store.DB().Exec("DELETE FROM clients") // as if our record of the first attempt were lost
	_ = other
	path := b.mustCreateClient(clientValues(projectA, "123456789"), "submit")
	page := b.get(path)
	if got := page.text("[data-testid=client-stage]"); got != "Sinch preparing" && got != "Waiting for Meta approval" {
		t.Fatalf("adopted stage = %q", got)
	}
	// A different Business Manager on the same project is refused at the field.
	v := clientValues(projectA, "999999999")
	v.Set("name", "Other")
	app.store.DB().Exec("DELETE FROM clients")
	v.Set("action", "submit")
	r := b.post("/clients", v)
	expectStatus(t, r, http.StatusUnprocessableEntity)
	if !strings.Contains(r.text("[data-testid=error-project_id]"), "another Business Manager") {
		t.Fatalf("project message = %q", r.text("[data-testid=error-project_id]"))
	}
}

func TestRejectedAccountFixAndResubmit(t *testing.T) {
	app := mustApp(t)
	b := app.browser()
	b.mustSignup("Acme", "ana@acme.test")
	path := b.mustCreateClient(clientValues(projectA, "123456789"), "submit")
	app.sync()
	if err := app.sb.Decline(projectA); err != nil {
		t.Fatal(err)
	}
	app.sync()
	page := b.get(path)
	if got := page.text("[data-testid=client-stage]"); got != "Rejected" {
		t.Fatalf("stage = %q", got)
	}
	if !strings.Contains(page.text("[data-testid=rejection]"), "declined the WABA creation request") {
		t.Fatalf("rejection box without Sinch's reason: %q", page.text("[data-testid=rejection]"))
	}
	if got := page.text("[data-testid=rejection] h2"); got != "The client declined the request at Meta" {
		t.Fatalf("rejection heading %q: it must say who decided", got)
	}
	var rejections []string
	page.doc.Find("[data-testid=timeline] li").Each(func(_ int, s *goquery.Selection) {
		if strings.Contains(strings.ToLower(s.Text()), "declined") || strings.Contains(strings.ToLower(s.Text()), "rejected") {
			rejections = append(rejections, strings.Join(strings.Fields(s.Text()), " "))
		}
	})
	if len(rejections) != 1 {
		t.Fatalf("the timeline tells of the rejection %d times: %q", len(rejections), rejections)
	}
	edit := b.get(path + "/edit")
	expectStatus(t, edit, http.StatusOK)
	if v, _ := edit.doc.Find("#f-waba_name").Attr("value"); v != "Padaria Estrela Ltda" {
		t.Fatalf("edit form not prefilled: %q", v)
	}
	v := clientValues(projectA, "123456789")
	v.Set("waba_name", "Padaria Estrela Comércio Ltda")
	v.Set("action", "submit")
	r := b.post(path, v)
	expectStatus(t, r, http.StatusSeeOther)
	page = b.get(path)
	if got := page.text("[data-testid=client-stage]"); got != "Sinch preparing" {
		t.Fatalf("after resubmit stage = %q", got)
	}
	acct, _ := app.sb.Account(projectA)
	if acct.Changes == nil || acct.Changes.Details == nil || acct.Changes.Details.WabaName != "Padaria Estrela Comércio Ltda" {
		t.Fatalf("the PATCH did not reach Sinch: %+v", acct.Changes)
	}
	if !strings.Contains(page.text("[data-testid=timeline]"), "Resubmitted") {
		t.Fatal("timeline lacks the resubmission")
	}
}

func TestSinchNumberSkipsOTPAndSenderRejection(t *testing.T) {
	app := mustApp(t)
	b := app.browser()
	b.mustSignup("Acme", "ana@acme.test")
	path := b.mustCreateClient(clientValues(projectA, "123456789"), "submit")
	app.sync()
	app.sb.Approve(projectA)
	app.sync()
	// A display name with "WhatsApp" is rejected by the (simulated) review.
	b.post(path+"/senders", url.Values{"action": {"submit"}, "provider": {"CUSTOMER"}, "country_code": {"44"},
		"phone_number": {"7700900123"}, "display_name": {"Padaria WhatsApp"}, "vertical": {"RESTAURANT"},
		"name_reason": {"To see Meta reject it"}})
	app.sync()
	page := b.get(path)
	if got := page.text("[data-testid=sender-stage]"); got != "Rejected" {
		t.Fatalf("sender stage = %q", got)
	}
	if got := page.text("[data-testid=client-stage]"); got != "Sender needs fixing" {
		t.Fatalf("client stage = %q", got)
	}
	// A Sinch-provided number goes straight to active, no OTP.
	b.post(path+"/senders", url.Values{"action": {"submit"}, "provider": {"SINCH"}, "country_code": {"44"},
		"display_name": {"Padaria Estrela"}, "vertical": {"RESTAURANT"}})
	app.sync()
	page = b.get(path)
	if got := page.doc.Find("[data-testid=sender-stage]").First().Text(); got != "Active" {
		t.Fatalf("Sinch number stage = %q", got)
	}
}

func TestViewerReadsButCannotChangeClients(t *testing.T) {
	app := mustApp(t)
	owner := app.browser()
	owner.mustSignup("Acme", "ana@acme.test")
	path := owner.mustCreateClient(clientValues(projectA, "123456789"), "draft")
	link := owner.mustInvite("vi@acme.test", models.RoleViewer)
	viewer := app.browser()
	viewer.post(link, url.Values{"name": {"Vi"}, "password": {"another good password"}})

	page := viewer.get(path)
	expectStatus(t, page, http.StatusOK)
	if page.doc.Find("[data-testid=submit-client]").Length() != 0 || viewer.get("/clients").doc.Find("[data-testid=new-client]").Length() != 0 {
		t.Fatal("viewer sees buttons to change clients")
	}
	for _, p := range []string{"/clients", path, path + "/submit", path + "/delete", path + "/comments"} {
		if r := viewer.post(p, clientValues(projectB, "2")); r.status != http.StatusForbidden {
			t.Errorf("viewer POST %s = %d, want 403", p, r.status)
		}
	}
	expectStatus(t, viewer.get(path+"/edit"), http.StatusForbidden)
}

func TestClientRoutesAreTenantScoped(t *testing.T) {
	app := mustApp(t)
	a := app.browser()
	a.mustSignup("Acme", "ana@acme.test")
	b := app.browser()
	b.mustSignup("Bravo", "bea@bravo.test")
	bPath := b.mustCreateClient(clientValues(projectB, "222222222"), "submit")
	app.sync()
	app.sb.Approve(projectB)
	app.sync()
	b.post(bPath+"/senders", url.Values{"action": {"draft"}, "provider": {"CUSTOMER"}, "country_code": {"44"},
		"phone_number": {"7700900999"}, "display_name": {"Bravo"}, "vertical": {"RESTAURANT"}})
	snds, _ := app.store.Senders(t.Context(), app.tenantOf("bea@bravo.test"), mustID(t, bPath))
	if len(snds) != 1 {
		t.Fatalf("setup: %d senders", len(snds))
	}
	sPath := bPath + "/senders/" + strconv.FormatInt(snds[0].ID, 10)

	for _, p := range []string{bPath, bPath + "/edit", bPath + "/senders/new", sPath + "/edit"} {
		if r := a.get(p); r.status != http.StatusNotFound {
			t.Errorf("GET %s as another tenant = %d, want 404", p, r.status)
		}
	}
	for _, p := range []string{bPath, bPath + "/submit", bPath + "/refresh", bPath + "/comments", bPath + "/delete", bPath + "/senders",
		sPath, sPath + "/submit", sPath + "/discard", sPath + "/delete", sPath + "/otp", sPath + "/verify"} {
		if r := a.post(p, url.Values{"name": {"x"}, "code": {"123456"}, "method": {"SMS"}}); r.status != http.StatusNotFound {
			t.Errorf("POST %s as another tenant = %d, want 404", p, r.status)
		}
	}
	if list := a.get("/clients"); list.doc.Find("[data-testid=client-row]").Length() != 0 {
		t.Error("Acme's list shows Bravo's client")
	}
	if r := a.get("/clients?q=222222222"); r.doc.Find("[data-testid=client-row]").Length() != 0 {
		t.Error("search finds another tenant's client")
	}
}

func mustID(t *testing.T, path string) int64 {
	id, err := strconv.ParseInt(path[strings.LastIndex(path, "/")+1:], 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestCommentGoesToSinchAndAppearsOnce(t *testing.T) {
	app := mustApp(t)
	b := app.browser()
	b.mustSignup("Acme", "ana@acme.test")
	path := b.mustCreateClient(clientValues(projectA, "123456789"), "submit")
	r := b.post(path+"/comments", url.Values{"comment": {""}})
	expectStatus(t, r, http.StatusUnprocessableEntity)
	if r.text("[data-testid=error-comment]") == "" {
		t.Fatal("no message next to an empty comment")
	}
	if r.doc.Find("main[data-sse-connect]").Length() != 0 {
		t.Fatal("a refused form listens for live refreshes, which would wipe its message")
	}
	expectStatus(t, b.post(path+"/comments", url.Values{"comment": {"Please check the WABA name."}}), http.StatusSeeOther)
	app.sync()
	app.sync()
	page := b.get(path)
	if n := strings.Count(page.text("[data-testid=timeline]"), "Please check the WABA name."); n != 1 {
		t.Fatalf("comment appears %d times in the timeline, want 1", n)
	}
}

func TestRejectedSenderFixResubmitAndDiscard(t *testing.T) {
	app := mustApp(t)
	b := app.browser()
	b.mustSignup("Acme", "ana@acme.test")
	path := b.mustCreateClient(clientValues(projectA, "123456789"), "submit")
	app.sync()
	app.sb.Approve(projectA)
	app.sync()
	sender := url.Values{"action": {"submit"}, "provider": {"CUSTOMER"}, "country_code": {"44"},
		"phone_number": {"7700900123"}, "display_name": {"Padaria WhatsApp"}, "vertical": {"RESTAURANT"}, "email": {"hi@padaria.test"},
		"name_reason": {"To see Meta reject it"}}
	expectStatus(t, b.post(path+"/senders", sender), http.StatusSeeOther)
	app.sync()
	snds, _ := app.store.Senders(t.Context(), app.tenantOf("ana@acme.test"), mustID(t, path))
	sPath := path + "/senders/" + strconv.FormatInt(snds[0].ID, 10)
	if page := b.get(path); !strings.Contains(page.text("[data-testid=sender]"), "Sinch says") {
		t.Fatalf("rejected sender shows no reason: %q", page.text("[data-testid=sender]"))
	}
	edit := b.get(sPath + "/edit")
	expectStatus(t, edit, http.StatusOK)
	if v, _ := edit.doc.Find("#f-display_name").Attr("value"); v != "Padaria WhatsApp" {
		t.Fatalf("sender edit form not prefilled: %q", v)
	}
	// Fix the name and clear the e-mail (sent as null: "delete the value").
	sender.Set("display_name", "Padaria Estrela")
	sender.Set("email", "")
	expectStatus(t, b.post(sPath, sender), http.StatusSeeOther)
	app.sync()
	page := b.get(path)
	if got := page.text("[data-testid=sender-stage]"); got != "Phone verification" {
		t.Fatalf("after resubmit sender stage = %q (%q)", got, page.text("[data-testid=sender-problem]"))
	}
	if !strings.Contains(page.text("[data-testid=timeline]"), "Sender +44 7700900123 edited") {
		t.Fatal("timeline lacks the edit")
	}
	// Discarding changes is refused by Sinch for a sender waiting for its
	// code; the message says so instead of an error page.
	r := b.post(sPath+"/discard", url.Values{})
	expectStatus(t, r, http.StatusSeeOther)
	if msg := b.get(path).doc.Find("[data-testid=flash]").Text(); !strings.Contains(msg, "no pending changes to discard") && !strings.Contains(msg, "Only draft, rejected or failed changes") {
		t.Fatalf("discard message = %q", msg)
	}
	// Deleting marks the sender for removal.
	expectStatus(t, b.post(sPath+"/delete", url.Values{}), http.StatusSeeOther)
	if page := b.get(path); !strings.Contains(page.text("[data-testid=sender]"), "30 days") {
		t.Fatal("deleted sender lacks the 30-day note")
	}
}

// The list's live region is rendered once per change and filter for all
// who watch it (regions.go): a change, the clock and each viewer's role
// must still show through at once.
func TestClientListIsFreshForEveryViewer(t *testing.T) {
	app := mustApp(t)
	owner := app.browser()
	owner.mustSignup("Acme", "ana@acme.test")
	invite := owner.mustInvite("vi@acme.test", models.RoleViewer)
	viewer := app.browser()
	viewer.post(invite, url.Values{"name": {"Vi"}, "password": {"another good password"}})

	offer := "#live a[href='/clients/new']" // the empty list's own button
	if n := owner.get("/clients").doc.Find(offer).Length(); n != 1 {
		t.Fatalf("owner's empty list offers %d New client buttons", n)
	}
	if n := viewer.get("/clients").doc.Find(offer).Length(); n != 0 {
		t.Fatal("viewer was served the owner's empty list, with its New client button")
	}

	owner.mustCreateClient(clientValues(projectA, "123456789"), "submit")
	stage := func(b *browser) string { return b.get("/clients").text("[data-testid=stage]") }
	before := stage(viewer)
	app.sync() // Sinch moves the account on
	if after := stage(viewer); after == before {
		t.Fatalf("list still shows %q after the change", before)
	}
	if o, v := stage(owner), stage(viewer); o != v {
		t.Fatalf("owner sees %q, viewer %q", o, v)
	}

	inState := func() string {
		return strings.TrimSpace(viewer.get("/clients").doc.Find("[data-testid=client-row] td").Eq(6).Text())
	}
	was := inState()
	later := time.Now().Add(3 * time.Hour)
	app.store.Now = func() time.Time { return later }
	if now := inState(); now == was {
		t.Fatalf("three hours on, the list still says %q", now)
	}
}
