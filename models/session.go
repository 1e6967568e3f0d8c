package models

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Session is one log-in on one browser. The cookie carries a random token,
// the database only its hash: ending the row here (log-out, "log out
// everywhere", a password change, removal) ends the session on every
// instance, whatever copies of the cookie exist.
type Session struct {
	ID             int64        `gorm:"primaryKey"`
	OrganisationID int64        `gorm:"not null;index"`
	UserID         int64        `gorm:"not null;index"`
	User           User         `gorm:"constraint:OnDelete:CASCADE"`
	Organisation   Organisation `gorm:"constraint:OnDelete:CASCADE"`
	TokenHash      string       `gorm:"size:64;not null;uniqueIndex"`
	UserAgent      string       `gorm:"size:300;not null;default:''"`
	IP             string       `gorm:"size:64;not null;default:''"`
	CreatedAt      time.Time
	LastSeenAt     time.Time
	ExpiresAt      time.Time `gorm:"index"` // the absolute end, whatever the activity
	// Pending is a log-in whose password was right and whose second factor
	// is still to come; it opens only the second step, for PendingFor.
	Pending bool `gorm:"not null;default:false"`
}

// PendingFor is how long the second step of a log-in may take.
const PendingFor = 10 * time.Minute

// SessionLimits are how long a session lives: Idle without a request, and
// Absolute since log-in.
type SessionLimits struct {
	Idle, Absolute time.Duration
}

// DefaultSessionLimits: a weekend away keeps you logged in, a fortnight
// does not.
var DefaultSessionLimits = SessionLimits{Idle: 72 * time.Hour, Absolute: 14 * 24 * time.Hour}

// Live reports whether the session may still be used at now.
func (s Session) Live(now time.Time, l SessionLimits) bool {
	if s.Pending && now.Sub(s.CreatedAt) >= PendingFor {
		return false
	}
	return now.Before(s.ExpiresAt) && now.Sub(s.LastSeenAt) < l.Idle
}

// SessionLimits are the configured lifetimes (Store.Sessions), or the defaults.
func (s *Store) SessionLimits() SessionLimits {
	if s.Sessions.Idle <= 0 || s.Sessions.Absolute <= 0 {
		return DefaultSessionLimits
	}
	return s.Sessions
}

// StartSession records a new log-in of u (pending: waiting for the second
// factor) and returns the cookie's token. The user's expired sessions go
// at the same time.
func (s *Store) StartSession(ctx context.Context, u User, userAgent, ip string, pending bool) (string, Session, error) {
	token, hash := NewToken()
	now, l := s.now(), s.SessionLimits()
	sess := Session{OrganisationID: u.OrganisationID, UserID: u.ID, TokenHash: hash, UserAgent: truncate(userAgent, 300),
		IP: truncate(ip, 64), CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(l.Absolute), Pending: pending}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Scopes(expiredSessions(now, l)).Where("user_id = ?", u.ID).Delete(&Session{}).Error; err != nil {
			return err
		}
		return tx.Create(&sess).Error
	})
	return token, sess, wrap(err, "start session")
}

// SessionByToken finds the session a cookie's token names; ErrNotFound when
// it was ended or never existed. Whether it is still live is the caller's
// check (Live), so a cached row can be checked too.
func (s *Store) SessionByToken(ctx context.Context, token string) (Session, error) {
	var sess Session
	err := s.db.WithContext(ctx).Where("token_hash = ?", HashToken(token)).First(&sess).Error
	return sess, wrap(err, "session")
}

// TouchSession records activity on the session (not a change anyone
// watches: no notice goes out).
func (s *Store) TouchSession(ctx context.Context, id int64) error {
	err := s.db.WithContext(ctx).Model(&Session{}).Where("id = ?", id).Update("last_seen_at", s.now()).Error
	return wrap(err, "touch session")
}

// UserSessions lists the user's sessions, most recently used first.
func (s *Store) UserSessions(ctx context.Context, tenantID, userID int64) ([]Session, error) {
	var out []Session
	err := s.db.WithContext(ctx).Where("organisation_id = ? AND user_id = ? AND expires_at > ? AND NOT pending", tenantID, userID, s.now()).
		Order("last_seen_at DESC, id DESC").Find(&out).Error
	return out, wrap(err, "sessions")
}

// EndSession ends one of the user's sessions; ErrNotFound when it is not theirs.
func (s *Store) EndSession(ctx context.Context, tenantID, userID, id int64) error {
	res := s.db.WithContext(ctx).Where("organisation_id = ? AND user_id = ? AND id = ?", tenantID, userID, id).Delete(&Session{})
	if res.Error == nil && res.RowsAffected == 0 {
		return ErrNotFound
	}
	s.notify(tenantID, 0, res.Error) // other instances drop their cached copy
	return wrap(res.Error, "end session")
}

// EndSessions ends every session of the user but keep (0: all of them).
func (s *Store) EndSessions(ctx context.Context, tenantID, userID, keep int64) error {
	err := endSessions(s.db.WithContext(ctx), tenantID, userID, keep)
	s.notify(tenantID, 0, err)
	return wrap(err, "end sessions")
}

func endSessions(tx *gorm.DB, tenantID, userID, keep int64) error {
	return tx.Where("organisation_id = ? AND user_id = ? AND id <> ?", tenantID, userID, keep).Delete(&Session{}).Error
}

// PruneSessions forgets sessions past their absolute end or idle limit.
func (s *Store) PruneSessions(ctx context.Context) error {
	err := s.db.WithContext(ctx).Scopes(expiredSessions(s.now(), s.SessionLimits())).Delete(&Session{}).Error
	return wrap(err, "prune sessions")
}

// expiredSessions selects sessions past their absolute end or idle limit.
func expiredSessions(now time.Time, l SessionLimits) func(*gorm.DB) *gorm.DB {
	return func(db *gorm.DB) *gorm.DB {
		return db.Where("expires_at <= ? OR last_seen_at <= ?", now, now.Add(-l.Idle))
	}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "")
}
