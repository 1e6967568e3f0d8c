// Package onboarding drives each client through the Sinch Provisioning API:
// it submits accounts and senders, requests and checks OTPs, and keeps our
// copy of every client in step with Sinch (the background worker). All
// changes go through models.Store.ChangeClient/ChangeSender, one idempotent
// apply path for actions, polling and webhooks. Every call that changes
// something at Sinch is recorded before it is made (a submitting stage, or
// a models.PendingCall) and its outcome after, so a crash in between is
// finished by the worker, reading Sinch first where the outcome is unknown.
//
// It may import models and provisioning; handlers and main use it.
package onboarding

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"math/rand/v2"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"wabadesk/models"
	"wabadesk/provisioning"
)

// Connection is how one organisation reaches Sinch.
type Connection struct {
	Client *provisioning.Client
	// MetaBase is where approval links point: Meta Business Suite, or the
	// sandbox's stand-in page.
	MetaBase string
	// Sandbox is true when Client talks to the built-in simulator.
	Sandbox bool
}

// Connector returns the Sinch connection of an organisation.
type Connector func(ctx context.Context, tenantID int64) (Connection, error)

// Service is the onboarding engine shared by handlers and the worker.
type Service struct {
	store   *models.Store
	connect Connector
	// Now is the clock; tests move it.
	Now func() time.Time
	// Backoff is the wait before background retry n (1-based).
	Backoff func(n int) time.Duration
	// ID names this process in row leases.
	ID string
	// Logger receives the worker's warnings.
	Logger *slog.Logger
	// WebhookBase is the public URL callbacks are sent to, ending in "/";
	// each project's hook token is appended. Empty disables registration.
	WebhookBase string
	// TenantRate limits Sinch syncs per organisation per second, and
	// TenantConcurrency how many of its clients are synced at once.
	TenantRate        float64
	TenantConcurrency int
	// Workers is how many syncs this process runs at once, over all
	// organisations.
	Workers int
	// AnswerWithin is how long a person's call to Sinch may keep its page
	// waiting; after that the page says the work goes on by itself.
	AnswerWithin time.Duration
	// OnSync, if set, hears each background sync's time and error (metrics).
	OnSync func(took time.Duration, err error)

	started   func() time.Time // when this process started, on its clock
	startOnce sync.Once
	kick      chan struct{}
	tenants   tenantLimits
	inflight  sync.WaitGroup
	importing atomic.Bool // a ContinueImports pass is running
}

// New returns a Service.
func New(store *models.Store, connect Connector) *Service {
	return &Service{store: store, connect: connect, Now: time.Now, Backoff: DefaultBackoff,
		ID: "worker-" + randomID(), TenantRate: 10, TenantConcurrency: 4, Workers: 16, AnswerWithin: 3 * time.Second,
		kick: make(chan struct{}, 1)}
}

// DefaultBackoff waits 2 s, 4 s, 8 s... up to a minute before background
// retry n (1-based), each cut by up to half at random so many failing
// clients do not retry in lockstep. Short first steps matter: under a 20%
// error rate most items need a second try. The cap is short because an item
// waits out its backoff even when Sinch is healthy again, and an outage
// cannot flood Sinch with it: each organisation's rate limit bounds the
// retries (and Retry-After always wins).
func DefaultBackoff(n int) time.Duration {
	d := min(2*time.Second<<min(n-1, 10), time.Minute)
	return time.Duration(float64(d) * (0.5 + 0.5*rand.Float64()))
}

// Connection returns how the organisation reaches Sinch.
func (s *Service) Connection(ctx context.Context, tenantID int64) (Connection, error) {
	return s.connect(ctx, tenantID)
}

// MetaLink is the approval link for a client waiting at Meta, or "".
func (s *Service) MetaLink(ctx context.Context, tenantID int64, c models.Client) (link string, sandbox bool) {
	if c.AccountStage != models.AccountPendingMeta || c.BusinessManagerID == "" {
		return "", false
	}
	conn, err := s.connect(ctx, tenantID)
	if err != nil {
		return "", false
	}
	return provisioning.MetaApprovalLink(conn.MetaBase, c.BusinessManagerID, c.MetaRequestID), conn.Sandbox
}

func (s *Service) now() time.Time { return s.Now().UTC() }

// startedAt is when the service first looked at its clock.
func (s *Service) startedAt() time.Time {
	s.startOnce.Do(func() { t := s.now(); s.started = func() time.Time { return t } })
	return s.started()
}

func randomID() string {
	const letters = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, 8)
	for i := range b {
		b[i] = letters[rand.IntN(len(letters))]
	}
	return string(b)
}

// hashKey shortens an identity to a fixed-size dedupe key.
func hashKey(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }
