package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"wabadesk/provisioning/sandbox"
)

// runSandbox serves the Sinch sandbox alone ("wabadesk sandbox --addr ..."),
// for a reseller's other systems to test against, until SIGINT or SIGTERM.
func runSandbox(args []string) error {
	fs := flag.NewFlagSet("sandbox", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:9090", "listen address")
	keyID := fs.String("key-id", "", "access key ID to accept (generated when empty)")
	keySecret := fs.String("key-secret", "", "access key secret to accept (generated when empty)")
	publicURL := fs.String("public-url", "", "URL the sandbox is reached at (default http://<addr>)")
	state := fs.String("state", "", "JSON file that keeps the state across restarts (default: in memory)")
	d := sandbox.DefaultDelays()
	fs.DurationVar(&d.Prepare, "prepare-delay", d.Prepare, "account IN_PROGRESS -> PENDING_FACEBOOK_VERIFICATION")
	fs.DurationVar(&d.Review, "review-delay", d.Review, "sender IN_PROGRESS -> review outcome")
	fs.DurationVar(&d.Activate, "activate-delay", d.Activate, "verified sender -> ACTIVE")
	autoApprove := fs.Bool("auto-approve", false, "the Meta stand-in approves every WABA creation request as soon as it waits (a prepare-delay later)")
	var f sandbox.Faults
	fs.Float64Var(&f.ErrorRate, "fault-error-rate", 0, "share of API requests answered 500 internal_error (0.2 = 20%)")
	fs.Float64Var(&f.DropRate, "fault-drop-rate", 0, "share of API requests whose connection is closed before they are handled")
	fs.Float64Var(&f.LostRate, "fault-lost-rate", 0, "share of API requests handled, then closed unanswered (the answer is lost)")
	fs.DurationVar(&f.Latency, "fault-latency", 0, "latency added before API requests are handled")
	fs.Float64Var(&f.LatencyShare, "fault-latency-share", 0, "share of requests delayed by a random 0..fault-latency (0: every request by fault-latency)")
	fs.DurationVar(&f.BurstEvery, "fault-429-every", 0, "answer every API request 429 for fault-429-for at the start of each such period (e.g. 20s)")
	fs.DurationVar(&f.BurstFor, "fault-429-for", 0, "length of each 429 burst (e.g. 1.5s)")
	fs.DurationVar(&f.RetryAfter, "fault-retry-after", time.Second, "Retry-After of the injected 429s")
	fs.Uint64Var(&f.Seed, "fault-seed", 1, "seed of the random faults, for repeatable runs")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *keyID == "" {
		*keyID = "sandbox-" + sandboxRandomHex(4)
	}
	if *keySecret == "" {
		*keySecret = sandboxRandomHex(16)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("sandbox: listen: %w", err)
	}
	base := *publicURL
	if base == "" {
		base = "http://" + ln.Addr().String()
	}
	sb := sandbox.New(sandbox.Options{PublicURL: base, Keys: map[string]string{*keyID: *keySecret}, Delays: &d, StatePath: *state,
		AutoApprove: *autoApprove, Faults: f,
		Logf: func(format string, a ...any) { fmt.Fprintf(os.Stderr, format+"\n", a...) }})
	fmt.Printf("Sinch sandbox listening on %s\n  API base URL: %s\n  token URL:    %s/oauth2/token\n  key ID:       %s\n  key secret:   %s\n  pages:        %s/ (overview), %s/inbox, %s/meta/latest/settings/requests, %s/stats (JSON counters)\n",
		ln.Addr(), base, base, *keyID, *keySecret, base, base, base, base)
	if f != (sandbox.Faults{RetryAfter: time.Second, Seed: 1}) {
		fmt.Printf("  faults:       %+v\n", f)
	}
	return serveSandbox(ln, sb)
}

// serveSandbox runs the HTTP server and the transition loop until a signal.
func serveSandbox(ln net.Listener, sb *sandbox.Sandbox) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	srv := &http.Server{Handler: sb, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = sb.Run(ctx) }()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := srv.Shutdown(shutdown)
	_ = sb.Close()
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

func sandboxRandomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
