package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
)

// Accessibility and HTML validity checks for browser tests. Call them after
// each screenshot: tb.checkA11y(step) runs axe-core in the page and fails on
// any serious or critical violation; tb.checkHTML(step) saves the page's HTML
// next to the screenshots and, when the test ends, validates every saved page
// of the test with the Nu HTML checker in one java run, failing on any error.
//
// axe-core is vendored as testdata/axe.min.js (test-only; it never ships).
// The Nu checker is the npm package vnu-jar, installed by .ci/run into
// .ci/npm/node_modules (cd .ci/npm && npm ci --ignore-scripts). Without it,
// or without java, the HTML check is skipped locally and fails in CI.

const (
	axePath = "testdata/axe.min.js"
	vnuPath = ".ci/npm/node_modules/vnu-jar/build/dist/vnu.jar"
)

var axeSource = sync.OnceValues(func() (string, error) {
	b, err := os.ReadFile(axePath)
	return string(b), err
})

// axeViolation is the part of an axe-core result the report needs.
type axeViolation struct {
	ID      string `json:"id"`
	Impact  string `json:"impact"`
	Help    string `json:"help"`
	HelpURL string `json:"helpUrl"`
	Nodes   []struct {
		Target  []string `json:"target"`
		Summary string   `json:"failureSummary"`
	} `json:"nodes"`
}

// axeRun runs axe on the whole document and returns its violations.
const axeRun = `axe.run(document, {resultTypes: ["violations"]}).then(r => r.violations.map(v => ({
	id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
	nodes: v.nodes.map(n => ({target: n.target.map(String), failureSummary: n.failureSummary}))})))`

// checkA11y fails the test on any serious or critical axe-core violation in
// the current page, printing the rule, impact, elements and help for each.
// Moderate and minor findings are only logged.
func (tb *tab) checkA11y(step string) {
	tb.t.Helper()
	src, err := axeSource()
	if err != nil {
		tb.t.Fatalf("a11y %s: axe-core is vendored as %s: %v", step, axePath, err)
	}
	loaded, err := runAction(tb, chromedp.Evaluate[bool](`typeof window.axe === "object"`))
	if err != nil {
		tb.t.Fatalf("a11y %s: %v", step, err)
	}
	if !loaded {
		tb.do(chromedp.Evaluate[chromedp.Void](src))
	}
	violations, err := runAction(tb, chromedp.Evaluate[[]axeViolation](axeRun, chromedp.EvalAwaitPromise))
	if err != nil {
		tb.t.Fatalf("a11y %s: axe.run: %v", step, err)
	}
	for _, v := range violations {
		serious := v.Impact == "serious" || v.Impact == "critical"
		report := tb.t.Logf
		if serious {
			report = tb.t.Errorf
		}
		var b strings.Builder
		fmt.Fprintf(&b, "a11y %s (%s): %s [%s] %s (%s)", step, tb.path(), v.ID, v.Impact, v.Help, v.HelpURL)
		for _, n := range v.Nodes {
			fmt.Fprintf(&b, "\n    %s: %s", strings.Join(n.Target, " "), strings.ReplaceAll(n.Summary, "\n", "\n      "))
		}
		report("%s", b.String())
	}
}

// checkHTML saves the current page (doctype and DOM, as the browser has it
// now) as <screenshots>/<test>-<step>.html and queues it for the Nu HTML
// checker, which runs once for all of a test's pages when the test ends.
func (tb *tab) checkHTML(step string) {
	tb.t.Helper()
	html, err := runAction(tb, chromedp.Evaluate[string](
		`(document.doctype ? new XMLSerializer().serializeToString(document.doctype) + "\n" : "") + document.documentElement.outerHTML`))
	if err != nil {
		tb.t.Fatalf("html %s: %v", step, err)
	}
	file := filepath.Join(screenshotDir(tb.t), fmt.Sprintf("%s-%s.html", strings.ReplaceAll(tb.t.Name(), "/", "_"), step))
	if err := os.WriteFile(file, []byte(html), 0o644); err != nil {
		tb.t.Fatal(err)
	}
	htmlQueue.add(tb.t, file)
}

// htmlQueue holds each running test's saved pages until the test ends.
var htmlQueue = &pageQueue{files: map[*testing.T][]string{}}

type pageQueue struct {
	mu    sync.Mutex
	files map[*testing.T][]string
}

func (q *pageQueue) add(t *testing.T, file string) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if _, ok := q.files[t]; !ok {
		t.Cleanup(func() {
			q.mu.Lock()
			files := q.files[t]
			delete(q.files, t)
			q.mu.Unlock()
			validateHTML(t, files)
		})
	}
	q.files[t] = append(q.files[t], file)
}

// vnuMessage is one message of the Nu checker's JSON output.
type vnuMessage struct {
	Type      string `json:"type"`
	SubType   string `json:"subType"`
	URL       string `json:"url"`
	Line      int    `json:"lastLine"`
	Column    int    `json:"firstColumn"`
	Message   string `json:"message"`
	Extract   string `json:"extract"`
	HiliteLen int    `json:"hiliteLength"`
}

// validateHTML runs the Nu HTML checker on files and fails t on each error.
func validateHTML(t *testing.T, files []string) {
	t.Helper()
	java, err := exec.LookPath("java")
	if err == nil {
		_, err = os.Stat(vnuPath)
	}
	if err != nil {
		msg := fmt.Sprintf("HTML check of %d pages not run: needs java and %s (cd .ci/npm && npm ci --ignore-scripts): %v", len(files), vnuPath, err)
		if os.Getenv("CI") != "" {
			t.Error(msg)
		} else {
			t.Log(msg)
		}
		return
	}
	// C1 only and a bigger stack: starts in about half the time, and the
	// checker needs at least 512k of stack.
	cmd := exec.Command(java, append([]string{"-XX:TieredStopAtLevel=1", "-Xss2m", "-jar", vnuPath, "--format", "json", "--exit-zero-always"}, files...)...)
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Errorf("Nu HTML checker: %v\n%s", err, stderr.String())
		return
	}
	var out struct{ Messages []vnuMessage }
	// --format json writes the report to stderr.
	report := stderr.String()
	if strings.TrimSpace(report) == "" {
		report = stdout.String()
	}
	if err := json.Unmarshal([]byte(report), &out); err != nil {
		t.Errorf("Nu HTML checker output: %v\n%s", err, report)
		return
	}
	for _, m := range out.Messages {
		where := fmt.Sprintf("%s:%d:%d", filepath.Base(m.URL), m.Line, m.Column)
		switch m.Type {
		case "error", "non-document-error":
			t.Errorf("html %s: %s\n    %s", where, m.Message, strings.TrimSpace(m.Extract))
		default:
			t.Logf("html %s (%s %s): %s", where, m.Type, m.SubType, m.Message)
		}
	}
}

// screenshotDir is where shot saves its images; checkHTML saves pages there too.
func screenshotDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("WABADESK_SCREENSHOTS")
	if dir == "" {
		dir = "screenshots"
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}
