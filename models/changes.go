package models

import (
	"crypto/rand"
	"sync"
	"time"
)

// Change says that something about a client changed, for live pages and
// caches. ClientID 0 is a change of the organisation itself: its staff,
// branding or Sinch connection.
type Change struct {
	TenantID int64
	ClientID int64
	// At is when the change was published, by Origin's clock; Origin names
	// the process that published it. Deliver fills both for a local change.
	At     time.Time
	Origin string
}

// Changes fans out Change notices to subscribers in this process. The Store
// publishes after every committed change of a client; pages subscribe per
// tenant. (Several processes need a shared channel: see Notifier.)
type Changes struct {
	mu       sync.Mutex
	subs     map[int64]map[chan Change]struct{}
	versions map[int64]uint64               // per tenant, bumped by every delivered change
	last     map[int64]map[string]time.Time // per tenant and origin, the newest change's At
	skew     time.Duration                  // how far other instances' clocks may be off
	origin   string                         // this process, see Origin
}

// Origin names this process among the instances sharing changes, so a page
// can say which clock its "since" was read on.
func (h *Changes) Origin() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.originLocked()
}

func (h *Changes) originLocked() string {
	if h.origin == "" {
		h.origin = rand.Text()[:10]
	}
	return h.origin
}

// stamp dates a change published here.
func (h *Changes) stamp(c Change) Change {
	h.mu.Lock()
	defer h.mu.Unlock()
	if c.At.IsZero() {
		c.At, c.Origin = time.Now(), h.originLocked()
	}
	return c
}

// Version counts the changes delivered for a tenant, so caches of tenant
// data can tell they are stale.
func (h *Changes) Version(tenantID int64) uint64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.versions[tenantID]
}

// ChangedSince says whether a change of the tenant was published at or
// after t, a moment read by origin's clock. A page read at t subscribes a
// moment later (or again after a lost connection); a change in between would
// otherwise never reach it. Changes are compared by their publisher's clock,
// not by when they were heard: the echo of a change made just before the
// page was read can arrive after it, and must not refresh that page (the
// refresh would drop the flash that answers the change). Only another
// instance's clock needs the skew allowance.
func (h *Changes) ChangedSince(tenantID int64, t time.Time, origin string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	for from, at := range h.last[tenantID] {
		allow := h.skew
		if from == origin && origin != "" {
			allow = 0
		}
		if !at.Before(t.Add(-allow)) {
			return true
		}
	}
	return false
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
	c = h.stamp(c)
	h.mu.Lock()
	defer h.mu.Unlock()
	h.bumpLocked(c)
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
func (h *Changes) bump(c Change) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.bumpLocked(c)
}

func (h *Changes) bumpLocked(c Change) {
	if h.versions == nil {
		h.versions, h.last = map[int64]uint64{}, map[int64]map[string]time.Time{}
	}
	h.versions[c.TenantID]++
	if h.last[c.TenantID] == nil {
		h.last[c.TenantID] = map[string]time.Time{}
	}
	if c.At.After(h.last[c.TenantID][c.Origin]) {
		h.last[c.TenantID][c.Origin] = c.At
	}
}

// notify publishes a committed change (err == nil) of a client, or with
// clientID 0 of the organisation.
func (s *Store) notify(tenantID, clientID int64, err error) {
	if err == nil && s.Publish != nil {
		s.Publish(Change{TenantID: tenantID, ClientID: clientID})
	}
}
