package handlers

import (
	"bytes"
	"context"
	"sync"
	"time"

	"github.com/a-h/templ"
	"golang.org/x/sync/singleflight"

	"wabadesk/models"
)

// regions keeps rendered live regions of pages that many staff watch at
// once. Every change of a client makes each open list of its organisation
// re-fetch itself (live.go): without the cache, ten colleagues watching
// cost ten identical queries and renders per change, and reloads of a busy
// list repeat them all day.
//
// An entry is good while the organisation's change version (models.Changes,
// fed by other instances too on PostgreSQL) is the one it was rendered at,
// and for at most regionTTL by the store's clock, because rows show times
// relative to now and "needs attention" moves with the clock. Concurrent
// misses of one key render once (singleflight).
type regions struct {
	store  *models.Store
	flight singleflight.Group

	mu    sync.Mutex
	m     map[string]region
	bytes int
}

type region struct {
	version uint64
	at      time.Time
	html    string
}

const (
	regionTTL      = 2 * time.Second
	regionMaxBytes = 8 << 20 // a 50-row list is ~30 KB: a few hundred lists
)

func newRegions(store *models.Store) *regions {
	return &regions{store: store, m: map[string]region{}}
}

// get returns the tenant's region named key, rendering it with build when
// missing or stale. key must hold everything the region's HTML depends on
// besides the tenant's data (filter, page, role, language...).
func (r *regions) get(ctx context.Context, tenantID int64, key string, build func(context.Context) (templ.Component, error)) (templ.Component, error) {
	key = itoa(tenantID) + "|" + key
	// Read the version before building: a change racing with the build
	// leaves an entry that is already stale, never a stale one marked fresh.
	version := r.store.Changes.Version(tenantID)
	if html, ok := r.fresh(key, version); ok {
		return templ.Raw(html), nil
	}
	v, err, _ := r.flight.Do(key, func() (any, error) {
		if html, ok := r.fresh(key, version); ok {
			return html, nil
		}
		// The render outlives a caller who leaves: others wait on it.
		ctx := context.WithoutCancel(ctx)
		cmp, err := build(ctx)
		if err != nil {
			return nil, err
		}
		var buf bytes.Buffer
		if err := cmp.Render(ctx, &buf); err != nil {
			return nil, err
		}
		html := buf.String()
		r.put(key, region{version: version, at: r.store.Now(), html: html})
		return html, nil
	})
	if err != nil {
		return nil, err
	}
	return templ.Raw(v.(string)), nil
}

func (r *regions) fresh(key string, version uint64) (string, bool) {
	r.mu.Lock()
	e, ok := r.m[key]
	r.mu.Unlock()
	if !ok || !r.usable(e, version) {
		return "", false
	}
	return e.html, true
}

func (r *regions) usable(e region, version uint64) bool {
	age := r.store.Now().Sub(e.at)
	return e.version == version && age >= 0 && age < regionTTL
}

// put stores e, first dropping stale entries and then, while still over
// the budget, arbitrary ones (map order is random): a miss only costs one
// render, so simple eviction is enough.
func (r *regions) put(key string, e region) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if old, ok := r.m[key]; ok {
		r.bytes -= len(old.html)
	}
	r.m[key] = e
	r.bytes += len(e.html)
	if r.bytes <= regionMaxBytes {
		return
	}
	now := r.store.Now()
	for k, v := range r.m {
		if k != key && now.Sub(v.at) >= regionTTL {
			r.bytes -= len(v.html)
			delete(r.m, k)
		}
	}
	for k, v := range r.m {
		if r.bytes <= regionMaxBytes {
			break
		}
		if k != key {
			r.bytes -= len(v.html)
			delete(r.m, k)
		}
	}
}
