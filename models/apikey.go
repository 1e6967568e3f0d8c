package models

import (
	"context"
	"errors"
	"strings"
	"time"

	"gorm.io/gorm"
)

// APIKeyPrefix starts every key, so secret scanners can spot one.
const APIKeyPrefix = "wbk_"

// ErrBadAPIKey means a key is unknown, revoked or expired.
var ErrBadAPIKey = errors.New("API key unknown, revoked or expired")

// APIKey lets a reseller's own system use the API as one role of the
// organisation. Only the key's hash is stored; it is shown once.
type APIKey struct {
	ID             int64        `gorm:"primaryKey"`
	OrganisationID int64        `gorm:"not null;index"`
	Organisation   Organisation `gorm:"constraint:OnDelete:CASCADE"`
	Name           string       `gorm:"size:80;not null"`
	Role           Role         `gorm:"size:16;not null"`
	Hint           string       `gorm:"size:16;not null"` // "wbk_ab12…": enough to tell keys apart
	TokenHash      string       `gorm:"size:64;not null;uniqueIndex"`
	CreatedByName  string       `gorm:"size:120;not null"`
	ExpiresAt      *time.Time
	LastUsedAt     *time.Time
	RevokedAt      *time.Time
	CreatedAt      time.Time
}

// Usable reports whether the key works at now.
func (k APIKey) Usable(now time.Time) bool {
	return k.RevokedAt == nil && (k.ExpiresAt == nil || now.Before(*k.ExpiresAt))
}

// NewAPIKey is what an owner or admin fills in.
type NewAPIKey struct {
	Name      string
	Role      Role
	ExpiresAt *time.Time
}

// CreateAPIKey stores a key and returns it with the secret, shown once.
// A key acts as admin, agent or viewer, never above its creator.
func (s *Store) CreateAPIKey(ctx context.Context, tenantID int64, actor User, in NewAPIKey) (APIKey, string, error) {
	in.Name = strings.TrimSpace(in.Name)
	v := ValidationError{}
	switch {
	case in.Name == "":
		v.Add("name", "Name the key after the system that uses it, like \"CRM sync\".")
	case len([]rune(in.Name)) > 80:
		v.Add("name", "Use at most 80 characters.")
	}
	switch {
	case in.Role != RoleAdmin && in.Role != RoleAgent && in.Role != RoleViewer:
		v.Add("role", "Choose admin, agent or viewer.")
	case !actor.Role.AtLeast(in.Role):
		v.Add("role", "A key cannot do more than you can.")
	}
	if in.ExpiresAt != nil && !in.ExpiresAt.After(s.now()) {
		v.Add("expires", "Choose a day in the future, or leave it empty for a key that does not expire.")
	}
	if err := v.Err(); err != nil {
		return APIKey{}, "", err
	}
	token, _ := NewToken()
	token = APIKeyPrefix + token
	k := APIKey{OrganisationID: tenantID, Name: in.Name, Role: in.Role, Hint: token[:10] + "…", TokenHash: HashToken(token),
		CreatedByName: actor.Name, ExpiresAt: in.ExpiresAt}
	err := s.db.WithContext(ctx).Create(&k).Error
	return k, token, wrap(err, "create API key")
}

// APIKeys lists the organisation's keys, newest first.
func (s *Store) APIKeys(ctx context.Context, tenantID int64) ([]APIKey, error) {
	var out []APIKey
	err := s.db.WithContext(ctx).Where("organisation_id = ?", tenantID).Order("created_at DESC, id DESC").Find(&out).Error
	return out, wrap(err, "API keys")
}

// RevokeAPIKey stops a key at once, on every instance.
func (s *Store) RevokeAPIKey(ctx context.Context, tenantID, id int64) (APIKey, error) {
	var k APIKey
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Where("organisation_id = ?", tenantID).First(&k, id).Error; err != nil {
			return err
		}
		if k.RevokedAt != nil {
			return nil
		}
		now := s.now()
		k.RevokedAt = &now
		return tx.Model(&k).Update("revoked_at", now).Error
	})
	s.notify(tenantID, 0, err)
	return k, wrap(err, "revoke API key")
}

// APIKeyByToken returns the usable key with this secret, noting its use
// (at most once a minute, so busy keys do not write on every call).
func (s *Store) APIKeyByToken(ctx context.Context, token string) (APIKey, error) {
	var k APIKey
	if !strings.HasPrefix(token, APIKeyPrefix) {
		return k, ErrBadAPIKey
	}
	err := s.db.WithContext(ctx).Where("token_hash = ?", HashToken(token)).First(&k).Error
	if errors.Is(err, gorm.ErrRecordNotFound) || err == nil && !k.Usable(s.now()) {
		return k, ErrBadAPIKey
	}
	if err != nil {
		return k, wrap(err, "API key")
	}
	if now := s.now(); k.LastUsedAt == nil || now.Sub(*k.LastUsedAt) > time.Minute {
		k.LastUsedAt = &now
		if err := s.db.WithContext(ctx).Model(&k).Update("last_used_at", now).Error; err != nil {
			return k, wrap(err, "note API key use")
		}
	}
	return k, nil
}
