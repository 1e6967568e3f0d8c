package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"wabadesk/models/modelstest"
)

// server runs the real app on dataDir until stop is called.
func server(t *testing.T, dataDir string) (base string, stop func()) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cfg, err := loadConfig([]string{"--addr", addr, "--data-dir", dataDir}, func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil))) }()
	for range 100 {
		if res, err := http.Get(cfg.BaseURL + "/healthz"); err == nil {
			res.Body.Close()
			var once sync.Once
			return cfg.BaseURL, func() { once.Do(func() { cancel(); <-done }) }
		}
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	t.Fatalf("app did not start: %v", <-done)
	return "", nil
}

// staff is a person at the pages, over plain HTTP with cookies.
type staff struct {
	t    *testing.T
	base string
	c    *http.Client
}

func newStaff(t *testing.T, base string) *staff {
	jar, _ := cookiejar.New(nil)
	return &staff{t: t, base: base, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (s *staff) post(path string, form url.Values) int {
	if s.csrf() == "" {
		s.get("/login")
	}
	form.Set("_csrf", s.csrf())
	res, err := s.c.PostForm(s.base+path, form)
	if err != nil {
		return 0
	}
	res.Body.Close()
	return res.StatusCode
}

func (s *staff) get(path string) string {
	res, err := s.c.Get(s.base + path)
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return string(b)
}

func (s *staff) csrf() string {
	u, _ := url.Parse(s.base)
	for _, c := range s.c.Jar.Cookies(u) {
		if c.Name == "wabadesk_csrf" {
			return c.Value
		}
	}
	return ""
}

var allCount = regexp.MustCompile(`<span class="n">(\d+)</span>\s*<span class="l">All</span>`)

func (s *staff) clients() int {
	m := allCount.FindStringSubmatch(s.get("/clients"))
	if m == nil {
		s.t.Fatal("no client count on the list")
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// TestBackupOfARunningServerRestoresIntoAWorkingOne: a backup taken while
// clients are being created holds a consistent database that a fresh
// data directory (with the same keys) serves.
func TestBackupOfARunningServerRestoresIntoAWorkingOne(t *testing.T) {
	if modelstest.URL(t) != "" {
		t.Skip("SQLite's backup; PostgreSQL uses pg_dump (README)")
	}
	dir := t.TempDir()
	base, stop := server(t, dir)
	defer stop()
	owner := newStaff(t, base)
	if code := owner.post("/signup", url.Values{"organisation_name": {"Acme"}, "name": {"Olga"}, "email": {"olga@acme.test"},
		"password": {"correct horse battery"}}); code != http.StatusSeeOther {
		t.Fatalf("signup: %d", code)
	}
	var created atomic.Int64
	writing, stopWriting := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for w := range 2 { // two colleagues keep adding drafts
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; writing.Err() == nil; i++ {
				if owner.post("/clients", url.Values{"name": {"Client " + strconv.Itoa(w) + "-" + strconv.Itoa(i)}, "action": {"draft"}}) == http.StatusSeeOther {
					created.Add(1)
				}
			}
		}()
	}
	for created.Load() < 20 {
		time.Sleep(10 * time.Millisecond)
	}
	file := filepath.Join(t.TempDir(), "wabadesk-backup.db")
	var out bytes.Buffer
	if err := runBackup([]string{"--data-dir", dir, file}, &out); err != nil {
		t.Fatal(err)
	}
	atBackup := created.Load()
	for created.Load() < atBackup+20 { // writes go on after the copy
		time.Sleep(10 * time.Millisecond)
	}
	stopWriting()
	wg.Wait()
	if !strings.Contains(out.String(), "encryption.key") {
		t.Errorf("the backup's output does not remind of the keys:\n%s", out.String())
	}
	if err := runBackup([]string{"--data-dir", dir, file}, io.Discard); err == nil || !strings.Contains(err.Error(), "exists") {
		t.Errorf("a backup over an existing file: %v", err)
	}
	// The server holds its data directory: no restore under it.
	if err := runRestore([]string{"--data-dir", dir, file}, io.Discard); err == nil || !strings.Contains(err.Error(), "running") {
		t.Errorf("a restore under a running server: %v", err)
	}
	stop()

	restored := t.TempDir()
	for _, key := range []string{"encryption.key", "session.key"} {
		b, err := os.ReadFile(filepath.Join(dir, key))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(restored, key), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	out.Reset()
	if err := runRestore([]string{"--data-dir", restored, file}, &out); err != nil {
		t.Fatal(err)
	}
	base2, stop2 := server(t, restored)
	defer stop2()
	again := newStaff(t, base2)
	if code := again.post("/login", url.Values{"email": {"olga@acme.test"}, "password": {"correct horse battery"}}); code != http.StatusSeeOther {
		t.Fatalf("log in to the restored server: %d", code)
	}
	n := again.clients()
	if n < 20 || int64(n) > atBackup+2 { // the two writes in flight at the copy may be in it
		t.Fatalf("the restored server has %d clients; %d were created when the backup began and %d when it ended", n, 20, atBackup)
	}
	if code := again.post("/clients", url.Values{"name": {"After the restore"}, "action": {"draft"}}); code != http.StatusSeeOther {
		t.Fatalf("the restored server takes no writes: %d", code)
	}
	if got := again.clients(); got != n+1 {
		t.Fatalf("after one more client: %d, want %d", got, n+1)
	}
	bad := filepath.Join(t.TempDir(), "notes.db")
	_ = os.WriteFile(bad, []byte("not a database"), 0o600)
	if err := runRestore([]string{"--data-dir", t.TempDir(), bad}, io.Discard); err == nil {
		t.Error("a file that is not a backup was restored")
	}
}
