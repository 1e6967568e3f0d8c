package handlers_test

import (
	"bufio"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
)

// openStream starts an event stream for b and returns its lines.
func (b *browser) openStream(path string) (<-chan string, func()) {
	b.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, b.app.srv.URL+path, nil)
	res, err := b.client.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
		b.t.Fatalf("stream %s: %d %s", path, res.StatusCode, res.Header.Get("Content-Type"))
	}
	lines := make(chan string, 64)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(res.Body)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	return lines, func() { cancel(); res.Body.Close() }
}

// nextEvent waits for the next "event:" line, or "" after limit.
func nextEvent(lines <-chan string, limit time.Duration) string {
	deadline := time.After(limit)
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				return ""
			}
			if strings.HasPrefix(l, "event: ") {
				return strings.TrimPrefix(l, "event: ") + " " + <-lines
			}
		case <-deadline:
			return ""
		}
	}
}

func TestLiveUpdateReachesEventStream(t *testing.T) {
	app := mustApp(t)
	b := app.browser()
	b.mustSignup("Acme", "ana@acme.test")
	path := b.mustCreateClient(clientValues(projectA, "123456789"), "submit")
	id := path[strings.LastIndex(path, "/")+1:]

	all, closeAll := b.openStream("/events")
	defer closeAll()
	one, closeOne := b.openStream("/events?client=" + id)
	defer closeOne()
	other := app.browser()
	other.mustSignup("Bravo", "bea@bravo.test")
	foreign, closeForeign := other.openStream("/events")
	defer closeForeign()
	time.Sleep(50 * time.Millisecond) // subscriptions are in place

	start := time.Now()
	app.sync() // the sandbox moves the account to "pending at Meta"
	if ev := nextEvent(all, 2*time.Second); ev != "change data: "+id {
		t.Fatalf("list stream got %q", ev)
	}
	if ev := nextEvent(one, 2*time.Second); ev != "change data: "+id {
		t.Fatalf("client stream got %q", ev)
	}
	t.Logf("change reached the stream in %v", time.Since(start))
	if ev := nextEvent(foreign, 300*time.Millisecond); ev != "" {
		t.Fatalf("another organisation's stream heard %q", ev)
	}
	// A poll that finds nothing new sends nothing.
	app.forceDue()
	app.svc.RunOnce(t.Context())
	if ev := nextEvent(all, 500*time.Millisecond); ev != "" {
		t.Fatalf("a poll with no change produced %q", ev)
	}
}

func TestEventStreamNeedsLogin(t *testing.T) {
	app := mustApp(t)
	r := app.browser().get("/events")
	if r.status != http.StatusSeeOther {
		t.Fatalf("anonymous /events = %d", r.status)
	}
}

func TestLivePagesCarryTheirRegion(t *testing.T) {
	app := mustApp(t)
	b := app.browser()
	b.mustSignup("Acme", "ana@acme.test")
	path := b.mustCreateClient(clientValues(projectA, "123456789"), "draft")
	for page, events := range map[string]string{"/clients?q=x": "/events", path: "/events?client=" + path[strings.LastIndex(path, "/")+1:]} {
		r := b.get(page)
		got, _ := r.doc.Find("main").Attr("data-sse-connect")
		if before, since, _ := strings.Cut(got, "since="); strings.TrimRight(before, "?&") != events || since == "" {
			t.Errorf("%s: sse-connect = %q, want %q with since=", page, got, events)
		}
		if got, _ := r.doc.Find("#live").Attr("data-hx-get"); got != page {
			t.Errorf("%s: live region refreshes from %q", page, got)
		}
	}
}

// A change made after a page was read but before its stream subscribed
// (htmx connects a moment after the page loads) is replayed at once; a page
// read after the last change, even the redirect right after it, hears
// nothing until the next (a replay there would drop the change's flash).
func TestStreamReplaysAChangeThePageMissed(t *testing.T) {
	app := mustApp(t)
	b := app.browser()
	b.mustSignup("Acme", "ana@acme.test")
	b.mustCreateClient(clientValues(projectA, "123456789"), "submit")

	quiet, _ := b.get("/clients").doc.Find("main").Attr("data-sse-connect")
	stale, _ := b.get("/clients").doc.Find("main").Attr("data-sse-connect")
	lines, closeQuiet := b.openStream(quiet)
	if ev := nextEvent(lines, 300*time.Millisecond); ev != "" {
		t.Fatalf("a page newer than every change was told %q", ev)
	}
	closeQuiet()

	app.sync() // the sandbox moves the account on; nobody is subscribed
	lines, closeStale := b.openStream(stale)
	defer closeStale()
	if ev := nextEvent(lines, time.Second); ev != "change data: 0" {
		t.Fatalf("a page read before the change got %q, want a replayed change", ev)
	}
}
