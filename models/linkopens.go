package models

import (
	"context"
	"sync"
	"time"

	"gorm.io/gorm"
)

// linkOpens batches the visit counts of shared pages. A visit is a read,
// and writing its counter at once made the busiest public page queue
// behind SQLite's one writer; counts reach the database every
// openFlushEvery instead (and at Close). A crash loses at most those
// seconds of counts, never a link.
type linkOpens struct {
	// flushing serialises flushes, so batches reach the database in the
	// order they were counted and Close waits for a timer's flush to end
	// before it closes the pool.
	flushing sync.Mutex
	mu       sync.Mutex
	pending  map[int64]pendingOpens // link ID → visits not yet written
	recent   map[int64]time.Time    // link ID → last visit seen here
	timer    *time.Timer
	closed   bool
}

type pendingOpens struct {
	n    int
	last time.Time
}

const (
	openFlushEvery = 2 * time.Second
	// openMemory is how long this process remembers a visit it has written,
	// so a link read before the write still knows it: longer than any window
	// callers compare visits against (the shared page's 30 minutes).
	openMemory = time.Hour
)

// CountOpen counts a visit of l's page now and returns the one before it
// (nil: never), counting visits not yet written and those l was read before.
func (s *Store) CountOpen(l Link) (previous *time.Time) {
	now := s.now()
	o := &s.opens
	o.mu.Lock()
	defer o.mu.Unlock()
	previous = l.LastOpenedAt
	if last, ok := o.recent[l.ID]; ok && (previous == nil || last.After(*previous)) {
		previous = &last
	}
	if o.pending == nil {
		o.pending = map[int64]pendingOpens{}
	}
	if o.recent == nil {
		o.recent = map[int64]time.Time{}
	}
	o.recent[l.ID] = now
	p := o.pending[l.ID]
	o.pending[l.ID] = pendingOpens{n: p.n + 1, last: now}
	s.scheduleOpensFlush()
	return previous
}

// addPendingOpens adds the visits not yet written to links just read, so
// staff see a visit at once.
func (s *Store) addPendingOpens(links []Link) {
	o := &s.opens
	o.mu.Lock()
	defer o.mu.Unlock()
	for i, l := range links {
		if p, ok := o.pending[l.ID]; ok {
			links[i].Opens += p.n
			if l.LastOpenedAt == nil || p.last.After(*l.LastOpenedAt) {
				links[i].LastOpenedAt = &p.last
			}
		}
	}
}

// FlushOpens writes the counted visits. What fails to be written stays
// counted for the next try.
func (s *Store) FlushOpens(ctx context.Context) error {
	o := &s.opens
	o.flushing.Lock()
	defer o.flushing.Unlock()
	o.mu.Lock()
	batch := o.pending
	o.pending, o.timer = nil, nil
	cutoff := s.now().Add(-openMemory)
	for id, at := range o.recent {
		if at.Before(cutoff) {
			delete(o.recent, id)
		}
	}
	o.mu.Unlock()

	var firstErr error
	for id, p := range batch {
		err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			err := tx.Model(&Link{}).Where("id = ?", id).
				Updates(map[string]any{
					"opens": gorm.Expr("opens + ?", p.n),
					// Never move the last visit back: another instance may
					// have written a later one.
					"last_opened_at": gorm.Expr("CASE WHEN last_opened_at IS NULL OR last_opened_at < ? THEN ? ELSE last_opened_at END", p.last, p.last),
				}).Error
			if err != nil {
				return err
			}
			return s.emitLinkOpened(tx, id, p.last)
		})
		if err == nil {
			continue
		}
		if firstErr == nil {
			firstErr = wrap(err, "count link opens")
		}
		o.mu.Lock()
		if o.pending == nil {
			o.pending = map[int64]pendingOpens{}
		}
		q := o.pending[id]
		o.pending[id] = pendingOpens{n: q.n + p.n, last: maxTime(q.last, p.last)}
		s.scheduleOpensFlush()
		o.mu.Unlock()
	}
	return firstErr
}

// emitLinkOpened sends link.opened for the visits a flush writes: one
// event per link and flush, not per visit.
func (s *Store) emitLinkOpened(tx *gorm.DB, linkID int64, last time.Time) error {
	var l Link
	if err := tx.Preload("Client").Limit(1).Find(&l, linkID).Error; err != nil || l.ID == 0 {
		return err // a link deleted with its draft meanwhile: nothing to tell
	}
	data := hookLinkData{Client: hookClient(l.Client)}
	data.Link.ID, data.Link.Opens, data.Link.LastOpenedAt = l.ID, l.Opens, last.UTC()
	return s.emit(tx, l.OrganisationID, l.ClientID, HookLinkOpened, "", data)
}

// scheduleOpensFlush arms the flush timer unless it is armed or the store
// closed; s.opens.mu is held.
func (s *Store) scheduleOpensFlush() {
	if o := &s.opens; o.timer == nil && !o.closed {
		o.timer = time.AfterFunc(openFlushEvery, func() { _ = s.FlushOpens(context.Background()) })
	}
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
