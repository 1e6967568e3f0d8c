// Package models holds wabadesk's domain types, their invariants and the one
// Store that reads and writes them through GORM.
//
// It may import only the standard library, GORM and its drivers, and x/crypto.
// Every tenant-owned query takes the tenant ID right after ctx, so a row of
// another organisation is simply "not found".
package models

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Store is the single gateway to the database.
type Store struct {
	db *gorm.DB
	// LoopbackEndpoints lets outgoing webhooks go to this machine (http on
	// localhost), for trying them out: main allows it only when the server
	// itself is reached on loopback. A public server must not post to, and
	// show the answers of, services on its own host.
	LoopbackEndpoints bool
	// searchScan: PostgreSQL without pg_trgm, search scans (search.go).
	searchScan bool
	// Now is the clock; tests replace it to move time.
	Now func() time.Time
	// PasswordCost is the bcrypt cost; tests lower it to bcrypt.MinCost.
	PasswordCost int
	// Sessions are the lifetimes of staff sessions (zero: the defaults).
	Sessions SessionLimits
	// StuckAfter holds the per-stage "needs attention" thresholds.
	StuckAfter map[Stage]time.Duration
	// Changes receives a notice after every committed client change.
	Changes *Changes
	// Publish sends a change to every process's subscribers; by default
	// straight to Changes (one process). PostgreSQL deployments route it
	// through the database so other instances hear it too.
	Publish func(Change)
	// Cipher seals secrets at rest (Sinch key secrets); main sets it from
	// the configured or generated encryption key.
	Cipher *Cipher

	counts sync.Map  // tenant ID → stageTotals, see stageCounts
	opens  linkOpens // visits of shared pages not yet written
}

// NewStore wraps an open database. Call Migrate before serving.
func NewStore(db *gorm.DB) *Store {
	s := &Store{db: db, Now: time.Now, PasswordCost: bcrypt.DefaultCost + 1, StuckAfter: DefaultStuckAfter, Changes: &Changes{}}
	s.Publish = s.Changes.Deliver
	return s
}

// DB exposes the handle for health checks and tests.
func (s *Store) DB() *gorm.DB { return s.db }

// Ping reports whether the database answers.
func (s *Store) Ping(ctx context.Context) error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	return sqlDB.PingContext(ctx)
}

// Close releases the connection pool.
func (s *Store) Close() error {
	s.opens.mu.Lock()
	s.opens.closed = true
	if s.opens.timer != nil {
		s.opens.timer.Stop()
	}
	s.opens.mu.Unlock()
	_ = s.FlushOpens(context.Background()) // best effort: the database may be gone
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

func (s *Store) now() time.Time { return s.Now().UTC() }

// wrap prefixes err with the operation and turns GORM's sentinels into ours,
// so callers check one set of kinds whatever the database.
func wrap(err error, what string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, gorm.ErrRecordNotFound):
		return fmt.Errorf("store: %s: %w", what, ErrNotFound)
	case errors.Is(err, gorm.ErrDuplicatedKey):
		return fmt.Errorf("store: %s: %w", what, ErrConflict)
	}
	if _, ok := AsValidation(err); ok {
		return err
	}
	return fmt.Errorf("store: %s: %w", what, err)
}

// WriteCheck is one row per process, rewritten by readiness checks: a
// database that can be read but not written (disk full, read-only) must
// take no traffic.
type WriteCheck struct {
	Instance string    `gorm:"primaryKey;size:40"`
	At       time.Time `gorm:"not null"`
}

// CheckWritable commits a small write, as every real request would need to,
// and forgets instances not heard of for a day.
func (s *Store) CheckWritable(ctx context.Context, instance string) error {
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Where("at < ?", s.now().Add(-24*time.Hour)).Delete(&WriteCheck{}).Error; err != nil {
			return err
		}
		return tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "instance"}},
			DoUpdates: clause.AssignmentColumns([]string{"at"})}).Create(&WriteCheck{Instance: instance, At: s.now()}).Error
	})
	return wrap(err, "write check")
}
