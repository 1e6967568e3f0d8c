package handlers_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"wabadesk/models/modelstest"
	"wabadesk/provisioning"
	"wabadesk/provisioning/onboarding"
)

// TestTwoInstancesOnOnePostgreSQL: two app instances share one PostgreSQL
// database (and one Sinch). A session works on both, a change applied
// through A shows up live on a page served by B, and a burst of due jobs is
// processed exactly once between their workers.
func TestTwoInstancesOnOnePostgreSQL(t *testing.T) {
	dsn := modelstest.URL(t)
	if dsn == "" {
		t.Skip("needs PostgreSQL: set " + modelstest.EnvURL + " (CI's PostgreSQL pass runs it)")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	a := mustApp(t, func(s *appSetup) { s.dsn = dsn })
	a.store.ShareChangesViaPostgres(ctx, dsn, quiet)
	b := mustApp(t, func(s *appSetup) { s.dsn = dsn; s.sinchURL = a.srv.URL + "/sandbox" })
	b.store.ShareChangesViaPostgres(ctx, dsn, quiet)

	ana := a.browser()
	ana.mustSignup("Acme", "ana@acme.test")
	onB := &browser{t: t, app: b, client: ana.client} // the same browser, routed to instance B
	expectStatus(t, onB.get("/clients"), 200)         // the session works on B

	stream, closeStream := onB.openStream("/events")
	defer closeStream()
	time.Sleep(100 * time.Millisecond)
	start := time.Now()
	path := ana.mustCreateClient(clientValues(projectA, "123456789"), "submit") // through A
	if ev := nextEvent(stream, 3*time.Second); ev == "" {
		t.Fatal("a change made through A never reached the stream on B")
	}
	t.Logf("A → B live update in %v", time.Since(start))
	if got := onB.get(path).text("[data-testid=client-stage]"); got != "Sinch preparing" {
		t.Fatalf("B shows stage %q", got)
	}

	// The page a change redirects to is read before the database echoes the
	// change back to A; its stream must not replay that echo as news (the
	// refresh would drop the page's flash and move what staff is clicking).
	ana.post(path+"/contact", url.Values{"contact_name": {"Maria"}, "contact_email": {"maria@padaria.test"}, "contact_language": {"en"}})
	redirected, _ := ana.get(path).doc.Find("main").Attr("data-sse-connect")
	time.Sleep(200 * time.Millisecond) // the echo is heard by now
	own, closeOwn := ana.openStream(redirected)
	defer closeOwn() // before the servers close: they wait for open streams
	if ev := nextEvent(own, 500*time.Millisecond); ev != "" {
		t.Fatalf("the page read right after its own change was told %q", ev)
	}

	// A burst of clients, all due: both workers race for them in one pass
	// each; every client is claimed by exactly one of them.
	const n = 10
	for i := range n {
		v := clientValues(fmt.Sprintf("%08x-1111-4f0e-9a3b-2d6c5e4f7a81", i), fmt.Sprint(7000+i))
		v.Set("name", fmt.Sprint("Burst ", i))
		ana.mustCreateClient(v, "submit")
	}
	a.forceDue()
	ct := &countingTransport{base: http.DefaultTransport, reads: map[string]int{}}
	var workers []*onboarding.Service
	for _, inst := range []*testApp{a, b} { // one worker per instance, each on its own store
		client := provisioning.New(provisioning.Config{BaseURL: a.srv.URL + "/sandbox", KeyID: "test-key", KeySecret: "test-secret",
			HTTPClient: &http.Client{Transport: ct}})
		conn := onboarding.Connection{Client: client, MetaBase: a.sb.MetaRequestsURL(), Sandbox: true}
		w := onboarding.New(inst.store, func(context.Context, int64) (onboarding.Connection, error) { return conn, nil })
		w.TenantRate = 1000
		workers = append(workers, w)
	}
	counts := make([]int, 2)
	for pass := 0; pass < 20 && counts[0]+counts[1] < n+1; pass++ {
		var wg sync.WaitGroup
		for i, w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				k, _ := w.RunOnce(ctx)
				counts[i] += k
			}()
		}
		wg.Wait()
	}
	for p, k := range ct.reads {
		if k != 1 {
			t.Errorf("%s read %d times by the two instances, want exactly once", p, k)
		}
	}
	if len(ct.reads) != n+1 || counts[0]+counts[1] != n+1 {
		t.Fatalf("%d clients read, workers handled %v; want %d", len(ct.reads), counts, n+1)
	}
	t.Logf("A handled %d, B handled %d", counts[0], counts[1])
}
