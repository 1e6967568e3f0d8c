package models

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"time"
)

// ErrBadCursor means a page cursor was not one this server handed out
// for the same sort.
var ErrBadCursor = errors.New("bad page cursor")

// ClientCursor marks where a page of clients ended, in the sort order's
// own keys: the next page starts after it however many clients were
// added or changed meanwhile (keyset pagination, no OFFSET to walk).
type ClientCursor struct {
	Sort  string    `json:"s"`
	Time  time.Time `json:"t,omitzero"`
	Text  string    `json:"x,omitempty"`
	Stage Stage     `json:"g,omitempty"`
	Rank  int       `json:"r,omitempty"`
	ID    int64     `json:"i"`
}

// Encode writes the cursor as an opaque URL-safe string.
func (c ClientCursor) Encode() string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

// ParseClientCursor reads a cursor for sort.
func ParseClientCursor(s, sort string) (*ClientCursor, error) {
	if s == "" {
		return nil, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	var c ClientCursor
	if err != nil || json.Unmarshal(b, &c) != nil || c.Sort != sortName(sort) || c.ID <= 0 {
		return nil, ErrBadCursor
	}
	return &c, nil
}

func sortName(sort string) string {
	switch sort {
	case "name", "stage", "waiting", "health":
		return sort
	}
	return "change"
}

// ClientsAfter returns up to limit of the tenant's clients matching f, in
// f.Sort's order, after the cursor (nil: from the start), and the cursor
// of the next page (nil at the end).
func (s *Store) ClientsAfter(ctx context.Context, tenantID int64, f ClientFilter, after *ClientCursor, limit int) ([]Client, *ClientCursor, error) {
	sort := sortName(f.Sort)
	q := s.filtered(ctx, tenantID, f)
	if after != nil {
		switch sort {
		case "name":
			q = q.Where("(LOWER(name) > LOWER(?) OR (LOWER(name) = LOWER(?) AND id > ?))", after.Text, after.Text, after.ID)
		case "waiting":
			q = q.Where("(stage_since > ? OR (stage_since = ? AND id > ?))", after.Time, after.Time, after.ID)
		case "stage":
			q = q.Where("(stage > ? OR (stage = ? AND (stage_since > ? OR (stage_since = ? AND id > ?))))",
				after.Stage, after.Stage, after.Time, after.Time, after.ID)
		case "health":
			q = q.Where("(health_rank < ? OR (health_rank = ? AND (health_since > ? OR (health_since = ? AND id > ?))))",
				after.Rank, after.Rank, after.Time, after.Time, after.ID)
		default:
			q = q.Where("(last_change_at < ? OR (last_change_at = ? AND id < ?))", after.Time, after.Time, after.ID)
		}
	}
	var out []Client
	if err := q.Order(orderBy(sort, false)).Limit(limit + 1).Find(&out).Error; err != nil {
		return nil, nil, wrap(err, "list clients")
	}
	if len(out) <= limit {
		return out, nil, nil
	}
	out = out[:limit]
	last := out[limit-1]
	next := &ClientCursor{Sort: sort, ID: last.ID}
	switch sort {
	case "name":
		next.Text = last.Name // lowered by the database, as the order is
	case "waiting":
		next.Time = last.StageSince
	case "stage":
		next.Stage, next.Time = last.Stage, last.StageSince
	case "health":
		next.Rank, next.Time = last.HealthRank, last.HealthSince
	default:
		next.Time = last.LastChangeAt
	}
	return out, next, nil
}
