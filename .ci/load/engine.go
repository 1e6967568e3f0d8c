package main

// The engine scenario: the real binary's onboarding engine
// against a standalone sandbox that injects Sinch's faults, with the
// organisations' live connections pointed at it.
//
//	go run ./.ci/load engine                       # 1,000 submissions, 4 organisations, the fault profile
//	go run ./.ci/load engine -faults=false         # the same without faults
//	go run ./.ci/load engine -clients 200 -kill    # kill -9 the app in the middle of the burst, restart it
//	go run ./.ci/load engine -database-url postgres://…  # on PostgreSQL (an empty database)
//	go run ./.ci/load engine -clients 20 -slow     # browsers give up on a slow Sinch, which then recovers
//
// It prints how long after the last submission every client was
// Onboarded, and the checks of the issue: 0 lost, 0 drafts, 0 duplicate
// accounts, 0 creates sent after an account existed.

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"wabadesk/models"
)

type engineOptions struct {
	clients, orgs, conns int
	faults, kill, slow   bool
	settle               time.Duration
	target               time.Duration
	databaseURL          string
	reportOnly, keep     bool
}

func engineMain(args []string) int {
	fs := flag.NewFlagSet("engine", flag.ExitOnError)
	var o engineOptions
	fs.IntVar(&o.clients, "clients", 1000, "submissions, spread over the organisations")
	fs.IntVar(&o.orgs, "orgs", 4, "organisations, each with its own live connection to the sandbox")
	fs.IntVar(&o.conns, "conns", 8, "staff submitting at once")
	fs.BoolVar(&o.faults, "faults", true, "the fault profile: 20% 5xx, 3% dropped, 3% answers lost, a 1.5 s 429 burst (Retry-After 2) every 20 s, 0-2 s latency on a quarter of calls")
	fs.BoolVar(&o.kill, "kill", false, "kill -9 the app half-way through the burst and restart it on the same data")
	fs.BoolVar(&o.slow, "slow", false, "instead of the fault profile: every Sinch call takes 0-40 s (beyond the app's 30 s bound) for 40 s and browsers give up after 2 s; then Sinch answers quickly again")
	fs.DurationVar(&o.settle, "settle", 5*time.Minute, "give up waiting for every client to be Onboarded after this")
	fs.DurationVar(&o.target, "target", 0, "target: every client Onboarded within this after the last submission (default 2m with faults, 30s without)")
	fs.StringVar(&o.databaseURL, "database-url", "", "run the app on this (empty) PostgreSQL database instead of SQLite")
	fs.BoolVar(&o.reportOnly, "report-only", false, "print a missed time target but exit 0 (correctness checks still fail)")
	fs.BoolVar(&o.keep, "keep", false, "keep the temporary directory")
	_ = fs.Parse(args)
	if o.slow {
		o.faults = false
	}
	if o.target == 0 {
		switch {
		case o.slow:
			o.target = 90 * time.Second // after Sinch is quick again
		case o.faults:
			o.target = 2 * time.Minute
		default:
			o.target = 30 * time.Second
		}
	}
	ctx := context.Background()
	failures, missed, err := runEngine(ctx, o)
	if err != nil {
		fmt.Fprintf(os.Stderr, "engine: %v\n", err)
		return 2
	}
	for _, f := range failures {
		fmt.Fprintln(os.Stderr, "engine: FAILED: "+f)
	}
	for _, m := range missed {
		fmt.Fprintln(os.Stderr, "engine: target missed: "+m)
	}
	switch {
	case len(failures) > 0, len(missed) > 0 && !o.reportOnly:
		return 1
	}
	fmt.Println("engine: all checks passed")
	return 0
}

func runEngine(ctx context.Context, o engineOptions) (failures, missed []string, err error) {
	dir, err := os.MkdirTemp("", "wabadesk-engine-")
	if err != nil {
		return nil, nil, err
	}
	if o.keep {
		fmt.Println("keeping", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	step("build the binary")
	bin, err := build(ctx, dir)
	if err != nil {
		return nil, nil, err
	}
	step("start the standalone sandbox")
	profile := map[bool]string{true: "faults"}[o.faults]
	if o.slow {
		profile = "slow"
	}
	sb, err := startSandbox(dir, bin, "", profile)
	if err != nil {
		return nil, nil, err
	}
	sbURL := sb.base
	defer func() { sb.stop() }()
	step("start the app")
	var extra []string
	if o.databaseURL != "" {
		extra = append(extra, "--database-url", o.databaseURL)
	}
	app, err := startServer(ctx, bin, dir, extra...)
	if err != nil {
		return nil, nil, err
	}
	defer func() { _ = app.stop() }()
	step(fmt.Sprintf("sign up %d organisations, each with a live connection to the sandbox", o.orgs))
	staff := make([]*staffClient, o.orgs)
	for i := range staff {
		if staff[i], err = signUpLive(ctx, app.base, sbURL, i); err != nil {
			return nil, nil, err
		}
	}
	if o.slow {
		for _, s := range staff {
			s.c.Timeout = 2 * time.Second // a person who gives up on a slow page
		}
	}
	step(fmt.Sprintf("submit %d clients from %d browsers (faults %v, kill %v, slow %v)", o.clients, o.conns, o.faults, o.kill, o.slow))
	var (
		next, acked, refused, gaveUp atomic.Int64
		wg                           sync.WaitGroup
		killed                       = make(chan struct{})
		killOnce                     sync.Once
	)
	start := time.Now()
	for range o.conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= o.clients {
					return
				}
				if o.kill && i == o.clients/2 {
					killOnce.Do(func() { close(killed) })
				}
				err := staff[i%o.orgs].submit(ctx, app.base, i)
				if o.slow && isTimeout(err) {
					gaveUp.Add(1) // the app has the client; the browser left
					continue
				}
				if err != nil {
					refused.Add(1)
					time.Sleep(200 * time.Millisecond) // the server is down: what a person would do
					continue
				}
				acked.Add(1)
			}
		}()
	}
	if o.kill {
		<-killed
		step("kill -9 the app in the middle of the burst, and start it again on the same data")
		_ = app.cmd.Process.Kill()
		<-app.done
		if app, err = startServer(ctx, bin, dir, extra...); err != nil {
			return nil, nil, err
		}
		for _, s := range staff {
			s.base = app.base
		}
	}
	wg.Wait()
	burst := time.Since(start)
	last := time.Now()
	fmt.Printf("    %d submissions in %.1f s: %d answered by the app, %d given up by the browser, %d failed (connection refused while it was down)\n",
		o.clients, burst.Seconds(), acked.Load(), gaveUp.Load(), refused.Load())
	expected := acked.Load() + gaveUp.Load()
	var before sbStats // counters of the sandbox before it was restarted
	if o.slow {
		time.Sleep(time.Until(start.Add(40 * time.Second)))
		step("Sinch answers quickly again (the sandbox restarts on its saved state, without latency)")
		if before, err = sandboxStats(sbURL); err != nil {
			return nil, nil, err
		}
		sb.stop()
		if sb, err = startSandbox(dir, bin, strings.TrimPrefix(sbURL, "http://"), ""); err != nil {
			return nil, nil, err
		}
		last = time.Now()
	}

	step("wait until every client is Onboarded")
	store, err := openStore(dir, o.databaseURL)
	if err != nil {
		return nil, nil, err
	}
	defer store.Close()
	var counts stageCounts
	for {
		if counts, err = countStages(ctx, store); err != nil {
			return nil, nil, err
		}
		if counts.total >= expected && counts.onboarded == counts.total {
			break
		}
		if time.Since(last) > o.settle {
			break
		}
		fmt.Printf("    +%5.1f s: %s\n", time.Since(last).Seconds(), counts)
		time.Sleep(2 * time.Second)
	}
	settled := time.Since(last)
	stats, err := sandboxStats(sbURL)
	if err != nil {
		return nil, nil, err
	}
	stats.CreatesReceived += before.CreatesReceived
	stats.CreatesRefusedExisting += before.CreatesRefusedExisting
	stats.Faults += before.Faults
	fmt.Printf("\nengine, %s: %d clients over %d organisations, faults %v, kill %v, slow %v, database %s\n", time.Now().UTC().Format("2006-01-02"),
		o.clients, o.orgs, o.faults, o.kill, o.slow, map[bool]string{true: "PostgreSQL", false: "SQLite"}[o.databaseURL != ""])
	after := "the last submission"
	if o.slow {
		after = "Sinch was quick again"
	}
	fmt.Printf("  burst %.1f s; all Onboarded %.1f s after %s (%s)\n", burst.Seconds(), settled.Seconds(), after, counts)
	fmt.Printf("  sandbox: %d accounts, %d creates received, %d refused because the account existed, %d faults injected\n",
		stats.Accounts, stats.CreatesReceived, stats.CreatesRefusedExisting, stats.Faults)
	if counts.total < expected {
		failures = append(failures, fmt.Sprintf("lost: %d submissions answered or given up on, %d clients stored", expected, counts.total))
	}
	if counts.onboarded != counts.total {
		failures = append(failures, fmt.Sprintf("%d of %d clients not Onboarded after %s (%s)", counts.total-counts.onboarded, counts.total, o.settle, counts))
	}
	if counts.draft > 0 {
		failures = append(failures, fmt.Sprintf("%d clients left as drafts", counts.draft))
	}
	if stats.Accounts != int(counts.total) {
		failures = append(failures, fmt.Sprintf("%d accounts at the sandbox for %d clients", stats.Accounts, counts.total))
	}
	if stats.CreatesRefusedExisting > 0 {
		failures = append(failures, fmt.Sprintf("%d creates sent after the account existed", stats.CreatesRefusedExisting))
	}
	if settled > o.target && counts.onboarded == counts.total {
		missed = append(missed, fmt.Sprintf("all Onboarded %.1f s after %s (within %s)", settled.Seconds(), after, o.target))
	}
	return failures, missed, nil
}

// sandboxProc is a running "wabadesk sandbox".
type sandboxProc struct {
	cmd  *exec.Cmd
	base string
}

// stop ends the sandbox as an operator would (it saves its state).
func (p *sandboxProc) stop() {
	_ = p.cmd.Process.Signal(os.Interrupt)
	_ = p.cmd.Wait()
}

// startSandbox runs "wabadesk sandbox" on addr (a free port when empty)
// with its state in dir and a profile: "faults" (the fault
// profile), "slow" (every call 0-40 s late) or "" (none).
func startSandbox(dir, bin, addr, profile string) (*sandboxProc, error) {
	if addr == "" {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		addr = ln.Addr().String()
		ln.Close()
	}
	args := []string{"sandbox", "--addr", addr, "--key-id", "engine", "--key-secret", "engine-secret", "--auto-approve",
		"--prepare-delay", "1s", "--review-delay", "1s", "--activate-delay", "1s", "--state", filepath.Join(dir, "sandbox.json")}
	switch profile {
	case "faults":
		args = append(args, "--fault-error-rate", "0.2", "--fault-drop-rate", "0.03", "--fault-lost-rate", "0.03",
			"--fault-429-every", "20s", "--fault-429-for", "1.5s", "--fault-retry-after", "2s",
			"--fault-latency", "2s", "--fault-latency-share", "0.25")
	case "slow":
		args = append(args, "--fault-latency", "40s", "--fault-latency-share", "1")
	}
	logf, err := os.OpenFile(filepath.Join(dir, "sandbox.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &sandboxProc{cmd: cmd, base: "http://" + addr}
	for range 100 {
		if _, err := sandboxStats(p.base); err == nil {
			return p, nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	p.stop()
	return nil, errors.New("the sandbox did not start")
}

// isTimeout reports whether a request ended because the client gave up.
func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// sbStats are the sandbox's counters (its /stats).
type sbStats struct {
	Accounts               int `json:"accounts"`
	CreatesReceived        int `json:"createsReceived"`
	CreatesRefusedExisting int `json:"createsRefusedExisting"`
	Faults                 int `json:"faultsInjected"`
}

func sandboxStats(base string) (sbStats, error) {
	var st sbStats
	res, err := http.Get(base + "/stats")
	if err != nil {
		return st, err
	}
	defer res.Body.Close()
	err = json.NewDecoder(res.Body).Decode(&st)
	return st, err
}

// staffClient is one organisation's owner in a browser of its own.
type staffClient struct {
	c    *http.Client
	base string
	org  int
}

func signUpLive(ctx context.Context, base, sinchURL string, i int) (*staffClient, error) {
	jar, _ := cookiejar.New(nil)
	s := &staffClient{c: &http.Client{Jar: jar, Timeout: 60 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}, base: base, org: i}
	if err := s.post(ctx, "/signup", url.Values{"organisation_name": {fmt.Sprintf("Reseller %d", i)}, "name": {"Owner"},
		"email": {fmt.Sprintf("owner%d@engine.test", i)}, "password": {"engine test password"}}); err != nil {
		return nil, fmt.Errorf("sign up: %w", err)
	}
	if err := s.post(ctx, "/settings/sinch", url.Values{"mode": {"live"}, "auth": {"basic"}, "key_id": {"engine"},
		"key_secret": {"engine-secret"}, "base_url": {sinchURL}, "token_url": {sinchURL + "/oauth2/token"}}); err != nil {
		return nil, fmt.Errorf("live connection: %w", err)
	}
	return s, nil
}

// submit creates client i with "Save and submit", as the form does.
func (s *staffClient) submit(ctx context.Context, base string, i int) error {
	project := make([]byte, 6)
	_, _ = rand.Read(project)
	return s.post(ctx, "/clients", url.Values{"name": {fmt.Sprintf("Client %04d", i)},
		"project_id":          {fmt.Sprintf("%08x-0000-4000-8000-%x", i, project)},
		"business_manager_id": {fmt.Sprintf("%d", 1_000_000_000+i)}, "legacy": {"false"},
		"waba_name": {fmt.Sprintf("Business %04d Ltd", i)}, "sender_display_name": {fmt.Sprintf("Business %04d", i)},
		"business_category": {"OTHER"}, "action": {"submit"}})
}

// post sends a form with the CSRF token and wants a 303.
func (s *staffClient) post(ctx context.Context, path string, form url.Values) error {
	u, _ := url.Parse(s.base + "/")
	csrf := ""
	for range 2 {
		for _, c := range s.c.Jar.Cookies(u) {
			if c.Name == "wabadesk_csrf" {
				csrf = c.Value
			}
		}
		if csrf != "" {
			break
		}
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.base+"/login", nil)
		res, err := s.c.Do(req)
		if err != nil {
			return err
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
	}
	form.Set("_csrf", csrf)
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, s.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := s.c.Do(req)
	if err != nil {
		return err
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		return fmt.Errorf("POST %s: %s: %.300s", path, res.Status, body)
	}
	return nil
}

func openStore(dir, databaseURL string) (*models.Store, error) {
	db, err := models.Open(databaseURL, filepath.Join(dir, "data"), models.Pool{MaxOpenConns: 2, MaxIdleConns: 1})
	if err != nil {
		return nil, err
	}
	return models.NewStore(db), nil
}

type stageCounts struct{ total, onboarded, draft, submitting, parked int64 }

func (c stageCounts) String() string {
	return fmt.Sprintf("%d clients: %d onboarded, %d submitting, %d drafts, %d parked", c.total, c.onboarded, c.submitting, c.draft, c.parked)
}

func countStages(ctx context.Context, store *models.Store) (stageCounts, error) {
	var c stageCounts
	err := store.DB().WithContext(ctx).Raw(`SELECT COUNT(*) AS total,
		SUM(CASE WHEN account_stage = 'onboarded' THEN 1 ELSE 0 END) AS onboarded,
		SUM(CASE WHEN account_stage = 'draft' THEN 1 ELSE 0 END) AS draft,
		SUM(CASE WHEN account_stage = 'queued' THEN 1 ELSE 0 END) AS submitting,
		SUM(CASE WHEN parked_reason <> '' THEN 1 ELSE 0 END) AS parked FROM clients`).Row().
		Scan(&c.total, nullInt{&c.onboarded}, nullInt{&c.draft}, nullInt{&c.submitting}, nullInt{&c.parked})
	return c, err
}

// nullInt scans a SUM that is NULL over no rows as 0.
type nullInt struct{ p *int64 }

func (n nullInt) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		*n.p = 0
	case int64:
		*n.p = x
	case []byte:
		_, err := fmt.Sscan(string(x), n.p)
		return err
	default:
		_, err := fmt.Sscan(fmt.Sprint(x), n.p)
		return err
	}
	return nil
}
