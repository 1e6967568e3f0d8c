package onboarding

import (
	"context"
	"errors"
	"sync"
	"time"

	"wabadesk/models"
)

// Bounds of the engine's work.
const (
	// callBound is the longest one person's call, or one sync, may take.
	callBound = 30 * time.Second
	// leaseTTL outlives callBound, so a lease ends only with a dead process;
	// its work is picked up by another worker this long after the crash.
	leaseTTL = callBound + 15*time.Second
	// parkRetry is how often parked work is tried again.
	parkRetry = 30 * time.Minute
	// restartDistrust is how long after a start webhooks are not relied on.
	restartDistrust = 15 * time.Minute
)

// ErrInProgress means a call to Sinch goes on after the person who asked
// got their answer (the page's answer would have been late, or the worker
// has the client): its outcome is recorded and shown live when it comes.
var ErrInProgress = errors.New("onboarding: still working with Sinch")

// detach runs work detached from the request's context, bounded by
// callBound, so a browser that gives up never cuts a Sinch call and the
// recording of its outcome in half. It waits for the outcome up to
// AnswerWithin (or until the request ends) and otherwise returns pending
// with ErrInProgress; the outcome is still recorded.
func detach[T any](s *Service, ctx context.Context, pending T, work func(context.Context) (T, error)) (T, error) {
	type result struct {
		v   T
		err error
	}
	var (
		mu   sync.Mutex
		gone bool
		ch   = make(chan result, 1)
	)
	s.inflight.Add(1)
	go func() {
		defer s.inflight.Done()
		wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), callBound)
		defer cancel()
		v, err := work(wctx)
		mu.Lock()
		defer mu.Unlock()
		if gone && err != nil && !errors.Is(err, ErrInProgress) {
			if _, ok := models.AsValidation(err); !ok {
				s.log().Warn("sinch call finished after its page answered, with an error", "error", err)
			}
		}
		ch <- result{v, err}
	}()
	timer := time.NewTimer(s.AnswerWithin)
	defer timer.Stop()
	select {
	case r := <-ch:
		return r.v, r.err
	case <-timer.C:
	case <-ctx.Done():
	}
	mu.Lock()
	defer mu.Unlock()
	select {
	case r := <-ch: // it finished while we gave up
		return r.v, r.err
	default:
		gone = true
		return pending, ErrInProgress
	}
}

// Wait blocks until every detached call has recorded its outcome. Main
// calls it after the HTTP server has drained.
func (s *Service) Wait() { s.inflight.Wait() }

// callOwner names this process's leases for a person's calls, apart from
// its worker's, so neither mistakes the other's lease for its own.
func (s *Service) callOwner() string { return s.ID + "-call" }

// release gives back a client lease taken for a person's call.
func (s *Service) release(id int64) {
	if err := s.store.ReleaseClient(context.Background(), id, s.callOwner()); err != nil {
		s.log().Warn("release client lease failed; it expires by itself", "client_id", id, "error", err)
	}
}

// dueNow asks the worker to look at a client at once with at least prio.
func (s *Service) dueNow(ctx context.Context, tenantID, clientID int64, prio int) error {
	_, err := s.store.ChangeClient(ctx, tenantID, clientID, func(c *models.Client) ([]models.Event, error) {
		c.NextSyncAt, c.SyncPriority = ptr(s.now()), max(c.SyncPriority, prio)
		return nil, nil
	})
	s.Kick()
	return err
}
