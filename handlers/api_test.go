package handlers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"wabadesk/models"
)

var registerProblemJSON sync.Once

// apiCaller calls the API with one key and checks every request and
// answer against the served OpenAPI document, so the document cannot
// drift from what the server does.
type apiCaller struct {
	t      *testing.T
	app    *testApp
	key    string
	router routers.Router
	doc    *openapi3.T
}

func (a *testApp) api(t *testing.T, key string) *apiCaller {
	t.Helper()
	registerProblemJSON.Do(func() { openapi3filter.RegisterBodyDecoder("application/problem+json", openapi3filter.JSONBodyDecoder) })
	res, err := http.Get(a.srv.URL + "/api/v1/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(res.Body)
	res.Body.Close()
	doc, err := openapi3.NewLoader().LoadFromData(raw)
	if err != nil {
		t.Fatalf("the OpenAPI document does not load: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("the OpenAPI document is invalid: %v", err)
	}
	doc.Servers = openapi3.Servers{{URL: a.srv.URL + "/api/v1"}}
	r, err := legacy.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	return &apiCaller{t: t, app: a, key: key, router: r, doc: doc}
}

type apiAnswer struct {
	status int
	header http.Header
	body   []byte
}

func (r apiAnswer) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("answer %d is not JSON: %v\n%s", r.status, err, r.body)
	}
}

// problem decodes a problem answer and returns its field messages.
func (r apiAnswer) problem(t *testing.T) map[string]string {
	t.Helper()
	if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("content type %q, want application/problem+json: %s", ct, r.body)
	}
	var p struct {
		Status int `json:"status"`
		Errors []struct{ Field, Message string }
	}
	r.json(t, &p)
	if p.Status != r.status {
		t.Fatalf("problem status %d, answer %d", p.Status, r.status)
	}
	out := map[string]string{}
	for _, e := range p.Errors {
		out[e.Field] = e.Message
	}
	return out
}

// csvBody is a request body sent as text/csv.
type csvBody string

func (c *apiCaller) do(method, path string, body any, header ...string) apiAnswer {
	c.t.Helper()
	var raw []byte
	contentType := "application/json"
	if csv, ok := body.(csvBody); ok {
		raw, contentType = []byte(csv), "text/csv"
	} else if body != nil {
		raw, _ = json.Marshal(body)
	}
	req, _ := http.NewRequest(method, c.app.srv.URL+"/api/v1"+path, bytes.NewReader(raw))
	if body != nil {
		req.Header.Set("Content-Type", contentType)
	}
	if c.key != "" {
		req.Header.Set("Authorization", "Bearer "+c.key)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	route, params, err := c.router.FindRoute(req)
	if err != nil {
		c.t.Fatalf("%s %s is not in the OpenAPI document: %v", method, path, err)
	}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
	if body != nil {
		req.Body = io.NopCloser(bytes.NewReader(raw))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(raw)), nil }
	}
	// Requests the tests send invalid on purpose are not checked.
	if method == http.MethodGet || !strings.Contains(string(raw), "unknown_field") {
		if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil && !strings.Contains(string(raw), `"invalid"`) {
			c.t.Logf("request does not match the document (sent anyway): %v", err)
		}
		req.Body = io.NopCloser(bytes.NewReader(raw))
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	got, _ := io.ReadAll(res.Body)
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: res.StatusCode, Header: res.Header,
		Options: &openapi3filter.Options{IncludeResponseStatus: true}}
	out.SetBodyBytes(got)
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		c.t.Errorf("%s %s answered %d, which the OpenAPI document does not allow: %v\n%s", method, path, res.StatusCode, err, got)
	}
	return apiAnswer{status: res.StatusCode, header: res.Header, body: got}
}

// mustKey creates an API key on the page as b and returns it.
func (b *browser) mustKey(name, role string) string {
	b.t.Helper()
	r := b.post("/settings/api-keys", url.Values{"name": {name}, "role": {role}})
	if r.status != http.StatusSeeOther {
		b.t.Fatalf("create key: %d %q", r.status, r.text("main"))
	}
	key := b.get("/settings/api-keys").doc.Find("#api-key").AttrOr("value", "")
	if !strings.HasPrefix(key, "wbk_") {
		b.t.Fatalf("key %q", key)
	}
	return key
}

type apiClientJSON struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Stage string `json:"stage"`
}

func validClient(name, project, bm string) map[string]any {
	return map[string]any{"name": name, "project_id": project, "business_manager_id": bm, "waba_name": name + " Ltda",
		"sender_display_name": name, "business_category": "FOOD_AND_GROCERY"}
}

func TestAPIKeysRolesAndTenants(t *testing.T) {
	app := mustApp(t)
	owner := app.browser()
	owner.mustSignup("Acme", "olga@acme.test")
	viewer := app.api(t, owner.mustKey("Dashboard", "viewer"))
	agentKey := owner.mustKey("CRM sync", "agent")
	agent := app.api(t, agentKey)
	if page := owner.get("/settings/api-keys"); page.doc.Find("#api-key").Length() != 0 {
		t.Fatal("the key is shown again")
	}

	if r := app.api(t, "").do(http.MethodGet, "/clients", nil); r.status != http.StatusUnauthorized || r.header.Get("WWW-Authenticate") == "" {
		t.Fatalf("no key: %d", r.status)
	}
	app.api(t, "").do(http.MethodGet, "/clients", nil).problem(t)
	if r := app.api(t, "wbk_not-a-key").do(http.MethodGet, "/clients", nil); r.status != http.StatusUnauthorized {
		t.Fatalf("bad key: %d", r.status)
	}
	if r := viewer.do(http.MethodPost, "/clients", validClient("Padaria", "1c8f5a2e-8d7b-4f0e-9a3b-2d6c5e4f7a81", "123456789012345")); r.status != http.StatusForbidden {
		t.Fatalf("a viewer key wrote: %d %s", r.status, r.body)
	}
	r := agent.do(http.MethodPost, "/clients", validClient("Padaria", "1c8f5a2e-8d7b-4f0e-9a3b-2d6c5e4f7a81", "123456789012345"))
	if r.status != http.StatusCreated || !strings.HasSuffix(r.header.Get("Location"), "/api/v1/clients/1") {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	var cl apiClientJSON
	r.json(t, &cl)
	if got := viewer.do(http.MethodGet, "/clients/"+itoa(cl.ID), nil); got.status != http.StatusOK {
		t.Fatalf("viewer read: %d", got.status)
	}

	// Another organisation's key sees nothing of Acme's.
	other := app.browser()
	other.mustSignup("Bravo", "bo@bravo.test")
	bravo := app.api(t, other.mustKey("Bravo CRM", "admin"))
	for _, call := range [][2]string{{http.MethodGet, ""}, {http.MethodPatch, ""}, {http.MethodDelete, ""}, {http.MethodPost, "/submit"}} {
		var body any
		if call[0] == http.MethodPatch {
			body = map[string]any{"name": "Taken over"}
		}
		if got := bravo.do(call[0], "/clients/"+itoa(cl.ID)+call[1], body); got.status != http.StatusNotFound {
			t.Fatalf("%s another organisation's client: %d", call[0], got.status)
		}
	}
	var list struct{ Data []apiClientJSON }
	bravo.do(http.MethodGet, "/clients", nil).json(t, &list)
	if len(list.Data) != 0 {
		t.Fatalf("Bravo lists Acme's clients: %+v", list.Data)
	}

	// Every call is in the audit log with the key's name; a revoked key
	// stops at once.
	audit := owner.get("/audit")
	if !strings.Contains(audit.text("[data-testid=audit-table]"), "API key CRM sync") {
		t.Fatalf("audit: %q", audit.text("[data-testid=audit-table]"))
	}
	keys := owner.get("/settings/api-keys")
	revoke := keys.doc.Find("form[action$='/revoke']").Last().AttrOr("action", "") // the oldest: Dashboard
	expectStatus(t, owner.post(revoke, url.Values{}), http.StatusSeeOther)
	if got := viewer.do(http.MethodGet, "/clients", nil); got.status != http.StatusUnauthorized {
		t.Fatalf("revoked key: %d", got.status)
	}
	if got := agent.do(http.MethodGet, "/clients", nil); got.status != http.StatusOK {
		t.Fatalf("the other key stopped too: %d", got.status)
	}
}

func TestAPIValidationIdempotencyAndSubmit(t *testing.T) {
	app := mustApp(t)
	owner := app.browser()
	owner.mustSignup("Acme", "olga@acme.test")
	api := app.api(t, owner.mustKey("CRM sync", "agent"))

	bad := api.do(http.MethodPost, "/clients", map[string]any{"name": "Padaria", "project_id": "not-a-project", "business_manager_id": "12AB", "submit": true})
	if bad.status != http.StatusUnprocessableEntity {
		t.Fatalf("invalid: %d %s", bad.status, bad.body)
	}
	fields := bad.problem(t)
	if !strings.Contains(fields["project_id"], "project ID looks like") || !strings.Contains(fields["business_manager_id"], "digits only") || fields["waba_name"] == "" {
		t.Fatalf("field errors: %v", fields)
	}
	if r := api.do(http.MethodPost, "/clients", map[string]any{"name": "X", "unknown_field": 1}); r.status != http.StatusUnprocessableEntity {
		t.Fatalf("unknown field: %d", r.status)
	}

	body := validClient("Padaria", "1c8f5a2e-8d7b-4f0e-9a3b-2d6c5e4f7a81", "123456789012345")
	first := api.do(http.MethodPost, "/clients", body, "Idempotency-Key", "crm-42")
	again := api.do(http.MethodPost, "/clients", body, "Idempotency-Key", "crm-42")
	if first.status != http.StatusCreated || again.status != first.status || !bytes.Equal(first.body, again.body) || again.header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("retry: %d/%d\n%s\n%s", first.status, again.status, first.body, again.body)
	}
	if r := api.do(http.MethodPost, "/clients", validClient("Other", "2c8f5a2e-8d7b-4f0e-9a3b-2d6c5e4f7a82", "223456789012345"), "Idempotency-Key", "crm-42"); r.status != http.StatusConflict {
		t.Fatalf("same key, other body: %d", r.status)
	}
	var list struct{ Data []apiClientJSON }
	api.do(http.MethodGet, "/clients", nil).json(t, &list)
	if len(list.Data) != 1 {
		t.Fatalf("%d clients after an idempotent retry", len(list.Data))
	}

	// Submit goes through the engine, as the page does; pages see it.
	id := itoa(list.Data[0].ID)
	if r := api.do(http.MethodPatch, "/clients/"+id, map[string]any{"name": "Padaria Estrela"}); r.status != http.StatusOK {
		t.Fatalf("update: %d %s", r.status, r.body)
	}
	sub := api.do(http.MethodPost, "/clients/"+id+"/submit", nil, "Idempotency-Key", "submit-1")
	if sub.status != http.StatusOK && sub.status != http.StatusAccepted {
		t.Fatalf("submit: %d %s", sub.status, sub.body)
	}
	app.sync()
	var cl apiClientJSON
	api.do(http.MethodGet, "/clients/"+id, nil).json(t, &cl)
	if cl.Stage != string(models.StageMetaApproval) || cl.Name != "Padaria Estrela" {
		t.Fatalf("after submit: %+v", cl)
	}
	if page := owner.get("/clients/" + id); page.text("[data-testid=client-stage]") != "Waiting for Meta approval" {
		t.Fatalf("the page shows %q", page.text("[data-testid=client-stage]"))
	}
	if r := api.do(http.MethodPost, "/clients/"+id+"/submit", nil); r.status != http.StatusConflict {
		t.Fatalf("second submit: %d", r.status)
	}
	if r := api.do(http.MethodDelete, "/clients/"+id, nil); r.status != http.StatusConflict {
		t.Fatalf("deleting a submitted client: %d", r.status)
	}
}

func TestAPIListPagesWithCursorsAndRateLimit(t *testing.T) {
	app := mustApp(t)
	owner := app.browser()
	owner.mustSignup("Acme", "olga@acme.test")
	api := app.api(t, owner.mustKey("CRM sync", "agent"))
	names := []string{"delta", "Alfa", "charlie", "Bravo", "echo"}
	for _, n := range names {
		if r := api.do(http.MethodPost, "/clients", map[string]any{"name": n}); r.status != http.StatusCreated {
			t.Fatalf("create %s: %d %s", n, r.status, r.body)
		}
	}
	for _, sort := range []string{"change", "name", "waiting", "stage"} {
		var got []string
		cursor := ""
		for pages := 0; ; pages++ {
			var page struct {
				Data       []apiClientJSON
				NextCursor string `json:"next_cursor"`
			}
			api.do(http.MethodGet, "/clients?limit=2&sort="+sort+"&cursor="+cursor, nil).json(t, &page)
			for _, c := range page.Data {
				got = append(got, c.Name)
			}
			if page.NextCursor == "" || pages > 5 {
				break
			}
			cursor = page.NextCursor
		}
		if len(got) != 5 {
			t.Fatalf("sort %s: pages gave %v", sort, got)
		}
		if sort == "name" && strings.Join(got, ",") != "Alfa,Bravo,charlie,delta,echo" {
			t.Fatalf("by name: %v", got)
		}
	}
	if r := api.do(http.MethodGet, "/clients?sort=name&cursor=garbage", nil); r.status != http.StatusUnprocessableEntity || r.problem(t)["cursor"] == "" {
		t.Fatalf("bad cursor: %d", r.status)
	}

	limited := 0
	for range 130 {
		r := api.do(http.MethodGet, "/clients?limit=1", nil)
		if r.status == http.StatusTooManyRequests {
			limited++
			if r.header.Get("Retry-After") == "" {
				t.Fatal("429 without Retry-After")
			}
		}
	}
	if limited == 0 {
		t.Fatal("130 calls at once were never limited")
	}
}

// TestAPIFollowsAClientToActive drives the whole journey through the API
// alone, on the sandbox: client, Meta approval (the client's part), sender,
// code, Active; plus links, the timeline and comments.
func TestAPIFollowsAClientToActive(t *testing.T) {
	app := mustApp(t)
	owner := app.browser()
	owner.mustSignup("Acme", "olga@acme.test")
	api := app.api(t, owner.mustKey("CRM sync", "agent"))
	r := api.do(http.MethodPost, "/clients", map[string]any{"name": "Padaria", "project_id": projectA, "business_manager_id": "123456789",
		"waba_name": "Padaria Ltda", "sender_display_name": "Padaria", "business_category": "FOOD_AND_GROCERY", "submit": true})
	if r.status != http.StatusCreated && r.status != http.StatusAccepted {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	var cl apiClientJSON
	r.json(t, &cl)
	id := "/clients/" + itoa(cl.ID)
	if got := api.do(http.MethodPost, id+"/senders", map[string]any{"country_code": "55", "phone_number": "11987654321"}); got.status != http.StatusConflict {
		t.Fatalf("a sender before onboarding: %d", got.status)
	}
	app.sync()
	app.sb.Approve(projectA) // the business client approves at Meta
	app.sync()

	var link struct {
		ID  int64  `json:"id"`
		URL string `json:"url"`
	}
	api.do(http.MethodPost, id+"/links", map[string]any{"days": 7}).json(t, &link)
	if !strings.Contains(link.URL, "/c/") {
		t.Fatalf("link: %+v", link)
	}
	if got := api.do(http.MethodPost, id+"/links", map[string]any{"days": 5}); got.status != http.StatusUnprocessableEntity || got.problem(t)["days"] == "" {
		t.Fatalf("5 days: %d", got.status)
	}

	var snd struct {
		ID       int64  `json:"id"`
		Stage    string `json:"stage"`
		Verified bool   `json:"verified"`
	}
	bad := api.do(http.MethodPost, id+"/senders", map[string]any{"country_code": "55", "phone_number": "12ab", "submit": true})
	if bad.status != http.StatusUnprocessableEntity || bad.problem(t)["phone_number"] == "" {
		t.Fatalf("bad number: %d %s", bad.status, bad.body)
	}
	r = api.do(http.MethodPost, id+"/senders", map[string]any{"country_code": "55", "phone_number": "11987654321", "submit": true}, "Idempotency-Key", "snd-1")
	if r.status != http.StatusCreated && r.status != http.StatusAccepted {
		t.Fatalf("sender: %d %s", r.status, r.body)
	}
	r.json(t, &snd)
	sid := id + "/senders/" + itoa(snd.ID)
	app.sync()
	if got := api.do(http.MethodPost, sid+"/otp", map[string]any{"method": "PIGEON"}); got.status != http.StatusUnprocessableEntity || got.problem(t)["method"] == "" {
		t.Fatalf("bad method: %d %s", got.status, got.body)
	}
	if got := api.do(http.MethodPost, sid+"/otp", map[string]any{"method": "SMS"}); got.status != http.StatusOK {
		t.Fatalf("otp: %d %s", got.status, got.body)
	}
	if got := api.do(http.MethodPost, sid+"/verify", map[string]any{"code": "000000"}); got.status != http.StatusUnprocessableEntity || !strings.Contains(got.problem(t)["code"], "not right") {
		t.Fatalf("wrong code: %d %s", got.status, got.body)
	}
	api.do(http.MethodPost, sid+"/verify", map[string]any{"code": "123456"}).json(t, &snd)
	if !snd.Verified {
		t.Fatalf("after the right code: %+v", snd)
	}
	app.sync()
	api.do(http.MethodGet, id, nil).json(t, &cl)
	if cl.Stage != string(models.StageActive) {
		t.Fatalf("stage %q", cl.Stage)
	}

	if got := api.do(http.MethodPost, id+"/comments", map[string]any{"comment": "Thanks!", "sender_id": snd.ID}); got.status != http.StatusCreated && got.status != http.StatusAccepted {
		t.Fatalf("comment: %d %s", got.status, got.body)
	}
	if got := api.do(http.MethodPost, id+"/comments", map[string]any{"comment": ""}); got.status != http.StatusUnprocessableEntity {
		t.Fatalf("empty comment: %d", got.status)
	}
	var events struct {
		Data []struct{ Title string }
	}
	api.do(http.MethodGet, id+"/events", nil).json(t, &events)
	var titles []string
	for _, e := range events.Data {
		titles = append(titles, e.Title)
	}
	for _, want := range []string{"Client created", "Sender active", "Phone number verified with the code", "Client link created"} {
		if !strings.Contains(strings.Join(titles, "|"), want) {
			t.Errorf("timeline lacks %q: %v", want, titles)
		}
	}
	var links struct{ Data []struct{ Active bool } }
	api.do(http.MethodPost, id+"/links/"+itoa(link.ID)+"/revoke", nil)
	api.do(http.MethodGet, id+"/links", nil).json(t, &links)
	if len(links.Data) != 1 || links.Data[0].Active {
		t.Fatalf("links after revoke: %+v", links.Data)
	}
	var senders struct{ Data []struct{ Stage string } }
	api.do(http.MethodGet, id+"/senders", nil).json(t, &senders)
	if len(senders.Data) != 1 || senders.Data[0].Stage != "active" {
		t.Fatalf("senders: %+v", senders.Data)
	}
}

func TestClientListExportsCSVWithItsFilter(t *testing.T) {
	app := mustApp(t)
	owner := app.browser()
	owner.mustSignup("Acme", "olga@acme.test")
	owner.mustCreateClient(clientValues("1c8f5a2e-8d7b-4f0e-9a3b-2d6c5e4f7a81", "123456789012345"), "draft")
	v := clientValues("2c8f5a2e-8d7b-4f0e-9a3b-2d6c5e4f7a82", "223456789012345")
	v.Set("name", "=HYPERLINK(\"evil\")")
	owner.mustCreateClient(v, "draft")
	list := owner.get("/clients?q=hyperlink")
	href := list.doc.Find("[data-testid=export-clients]").AttrOr("href", "")
	if href != "/clients.csv?q=hyperlink" {
		t.Fatalf("export link %q", href)
	}
	req, _ := http.NewRequest(http.MethodGet, app.srv.URL+href, nil)
	res, err := owner.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	lines := strings.Split(strings.TrimSpace(string(body)), "\n")
	if res.Header.Get("Content-Type") != "text/csv; charset=utf-8" || len(lines) != 2 || !strings.HasPrefix(lines[0], "id,name,business_manager_id") {
		t.Fatalf("csv (%s):\n%s", res.Header.Get("Content-Type"), body)
	}
	if !strings.Contains(lines[1], `'=HYPERLINK`) || !strings.Contains(lines[1], "Draft") {
		t.Fatalf("row not made safe for spreadsheets: %s", lines[1])
	}
}

func TestAPIImportsClientsAndManagesEndpoints(t *testing.T) {
	app := mustApp(t)
	owner := app.browser()
	owner.mustSignup("Acme", "olga@acme.test")
	agent := app.api(t, owner.mustKey("CRM sync", "agent"))
	admin := app.api(t, owner.mustKey("Ops", "admin"))
	viewer := app.api(t, owner.mustKey("BI", "viewer"))

	// Endpoints: admin keys only; the secret comes once.
	if r := agent.do(http.MethodPost, "/endpoints", map[string]any{"url": "https://crm.example.com/hooks", "events": []string{"client.created"}}); r.status != http.StatusForbidden {
		t.Fatalf("agent adds an endpoint: %d", r.status)
	}
	if r := admin.do(http.MethodPost, "/endpoints", map[string]any{"url": "http://crm.example.com/hooks", "events": []string{}}); r.status != http.StatusUnprocessableEntity ||
		!strings.Contains(r.problem(t)["url"], "https") || r.problem(t)["events"] == "" {
		t.Fatalf("bad endpoint: %d %s", r.status, r.body)
	}
	var ep struct {
		ID     int64
		Secret string
	}
	admin.do(http.MethodPost, "/endpoints", map[string]any{"url": "https://crm.example.com/hooks", "events": []string{"client.created"}}).json(t, &ep)
	if !strings.HasPrefix(ep.Secret, "whsec_") {
		t.Fatalf("endpoint secret %q", ep.Secret)
	}
	var eps struct{ Data []map[string]any }
	admin.do(http.MethodGet, "/endpoints", nil).json(t, &eps)
	if len(eps.Data) != 1 || eps.Data[0]["secret"] != nil {
		t.Fatalf("listed endpoints %v: want one, without its secret", eps.Data)
	}

	// A contact with the client, its errors named as sent.
	r := agent.do(http.MethodPost, "/clients", map[string]any{"name": "Padaria", "contact": map[string]any{"email": "not-an-address"}})
	if r.status != http.StatusUnprocessableEntity || r.problem(t)["contact.email"] == "" {
		t.Fatalf("bad contact: %d %s", r.status, r.body)
	}

	// Imports: a CSV body; rows with problems are listed and left out.
	file := importHeader + importRow(1, "100000000001") + importRow(2, "12ab") + importRow(3, "100000000003")
	if r := viewer.do(http.MethodPost, "/imports?mode=draft", csvBody(file)); r.status != http.StatusForbidden {
		t.Fatalf("viewer imports: %d", r.status)
	}
	if r := agent.do(http.MethodPost, "/imports?mode=later", csvBody(file)); r.status != http.StatusUnprocessableEntity || r.problem(t)["mode"] == "" {
		t.Fatalf("bad mode: %d %s", r.status, r.body)
	}
	if r := agent.do(http.MethodPost, "/imports?mode=draft", csvBody("name,phone\nA,1\n")); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.problem(t)["file"], "Missing") {
		t.Fatalf("not the template: %d %s", r.status, r.body)
	}
	var im struct {
		ID       int64
		State    string
		Created  int
		Problems []struct {
			Line    int
			Column  string
			Message string
		}
	}
	agent.do(http.MethodPost, "/imports?mode=submit", csvBody(file), "Idempotency-Key", "import-1").json(t, &im)
	if len(im.Problems) != 1 || im.Problems[0].Line != 3 || im.Problems[0].Column != "business_manager_id" {
		t.Fatalf("problems %+v: want line 3's business_manager_id", im.Problems)
	}
	var again struct{ ID int64 }
	agent.do(http.MethodPost, "/imports?mode=submit", csvBody(file), "Idempotency-Key", "import-1").json(t, &again)
	if again.ID != im.ID {
		t.Fatalf("a retried import made import %d, not the first's %d", again.ID, im.ID)
	}
	for i := 0; i < 100 && im.State != models.ImportDone; i++ {
		time.Sleep(20 * time.Millisecond)
		agent.do(http.MethodGet, "/imports/"+itoa(im.ID), nil).json(t, &im)
	}
	if im.State != models.ImportDone || im.Created != 2 {
		t.Fatalf("import %s with %d created, want done with 2", im.State, im.Created)
	}
	res := agent.do(http.MethodGet, "/imports/"+itoa(im.ID)+"/result.csv", nil)
	if lines := strings.Split(strings.TrimSpace(string(res.body)), "\n"); len(lines) != 4 || !strings.Contains(lines[2], "skipped") {
		t.Fatalf("result:\n%s", res.body)
	}
	var list struct{ Data []apiClientJSON }
	agent.do(http.MethodGet, "/clients?stage=queued", nil).json(t, &list)
	if len(list.Data) != 2 {
		t.Fatalf("%d clients queued for Sinch, want the 2 imported", len(list.Data))
	}

	other := app.browser()
	other.mustSignup("Other", "otto@other.test")
	if r := app.api(t, other.mustKey("Theirs", "admin")).do(http.MethodGet, "/imports/"+itoa(im.ID), nil); r.status != http.StatusNotFound {
		t.Fatalf("another organisation's import: %d", r.status)
	}
}

const importHeader = "name,project_id,business_manager_id,mode,waba_name,company_legal_name,display_name,business_category,business_manager,region,meta_local_storage,contact_name,contact_email,language\n"

func importRow(i int, bm string) string {
	return fmt.Sprintf("Cliente %d,%08x-8d7b-4f0e-9a3b-2d6c5e4f7a81,%s,partner,Cliente %d Ltda,,Cliente %d,FOOD_AND_GROCERY,,,,Maria,maria%d@example.com,pt\n", i, i, bm, i, i, i)
}
