package handlers

import (
	"context"
	"time"
)

// A rateLimit is how many attempts one key may make in a window. The counts
// live in the database (models.RateCounter), so every instance counts
// against the same limit.
type rateLimit struct {
	name   string // what is limited; the first part of every key
	max    int
	window time.Duration
}

// The limits. Log-in failures block the address or account for the rest of
// the window, even with the right password, so guessing does not pay;
// sign-up and invites answer whether an e-mail has an account, so a
// stranger may ask only so often; the client page's code forms add to the
// resend wait and wrong-code limit of the onboarding service.
var (
	loginFailsPerUser = rateLimit{"login-fail-user", 5, 15 * time.Minute}
	loginFailsPerIP   = rateLimit{"login-fail-ip", 20, 15 * time.Minute}
	signupsPerIP      = rateLimit{"signup-ip", 20, time.Hour}
	invitesPerIP      = rateLimit{"invite-ip", 30, time.Hour}
	resetsPerIP       = rateLimit{"reset-ip", 10, time.Hour}
	resetsPerEmail    = rateLimit{"reset-email", 3, time.Hour}
	otpRequests       = rateLimit{"otp-request", 5, time.Hour}
	otpVerifies       = rateLimit{"otp-verify", 10, time.Hour}
)

// allow counts an attempt under l for each key and reports whether every
// key is still within the limit.
func (h *Handler) allow(ctx context.Context, l rateLimit, keys ...string) (bool, error) {
	names := make([]string, len(keys))
	for i, k := range keys {
		names[i] = l.key(k)
	}
	counts, err := h.store.CountAttempt(ctx, l.window, names...)
	if err != nil {
		return false, err
	}
	for _, n := range counts {
		if n > l.max {
			return false, nil
		}
	}
	return true, nil
}

// reached reports whether key has used up l, without counting an attempt.
func (h *Handler) reached(ctx context.Context, l rateLimit, key string) (bool, error) {
	n, err := h.store.Attempts(ctx, l.window, l.key(key))
	return n >= l.max, err
}

// count records an attempt (a failure) under l for key.
func (h *Handler) count(ctx context.Context, l rateLimit, key string) error {
	_, err := h.store.CountAttempt(ctx, l.window, l.key(key))
	return err
}

// forget clears key's attempts under l (a log-in that succeeded).
func (h *Handler) forget(ctx context.Context, l rateLimit, key string) error {
	return h.store.ClearAttempts(ctx, l.key(key))
}

// key is the counter's name for one key under l.
func (l rateLimit) key(k string) string { return l.name + "|" + k }
