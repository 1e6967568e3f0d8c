package provisioning

import (
	"context"
	"math/rand/v2"
	"strconv"
	"time"
)

// Retry defaults follow Sinch's guidance: a few retries, exponential backoff
// with jitter, capped at 10 s.
const (
	defaultMaxRetries = 3
	backoffBase       = 500 * time.Millisecond
	backoffCap        = 10 * time.Second
	maxRetryAfter     = time.Minute
)

// DefaultBackoff is capped exponential backoff with full jitter: a random
// delay in [0, min(cap, base*2^(retry-1))] before retry number retry (1-based).
func DefaultBackoff(retry int) time.Duration {
	d := backoffBase << min(retry-1, 10)
	if d > backoffCap || d <= 0 {
		d = backoffCap
	}
	return rand.N(d) + time.Millisecond
}

// sleepCtx waits for d or until ctx is done.
func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// parseRetryAfter reads delay-seconds or an HTTP date; 0 when absent or bad.
func parseRetryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		// Cap before multiplying: a huge number of seconds would overflow.
		return time.Duration(min(s, int(maxRetryAfter/time.Second))) * time.Second
	}
	if t, err := time.Parse(time.RFC1123, v); err == nil && t.After(now) {
		return min(t.Sub(now), maxRetryAfter)
	}
	return 0
}

// retryDelay picks the wait before retry n: the server's Retry-After when it
// asked for one, else the backoff.
func (c *Client) retryDelay(n int, err error) time.Duration {
	if d, ok := RetryAfter(err); ok {
		return d
	}
	return c.backoff(n)
}
