package models

import (
	"context"
	"time"
)

// Sync priorities order due work (higher first): what a person just asked
// for, then reads a Sinch webhook asked for, then routine polls.
const (
	PriorityPoll    = 0
	PriorityWebhook = 1
	PriorityAction  = 2
)

// DueClient identifies a client whose sync or retry is due.
type DueClient struct {
	ID             int64
	OrganisationID int64
	SyncPriority   int
}

// DueOrganisations lists the organisations with work due now that no live
// lease holds, so the worker can serve them in turn.
func (s *Store) DueOrganisations(ctx context.Context) ([]int64, error) {
	now := s.now()
	var out []int64
	err := s.db.WithContext(ctx).Model(&Client{}).Distinct("organisation_id").
		Where("next_sync_at IS NOT NULL AND next_sync_at <= ? AND (lease_until IS NULL OR lease_until < ?)", now, now).
		Order("organisation_id").Pluck("organisation_id", &out).Error
	return out, wrap(err, "due organisations")
}

// DueClients returns up to limit of the tenant's clients whose next sync is
// due and that no live lease holds: user actions first, then webhook reads,
// then polls, each oldest first. It is the worker's queue.
func (s *Store) DueClients(ctx context.Context, tenantID int64, limit int) ([]DueClient, error) {
	now := s.now()
	var out []DueClient
	err := s.db.WithContext(ctx).Model(&Client{}).Select("id, organisation_id, sync_priority").
		Where("organisation_id = ? AND next_sync_at IS NOT NULL AND next_sync_at <= ? AND (lease_until IS NULL OR lease_until < ?)", tenantID, now, now).
		Order("sync_priority DESC, next_sync_at, id").Limit(limit).Scan(&out).Error
	return out, wrap(err, "due clients")
}

// ClaimClient takes the lease on a due client for owner until now+ttl and
// resets its priority (a webhook arriving during the sync raises it again).
// Only one of several workers (in one or many processes) wins: the UPDATE
// succeeds for the first and matches no row for the others.
func (s *Store) ClaimClient(ctx context.Context, id int64, owner string, ttl time.Duration) (bool, error) {
	now := s.now()
	// "Still due" matters as much as "not leased": a worker that listed the
	// client just before another one finished and released it must not
	// sync it a second time.
	res := s.db.WithContext(ctx).Model(&Client{}).
		Where("id = ? AND (lease_until IS NULL OR lease_until < ?) AND next_sync_at IS NOT NULL AND next_sync_at <= ?", id, now, now).
		Updates(map[string]any{"lease_owner": owner, "lease_until": now.Add(ttl), "sync_priority": PriorityPoll})
	return res.RowsAffected == 1, wrap(res.Error, "claim client")
}

// LeaseClient takes the lease on a client whether or not it is due, for a
// call a person is making now; false when anyone holds it (a worker of
// this process too).
func (s *Store) LeaseClient(ctx context.Context, tenantID, id int64, owner string, ttl time.Duration) (bool, error) {
	now := s.now()
	res := s.db.WithContext(ctx).Model(&Client{}).
		Where("id = ? AND organisation_id = ? AND (lease_until IS NULL OR lease_until < ?)", id, tenantID, now).
		Updates(map[string]any{"lease_owner": owner, "lease_until": now.Add(ttl)})
	return res.RowsAffected == 1, wrap(res.Error, "lease client")
}

// ReleaseClient gives the lease back.
func (s *Store) ReleaseClient(ctx context.Context, id int64, owner string) error {
	err := s.db.WithContext(ctx).Model(&Client{}).Where("id = ? AND lease_owner = ?", id, owner).
		Updates(map[string]any{"lease_owner": "", "lease_until": nil}).Error
	return wrap(err, "release client")
}
