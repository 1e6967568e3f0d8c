package models

import (
	"context"
	"time"
)

// DueClient identifies a client whose sync or retry is due.
type DueClient struct {
	ID             int64
	OrganisationID int64
}

// DueClients returns up to limit clients (of every tenant) whose next sync is
// due and that no live lease holds. It is the worker's queue.
func (s *Store) DueClients(ctx context.Context, limit int) ([]DueClient, error) {
	now := s.now()
	var out []DueClient
	err := s.db.WithContext(ctx).Model(&Client{}).Select("id, organisation_id").
		Where("next_sync_at IS NOT NULL AND next_sync_at <= ? AND (lease_until IS NULL OR lease_until < ?)", now, now).
		Order("next_sync_at").Limit(limit).Scan(&out).Error
	return out, wrap(err, "due clients")
}

// ClaimClient takes the lease on a client for owner until now+ttl. Only one
// of several workers (in one or many processes) wins: the UPDATE succeeds
// for the first and matches no row for the others.
func (s *Store) ClaimClient(ctx context.Context, id int64, owner string, ttl time.Duration) (bool, error) {
	now := s.now()
	// "Still due" matters as much as "not leased": a worker that listed the
	// client just before another one finished and released it must not
	// sync it a second time.
	res := s.db.WithContext(ctx).Model(&Client{}).
		Where("id = ? AND (lease_until IS NULL OR lease_until < ?) AND next_sync_at IS NOT NULL AND next_sync_at <= ?", id, now, now).
		Updates(map[string]any{"lease_owner": owner, "lease_until": now.Add(ttl)})
	return res.RowsAffected == 1, wrap(res.Error, "claim client")
}

// ReleaseClient gives the lease back.
func (s *Store) ReleaseClient(ctx context.Context, id int64, owner string) error {
	err := s.db.WithContext(ctx).Model(&Client{}).Where("id = ? AND lease_owner = ?", id, owner).
		Updates(map[string]any{"lease_owner": "", "lease_until": nil}).Error
	return wrap(err, "release client")
}
