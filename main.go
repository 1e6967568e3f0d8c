// Command wabadesk is the WhatsApp onboarding desk for Sinch resellers.
//
// main is the only package that knows every other one: it reads the
// configuration, opens the database, wires the HTTP application and stops
// everything cleanly on SIGINT/SIGTERM.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"wabadesk/handlers"
	"wabadesk/models"
)

func main() {
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

// run serves until ctx is cancelled, then drains requests and closes the database.
func run(ctx context.Context, cfg config, log *slog.Logger) error {
	db, err := models.OpenSQLite(filepath.Join(cfg.DataDir, "wabadesk.db"))
	if err != nil {
		return err
	}
	store := models.NewStore(db)
	defer store.Close()
	if err := store.Migrate(ctx); err != nil {
		return err
	}

	app := handlers.New(store, handlers.Config{
		BaseURL:       cfg.BaseURL,
		SessionSecret: []byte(cfg.SessionSecret),
		SignupOpen:    cfg.Signup == "open",
		Logger:        log,
	})
	srv := &http.Server{Handler: app, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("wabadesk started", "url", cfg.BaseURL, "addr", ln.Addr().String(), "data_dir", cfg.DataDir)
	fmt.Printf("\n  wabadesk is running at %s\n\n", cfg.BaseURL)

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	return srv.Shutdown(shutdownCtx)
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
