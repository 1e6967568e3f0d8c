package models

import (
	"context"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
)

// SinchMode says which Sinch an organisation talks to.
type SinchMode string

// The two modes: the built-in simulator (every new organisation starts
// there) or the organisation's own Sinch account.
const (
	SinchSandbox SinchMode = "sandbox"
	SinchLive    SinchMode = "live"
)

// Sinch production endpoints, the defaults of a live connection.
const (
	SinchBaseURL  = "https://provisioning.api.sinch.com"
	SinchTokenURL = "https://auth.sinch.com/oauth2/token"
)

// SinchSettings is how one organisation connects to Sinch. The key secret
// is only ever stored sealed (AES-256-GCM); SecretLast4 is what pages show.
type SinchSettings struct {
	OrganisationID int64     `gorm:"primaryKey;autoIncrement:false"`
	Mode           SinchMode `gorm:"size:10;not null;default:'sandbox'"`
	Auth           string    `gorm:"size:10;not null;default:'basic'"` // basic or oauth2
	KeyID          string    `gorm:"size:200;not null;default:''"`
	SecretSealed   []byte
	SecretLast4    string `gorm:"size:4;not null;default:''"`
	BaseURL        string `gorm:"size:300;not null;default:''"`
	TokenURL       string `gorm:"size:300;not null;default:''"`
	// Version grows with every save, so cached clients know they are stale.
	Version   int64  `gorm:"not null;default:0"`
	UpdatedBy string `gorm:"size:200;not null;default:''"`
	UpdatedAt time.Time
}

// HasSecret reports whether a key secret is stored.
func (s SinchSettings) HasSecret() bool { return len(s.SecretSealed) > 0 }

// SinchInput is what the owner types on the settings page. An empty
// KeySecret keeps the stored one.
type SinchInput struct {
	Mode      SinchMode
	Auth      string
	KeyID     string
	KeySecret string
	BaseURL   string
	TokenURL  string
}

// Validate checks the input; hasSecret says whether a secret is already
// stored (then the secret may be left empty).
func (in *SinchInput) Validate(hasSecret bool) error {
	in.KeyID, in.KeySecret = strings.TrimSpace(in.KeyID), strings.TrimSpace(in.KeySecret)
	in.BaseURL, in.TokenURL = strings.TrimRight(strings.TrimSpace(in.BaseURL), "/"), strings.TrimSpace(in.TokenURL)
	if in.Auth == "" {
		in.Auth = "basic"
	}
	if in.BaseURL == "" {
		in.BaseURL = SinchBaseURL
	}
	if in.TokenURL == "" {
		in.TokenURL = SinchTokenURL
	}
	v := ValidationError{}
	if in.Mode != SinchSandbox && in.Mode != SinchLive {
		v.Add("mode", "Choose the sandbox or your live Sinch account.")
	}
	if in.Auth != "basic" && in.Auth != "oauth2" {
		v.Add("auth", "Choose Basic or OAuth2.")
	}
	checkURL(v, "base_url", in.BaseURL)
	checkURL(v, "token_url", in.TokenURL)
	if len(in.KeyID) > 200 {
		v.Add("key_id", "Use at most 200 characters.")
	}
	if len(in.KeySecret) > 500 {
		v.Add("key_secret", "Use at most 500 characters.")
	}
	if in.Mode == SinchLive {
		if in.KeyID == "" {
			v.Add("key_id", "Enter the key ID from Sinch (Access Keys in the Sinch dashboard).")
		}
		if in.KeySecret == "" && !hasSecret {
			v.Add("key_secret", "Enter the key secret; Sinch shows it once, when the key is created.")
		}
	}
	return v.Err()
}

func checkURL(v ValidationError, field, raw string) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(raw) > 300 {
		v.Add(field, "Use a full address starting with https://.")
	}
}

// secretAD binds a sealed secret to its organisation.
func secretAD(tenantID int64) string { return "sinch-key-secret:" + strconv.FormatInt(tenantID, 10) }

// SinchSettings returns the organisation's connection; one never saved is
// the sandbox.
func (s *Store) SinchSettings(ctx context.Context, tenantID int64) (SinchSettings, error) {
	var set SinchSettings
	err := s.db.WithContext(ctx).Where("organisation_id = ?", tenantID).First(&set).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return SinchSettings{OrganisationID: tenantID, Mode: SinchSandbox, Auth: "basic",
			BaseURL: SinchBaseURL, TokenURL: SinchTokenURL}, nil
	}
	return set, wrap(err, "sinch settings")
}

// SaveSinchSettings validates and stores the connection, sealing a new key
// secret. Clients are untouched: they belong to the organisation, not to
// the connection.
func (s *Store) SaveSinchSettings(ctx context.Context, tenantID int64, in SinchInput, by string) (SinchSettings, error) {
	cur, err := s.SinchSettings(ctx, tenantID)
	if err != nil {
		return SinchSettings{}, err
	}
	if err := in.Validate(cur.HasSecret()); err != nil {
		return SinchSettings{}, err
	}
	next := cur
	next.Mode, next.Auth, next.KeyID, next.BaseURL, next.TokenURL = in.Mode, in.Auth, in.KeyID, in.BaseURL, in.TokenURL
	if in.KeySecret != "" {
		if s.Cipher == nil {
			return SinchSettings{}, ErrNoCipher
		}
		next.SecretSealed = s.Cipher.Seal(in.KeySecret, secretAD(tenantID))
		next.SecretLast4 = last4(in.KeySecret)
	}
	next.Version++
	next.UpdatedBy, next.UpdatedAt = by, s.now()
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Save(&next).Error; err != nil {
			return err
		}
		// What the old settings refused (credentials, access) may work now:
		// parked background work is due again at once.
		return tx.Model(&Client{}).Where("organisation_id = ? AND parked_reason <> ''", tenantID).
			Updates(map[string]any{"parked_reason": "", "next_sync_at": s.now(), "sync_priority": PriorityAction}).Error
	})
	s.notify(tenantID, 0, err)
	return next, wrap(err, "save sinch settings")
}

// SinchSecret opens the stored key secret ("" when none is stored).
func (s *Store) SinchSecret(set SinchSettings) (string, error) {
	if !set.HasSecret() {
		return "", nil
	}
	if s.Cipher == nil {
		return "", ErrNoCipher
	}
	return s.Cipher.Open(set.SecretSealed, secretAD(set.OrganisationID))
}

func last4(s string) string {
	r := []rune(s)
	if len(r) <= 4 {
		return ""
	}
	return string(r[len(r)-4:])
}
