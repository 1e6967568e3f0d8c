package models

import (
	"sync"
	"time"
)

// Change says that something about a client changed, for live pages and
// caches. ClientID 0 is a change of the organisation itself: its staff,
// branding or Sinch connection.
type Change struct {
	TenantID int64
	ClientID int64
}

// Changes fans out Change notices to subscribers in this process. The Store
// publishes after every committed change of a client; pages subscribe per
// tenant. (Several processes need a shared channel: see Notifier.)
type Changes struct {
	mu       sync.Mutex
	subs     map[int64]map[chan Change]struct{}
	versions map[int64]uint64    // per tenant, bumped by every delivered change
	last     map[int64]time.Time // per tenant, when the last change was heard here
	skew     time.Duration       // how far other instances' clocks may be off
}

// Version counts the changes delivered for a tenant, so caches of tenant
// data can tell they are stale.
func (h *Changes) Version(tenantID int64) uint64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.versions[tenantID]
}

// ChangedSince says whether a change of the tenant was heard at or after t
// (by another instance's clock when changes are shared). A page read at t
// subscribes a moment later (or again after a lost connection); a change in
// between would otherwise never reach it.
func (h *Changes) ChangedSince(tenantID int64, t time.Time) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	last, ok := h.last[tenantID]
	return ok && !last.Before(t.Add(-h.skew))
}

// allowSkew widens ChangedSince by d, for pages read on other instances.
func (h *Changes) allowSkew(d time.Duration) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.skew = d
}

// Subscribe returns a channel of the tenant's changes and a cancel func.
// Slow subscribers miss notices rather than block publishers; a notice only
// says "reload", so the next one carries the news anyway.
func (h *Changes) Subscribe(tenantID int64) (<-chan Change, func()) {
	ch := make(chan Change, 16)
	h.mu.Lock()
	if h.subs == nil {
		h.subs = map[int64]map[chan Change]struct{}{}
	}
	if h.subs[tenantID] == nil {
		h.subs[tenantID] = map[chan Change]struct{}{}
	}
	h.subs[tenantID][ch] = struct{}{}
	h.mu.Unlock()
	return ch, func() {
		h.mu.Lock()
		delete(h.subs[tenantID], ch)
		h.mu.Unlock()
	}
}

// Deliver hands c to this process's subscribers.
func (h *Changes) Deliver(c Change) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.bumpLocked(c.TenantID)
	for ch := range h.subs[c.TenantID] {
		select {
		case ch <- c:
		default:
		}
	}
}

// bump moves the tenant's version on without telling subscribers: a change
// made here and shared through PostgreSQL reaches them when the database
// echoes it, but this process's caches must not serve the old state in the
// meantime (the redirect after a form is faster than that echo).
func (h *Changes) bump(tenantID int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.bumpLocked(tenantID)
}

func (h *Changes) bumpLocked(tenantID int64) {
	if h.versions == nil {
		h.versions, h.last = map[int64]uint64{}, map[int64]time.Time{}
	}
	h.versions[tenantID]++
	h.last[tenantID] = time.Now()
}

// notify publishes a committed change (err == nil) of a client, or with
// clientID 0 of the organisation.
func (s *Store) notify(tenantID, clientID int64, err error) {
	if err == nil && s.Publish != nil {
		s.Publish(Change{TenantID: tenantID, ClientID: clientID})
	}
}
