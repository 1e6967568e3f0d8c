package models

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
)

// ErrLinkGone means a client link expired or was revoked: the page says so
// (410) instead of "not found".
var ErrLinkGone = errors.New("link expired or revoked")

// Link lifetimes staff can choose; DefaultLinkLifetime is preselected.
var (
	LinkLifetimes       = []time.Duration{7 * 24 * time.Hour, 30 * 24 * time.Hour, 90 * 24 * time.Hour}
	DefaultLinkLifetime = 30 * 24 * time.Hour
)

// Link is a shareable URL that lets a business client follow its own
// onboarding without an account. Only the token's hash is stored.
type Link struct {
	ID             int64     `gorm:"primaryKey"`
	OrganisationID int64     `gorm:"not null;index"`
	ClientID       int64     `gorm:"not null;index"`
	Client         Client    `gorm:"constraint:OnDelete:CASCADE"`
	TokenHash      string    `gorm:"size:64;not null;uniqueIndex"`
	CreatedByName  string    `gorm:"size:120;not null"`
	ExpiresAt      time.Time `gorm:"not null"`
	RevokedAt      *time.Time
	LastOpenedAt   *time.Time
	Opens          int `gorm:"not null;default:0"`
	// TokenSealed keeps the token of a link wabadesk e-mails, so that
	// reminders can carry the same link; links only copied keep none.
	TokenSealed []byte
	CreatedAt   time.Time
}

// Active reports whether the link still opens the page at now.
func (l Link) Active(now time.Time) bool { return l.RevokedAt == nil && now.Before(l.ExpiresAt) }

// CreateLink makes a new link for a client and returns it with its token,
// which is shown once.
func (s *Store) CreateLink(ctx context.Context, tenantID, clientID int64, actor User, lifetime time.Duration) (Link, string, error) {
	if lifetime <= 0 || lifetime > 365*24*time.Hour {
		return Link{}, "", ValidationError{"lifetime": "Choose how long the link works."}
	}
	token, hash := NewToken()
	l := Link{OrganisationID: tenantID, ClientID: clientID, TokenHash: hash, CreatedByName: actor.Name, ExpiresAt: s.now().Add(lifetime)}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&Client{}).Where("organisation_id = ? AND id = ?", tenantID, clientID).Count(&n).Error; err != nil {
			return err
		}
		if n == 0 {
			return gorm.ErrRecordNotFound
		}
		if err := tx.Create(&l).Error; err != nil {
			return err
		}
		return addEvent(tx, Event{OrganisationID: tenantID, ClientID: clientID, At: s.now(), Source: SourceStaff,
			Actor: actor.Name, Title: "Client link created", Detail: "Expires " + l.ExpiresAt.Format("2 Jan 2006")})
	})
	s.notify(tenantID, clientID, err)
	return l, token, wrap(err, "create link")
}

// Links lists a client's links, newest first.
func (s *Store) Links(ctx context.Context, tenantID, clientID int64) ([]Link, error) {
	var out []Link
	err := s.db.WithContext(ctx).Where("organisation_id = ? AND client_id = ?", tenantID, clientID).
		Order("created_at DESC, id DESC").Find(&out).Error
	s.addPendingOpens(out)
	return out, wrap(err, "links")
}

// RevokeLink stops a link from working.
func (s *Store) RevokeLink(ctx context.Context, tenantID, clientID, id int64, actor User) (Link, error) {
	var l Link
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Where("organisation_id = ? AND client_id = ?", tenantID, clientID).First(&l, id).Error; err != nil {
			return err
		}
		if l.RevokedAt != nil {
			return nil
		}
		now := s.now()
		l.RevokedAt = &now
		if err := tx.Model(&l).Update("revoked_at", now).Error; err != nil {
			return err
		}
		return addEvent(tx, Event{OrganisationID: tenantID, ClientID: clientID, At: now, Source: SourceStaff,
			Actor: actor.Name, Title: "Client link revoked"})
	})
	s.notify(tenantID, clientID, err)
	return l, wrap(err, "revoke link")
}

// OpenLink finds the link behind a token. Unknown tokens are ErrNotFound;
// expired or revoked ones ErrLinkGone. Visits are counted by CountOpen.
func (s *Store) OpenLink(ctx context.Context, token string) (Link, error) {
	var l Link
	err := s.db.WithContext(ctx).Where("token_hash = ?", HashToken(token)).First(&l).Error
	if err != nil {
		return l, wrap(err, "open link")
	}
	if !l.Active(s.now()) {
		return l, ErrLinkGone
	}
	return l, nil
}

// LinkSummary is what a list says about a client's links.
type LinkSummary struct {
	Active int   // links that still work
	Opens  int64 // visits over all links
}

// LinkSummaries returns the links of each of clientIDs, summed.
func (s *Store) LinkSummaries(ctx context.Context, tenantID int64, clientIDs []int64) (map[int64]LinkSummary, error) {
	out := map[int64]LinkSummary{}
	if len(clientIDs) == 0 {
		return out, nil
	}
	var links []Link
	err := s.db.WithContext(ctx).Where("organisation_id = ? AND client_id IN ?", tenantID, clientIDs).Find(&links).Error
	s.addPendingOpens(links)
	now := s.now()
	for _, l := range links {
		sum := out[l.ClientID]
		if l.Active(now) {
			sum.Active++
		}
		sum.Opens += int64(l.Opens)
		out[l.ClientID] = sum
	}
	return out, wrap(err, "link summaries")
}
