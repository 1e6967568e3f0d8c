package onboarding

import (
	"context"
	"log/slog"
	"time"

	"wabadesk/models"
)

// Run works until ctx ends: a continuous pool of Workers syncs, fed
// whenever a slot frees, a webhook or a person's action kicks it, or every
// tick. Main starts it and stops it after the HTTP server has drained; it
// returns when the syncs it started have finished.
func (s *Service) Run(ctx context.Context, every time.Duration) {
	d := s.newDispatcher()
	tick := time.NewTicker(every)
	defer tick.Stop()
	prune := time.NewTicker(time.Hour)
	defer prune.Stop()
	recover := time.NewTicker(10 * time.Second)
	defer recover.Stop()
	s.startedAt()
	s.recoverCalls(ctx)
	s.continueImports(ctx)
	for {
		if err := d.fill(ctx); err != nil && ctx.Err() == nil {
			s.log().Error("worker: listing due work failed", "error", err)
		}
		var soon <-chan time.Time
		if d.limited { // a tenant was out of rate tokens: look again shortly
			soon = time.After(100 * time.Millisecond)
		}
		select {
		case <-ctx.Done():
			d.wait()
			return
		case <-d.finished:
			d.running--
		case <-s.kick:
		case <-soon:
		case <-tick.C:
		case <-recover.C:
			s.recoverCalls(ctx)
			s.continueImports(ctx)
		case <-prune.C:
			if err := s.store.PruneCallbacks(ctx); err != nil {
				s.log().Warn("prune callbacks failed", "error", err)
			}
			if err := s.store.PruneSessions(ctx); err != nil {
				s.log().Warn("prune sessions failed", "error", err)
			}
			if err := s.store.PruneAttempts(ctx); err != nil {
				s.log().Warn("prune rate counters failed", "error", err)
			}
			if err := s.store.PruneIdempotencyKeys(ctx); err != nil {
				s.log().Warn("prune idempotency keys failed", "error", err)
			}
		}
	}
}

// RunOnce works through everything due now, with the same pool and
// fairness as Run, and returns how many syncs it ran; each client is synced
// at most once per call. Tests call it instead of sleeping.
func (s *Service) RunOnce(ctx context.Context) (int, error) {
	s.recoverCalls(ctx)
	d := s.newDispatcher()
	d.seen = map[int64]bool{}
	for {
		if err := d.fill(ctx); err != nil {
			d.wait()
			return d.started, err
		}
		if d.running == 0 && !d.limited {
			return d.started, nil
		}
		if d.running == 0 { // only rate tokens are missing
			time.Sleep(20 * time.Millisecond)
			continue
		}
		<-d.finished
		d.running--
	}
}

// dispatcher hands due clients to the pool: organisations in turn (round
// robin), each up to its concurrency, rate and 429 pause, and within one
// organisation user actions, then webhook reads, then polls.
type dispatcher struct {
	s        *Service
	running  int
	started  int
	finished chan struct{}
	limited  bool           // the last fill skipped a tenant for its rate
	next     int            // round-robin start
	seen     map[int64]bool // RunOnce: clients already synced
}

func (s *Service) newDispatcher() *dispatcher {
	return &dispatcher{s: s, finished: make(chan struct{}, max(s.Workers, 1))}
}

// fill starts work until the pool is full or nothing more is ready.
func (d *dispatcher) fill(ctx context.Context) error {
	s := d.s
	d.limited = false
	if d.running >= s.Workers {
		return nil
	}
	orgs, err := s.store.DueOrganisations(ctx)
	if err != nil || len(orgs) == 0 {
		return err
	}
	d.next++
	queues := map[int64][]models.DueClient{}
	for progress := true; progress && d.running < s.Workers; {
		progress = false
		for i := range orgs {
			if d.running >= s.Workers {
				break
			}
			org := orgs[(i+d.next)%len(orgs)]
			if !s.tenants.ready(org, s.now(), s.TenantConcurrency) {
				continue
			}
			item, ok, err := d.take(ctx, org, queues)
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
			if !s.tenants.allow(org, s.TenantRate) {
				d.limited = true
				queues[org] = append([]models.DueClient{item}, queues[org]...)
				continue
			}
			claimed, err := s.store.ClaimClient(ctx, item.ID, s.ID, leaseTTL)
			if err != nil {
				return err
			}
			if claimed {
				d.start(ctx, item)
				progress = true
			}
		}
	}
	return nil
}

// take pops the organisation's next due client, listing a few at a time.
func (d *dispatcher) take(ctx context.Context, org int64, queues map[int64][]models.DueClient) (models.DueClient, bool, error) {
	q, listed := queues[org]
	if !listed {
		var err error
		if q, err = d.s.store.DueClients(ctx, org, 2*d.s.TenantConcurrency+len(d.seen)); err != nil {
			return models.DueClient{}, false, err
		}
	}
	for len(q) > 0 && d.seen[q[0].ID] {
		q = q[1:]
	}
	if len(q) == 0 {
		queues[org] = q
		return models.DueClient{}, false, nil
	}
	queues[org] = q[1:]
	return q[0], true, nil
}

// start syncs one claimed client in the pool, bounded by callBound.
func (d *dispatcher) start(ctx context.Context, item models.DueClient) {
	s := d.s
	d.running++
	d.started++
	if d.seen != nil {
		d.seen[item.ID] = true
	}
	s.tenants.start(item.OrganisationID)
	go func() {
		defer func() {
			s.tenants.done(item.OrganisationID)
			d.finished <- struct{}{}
		}()
		defer s.store.ReleaseClient(context.WithoutCancel(ctx), item.ID, s.ID)
		sctx, cancel := context.WithTimeout(ctx, callBound)
		defer cancel()
		began := time.Now()
		err := s.sync(sctx, item.OrganisationID, item.ID, item.SyncPriority)
		if s.OnSync != nil && ctx.Err() == nil {
			s.OnSync(time.Since(began), err)
		}
		if err != nil && ctx.Err() == nil {
			if ferr := s.afterFailure(context.WithoutCancel(ctx), item.OrganisationID, item.ID, err); ferr != nil {
				s.log().Error("worker: rescheduling a failed sync failed", "client_id", item.ID, "error", ferr)
			}
		}
	}()
}

// wait lets the running syncs finish.
func (d *dispatcher) wait() {
	for ; d.running > 0; d.running-- {
		<-d.finished
	}
}

func (s *Service) log() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}

// continueImports finishes, beside the loop, client imports a stopped
// process left half-done; a pass already running is left to finish.
func (s *Service) continueImports(ctx context.Context) {
	if !s.importing.CompareAndSwap(false, true) {
		return
	}
	s.inflight.Add(1)
	go func() {
		defer s.inflight.Done()
		defer s.importing.Store(false)
		if err := s.store.ContinueImports(ctx); err != nil && ctx.Err() == nil {
			s.log().Error("worker: continuing an import failed", "error", err)
		}
	}()
}
