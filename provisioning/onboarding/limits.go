package onboarding

import (
	"sync"
	"time"

	"golang.org/x/time/rate"

	"wabadesk/provisioning"
)

// tenantLimits keeps each organisation's rate limiter, running count and
// 429 pause: Sinch rate-limits per account, so a 429 for one client means
// "slow down" for every client of that organisation, and one organisation
// at its limits must never hold up another.
type tenantLimits struct {
	mu      sync.Mutex
	limit   map[int64]*rate.Limiter
	running map[int64]int
	pause   map[int64]time.Time
}

func (t *tenantLimits) init() {
	if t.running == nil {
		t.limit, t.running, t.pause = map[int64]*rate.Limiter{}, map[int64]int{}, map[int64]time.Time{}
	}
}

// ready reports whether the tenant may start another sync now: under its
// concurrency cap and not paused after a 429.
func (t *tenantLimits) ready(tenantID int64, now time.Time, concurrency int) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.init()
	return !now.Before(t.pause[tenantID]) && t.running[tenantID] < concurrency
}

// allow takes one of the tenant's rate tokens, or reports false (the
// dispatcher tries again shortly, serving other tenants meanwhile).
func (t *tenantLimits) allow(tenantID int64, perSecond float64) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.init()
	l := t.limit[tenantID]
	if l == nil {
		l = rate.NewLimiter(rate.Limit(perSecond), max(1, int(perSecond)))
		t.limit[tenantID] = l
	}
	return l.Allow()
}

func (t *tenantLimits) start(tenantID int64) {
	t.mu.Lock()
	t.init()
	t.running[tenantID]++
	t.mu.Unlock()
}

func (t *tenantLimits) done(tenantID int64) {
	t.mu.Lock()
	t.running[tenantID]--
	t.mu.Unlock()
}

// paused reports whether the tenant is paused after a 429 at now.
func (t *tenantLimits) paused(tenantID int64, now time.Time) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.init()
	return now.Before(t.pause[tenantID])
}

// pausedUntil is when the tenant's 429 pause ends (zero when none).
func (t *tenantLimits) pausedUntil(tenantID int64) time.Time {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.init()
	return t.pause[tenantID]
}

// runningOf is how many of the tenant's syncs run in this process.
func (t *tenantLimits) runningOf(tenantID int64) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.init()
	return t.running[tenantID]
}

// pauseOn429 stops syncing the tenant for Retry-After (or backoff) when
// Sinch answered 429.
func (t *tenantLimits) pauseOn429(tenantID int64, err error, now time.Time, backoff time.Duration) {
	if provisioning.StatusCode(err) != 429 {
		return
	}
	wait := backoff
	if ra, ok := provisioning.RetryAfter(err); ok {
		wait = ra
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.init()
	if until := now.Add(wait); until.After(t.pause[tenantID]) {
		t.pause[tenantID] = until
	}
}

// TenantState is this process's view of one organisation's Sinch limits.
type TenantState struct {
	Running     int       // syncs running here now
	Concurrency int       // at most this many at once
	Rate        float64   // syncs a second, at most
	PausedUntil time.Time // after a 429, until Retry-After passes
}

// TenantState reports the organisation's live limits in this process.
func (s *Service) TenantState(tenantID int64, now time.Time) TenantState {
	return TenantState{Running: s.tenants.runningOf(tenantID), Concurrency: s.TenantConcurrency, Rate: s.TenantRate,
		PausedUntil: s.tenants.pausedUntil(tenantID)}
}
