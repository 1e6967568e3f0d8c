package main

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"net"
	netmail "net/mail"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"wabadesk/mail"
	"wabadesk/models"
)

// config is everything an operator can set. Each field comes from an
// environment variable, and a flag of the same name overrides it.
type config struct {
	Addr          string
	DataDir       string
	BaseURL       string
	SessionSecret string
	Signup        string
	LogLevel      string
	LogFormat     string

	DatabaseURL       string
	DBMaxOpenConns    string
	DBMaxIdleConns    string
	DBConnMaxLifetime string
	Pool              models.Pool // parsed from the three DB* settings by validate
	StuckAfter        string
	SessionIdle       string
	SessionLifetime   string
	Sessions          models.SessionLimits           // parsed from SessionIdle and SessionLifetime by validate
	Stuck             map[models.Stage]time.Duration // parsed from StuckAfter by validate
	EncryptionKey     string
	Cipher            *models.Cipher // built from EncryptionKey by validate
	SMTPURL           string
	MailFrom          string
	RemindAfter       string
	Mail              mail.Transport // parsed from SMTPURL by validate: SMTP, or the outbox
	From              netmail.Address
	Remind            mail.Cadence
	MetricsAddr       string
	MetricsToken      string
}

// setting documents one configuration knob for --help and the README.
type setting struct {
	flag, env, def, help string
	dst                  *string
}

func (c *config) settings() []setting {
	return []setting{
		{"addr", "WABADESK_ADDR", "127.0.0.1:8080", "host:port to listen on", &c.Addr},
		{"data-dir", "WABADESK_DATA_DIR", "data", "directory for the SQLite database and generated secrets", &c.DataDir},
		{"base-url", "WABADESK_BASE_URL", "", "public URL of this server, used in links and webhooks (default http://<addr>)", &c.BaseURL},
		{"session-secret", "WABADESK_SESSION_SECRET", "", "32+ character secret for session cookies (default: generated into <data-dir>/session.key)", &c.SessionSecret},
		{"signup", "WABADESK_SIGNUP", "open", "who may create an organisation: open (anyone) or invite (only the first visitor; then by invite)", &c.Signup},
		{"log-level", "WABADESK_LOG_LEVEL", "info", "debug, info, warn or error", &c.LogLevel},
		{"log-format", "WABADESK_LOG_FORMAT", "text", "text or json", &c.LogFormat},
		{"database-url", "WABADESK_DATABASE_URL", "", "postgres://user:password@host:5432/dbname to use PostgreSQL (default: SQLite in <data-dir>/wabadesk.db)", &c.DatabaseURL},
		{"db-max-open-conns", "WABADESK_DB_MAX_OPEN_CONNS", "20", "PostgreSQL: most connections this instance opens", &c.DBMaxOpenConns},
		{"db-max-idle-conns", "WABADESK_DB_MAX_IDLE_CONNS", "10", "PostgreSQL: idle connections kept for reuse (capped at db-max-open-conns)", &c.DBMaxIdleConns},
		{"db-conn-max-lifetime", "WABADESK_DB_CONN_MAX_LIFETIME", "30m", "PostgreSQL: replace a connection after this long, like 30m or 1h (0: never)", &c.DBConnMaxLifetime},
		{"encryption-key", "WABADESK_ENCRYPTION_KEY", "", "32 random bytes as hex or base64 that encrypt Sinch key secrets at rest (default: generated into <data-dir>/encryption.key)", &c.EncryptionKey},
		{"session-idle", "WABADESK_SESSION_IDLE", "72h", "log staff out after this long without a request, like 12h or 72h", &c.SessionIdle},
		{"session-lifetime", "WABADESK_SESSION_LIFETIME", "336h", "log staff out this long after they logged in, whatever their activity (336h: 14 days)", &c.SessionLifetime},
		{"smtp-url", "WABADESK_SMTP_URL", "", "smtp://user:password@host:587 (STARTTLS), smtps://user:password@host:465 (TLS), or smtp://127.0.0.1:25?tls=none for a relay on this machine (default: no sending; every e-mail goes to the outbox page)", &c.SMTPURL},
		{"mail-from", "WABADESK_MAIL_FROM", "", "sender address of e-mail, like \"wabadesk <desk@example.com>\" (default: wabadesk <no-reply@host of base-url>)", &c.MailFrom},
		{"remind-after", "WABADESK_REMIND_AFTER", "", "when business clients are reminded, like meta_approval=24h,72h,168h,verification=1h,24h (the default; at Meta weekly after the last until the request expires)", &c.RemindAfter},
		{"stuck-after", "WABADESK_STUCK_AFTER", "", "override 'needs attention' thresholds per stage, like meta_approval=72h,verification=12h (defaults in the README)", &c.StuckAfter},
		{"metrics-addr", "WABADESK_METRICS_ADDR", "", "host:port to serve Prometheus metrics on at /metrics, apart from the app (default: off)", &c.MetricsAddr},
		{"metrics-token", "WABADESK_METRICS_TOKEN", "", "serve /metrics on the app's own address to scrapers sending Authorization: Bearer <this token> (16+ characters; default: off)", &c.MetricsToken},
	}
}

// loadConfig reads the environment, then flags, then validates. Errors are
// written for a person at a terminal.
func loadConfig(args []string, getenv func(string) string, out io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("wabadesk", flag.ContinueOnError)
	fs.SetOutput(out)
	for _, s := range c.settings() {
		def := s.def
		if v := getenv(s.env); v != "" {
			def = v
		}
		fs.StringVar(s.dst, s.flag, def, s.help)
	}
	fs.Usage = func() { usage(out, c.settings()) }
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected argument %q (run with --help)", fs.Arg(0))
	}
	return c, c.validate()
}

func usage(out io.Writer, settings []setting) {
	fmt.Fprintln(out, "wabadesk: WhatsApp onboarding desk for Sinch resellers.")
	fmt.Fprintln(out, "\nUsage:\n  wabadesk [flags]            run the web app\n  wabadesk sandbox [flags]    run only the Sinch sandbox API (see: wabadesk sandbox --help)\n  wabadesk backup FILE        copy the SQLite database, also while the server runs (--data-dir)\n  wabadesk restore FILE       put a backup in place, the server stopped (--data-dir)")
	fmt.Fprintln(out, "\nEvery flag can also be set by its environment variable; the flag wins.")
	for _, s := range settings {
		def := s.def
		if def == "" {
			def = "-"
		}
		fmt.Fprintf(out, "\n  --%s  (%s, default %s)\n      %s\n", s.flag, s.env, def, s.help)
	}
}

func (c *config) validate() error {
	var errs []error
	host, port, err := net.SplitHostPort(c.Addr)
	if n, perr := strconv.Atoi(port); err != nil || perr != nil || n < 0 || n > 65535 {
		errs = append(errs, fmt.Errorf("addr %q: use host:port, like 127.0.0.1:8080", c.Addr))
	}
	if c.BaseURL == "" {
		if host == "" || host == "0.0.0.0" || host == "::" {
			host = "127.0.0.1"
		}
		c.BaseURL = "http://" + net.JoinHostPort(host, port)
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	if c.MetricsAddr != "" {
		if _, _, err := net.SplitHostPort(c.MetricsAddr); err != nil {
			errs = append(errs, fmt.Errorf("metrics-addr %q: use host:port, like 127.0.0.1:9090", c.MetricsAddr))
		}
	}
	if c.MetricsToken != "" && len(c.MetricsToken) < 16 {
		errs = append(errs, fmt.Errorf("metrics-token: use at least 16 characters (it guards /metrics on the public address)"))
	}
	if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" {
		errs = append(errs, fmt.Errorf("base-url %q: use an absolute http(s) URL, like https://desk.example.com", c.BaseURL))
	}
	if c.Signup != "open" && c.Signup != "invite" {
		errs = append(errs, fmt.Errorf("signup %q: use open or invite", c.Signup))
	}
	if !slices.Contains([]string{"debug", "info", "warn", "error"}, c.LogLevel) {
		errs = append(errs, fmt.Errorf("log-level %q: use debug, info, warn or error", c.LogLevel))
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		errs = append(errs, fmt.Errorf("log-format %q: use text or json", c.LogFormat))
	}
	errs = append(errs, c.validateDatabase(), c.parseStuck(), c.parseSessions(), c.parseMail())
	if err := checkWritableDir(c.DataDir); err != nil {
		errs = append(errs, fmt.Errorf("data-dir %q is not a writable directory: %w", c.DataDir, err))
	} else if c.SessionSecret == "" {
		c.SessionSecret, err = secretFile(filepath.Join(c.DataDir, "session.key"))
		errs = append(errs, err)
	}
	if len(c.SessionSecret) < 32 {
		errs = append(errs, fmt.Errorf("session-secret is too short: use at least 32 characters (or leave it empty to generate one)"))
	}
	errs = append(errs, c.loadCipher())
	return errors.Join(errs...)
}

// loadCipher parses the encryption key, generating one into the data
// directory on first run. The key is never echoed: it guards secrets.
func (c *config) loadCipher() error {
	from := "encryption-key"
	if c.EncryptionKey == "" {
		if checkWritableDir(c.DataDir) != nil {
			return nil // already reported
		}
		var err error
		if c.EncryptionKey, err = secretFile(filepath.Join(c.DataDir, "encryption.key")); err != nil {
			return err
		}
		from = filepath.Join(c.DataDir, "encryption.key")
	}
	key, err := models.ParseKey(c.EncryptionKey)
	if err != nil {
		return fmt.Errorf("%s: %w", from, err)
	}
	c.Cipher, err = models.NewCipher(key)
	return err
}

// validateDatabase checks the database URL (without echoing it: it may hold
// a password) and parses the pool settings into c.Pool.
func (c *config) validateDatabase() error {
	var errs []error
	if c.DatabaseURL != "" {
		if u, err := url.Parse(c.DatabaseURL); err != nil || !models.IsPostgresURL(c.DatabaseURL) || u.Host == "" {
			errs = append(errs, fmt.Errorf("database-url: use postgres://user:password@host:5432/dbname (or leave it empty for SQLite)"))
		}
	}
	var err error
	if c.Pool.MaxOpenConns, err = strconv.Atoi(c.DBMaxOpenConns); err != nil || c.Pool.MaxOpenConns < 1 {
		errs = append(errs, fmt.Errorf("db-max-open-conns %q: use a whole number of at least 1", c.DBMaxOpenConns))
	}
	if c.Pool.MaxIdleConns, err = strconv.Atoi(c.DBMaxIdleConns); err != nil || c.Pool.MaxIdleConns < 0 {
		errs = append(errs, fmt.Errorf("db-max-idle-conns %q: use a whole number of 0 or more", c.DBMaxIdleConns))
	}
	if c.Pool.ConnMaxLifetime, err = time.ParseDuration(c.DBConnMaxLifetime); err != nil || c.Pool.ConnMaxLifetime < 0 {
		errs = append(errs, fmt.Errorf("db-conn-max-lifetime %q: use a duration like 30m or 1h, or 0 for never", c.DBConnMaxLifetime))
	}
	return errors.Join(errs...)
}

// checkWritableDir creates dir if needed and proves we can write into it.
func checkWritableDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, ".probe-*")
	if err != nil {
		return err
	}
	f.Close()
	return os.Remove(f.Name())
}

// secretFile returns the secret kept in path, generating a random one (0600)
// on first run so nobody has to invent it.
func secretFile(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err == nil {
		return strings.TrimSpace(string(b)), nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("read %s: %w", path, err)
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	secret := hex.EncodeToString(raw)
	if err := os.WriteFile(path, []byte(secret+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	return secret, nil
}

// parseStuck reads "stage=duration,..." over the default thresholds.
func (c *config) parseStuck() error {
	c.Stuck = maps.Clone(models.DefaultStuckAfter)
	if strings.TrimSpace(c.StuckAfter) == "" {
		return nil
	}
	for _, part := range strings.Split(c.StuckAfter, ",") {
		stage, dur, ok := strings.Cut(strings.TrimSpace(part), "=")
		d, err := time.ParseDuration(strings.TrimSpace(dur))
		if !ok || err != nil || d < 0 || !slices.Contains(models.Stages, models.Stage(strings.TrimSpace(stage))) || stage == string(models.StageActive) {
			return fmt.Errorf("stuck-after %q: use stage=duration pairs separated by commas, like meta_approval=72h; stages: %s",
				part, stuckStages())
		}
		c.Stuck[models.Stage(strings.TrimSpace(stage))] = d
	}
	return nil
}

func stuckStages() string {
	var names []string
	for _, s := range models.Stages {
		if s != models.StageActive {
			names = append(names, string(s))
		}
	}
	return strings.Join(names, ", ")
}

// parseSessions reads the session lifetimes into c.Sessions.
func (c *config) parseSessions() error {
	idle, err1 := time.ParseDuration(c.SessionIdle)
	life, err2 := time.ParseDuration(c.SessionLifetime)
	var errs []error
	if err1 != nil || idle < time.Minute {
		errs = append(errs, fmt.Errorf("session-idle %q: use a duration of a minute or more, like 12h or 72h", c.SessionIdle))
	}
	if err2 != nil || life < time.Minute {
		errs = append(errs, fmt.Errorf("session-lifetime %q: use a duration of a minute or more, like 336h (14 days)", c.SessionLifetime))
	}
	c.Sessions = models.SessionLimits{Idle: idle, Absolute: life}
	return errors.Join(errs...)
}

// parseMail reads the SMTP URL (without echoing it: it may hold a
// password), the sender and the reminder cadence.
func (c *config) parseMail() error {
	var errs []error
	c.Mail = mail.Outbox{}
	if c.SMTPURL != "" {
		t, err := mail.ParseSMTP(c.SMTPURL)
		if err != nil {
			errs = append(errs, fmt.Errorf("smtp-url: %w", err))
		} else {
			c.Mail = t
		}
	}
	from := c.MailFrom
	if from == "" {
		host := "localhost"
		if u, err := url.Parse(c.BaseURL); err == nil && u.Hostname() != "" && net.ParseIP(u.Hostname()) == nil {
			host = u.Hostname()
		}
		from = "wabadesk <no-reply@" + host + ">"
	}
	if a, err := netmail.ParseAddress(from); err != nil {
		errs = append(errs, fmt.Errorf("mail-from %q: use an address like desk@example.com or \"wabadesk <desk@example.com>\"", from))
	} else {
		c.From = *a
	}
	var err error
	if c.Remind, err = mail.ParseCadence(c.RemindAfter); err != nil {
		errs = append(errs, fmt.Errorf("remind-after: %w", err))
	}
	return errors.Join(errs...)
}
