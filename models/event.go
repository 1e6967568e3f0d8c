package models

import (
	"context"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Event sources: who did what the timeline shows.
const (
	SourceStaff  = "staff"
	SourceSinch  = "sinch"
	SourceClient = "client"
	SourceSystem = "system"
)

// Event is one line of a client's timeline.
type Event struct {
	ID             int64     `gorm:"primaryKey"`
	OrganisationID int64     `gorm:"not null"`
	ClientID       int64     `gorm:"not null;index:idx_events_client,priority:1;uniqueIndex:idx_events_dedupe,priority:1,where:dedupe_key <> ''"`
	Client         Client    `gorm:"constraint:OnDelete:CASCADE"`
	SenderID       *int64    `gorm:"index"`
	At             time.Time `gorm:"not null;index:idx_events_client,priority:2"`
	Source         string    `gorm:"size:10;not null"`
	Actor          string    `gorm:"size:120"`
	Title          string    `gorm:"size:300;not null"`
	Detail         string    `gorm:"size:4000"`
	// DedupeKey makes events copied from Sinch (activities, webhooks)
	// idempotent: the same activity is recorded once.
	DedupeKey string `gorm:"size:128;not null;default:'';uniqueIndex:idx_events_dedupe,priority:2,where:dedupe_key <> ''"`
}

// addEvent records e inside tx; a duplicate DedupeKey is silently ignored.
// ON CONFLICT DO NOTHING rather than catching the unique violation: on
// PostgreSQL a failed INSERT aborts the whole transaction.
func addEvent(tx *gorm.DB, e Event) error {
	if e.DedupeKey != "" {
		var n int64
		if err := tx.Model(&Event{}).Where("client_id = ? AND dedupe_key = ?", e.ClientID, e.DedupeKey).Count(&n).Error; err != nil || n > 0 {
			return err
		}
		return tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&e).Error
	}
	return tx.Create(&e).Error
}

// AddEvent records one timeline entry for a client of the tenant.
func (s *Store) AddEvent(ctx context.Context, tenantID int64, e Event) error {
	e.OrganisationID = tenantID
	if e.At.IsZero() {
		e.At = s.now()
	}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&Client{}).Where("organisation_id = ? AND id = ?", tenantID, e.ClientID).Count(&n).Error; err != nil {
			return err
		}
		if n == 0 {
			return gorm.ErrRecordNotFound
		}
		return addEvent(tx, e)
	})
	s.notify(tenantID, e.ClientID, err)
	return wrap(err, "add event")
}

// Events returns a client's timeline, newest first.
func (s *Store) Events(ctx context.Context, tenantID, clientID int64, limit int) ([]Event, error) {
	var evs []Event
	err := s.db.WithContext(ctx).Where("organisation_id = ? AND client_id = ?", tenantID, clientID).
		Order("at DESC, id DESC").Limit(limit).Find(&evs).Error
	return evs, wrap(err, "events")
}
