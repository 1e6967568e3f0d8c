package models

import (
	"context"
	"time"
)

// RateCounter counts attempts of one kind (log-ins from an address, codes
// asked for on a client link...) in one fixed window. It lives in the
// database so every instance counts against the same limit.
type RateCounter struct {
	Name        string    `gorm:"primaryKey;size:300"`
	WindowStart time.Time `gorm:"primaryKey"`
	Count       int       `gorm:"not null"`
}

// windowOf is the start of the fixed window of length w that holds t.
func windowOf(t time.Time, w time.Duration) time.Time {
	return t.UTC().Truncate(w)
}

// CountAttempt counts one attempt for each name in the current window of
// length window and returns the counts, this attempt included.
func (s *Store) CountAttempt(ctx context.Context, window time.Duration, names ...string) ([]int, error) {
	start := windowOf(s.now(), window)
	counts := make([]int, len(names))
	for i, name := range names {
		// One statement, so concurrent attempts on any instance never lose
		// a count (SQLite 3.35+ and PostgreSQL both speak it).
		err := s.db.WithContext(ctx).Raw(`INSERT INTO rate_counters (name, window_start, count) VALUES (?, ?, 1)
			ON CONFLICT (name, window_start) DO UPDATE SET count = rate_counters.count + 1 RETURNING count`,
			name, start).Scan(&counts[i]).Error
		if err != nil {
			return nil, wrap(err, "count attempt")
		}
	}
	return counts, nil
}

// Attempts is how many attempts name has in the current window.
func (s *Store) Attempts(ctx context.Context, window time.Duration, name string) (int, error) {
	var n int
	err := s.db.WithContext(ctx).Model(&RateCounter{}).Select("COALESCE(SUM(count), 0)").
		Where("name = ? AND window_start = ?", name, windowOf(s.now(), window)).Scan(&n).Error
	return n, wrap(err, "attempts")
}

// ClearAttempts forgets name's attempts (a successful log-in).
func (s *Store) ClearAttempts(ctx context.Context, name string) error {
	return wrap(s.db.WithContext(ctx).Where("name = ?", name).Delete(&RateCounter{}).Error, "clear attempts")
}

// PruneAttempts forgets windows that ended more than a day ago (no limit
// here uses a longer one).
func (s *Store) PruneAttempts(ctx context.Context) error {
	err := s.db.WithContext(ctx).Where("window_start < ?", s.now().Add(-24*time.Hour)).Delete(&RateCounter{}).Error
	return wrap(err, "prune attempts")
}
