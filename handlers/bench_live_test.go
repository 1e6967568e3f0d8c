package handlers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// BenchmarkWebhookApply: one signed callback received over HTTP, recorded,
// and applied (the client re-read from the sandbox and saved) per op.
func BenchmarkWebhookApply(b *testing.B) {
	app := mustApp(b)
	app.svc.TenantRate = 1e6 // measure our own cost, not the per-tenant Sinch rate limit
	br := app.browser()
	br.mustSignup("Acme", "ana@acme.test")
	br.mustCreateClient(clientValues(projectA, "123456789"), "submit")
	app.sync()
	webhook := app.webhook(projectA)
	acct, _ := app.sb.Account(projectA)
	i := 0
	for b.Loop() {
		i++
		body := fmt.Appendf(nil, `{"type":"WHATSAPP_ACCOUNT_COMMENT_ADDED","payload":%s,"comment":"note %d"}`, mustJSON(acct), i)
		if code, _ := app.postCallback(webhook, body, time.Now(), webhook.Secret); code != 200 {
			b.Fatalf("callback %d: %d", i, code)
		}
		if n, _ := app.svc.RunOnce(b.Context()); n != 1 {
			b.Fatalf("applied %d clients", n)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "callbacks/s")
}

// BenchmarkChangeToPage measures, per op, the time from a state change in
// the sandbox (the client approves at "Meta") to the change event reaching
// an open page's event stream, with the worker running as in production.
func BenchmarkChangeToPage(b *testing.B) {
	app := mustApp(b)
	br := app.browser()
	br.mustSignup("Acme", "ana@acme.test")
	const clients = 20
	for i := range clients {
		v := clientValues(fmt.Sprintf("%08x-8d7b-4f0e-9a3b-2d6c5e4f7a81", i), fmt.Sprint(5000+i))
		v.Set("name", fmt.Sprint("Client ", i))
		br.mustCreateClient(v, "submit")
	}
	app.sync() // all wait for approval at Meta
	app.store.DB().Exec("UPDATE clients SET next_sync_at = ?", app.store.Now().Add(time.Hour))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go app.svc.Run(ctx, time.Second)
	lines, closeStream := br.openStream("/events")
	defer closeStream()
	time.Sleep(50 * time.Millisecond)

	var took []time.Duration
	i := 0
	for b.Loop() {
		if i == clients {
			b.Fatal("out of clients: run with -benchtime 20x or less")
		}
		project := fmt.Sprintf("%08x-8d7b-4f0e-9a3b-2d6c5e4f7a81", i)
		i++
		start := time.Now()
		if err := app.sb.Approve(project); err != nil {
			b.Fatal(err)
		}
		if ev := nextEvent(lines, 5*time.Second); !strings.HasPrefix(ev, "change") {
			b.Fatalf("no event for %s (%q)", project, ev)
		}
		took = append(took, time.Since(start))
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Milliseconds()), "p50-ms")
	b.ReportMetric(float64(took[len(took)*99/100].Milliseconds()), "p99-ms")
}

func mustJSON(v any) string {
	b, err := jsonMarshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

var jsonMarshal = json.Marshal
