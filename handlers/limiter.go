package handlers

import (
	"sync"
	"time"
)

// windowLimiter allows at most max events per key in a sliding window. It
// guards the public OTP forms (per link and per address) in this process.
type windowLimiter struct {
	mu     sync.Mutex
	max    int
	window time.Duration
	hits   map[string][]time.Time
}

func newWindowLimiter(max int, window time.Duration) *windowLimiter {
	return &windowLimiter{max: max, window: window, hits: map[string][]time.Time{}}
}

// allow records an attempt for every key and reports whether all of them
// are still within their limit.
func (l *windowLimiter) allow(now time.Time, keys ...string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.hits) > 10000 { // forget idle keys now and then
		for k, ts := range l.hits {
			if len(ts) == 0 || now.Sub(ts[len(ts)-1]) > l.window {
				delete(l.hits, k)
			}
		}
	}
	ok := true
	for _, k := range keys {
		ts := l.hits[k][:0]
		for _, t := range l.hits[k] {
			if now.Sub(t) < l.window {
				ts = append(ts, t)
			}
		}
		if len(ts) >= l.max {
			ok = false
		}
		l.hits[k] = append(ts, now)
	}
	return ok
}
