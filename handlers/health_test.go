package handlers_test

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// lockedBuffer is a log sink the server may write to while the test reads.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}
func (l *lockedBuffer) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

func TestReadyzRefusesADatabaseThatTakesNoWritesAndLogsItOnce(t *testing.T) {
	logs := &lockedBuffer{}
	app := mustApp(t, func(s *appSetup) { s.cfg.Logger = slog.New(slog.NewTextHandler(logs, nil)) })
	db := app.store.DB()
	if db.Dialector.Name() != "sqlite" {
		t.Skip("the failing write is simulated with SQLite triggers")
	}
	ready := func() (int, string) {
		res, err := http.Get(app.srv.URL + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	if code, _ := ready(); code != http.StatusOK {
		t.Fatalf("a healthy database: %d", code)
	}
	// Reads still work; every write fails, as on a full disk.
	for _, op := range []string{"INSERT", "UPDATE"} {
		if err := db.Exec("CREATE TRIGGER full_" + op + " BEFORE " + op + " ON write_checks BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END").Error; err != nil {
			t.Fatal(err)
		}
	}
	for range 3 {
		if code, body := ready(); code != http.StatusServiceUnavailable || body != "database takes no writes" {
			t.Fatalf("a database that takes no writes: %d %q", code, body)
		}
	}
	if n := strings.Count(logs.String(), "not ready"); n != 1 || !strings.Contains(logs.String(), "disk is full") {
		t.Fatalf("logged %d times, want once with the reason:\n%s", n, logs.String())
	}
	for _, op := range []string{"INSERT", "UPDATE"} {
		db.Exec("DROP TRIGGER full_" + op)
	}
	if code, _ := ready(); code != http.StatusOK || strings.Count(logs.String(), "ready again") != 1 {
		t.Fatalf("after the disk is freed: %d\n%s", code, logs.String())
	}
}
