// Command wabadesk is the WhatsApp onboarding desk for Sinch resellers.
//
// main is the only package that knows every other one: it reads the
// configuration, opens the database, wires the HTTP application and stops
// everything cleanly on SIGINT/SIGTERM.
package main

import (
	"context"
	"crypto/sha256"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"sync"
	"syscall"
	"time"

	"wabadesk/delivery"
	"wabadesk/handlers"
	"wabadesk/mail"
	"wabadesk/models"
	"wabadesk/provisioning"
	"wabadesk/provisioning/onboarding"
	"wabadesk/provisioning/sandbox"
)

func main() {
	if len(os.Args) > 1 {
		sub := map[string]func([]string) error{
			"sandbox": runSandbox,
			"backup":  func(args []string) error { return runBackup(args, os.Stdout) },
			"restore": func(args []string) error { return runRestore(args, os.Stdout) },
		}[os.Args[1]]
		if sub != nil {
			if err := sub(os.Args[2:]); err != nil && !errors.Is(err, flag.ErrHelp) {
				fmt.Fprintf(os.Stderr, "wabadesk %s: %v\n", os.Args[1], err)
				os.Exit(1)
			}
			return
		}
	}
	cfg, err := loadConfig(os.Args[1:], os.Getenv, os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "wabadesk: configuration error:\n%v\n", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, cfg, newLogger(cfg)); err != nil {
		fmt.Fprintf(os.Stderr, "wabadesk: %v\n", err)
		os.Exit(1)
	}
}

// run serves until ctx is cancelled, then drains requests, stops the worker
// and closes the database.
func run(ctx context.Context, cfg config, log *slog.Logger) error {
	if cfg.DatabaseURL == "" { // one server per SQLite file; restore waits for it to stop
		release, err := lockDataDir(cfg.DataDir)
		if err != nil {
			return err
		}
		defer release()
	}
	db, err := models.Open(cfg.DatabaseURL, cfg.DataDir, cfg.Pool)
	if err != nil {
		return err
	}
	store := models.NewStore(db)
	store.StuckAfter = cfg.Stuck
	store.Sessions = cfg.Sessions
	store.Cipher = cfg.Cipher
	if u, err := url.Parse(cfg.BaseURL); err == nil && models.IsLoopbackHost(u.Hostname()) {
		store.LoopbackEndpoints = true // trying webhooks out on this machine; never on a public server
	}
	defer store.Close()
	if err := store.Migrate(ctx); err != nil {
		return err
	}
	background, stopBackground := context.WithCancel(context.WithoutCancel(ctx))
	defer stopBackground()
	if models.IsPostgresURL(cfg.DatabaseURL) { // several instances: live updates cross them
		store.ShareChangesViaPostgres(background, cfg.DatabaseURL, log)
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}

	var metrics *handlers.Metrics // nil: nothing measured
	if cfg.MetricsAddr != "" || cfg.MetricsToken != "" {
		metrics = handlers.NewMetrics(store, buildVersion())
	}
	sb, sandboxConn, err := newSandbox(cfg, "http://"+ln.Addr().String()+"/sandbox", metrics.SinchTransport(http.DefaultTransport), log)
	if err != nil {
		return err
	}
	defer sb.Close()
	conns := onboarding.NewConnections(store, sandboxConn) // each organisation's own Sinch settings
	conns.HTTPClient = &http.Client{Timeout: 30 * time.Second, Transport: metrics.SinchTransport(http.DefaultTransport)}
	onboard := onboarding.New(store, conns.Connect)
	onboard.Logger = log
	onboard.WebhookBase = cfg.BaseURL + "/webhooks/sinch/"
	mailer := mail.New(store, cfg.Mail, cfg.From, cfg.BaseURL, unsubscribeKey(cfg.SessionSecret))
	mailer.Remind, mailer.Logger = cfg.Remind, log
	if metrics != nil {
		onboard.OnSync, mailer.OnFinish = metrics.Sync, metrics.Mail
	}
	deliverer := delivery.New(store)
	deliverer.Logger = log
	if metrics != nil {
		deliverer.OnFinish = metrics.Delivery
	}
	done := make(chan struct{})
	app := handlers.New(store, onboard, handlers.Config{
		Done:          done,
		BaseURL:       cfg.BaseURL,
		SessionSecret: []byte(cfg.SessionSecret),
		SignupOpen:    cfg.Signup == "open",
		Logger:        log,
		Sandbox:       sb,
		Connections:   conns,
		Mail:          mailer,
		Deliveries:    deliverer,
		Metrics:       metrics,
		MetricsToken:  cfg.MetricsToken,
	})
	// A slow client holds a connection for at most these (event streams
	// extend their own deadlines, handlers/live.go).
	srv := &http.Server{Handler: app, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: readTimeout,
		WriteTimeout: writeTimeout, IdleTimeout: 2 * time.Minute}
	srv.RegisterOnShutdown(func() { close(done) }) // ends live event streams
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	if cfg.MetricsAddr != "" { // an address of its own, for the scraper only
		mln, err := net.Listen("tcp", cfg.MetricsAddr)
		if err != nil {
			return fmt.Errorf("listen on %s for metrics: %w", cfg.MetricsAddr, err)
		}
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", metrics.Handler())
		msrv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
		go func() { _ = msrv.Serve(mln) }()
		defer msrv.Close()
		log.Info("metrics served", "url", "http://"+mln.Addr().String()+"/metrics")
	}

	var wg sync.WaitGroup
	wg.Add(4)
	go func() { defer wg.Done(); onboard.Run(background, time.Second) }()
	go func() { defer wg.Done(); mailer.Run(background) }()
	go func() { defer wg.Done(); deliverer.Run(background) }()
	go func() { defer wg.Done(); _ = sb.Run(background) }()
	log.Info("wabadesk started", "url", cfg.BaseURL, "addr", ln.Addr().String(), "data_dir", cfg.DataDir, "mail", cfg.Mail.Describe())
	fmt.Printf("\n  wabadesk is running at %s\n\n", cfg.BaseURL)

	select {
	case err = <-errc:
	case <-ctx.Done():
		log.Info("shutting down")
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		err = srv.Shutdown(shutdownCtx)
	}
	stopBackground() // after the HTTP server has drained
	wg.Wait()
	onboard.Wait() // calls to Sinch that outlived their request record their outcome
	return err
}

// newSandbox builds the in-process Sinch simulator, mounted at /sandbox, and
// the connection every sandbox-mode organisation shares. Its key is generated
// into the data directory like the session secret; its state is kept there.
func newSandbox(cfg config, apiURL string, rt http.RoundTripper, log *slog.Logger) (*sandbox.Sandbox, onboarding.Connection, error) {
	secret, err := secretFile(filepath.Join(cfg.DataDir, "sandbox.key"))
	if err != nil {
		return nil, onboarding.Connection{}, err
	}
	const keyID = "wabadesk-sandbox"
	sb := sandbox.New(sandbox.Options{
		PublicURL: cfg.BaseURL + "/sandbox",
		Keys:      map[string]string{keyID: secret},
		StatePath: filepath.Join(cfg.DataDir, "sandbox.json"),
		Logf:      func(format string, args ...any) { log.Info("sandbox: " + fmt.Sprintf(format, args...)) },
	})
	client := provisioning.New(provisioning.Config{BaseURL: apiURL, TokenURL: apiURL + "/oauth2/token",
		KeyID: keyID, KeySecret: secret, HTTPClient: &http.Client{Timeout: 15 * time.Second, Transport: rt}})
	return sb, onboarding.Connection{Client: client, MetaBase: sb.MetaRequestsURL(), Sandbox: true}, nil
}

func newLogger(cfg config) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(os.Stdout, opts))
	}
	return slog.New(slog.NewTextHandler(os.Stdout, opts))
}

// The server's timeouts: reading a request (1 MB at most) and writing an
// answer (a CSV export of the audit log is the longest). Variables only so
// a test can shorten them.
var (
	readTimeout  = 30 * time.Second
	writeTimeout = 2 * time.Minute
)

// unsubscribeKey signs reminders' unsubscribe links: derived from the
// session secret, so it needs no setting of its own and survives restarts.
func unsubscribeKey(secret string) []byte {
	sum := sha256.Sum256([]byte("wabadesk unsubscribe|" + secret))
	return sum[:]
}

// buildVersion is the module version and VCS revision the binary was built
// from, for wabadesk_build_info.
func buildVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	v := bi.Main.Version
	for _, s := range bi.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			v += "+" + s.Value[:12]
		}
	}
	return v
}
