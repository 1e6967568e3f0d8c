package models

import (
	"context"
	"time"
)

// QueueStats is where an organisation's background work stands: the
// figures of the "Background work" page, and what metrics export.
type QueueStats struct {
	OrganisationID int64
	Due            int64      // due now and not being worked on
	Running        int64      // leased by a worker or a person's call
	Scheduled      int64      // next read or retry planned later
	Parked         int64      // cannot progress; retried rarely
	Submitting     int64      // accounts and senders recorded as submitting
	OldestDue      *time.Time // when the longest-waiting due item fell due
	PendingCalls   int64      // one-shot calls in flight
}

// OldestWait is how long the longest-waiting due item has waited at now.
func (q QueueStats) OldestWait(now time.Time) time.Duration {
	if q.OldestDue == nil {
		return 0
	}
	return max(now.Sub(*q.OldestDue), 0)
}

// QueueStats counts the tenant's background work (tenantID 0: every
// organisation's, one entry each, for operators).
func (s *Store) QueueStats(ctx context.Context, tenantID int64) ([]QueueStats, error) {
	now := s.now()
	q := s.db.WithContext(ctx).Model(&Client{}).Select(`organisation_id,
		SUM(CASE WHEN next_sync_at <= ? AND (lease_until IS NULL OR lease_until < ?) AND parked_reason = '' THEN 1 ELSE 0 END) AS due,
		SUM(CASE WHEN lease_until >= ? THEN 1 ELSE 0 END) AS running,
		SUM(CASE WHEN next_sync_at > ? AND parked_reason = '' THEN 1 ELSE 0 END) AS scheduled,
		SUM(CASE WHEN parked_reason <> '' THEN 1 ELSE 0 END) AS parked,
		SUM(CASE WHEN account_stage = ? OR sender_stage = ? THEN 1 ELSE 0 END) AS submitting,
		MIN(CASE WHEN next_sync_at <= ? AND parked_reason = '' THEN next_sync_at END) AS oldest_due`,
		now, now, now, now, AccountQueued, SenderQueued, now).
		Where("next_sync_at IS NOT NULL OR lease_until IS NOT NULL OR parked_reason <> ''").Group("organisation_id").Order("organisation_id")
	if tenantID != 0 {
		q = q.Where("organisation_id = ?", tenantID)
	}
	var rows []struct {
		QueueStats
		OldestDue *string // MIN over a CASE loses the column type on SQLite
	}
	if err := q.Scan(&rows).Error; err != nil {
		return nil, wrap(err, "queue stats")
	}
	out := make([]QueueStats, 0, len(rows))
	for _, r := range rows {
		r.QueueStats.OldestDue = parseDBTime(r.OldestDue)
		out = append(out, r.QueueStats)
	}
	var calls []struct {
		OrganisationID int64
		N              int64
	}
	cq := s.db.WithContext(ctx).Model(&PendingCall{}).Select("organisation_id, COUNT(*) AS n").Group("organisation_id")
	if tenantID != 0 {
		cq = cq.Where("organisation_id = ?", tenantID)
	}
	if err := cq.Scan(&calls).Error; err != nil {
		return nil, wrap(err, "pending call stats")
	}
	for _, c := range calls {
		i := 0
		for i < len(out) && out[i].OrganisationID != c.OrganisationID {
			i++
		}
		if i == len(out) {
			out = append(out, QueueStats{OrganisationID: c.OrganisationID})
		}
		out[i].PendingCalls = c.N
	}
	return out, nil
}

// parseDBTime reads a timestamp that came back as text (SQLite) or in
// PostgreSQL's text form.
func parseDBTime(s *string) *time.Time {
	if s == nil || *s == "" {
		return nil
	}
	for _, layout := range []string{"2006-01-02 15:04:05.999999999-07:00", "2006-01-02 15:04:05.999999999Z07:00", time.RFC3339Nano, "2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999Z07:00"} {
		if t, err := time.Parse(layout, *s); err == nil {
			t = t.UTC()
			return &t
		}
	}
	return nil
}

// ParkedClients lists the tenant's parked clients with their reasons,
// longest parked first.
func (s *Store) ParkedClients(ctx context.Context, tenantID int64, limit int) ([]Client, error) {
	var out []Client
	err := s.db.WithContext(ctx).Select("id, name, stage, parked_reason, last_error, next_sync_at, updated_at").
		Where("organisation_id = ? AND parked_reason <> ''", tenantID).Order("updated_at").Limit(limit).Find(&out).Error
	return out, wrap(err, "parked clients")
}

// FailingClients lists the tenant's clients whose last background attempt
// failed and is being retried, latest first.
func (s *Store) FailingClients(ctx context.Context, tenantID int64, limit int) ([]Client, error) {
	var out []Client
	err := s.db.WithContext(ctx).Select("id, name, stage, last_error, submit_attempts, next_sync_at, updated_at").
		Where("organisation_id = ? AND last_error <> '' AND parked_reason = ''", tenantID).Order("updated_at DESC").Limit(limit).Find(&out).Error
	return out, wrap(err, "failing clients")
}
