package handlers

import (
	"context"
	"strconv"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"wabadesk/models"
)

// tenantCache keeps what requests read from one organisation's data again
// and again: the logged-in user, the Sinch connection, the client list's
// rendered region and the client's shared page. Every change of a client
// makes each open list of its organisation and its shared page re-fetch
// themselves (live.go), so without it ten colleagues watching cost ten
// identical queries and renders per change, and every request paid for the
// session's user and connection.
//
// An entry is good while the organisation's change version (models.Changes,
// which hears other instances too on PostgreSQL) is the one read before it
// was built, and for at most ttl by the store's clock, because pages show
// times relative to now and "needs attention" moves with the clock. Changes
// of clients, staff, branding and the Sinch connection all move the version
// (models.Store.notify). Concurrent misses of one key build once
// (singleflight).
type tenantCache[T any] struct {
	store    *models.Store
	ttl      time.Duration
	maxBytes int // budget of the sizes builds report; over it, entries go
	flight   singleflight.Group

	mu    sync.Mutex
	m     map[string]cached[T]
	bytes int
}

// cacheTTL bounds every entry's age; see tenantCache.
const cacheTTL = 2 * time.Second

type cached[T any] struct {
	version uint64
	at      time.Time
	size    int
	val     T
}

func newTenantCache[T any](store *models.Store, ttl time.Duration, maxBytes int) *tenantCache[T] {
	return &tenantCache[T]{store: store, ttl: ttl, maxBytes: maxBytes, m: map[string]cached[T]{}}
}

// get returns the tenant's value named key, building it when missing or
// stale; build returns the value and its size in bytes (roughly). key must
// name everything the value depends on besides the tenant's data.
func (c *tenantCache[T]) get(ctx context.Context, tenantID int64, key string, build func(context.Context) (T, int, error)) (T, error) {
	key = itoa(tenantID) + "|" + key
	// The version is read before building: a change racing with the build
	// leaves an entry that is already stale, never a stale one marked fresh.
	version := c.store.Changes.Version(tenantID)
	if v, ok := c.fresh(key, version); ok {
		return v, nil
	}
	// The version is part of the flight's key: a request that saw a change
	// must not be handed a build that began before it.
	v, err, _ := c.flight.Do(key+"@"+strconv.FormatUint(version, 10), func() (any, error) {
		if v, ok := c.fresh(key, version); ok {
			return v, nil
		}
		// The build outlives a caller who leaves: others wait on it.
		v, size, err := build(context.WithoutCancel(ctx))
		if err != nil {
			return v, err
		}
		c.put(key, cached[T]{version: version, at: c.store.Now(), size: size, val: v})
		return v, nil
	})
	if err != nil {
		var zero T
		return zero, err
	}
	return v.(T), nil
}

func (c *tenantCache[T]) fresh(key string, version uint64) (T, bool) {
	c.mu.Lock()
	e, ok := c.m[key]
	c.mu.Unlock()
	if age := c.store.Now().Sub(e.at); !ok || e.version != version || age < 0 || age >= c.ttl {
		var zero T
		return zero, false
	}
	return e.val, true
}

// put stores e unless a newer version is there, first dropping old entries
// and then, while still over the budget, arbitrary ones (map order is
// random): a miss only costs one build, so simple eviction is enough.
func (c *tenantCache[T]) put(key string, e cached[T]) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.m[key]; ok {
		if old.version > e.version { // a slower build from before a change
			return
		}
		c.bytes -= old.size
	}
	c.m[key] = e
	c.bytes += e.size
	if c.bytes <= c.maxBytes {
		return
	}
	now := c.store.Now()
	for k, v := range c.m {
		if k != key && now.Sub(v.at) >= c.ttl {
			c.bytes -= v.size
			delete(c.m, k)
		}
	}
	for k, v := range c.m {
		if c.bytes <= c.maxBytes {
			break
		}
		if k != key {
			c.bytes -= v.size
			delete(c.m, k)
		}
	}
}
