package handlers_test

import (
	"bufio"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"wabadesk/models"
)

// scrape reads /metrics as Prometheus would: series → value.
func (a *testApp) scrape(t *testing.T) map[string]float64 {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, a.srv.URL+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer "+metricsToken)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("scrape: %d", res.StatusCode)
	}
	out := map[string]float64{}
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("unreadable line %q", line)
		}
		out[line[:i]] = v
	}
	return out
}

// series counts the series of metric name.
func series(m map[string]float64, name string) int {
	n := 0
	for k := range m {
		if strings.HasPrefix(k, name+"{") || k == name {
			n++
		}
	}
	return n
}

func TestMetricsMoveWithWhatHappensAndStayBounded(t *testing.T) {
	app := mustApp(t, withMetrics)
	if res, err := http.Get(app.srv.URL + "/metrics"); err != nil || res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("a scrape without the token: %v %d", err, res.StatusCode)
	}
	before := app.scrape(t)
	if before[`wabadesk_build_info{version="test"}`] != 1 {
		t.Errorf("no build info")
	}

	b, clientPath := onboardedClient(t, app) // signs up, submits, Sinch onboards
	b.get(clientPath)
	events, stop := b.openStream("/events")
	app.mail.RunOnce(t.Context())
	<-events
	b.post("/settings/email/test", url.Values{})
	app.mail.RunOnce(t.Context())
	// A callback with a bad signature, and a good one.
	wh := app.webhook(projectA)
	acct, _ := app.sb.Account(projectA)
	payload, _ := json.Marshal(acct)
	body := []byte(`{"type":"WHATSAPP_ACCOUNT_ONBOARDED","payload":` + string(payload) + `,"comment":"test callback"}`)
	app.postCallback(wh, body, time.Now(), "not the secret")
	app.postCallback(wh, body, time.Now(), wh.Secret)
	recv := newHookReceiver(t)
	b.mustEndpoint(recv.srv.URL+"/x", models.HookClientStageChanged)
	b.post(clientPath+"/refresh", url.Values{})
	app.sync()
	b.post("/clients/1/comments", url.Values{"comment": {"hello"}})
	app.deliver()
	if res, err := http.Get(app.srv.URL + "/api/v1/clients"); err == nil { // no key: the API's own 401
		res.Body.Close()
	}

	after := app.scrape(t)
	stop()
	for _, s := range []string{
		`wabadesk_http_requests_total{code="303",method="POST",route="/clients"}`,
		`wabadesk_http_requests_total{code="200",method="GET",route="/clients/:id"}`,
		`wabadesk_sinch_requests_total{code="201",operation="POST /v1/projects/{id}/whatsapp"}`,
		`wabadesk_engine_syncs_total{outcome="ok"}`,
		`wabadesk_sinch_callbacks_total{outcome="bad_signature"}`,
		`wabadesk_emails_total{kind="test",outcome="outbox"}`,
		`wabadesk_event_streams`,
		`wabadesk_http_requests_total{code="401",method="GET",route="/api/v1/clients"}`,
	} {
		if after[s] <= before[s] {
			t.Errorf("%s did not move: %v → %v", s, before[s], after[s])
		}
	}
	if got := after[`wabadesk_sinch_callbacks_total{outcome="applied"}`] + after[`wabadesk_sinch_callbacks_total{outcome="duplicate"}`]; got == 0 {
		t.Errorf("the signed callback was not counted")
	}
	if series(after, "go_sql_open_connections") == 0 && series(after, "go_sql_max_open_connections") == 0 {
		t.Errorf("no database pool figures")
	}

	// Labels stay bounded: unknown URLs share one route; IDs never reach a label.
	for i := range 30 {
		b.get("/no/such/page/" + strconv.Itoa(i))
		b.get("/clients/" + strconv.Itoa(1000+i))
	}
	// 25 organisations with work queued: at most metricsOrgs plus "other".
	for i := range 25 {
		org, owner, err := app.store.CreateOrganisation(t.Context(), models.SignUp{OrganisationName: "Org " + strconv.Itoa(i), Name: "O",
			Email: "o" + strconv.Itoa(i) + "@example.com", Password: "correct horse battery"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := app.store.CreateClient(t.Context(), org.ID, owner, models.ClientInput{Name: "C"}, false); err != nil {
			t.Fatal(err)
		}
	}
	app.store.DB().Exec("UPDATE clients SET next_sync_at = ? WHERE next_sync_at IS NULL", app.store.Now().Add(-1))
	final := app.scrape(t)
	for k := range final {
		if strings.Contains(k, "/no/such") || strings.Contains(k, "/clients/10") {
			t.Errorf("a URL became a label: %s", k)
		}
	}
	if n := series(final, "wabadesk_engine_oldest_wait_seconds"); n > 21 || n < 2 {
		t.Errorf("%d organisation series, want at most 21 (20 and other)", n)
	}
	if final[`wabadesk_engine_oldest_wait_seconds{organisation="other"}`] == 0 && series(final, "wabadesk_engine_oldest_wait_seconds") == 21 {
		t.Logf("other waits %v", final[`wabadesk_engine_oldest_wait_seconds{organisation="other"}`])
	}
}
