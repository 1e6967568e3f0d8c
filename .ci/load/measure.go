package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// target is one endpoint to load.
type target struct {
	name, path string
	show       string // how the path is printed (hides the token)
	cookie     string // Cookie header, for staff pages
	want       string // a piece of the page proving it is the real one
	// vary, when set, gives each request its own path (-uncached: a view
	// no cache has seen); path is then the first one, for checkOnce.
	vary func(n uint64) string
}

// next is the path of request n.
func (t target) next(n uint64) string {
	if t.vary != nil {
		return t.vary(n)
	}
	return t.path
}

func (t target) display() string {
	if t.show != "" {
		return t.show
	}
	return t.path
}

// result is one endpoint's figures.
type result struct {
	Name   string  `json:"name"`
	Path   string  `json:"path"`
	OK     int64   `json:"ok"`
	Errors int64   `json:"errors"`
	RPS    float64 `json:"rps"`
	P50MS  float64 `json:"p50_ms"`
	P95MS  float64 `json:"p95_ms"`
	P99MS  float64 `json:"p99_ms"`
	MaxMS  float64 `json:"max_ms"`
	Bytes  float64 `json:"bytes_per_response"` // as sent (compressed when gzip)
	// CPUMS is the server's CPU time (user+system) per successful request:
	// unlike req/s it barely moves when other work shares the machine.
	CPUMS  float64 `json:"server_cpu_ms_per_request"`
	Ratio  float64 `json:"ratio_to_bare"`
	Sample string  `json:"first_error,omitempty"`
}

// checkOnce fetches t once, uncompressed, and checks it is the page meant,
// so a redirect to /login or an error page never gets measured as success.
func checkOnce(ctx context.Context, base string, t target) error {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+t.path, nil)
	if t.cookie != "" {
		req.Header.Set("Cookie", t.cookie)
	}
	c := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Do(req)
	if err != nil {
		return fmt.Errorf("%s: %w", t.name, err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK || !strings.Contains(string(body), t.want) {
		return fmt.Errorf("%s: GET %s answered %s without %q", t.name, t.display(), res.Status, t.want)
	}
	if t.path == "/clients" && t.vary == nil && strings.Count(string(body), t.want) != 50 {
		return fmt.Errorf("client list: %d rows, want 50", strings.Count(string(body), t.want))
	}
	return nil
}

// measure loads each target with o.conns workers, each on its own
// keep-alive connection: first a warm-up of o.warmup per target
// (discarded), then o.rounds rounds in which every target in turn gets
// o.duration/o.rounds. Interleaving keeps the ratios honest on a shared
// machine, whose speed drifts over a run: a slow minute slows all targets.
func measure(ctx context.Context, base string, targets []target, o options, cpu func() time.Duration) ([]result, error) {
	tr := &http.Transport{MaxIdleConnsPerHost: o.conns, MaxConnsPerHost: o.conns, DisableCompression: true}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if o.warmup > 0 {
		for _, t := range targets {
			load(ctx, client, base, t, o.conns, o.warmup, o.gzip)
		}
	}
	rounds := max(o.rounds, 1)
	slice := o.duration / time.Duration(rounds)
	type total struct {
		stats   []workerStats
		elapsed time.Duration
		used    time.Duration
	}
	totals := make([]total, len(targets))
	for range rounds {
		for i, t := range targets {
			start, cpu0 := time.Now(), cpu()
			stats := load(ctx, client, base, t, o.conns, slice, o.gzip)
			totals[i].elapsed += time.Since(start)
			totals[i].used += cpu() - cpu0
			totals[i].stats = append(totals[i].stats, stats...)
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
	}
	out := make([]result, len(targets))
	for i, t := range targets {
		out[i] = summarise(t, totals[i].stats, totals[i].elapsed, totals[i].used)
	}
	return out, nil
}

// summarise turns what the workers saw into one endpoint's figures.
func summarise(t target, stats []workerStats, elapsed, used time.Duration) result {
	r := result{Name: t.name, Path: t.display()}
	var lat []time.Duration
	var bytes int64
	for _, s := range stats {
		r.OK += int64(len(s.latencies))
		r.Errors += s.errors
		bytes += s.bytes
		lat = append(lat, s.latencies...)
		if r.Sample == "" {
			r.Sample = s.firstError
		}
	}
	slices.Sort(lat)
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	if len(lat) > 0 {
		r.P50MS, r.P95MS, r.P99MS, r.MaxMS = ms(percentile(lat, 0.50)), ms(percentile(lat, 0.95)), ms(percentile(lat, 0.99)), ms(lat[len(lat)-1])
		r.Bytes = float64(bytes) / float64(len(lat))
	}
	r.RPS = float64(r.OK) / elapsed.Seconds()
	if r.OK > 0 {
		r.CPUMS = ms(used) / float64(r.OK)
	}
	return r
}

// percentile is the nearest-rank percentile of sorted latencies.
func percentile(sorted []time.Duration, p float64) time.Duration {
	i := int(p*float64(len(sorted))+0.5) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

// workerStats is what one worker saw.
type workerStats struct {
	latencies  []time.Duration // of successful requests
	errors     int64
	bytes      int64
	firstError string
}

// load runs conns workers until d has passed: each sends its next request
// only after the previous answer (closed loop), and none starts after the
// deadline, so the phase ends by itself within d plus one request timeout.
func load(ctx context.Context, client *http.Client, base string, t target, conns int, d time.Duration, gzip bool) []workerStats {
	deadline := time.Now().Add(d)
	stats := make([]workerStats, conns)
	var n atomic.Uint64
	var wg sync.WaitGroup
	for w := range conns {
		wg.Go(func() {
			s := &stats[w]
			s.latencies = make([]time.Duration, 0, 4096)
			for time.Now().Before(deadline) && ctx.Err() == nil {
				req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+t.next(n.Add(1)), nil)
				if t.cookie != "" {
					req.Header.Set("Cookie", t.cookie)
				}
				if gzip {
					req.Header.Set("Accept-Encoding", "gzip") // set by hand: the body stays compressed, as sent
				}
				began := time.Now()
				res, err := client.Do(req)
				if err != nil {
					s.fail(err.Error())
					continue
				}
				n, err := io.Copy(io.Discard, res.Body)
				res.Body.Close()
				took := time.Since(began)
				switch {
				case err != nil:
					s.fail(err.Error())
				case res.StatusCode != http.StatusOK:
					s.fail(res.Status)
				default:
					s.latencies = append(s.latencies, took)
					s.bytes += n
				}
			}
		})
	}
	wg.Wait()
	return stats
}

func (s *workerStats) fail(why string) {
	s.errors++
	if s.firstError == "" {
		s.firstError = why
	}
}

// printReport writes the machine, the table and the memory.
func printReport(w io.Writer, rep report) {
	m := rep.Machine
	fmt.Fprintf(w, "\nwabadesk load, %s: %d CPUs (%s), %.0f GiB, %s; %d clients, %d connections, %s per endpoint in %d rounds, gzip %v, run took %s\n\n",
		rep.Date, m.CPUs, m.CPUModel, m.MemoryGB, m.Go, rep.Clients, rep.Conns, rep.Duration, rep.Rounds, rep.Gzip, time.Since(rep.started).Round(time.Second))
	fmt.Fprintf(w, "%-13s %-11s %9s %8s %8s %8s %8s %7s %8s %8s %7s\n", "endpoint", "path", "req/s", "p50 ms", "p95 ms", "p99 ms", "max ms", "errors", "bytes", "cpu ms", "ratio")
	for _, r := range rep.Results {
		fmt.Fprintf(w, "%-13s %-11s %9.0f %8.2f %8.2f %8.2f %8.1f %7d %8.0f %8.3f %6.1f%%\n",
			r.Name, r.Path, r.RPS, r.P50MS, r.P95MS, r.P99MS, r.MaxMS, r.Errors, r.Bytes, r.CPUMS, 100*r.Ratio)
		if r.Sample != "" {
			fmt.Fprintf(w, "%13s first error: %s\n", "", r.Sample)
		}
	}
	fmt.Fprintf(w, "(bytes: response body as sent; cpu ms: the server's CPU time per request; ratio: req/s against the bare handler's)\n")
	fmt.Fprintf(w, "\nserver memory: %.1f MB resident before the load, %.1f MB after, %.1f MB peak (VmHWM)\n",
		rep.RSS.IdleMB, rep.RSS.RSSMB, rep.RSS.PeakMB)
}
