package onboarding

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// leaseTTL bounds how long a crashed worker can hold a client.
const leaseTTL = 2 * time.Minute

// RunOnce processes every client due now, a few at a time, and returns how
// many it handled. Tests call it instead of sleeping.
func (s *Service) RunOnce(ctx context.Context) (int, error) {
	due, err := s.store.DueClients(ctx, 100)
	if err != nil {
		return 0, err
	}
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		handled int
		sem     = make(chan struct{}, 4) // parallel Sinch calls per process
	)
	for _, d := range due {
		if !s.tenants.acquire(d.OrganisationID, s.now()) {
			continue // at the tenant's cap or paused; next pass
		}
		ok, err := s.store.ClaimClient(ctx, d.ID, s.ID, leaseTTL)
		if err != nil || !ok {
			s.tenants.release(d.OrganisationID)
			continue // another worker has it
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; s.tenants.release(d.OrganisationID); wg.Done() }()
			defer s.store.ReleaseClient(context.WithoutCancel(ctx), d.ID, s.ID)
			if err := s.tenants.wait(ctx, d.OrganisationID, s.TenantRate); err != nil {
				return
			}
			if err := s.SyncClient(ctx, d.OrganisationID, d.ID); err != nil {
				s.log().Warn("sync client failed", "client_id", d.ID, "error", err)
				_ = s.backoffSync(ctx, d.OrganisationID, d.ID, ErrUnavailable)
			}
			mu.Lock()
			handled++
			mu.Unlock()
		}()
	}
	wg.Wait()
	return handled, nil
}

// Run polls until ctx ends, waking early when a webhook kicks it. Main
// starts it and stops it after the HTTP server has drained.
func (s *Service) Run(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	prune := time.NewTicker(time.Hour)
	defer prune.Stop()
	for {
		if _, err := s.RunOnce(ctx); err != nil && ctx.Err() == nil {
			s.log().Error("worker pass failed", "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-s.kick:
		case <-prune.C:
			if err := s.store.PruneDeliveries(ctx); err != nil {
				s.log().Warn("prune deliveries failed", "error", err)
			}
		}
	}
}

func (s *Service) log() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}
