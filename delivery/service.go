// Package delivery delivers wabadesk's outgoing webhooks: signed JSON events
// posted to the endpoints a reseller registered. Models write each
// delivery in the same transaction as its cause; this package's worker
// posts them, in order per client, retrying with backoff for 24 hours,
// and records every attempt for the delivery log.
package delivery

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"syscall"
	"time"

	"wabadesk/models"
)

// Service is the delivery worker. Main builds one and starts Run;
// handlers Kick it after queueing a test event or a redelivery.
type Service struct {
	Store  *models.Store
	Client *http.Client
	Logger *slog.Logger
	Now    func() time.Time
	// Lease is how long a claimed delivery is this process's; one still
	// claimed after it is posted again (receivers dedupe by event id).
	Lease time.Duration
	// Parallel is how many posts run at once (one per client and endpoint).
	Parallel int
	// Backoff is the first retry's delay; each failure doubles it, up to an hour.
	Backoff time.Duration
	// OnFinish, if set, hears each post's outcome (delivered, retry,
	// failed) and time (metrics).
	OnFinish func(outcome string, took time.Duration)

	kick     chan struct{}
	prunedAt time.Time
}

// Timeout bounds one post: a receiver should answer at once and work later.
const Timeout = 10 * time.Second

// keepFor is how long finished deliveries stay in the log.
const keepFor = 30 * 24 * time.Hour

// New returns a worker with the defaults.
func New(store *models.Store) *Service {
	return &Service{Store: store, Client: NewClient(store.LoopbackEndpoints), Lease: time.Minute, Parallel: 8, Backoff: 30 * time.Second,
		kick: make(chan struct{}, 1)}
}

// NewClient is the HTTP client deliveries use: no redirects (a 3xx is a
// failure to fix in the endpoint's URL), a short timeout, and no
// connections into private, shared (carrier-grade NAT, where some clouds
// keep their metadata service) or link-local networks, whatever the DNS
// says; loopback only when allowed (models.Store.LoopbackEndpoints).
func NewClient(loopback bool) *http.Client {
	dialer := &net.Dialer{Timeout: 5 * time.Second, Control: func(_, address string, _ syscall.RawConn) error {
		host, _, err := net.SplitHostPort(address)
		if err != nil {
			return err
		}
		if ip := net.ParseIP(host); ip == nil || !reachable(ip, loopback) {
			return errors.New("refused: " + host + " is not a public address")
		}
		return nil
	}}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.DialContext, tr.Proxy = dialer.DialContext, nil
	return &http.Client{Transport: tr, Timeout: Timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// unreachable are the ranges net.IP has no method for: shared address
// space (100.64.0.0/10), benchmarking (198.18.0.0/15), "this network"
// (0.0.0.0/8), NAT64 (64:ff9b::/96) and 6to4 (2002::/16), which can wrap
// private IPv4 addresses.
var unreachable = func() []*net.IPNet {
	var out []*net.IPNet
	for _, c := range []string{"100.64.0.0/10", "198.18.0.0/15", "0.0.0.0/8", "64:ff9b::/96", "2002::/16"} {
		_, n, _ := net.ParseCIDR(c)
		out = append(out, n)
	}
	return out
}()

func reachable(ip net.IP, loopback bool) bool {
	if ip.IsLoopback() {
		return loopback
	}
	if ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() || ip.IsUnspecified() || ip.IsMulticast() {
		return false
	}
	for _, n := range unreachable {
		if n.Contains(ip) {
			return false
		}
	}
	return true
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

func (s *Service) log() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}

// Kick makes Run look at the queue now rather than at its next tick.
func (s *Service) Kick() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// Run posts due deliveries every second (and when kicked) until ctx ends.
func (s *Service) Run(ctx context.Context) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		for s.RunOnce(ctx) > 0 && ctx.Err() == nil { // a full batch: go on at once
		}
		if s.now().Sub(s.prunedAt) > time.Hour {
			if err := s.Store.PruneDeliveries(ctx, s.now().Add(-keepFor)); err != nil {
				s.log().Error("deliveries: pruning the delivery log failed", "error", err)
			}
			s.prunedAt = s.now()
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-s.kick:
		}
	}
}

// RunOnce posts one batch of due deliveries and returns how many it tried.
func (s *Service) RunOnce(ctx context.Context) int {
	due, err := s.Store.LeaseDueDeliveries(ctx, s.Parallel*4, s.Lease)
	if err != nil {
		if ctx.Err() == nil {
			s.log().Error("deliveries: reading due deliveries failed", "error", err)
		}
		return 0
	}
	sem := make(chan struct{}, max(s.Parallel, 1))
	var wg sync.WaitGroup
	for _, d := range due {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			s.deliver(context.WithoutCancel(ctx), d)
		}()
	}
	wg.Wait()
	return len(due)
}

// deliver posts one delivery and records the attempt.
func (s *Service) deliver(ctx context.Context, d models.Delivery) {
	e, secret, err := s.Store.EndpointForDelivery(ctx, d)
	if err != nil {
		s.log().Error("deliveries: reading the endpoint failed", "delivery", d.ID, "error", err)
		return // the lease runs out and the delivery is tried again
	}
	a, ok := s.post(ctx, e.URL, secret, d)
	if s.OnFinish != nil {
		outcome := "delivered"
		if !ok {
			outcome = map[bool]string{true: "failed", false: "retry"}[s.now().Sub(d.CreatedAt) >= models.DeliveryGiveUp]
		}
		s.OnFinish(outcome, time.Duration(a.DurationMS)*time.Millisecond)
	}
	retry := s.now().Add(s.backoff(d.Attempts))
	disabled, err := s.Store.FinishDelivery(ctx, d, a, ok, retry)
	if err != nil {
		s.log().Error("deliveries: recording a delivery failed", "delivery", d.ID, "error", err)
		return
	}
	if disabled {
		s.log().Warn("deliveries: endpoint disabled after failing for 24 hours", "organisation", e.OrganisationID, "endpoint", e.ID)
	}
}

// post sends the body signed with secret; ok is a 2xx answer.
func (s *Service) post(ctx context.Context, url, secret string, d models.Delivery) (a models.DeliveryAttempt, ok bool) {
	start := time.Now()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader([]byte(d.Body)))
	if err != nil {
		a.Error = "The URL cannot be used: " + err.Error()
		return a, false
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "wabadesk-webhooks/1")
	req.Header.Set(SignatureHeader, Sign(secret, s.now().Unix(), []byte(d.Body)))
	req.Header.Set("X-Wabadesk-Event", d.Type)
	req.Header.Set("X-Wabadesk-Delivery", strconv.FormatInt(d.ID, 10))
	res, err := s.Client.Do(req)
	a.DurationMS = int(time.Since(start).Milliseconds())
	if err != nil {
		a.Error = err.Error()
		return a, false
	}
	defer res.Body.Close()
	head, _ := io.ReadAll(io.LimitReader(res.Body, 500))
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 1<<20)) // lets the connection be reused
	a.Status, a.Response = res.StatusCode, string(bytes.ToValidUTF8(head, nil))
	if res.StatusCode < 200 || res.StatusCode > 299 {
		a.Error = "The endpoint answered " + res.Status + "."
		return a, false
	}
	return a, true
}

// backoff is the wait after the attempts+1-th failure: Backoff, doubling,
// at most an hour.
func (s *Service) backoff(attempts int) time.Duration {
	d := s.Backoff
	for range attempts {
		if d *= 2; d >= time.Hour {
			return time.Hour
		}
	}
	return d
}
