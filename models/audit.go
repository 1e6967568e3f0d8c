package models

import (
	"context"
	"strings"
	"time"
)

// AuditEntry is one state-changing action: who (a staff member, a business
// client on their shared page, or the system), when, what, on what, and
// from where.
type AuditEntry struct {
	ID             int64     `gorm:"primaryKey"`
	OrganisationID int64     `gorm:"not null;index:idx_audit_org_at,priority:1"`
	At             time.Time `gorm:"not null;index:idx_audit_org_at,priority:2"`
	ActorKind      string    `gorm:"size:10;not null"` // staff, client or system
	ActorID        int64     `gorm:"not null;default:0"`
	ActorName      string    `gorm:"size:200;not null;default:''"`
	Action         string    `gorm:"size:60;not null"` // like client.created, login.failed
	Subject        string    `gorm:"size:300;not null;default:''"`
	Detail         string    `gorm:"size:500;not null;default:''"`
	IP             string    `gorm:"size:64;not null;default:''"`
	UserAgent      string    `gorm:"size:300;not null;default:''"`
}

// Actor kinds of AuditEntry.
const (
	ActorStaff  = "staff"
	ActorClient = "client"
	ActorSystem = "system"
	ActorAPI    = "api" // an API key, named in ActorName
)

// Audit records one entry. At defaults to now; long text is cut to fit.
func (s *Store) Audit(ctx context.Context, e AuditEntry) error {
	if e.At.IsZero() {
		e.At = s.now()
	}
	if e.ActorKind == "" {
		e.ActorKind = ActorSystem
	}
	e.ID = 0
	return wrap(s.db.WithContext(ctx).Create(&e).Error, "audit")
}

// AuditFilter narrows the audit log. Zero values match everything; To is
// exclusive.
type AuditFilter struct {
	Action string // exact action, or a prefix ending in "." (like "client.")
	Actor  string // part of the actor's name, case-insensitive
	From   time.Time
	To     time.Time
	Limit  int // default 200, at most 10,000
}

// AuditEntries returns the organisation's entries, newest first.
func (s *Store) AuditEntries(ctx context.Context, tenantID int64, f AuditFilter) ([]AuditEntry, error) {
	q := s.db.WithContext(ctx).Where("organisation_id = ?", tenantID)
	if f.Action != "" {
		if strings.HasSuffix(f.Action, ".") {
			q = q.Where("action LIKE ? ESCAPE '\\'", strings.TrimPrefix(likeContains(f.Action), "%"))
		} else {
			q = q.Where("action = ?", f.Action)
		}
	}
	if a := strings.TrimSpace(f.Actor); a != "" {
		q = q.Where("LOWER(actor_name) LIKE ? ESCAPE '\\'", likeContains(strings.ToLower(a)))
	}
	if !f.From.IsZero() {
		q = q.Where("at >= ?", f.From.UTC())
	}
	if !f.To.IsZero() {
		q = q.Where("at < ?", f.To.UTC())
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 200
	}
	var out []AuditEntry
	err := q.Order("at DESC, id DESC").Limit(min(limit, 10000)).Find(&out).Error
	return out, wrap(err, "audit entries")
}

// AuditActions lists the actions recorded for the organisation, for filters.
func (s *Store) AuditActions(ctx context.Context, tenantID int64) ([]string, error) {
	var out []string
	err := s.db.WithContext(ctx).Model(&AuditEntry{}).Where("organisation_id = ?", tenantID).
		Distinct("action").Order("action").Pluck("action", &out).Error
	return out, wrap(err, "audit actions")
}
