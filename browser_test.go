package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"wabadesk/models/modelstest"
)

// Browser tests drive Debian's Chromium against the real application started
// exactly as `go run .` starts it. Screenshots of every step go to
// ./screenshots (or $WABADESK_SCREENSHOTS). Without Chromium they are skipped
// locally and fail in CI, where .ci/run installs it.

func chromePath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("Chromium is not installed; .ci/run should have installed it")
	}
	t.Skip("Chromium not installed: apt-get install chromium to run browser tests")
	return ""
}

// startApp runs the real server (run, as main calls it) on a free loopback
// port with a fresh data directory and returns its base URL.
func startApp(t *testing.T, extraArgs ...string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	args := append([]string{"--addr", addr, "--data-dir", t.TempDir()}, extraArgs...)
	if dbURL := modelstest.URL(t); dbURL != "" { // the PostgreSQL pass of .ci/run
		args = append(args, "--database-url", dbURL)
	}
	cfg, err := loadConfig(args, func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil))) }()
	t.Cleanup(func() { cancel(); <-done })
	for i := 0; i < 100; i++ {
		if res, err := http.Get(cfg.BaseURL + "/healthz"); err == nil {
			res.Body.Close()
			return cfg.BaseURL
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("app did not start")
	return ""
}

// tab is one browser window (its own cookies) with a viewport size.
type tab struct {
	t    *testing.T
	ctx  context.Context
	base string
	name string
}

func newTab(t *testing.T, base, name string, width, height int64) *tab {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromePath(t)),
		chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-component-update", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancel(); cancelAlloc() })
	tb := &tab{t: t, ctx: ctx, base: base, name: name}
	// Start the browser on the tab's own context: the first action binds the
	// browser's lifetime to the context it runs in.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, height)); err != nil {
		t.Fatalf("%s: start Chromium: %v", name, err)
	}
	return tb
}

func (tb *tab) do(actions ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	// A missing element would wait forever: fail the step after 15 s instead.
	ctx, cancel := context.WithTimeout(tb.ctx, 15*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		tb.t.Fatalf("%s: %v", tb.name, err)
	}
}

// open navigates to a path (or absolute URL) and waits for the page.
func (tb *tab) open(path string) {
	tb.t.Helper()
	if !strings.HasPrefix(path, "http") {
		path = tb.base + path
	}
	res, err := runAction(tb, chromedp.NavigateResponse(path))
	if err != nil {
		tb.t.Fatalf("%s: open %s: %v", tb.name, path, err)
	}
	tb.checkStatus("open "+path, res)
	tb.do(chromedp.WaitReady(chromedp.CSS("body")))
}

// checkStatus fails the test on a server error: a 500 on any journey page
// fails CI even when the page looks fine.
func (tb *tab) checkStatus(what string, res *network.Response) {
	tb.t.Helper()
	if res != nil && res.Status >= 500 {
		tb.shot("server-error")
		tb.t.Fatalf("%s: %s answered HTTP %d", tb.name, what, res.Status)
	}
}

// fill types into the input matching the CSS selector.
func (tb *tab) fill(sel, value string) {
	tb.t.Helper()
	err := againIfStale(func() error { // swapped by a live refresh: type again
		ctx, cancel := context.WithTimeout(tb.ctx, 15*time.Second)
		defer cancel()
		return chromedp.Do(ctx, chromedp.Clear(chromedp.CSS(sel)), chromedp.SendKeys(chromedp.CSS(sel), value))
	})
	if err != nil {
		tb.t.Fatalf("%s: fill %s: %v", tb.name, sel, err)
	}
}

// submit clicks sel (a submit button or a link) and waits for the next page
// to load; an error status fails the test.
func (tb *tab) submit(sel string) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 15*time.Second)
	defer cancel()
	var res *network.Response
	err := againIfStale(func() (err error) {
		res, err = chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel)))
		return err
	})
	if err != nil {
		tb.t.Fatalf("%s: submit %s: %v", tb.name, sel, err)
	}
	tb.checkStatus("submit "+sel, res)
	tb.do(chromedp.WaitReady(chromedp.CSS("body")))
}

// runAction runs one action that returns a value, with the same 15 s limit
// as do.
func runAction[T any](tb *tab, a chromedp.Action[T]) (v T, err error) {
	ctx, cancel := context.WithTimeout(tb.ctx, 15*time.Second)
	defer cancel()
	err = againIfStale(func() (err error) {
		v, err = chromedp.Run(ctx, a)
		return err
	})
	return v, err
}

func (tb *tab) text(sel string) string {
	tb.t.Helper()
	s, err := runAction(tb, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		tb.t.Fatalf("%s: text %s: %v", tb.name, sel, err)
	}
	return strings.TrimSpace(s)
}

func (tb *tab) value(sel string) string {
	tb.t.Helper()
	s, err := runAction(tb, chromedp.Value(chromedp.CSS(sel)))
	if err != nil {
		tb.t.Fatalf("%s: value %s: %v", tb.name, sel, err)
	}
	return s
}

func (tb *tab) path() string {
	loc, err := runAction(tb, chromedp.Location())
	if err != nil {
		tb.t.Fatal(err)
	}
	return strings.TrimPrefix(loc, tb.base)
}

// expectText fails unless the element's text contains want within a few
// seconds (scripts and redirects take a moment).
func (tb *tab) expectText(sel, want string) {
	tb.t.Helper()
	var got string
	for i := 0; i < 30; i++ {
		if got = tb.text(sel); strings.Contains(got, want) {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	tb.t.Fatalf("%s: %s = %q, want it to contain %q", tb.name, sel, got, want)
}

// shot saves a full-page screenshot as <dir>/<test>-<step>.png.
func (tb *tab) shot(step string) {
	tb.t.Helper()
	png, err := runAction(tb, chromedp.FullScreenshot(100))
	if err != nil {
		tb.t.Fatalf("screenshot %s: %v", step, err)
	}
	dir := os.Getenv("WABADESK_SCREENSHOTS")
	if dir == "" {
		dir = "screenshots"
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.t.Fatal(err)
	}
	file := filepath.Join(dir, fmt.Sprintf("%s-%s.png", strings.ReplaceAll(tb.t.Name(), "/", "_"), step))
	if !bytes.HasPrefix(png, []byte("\x89PNG")) {
		tb.t.Fatalf("screenshot %s is not an image", step)
	}
	if err := os.WriteFile(file, png, 0o644); err != nil {
		tb.t.Fatal(err)
	}
}

// chromedpSetSelect picks an option of a select by value.
func chromedpSetSelect(sel, value string) chromedp.Action[chromedp.Void] {
	return chromedp.SetValue(chromedp.CSS(sel), value)
}

// page saves the step's screenshot and runs the accessibility and HTML
// checks on it: every page of ours a journey visits goes through all three.
func (tb *tab) page(step string) {
	tb.t.Helper()
	tb.shot(step)
	tb.checkA11y(step)
	tb.checkHTML(step)
}

// againIfStale runs f up to four times while it fails on a node that a
// live refresh swapped between finding and using it: the node is found
// again, as a person's second look or click would.
func againIfStale(f func() error) error {
	err := f()
	for i := 0; err != nil && isStaleNode(err) && i < 3; i++ {
		time.Sleep(100 * time.Millisecond)
		err = f()
	}
	return err
}

// isStaleNode reports chromedp's error for a node removed from the page
// while an action used it (live regions replace their content).
func isStaleNode(err error) bool {
	return strings.Contains(err.Error(), "Could not find node") || strings.Contains(err.Error(), "No node with given id")
}

// signup creates the organisation "Acme Messaging" with owner Ana Lima
// (ana@acme.test / "correct horse battery") through the sign-up form.
func (tb *tab) signup() {
	tb.t.Helper()
	tb.open("/signup")
	tb.fill("#f-organisation_name", "Acme Messaging")
	tb.fill("#f-name", "Ana Lima")
	tb.fill("#f-email", "ana@acme.test")
	tb.fill("#f-password", "correct horse battery")
	tb.submit("button[type=submit]")
}

// login logs in through the log-in form.
func (tb *tab) login(email, password string) {
	tb.t.Helper()
	tb.open("/login")
	tb.fill("#f-email", email)
	tb.fill("#f-password", password)
	tb.submit("button[type=submit]")
}

// invite creates an invite on the staff page and returns its link.
func (tb *tab) invite(email, role string) string {
	tb.t.Helper()
	tb.open("/staff")
	tb.fill("#f-email", email)
	tb.do(chromedpSetSelect("#f-role", role))
	tb.submit("form[action='/staff/invites'] button[type=submit]")
	return tb.value("#invite-link")
}

// join accepts an invite link as a new colleague.
func (tb *tab) join(link, name string) {
	tb.t.Helper()
	tb.open(link)
	tb.fill("#f-name", name)
	tb.fill("#f-password", "another good password")
	tb.submit("button[type=submit]")
}

// createClient fills the new-client form for Padaria Estrela on project
// and Business Manager bm, and presses button (save-submit or save-draft).
func (tb *tab) createClient(project, bm, button string) {
	tb.t.Helper()
	tb.open("/clients/new")
	tb.fill("#f-name", "Padaria Estrela")
	tb.fill("#f-project_id", project)
	tb.fill("#f-business_manager_id", bm)
	tb.fill("#f-waba_name", "Padaria Estrela Ltda")
	tb.fill("#f-sender_display_name", "Padaria Estrela")
	tb.do(chromedp.SetValue(chromedp.CSS("#f-business_category"), "FOOD_AND_GROCERY"))
	tb.submit("[data-testid=" + button + "]")
}
