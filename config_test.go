package main

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"wabadesk/models"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestConfigDefaultsGenerateAndKeepSecret(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	cfg, err := loadConfig([]string{"--data-dir", dir}, env(nil), &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Addr != "127.0.0.1:8080" || cfg.BaseURL != "http://127.0.0.1:8080" {
		t.Fatalf("defaults: addr %q base %q", cfg.Addr, cfg.BaseURL)
	}
	info, err := os.Stat(filepath.Join(dir, "session.key"))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("secret file: %v %v", info, err)
	}
	again, _ := loadConfig([]string{"--data-dir", dir}, env(nil), &bytes.Buffer{})
	if again.SessionSecret != cfg.SessionSecret || len(cfg.SessionSecret) < 32 {
		t.Fatal("the generated secret was not kept between runs")
	}
}

func TestConfigFlagOverridesEnv(t *testing.T) {
	cfg, err := loadConfig([]string{"--addr", "127.0.0.1:9999"},
		env(map[string]string{"WABADESK_ADDR": "127.0.0.1:7777", "WABADESK_DATA_DIR": t.TempDir(), "WABADESK_SIGNUP": "invite"}), &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Addr != "127.0.0.1:9999" || cfg.Signup != "invite" {
		t.Fatalf("addr %q signup %q", cfg.Addr, cfg.Signup)
	}
}

func TestConfigValidationMessages(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, nil, 0o600)
	_, err := loadConfig([]string{"--addr", "nonsense", "--data-dir", file, "--session-secret", "short",
		"--signup", "maybe", "--base-url", "ftp://x", "--log-level", "loud"}, env(nil), &bytes.Buffer{})
	if err == nil {
		t.Fatal("bad configuration accepted")
	}
	for _, want := range []string{"addr \"nonsense\"", "data-dir", "session-secret is too short", "signup \"maybe\"", "base-url", "log-level"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message lacks %q:\n%v", want, err)
		}
	}
}

func TestHelpListsEveryVariable(t *testing.T) {
	var out bytes.Buffer
	_, err := loadConfig([]string{"--help"}, env(nil), &out)
	if !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("err = %v", err)
	}
	var c config
	for _, s := range c.settings() {
		if !strings.Contains(out.String(), s.env) || !strings.Contains(out.String(), "--"+s.flag) {
			t.Errorf("--help lacks %s / --%s", s.env, s.flag)
		}
	}
}

func TestConfigDatabase(t *testing.T) {
	dir := t.TempDir()
	cfg, err := loadConfig([]string{"--data-dir", dir}, env(map[string]string{
		"WABADESK_DATABASE_URL": "postgres://desk:s3cret@db.internal:5432/wabadesk", "WABADESK_DB_MAX_OPEN_CONNS": "8"}), &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.DatabaseURL != "postgres://desk:s3cret@db.internal:5432/wabadesk" || cfg.Pool.MaxOpenConns != 8 ||
		cfg.Pool.MaxIdleConns != 10 || cfg.Pool.ConnMaxLifetime.Minutes() != 30 {
		t.Fatalf("database config %+v", cfg)
	}
	_, err = loadConfig([]string{"--data-dir", dir, "--database-url", "mysql://root:s3cret@x/db", "--db-max-open-conns", "0",
		"--db-max-idle-conns", "-1", "--db-conn-max-lifetime", "soon"}, env(nil), &bytes.Buffer{})
	for _, want := range []string{"database-url: use postgres://", "db-max-open-conns \"0\"", "db-max-idle-conns \"-1\"", "db-conn-max-lifetime \"soon\""} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("message lacks %q:\n%v", want, err)
		}
	}
	if err != nil && strings.Contains(err.Error(), "s3cret") {
		t.Errorf("the message repeats the password:\n%v", err)
	}
}

func TestStuckAfterOverridesDefaults(t *testing.T) {
	cfg, err := loadConfig([]string{"--data-dir", t.TempDir(), "--stuck-after", "meta_approval=72h, verification=2h"}, env(nil), &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Stuck[models.StageMetaApproval] != 72*time.Hour || cfg.Stuck[models.StageVerification] != 2*time.Hour ||
		cfg.Stuck[models.StagePreparing] != models.DefaultStuckAfter[models.StagePreparing] {
		t.Fatalf("thresholds %v", cfg.Stuck)
	}
	for _, bad := range []string{"meta_approval", "nowhere=1h", "verification=soon", "active=1h"} {
		if _, err := loadConfig([]string{"--data-dir", t.TempDir(), "--stuck-after", bad}, env(nil), &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "stuck-after") {
			t.Errorf("%q accepted: %v", bad, err)
		}
	}
}

func TestMailSettings(t *testing.T) {
	cfg, err := loadConfig([]string{"--data-dir", t.TempDir(), "--base-url", "https://desk.example.com"}, env(nil), &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.Mail.Outbox() || cfg.From.Address != "no-reply@desk.example.com" || len(cfg.Remind[models.StageVerification]) != 2 {
		t.Fatalf("defaults: outbox %v, from %v, remind %v", cfg.Mail.Outbox(), cfg.From, cfg.Remind)
	}
	cfg, err = loadConfig([]string{"--data-dir", t.TempDir(), "--smtp-url", "smtp://desk:s3cret@mail.example.com:587",
		"--mail-from", "Desk <desk@example.com>", "--remind-after", "verification=2h"}, env(nil), &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Mail.Outbox() || cfg.Mail.Describe() != "SMTP server mail.example.com:587 as desk" || cfg.From.Name != "Desk" || cfg.Remind[models.StageVerification][0] != 2*time.Hour {
		t.Fatalf("set: %s, %v, %v", cfg.Mail.Describe(), cfg.From, cfg.Remind)
	}
	for flag, bad := range map[string]string{"smtp-url": "smtp://desk:s3cret@mail.example.com?tls=none", "mail-from": "not an address", "remind-after": "active=1h"} {
		_, err := loadConfig([]string{"--data-dir", t.TempDir(), "--" + flag, bad}, env(nil), &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), flag) || strings.Contains(err.Error(), "s3cret") {
			t.Errorf("--%s %q: %v", flag, bad, err)
		}
	}
}
