package onboarding

import (
	"context"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"wabadesk/provisioning"
)

// perTenantConcurrency caps how many of one organisation's clients a
// process syncs at once, so one big reseller cannot starve the others.
const perTenantConcurrency = 2

// tenantLimits keeps each organisation's rate limiter, running count and
// 429 pause: Sinch rate-limits per account, so a 429 for one client means
// "slow down" for every client of that organisation.
type tenantLimits struct {
	mu      sync.Mutex
	limit   map[int64]*rate.Limiter
	running map[int64]int
	paused  map[int64]time.Time
}

// acquire reserves a slot for tenantID, or reports false when the tenant
// is at its concurrency cap or paused after a 429.
func (t *tenantLimits) acquire(tenantID int64, now time.Time) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.running == nil {
		t.limit, t.running, t.paused = map[int64]*rate.Limiter{}, map[int64]int{}, map[int64]time.Time{}
	}
	if now.Before(t.paused[tenantID]) || t.running[tenantID] >= perTenantConcurrency {
		return false
	}
	t.running[tenantID]++
	return true
}

func (t *tenantLimits) release(tenantID int64) {
	t.mu.Lock()
	t.running[tenantID]--
	t.mu.Unlock()
}

// wait blocks until the tenant's rate allows another sync.
func (t *tenantLimits) wait(ctx context.Context, tenantID int64, perSecond float64) error {
	t.mu.Lock()
	l := t.limit[tenantID]
	if l == nil {
		l = rate.NewLimiter(rate.Limit(perSecond), max(1, int(perSecond)))
		t.limit[tenantID] = l
	}
	t.mu.Unlock()
	return l.Wait(ctx)
}

// pauseOn429 stops syncing the tenant for Retry-After (or backoff) when
// Sinch answered 429.
func (t *tenantLimits) pauseOn429(tenantID int64, err error, now time.Time, backoff time.Duration) {
	if provisioning.StatusCode(err) != 429 {
		return
	}
	wait := backoff
	if ra, ok := provisioning.RetryAfter(err); ok {
		wait = max(wait, ra)
	}
	t.mu.Lock()
	if t.paused == nil {
		t.paused = map[int64]time.Time{}
	}
	t.paused[tenantID] = now.Add(wait)
	t.mu.Unlock()
}
