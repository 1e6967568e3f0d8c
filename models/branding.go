package models

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Branding is what the owner sets for the business client's shared page.
type Branding struct {
	BrandName      string
	LogoURL        string
	AccentColor    string
	SupportContact string
}

var hexColour = regexp.MustCompile(`^#[0-9a-f]{6}$`)

// ValidAccent reports whether c is an accent colour as stored: "#" and six
// lower-case hexadecimal digits.
func ValidAccent(c string) bool { return hexColour.MatchString(c) }

// LogoPath is where an uploaded logo is served; main's route table serves it.
const LogoPath = "/branding/logo/"

// Validate normalises and checks the branding.
func (in *Branding) Validate() error {
	in.BrandName, in.SupportContact = strings.TrimSpace(in.BrandName), strings.TrimSpace(in.SupportContact)
	in.LogoURL, in.AccentColor = strings.TrimSpace(in.LogoURL), strings.ToLower(strings.TrimSpace(in.AccentColor))
	if in.AccentColor != "" && !strings.HasPrefix(in.AccentColor, "#") {
		in.AccentColor = "#" + in.AccentColor
	}
	v := ValidationError{}
	if len([]rune(in.BrandName)) > 120 {
		v.Add("brand_name", "Use at most 120 characters.")
	}
	if len([]rune(in.SupportContact)) > 200 {
		v.Add("support_contact", "Use at most 200 characters.")
	}
	if in.AccentColor != "" && !ValidAccent(in.AccentColor) {
		v.Add("accent_color", "Use a colour like #0a7d5a (a # and six hexadecimal digits).")
	}
	if in.LogoURL != "" && !strings.HasPrefix(in.LogoURL, LogoPath) {
		u, err := url.Parse(in.LogoURL)
		if err != nil || u.Scheme != "https" || u.Host == "" || len(in.LogoURL) > 500 {
			v.Add("logo_url", "Use an address starting with https://, or upload an image instead.")
		}
	}
	return v.Err()
}

// UpdateBranding saves the branding of the organisation.
func (s *Store) UpdateBranding(ctx context.Context, tenantID int64, in Branding) (Organisation, error) {
	if err := in.Validate(); err != nil {
		return Organisation{}, err
	}
	err := s.db.WithContext(ctx).Model(&Organisation{}).Where("id = ?", tenantID).Updates(map[string]any{
		"brand_name": in.BrandName, "logo_url": in.LogoURL, "accent_color": in.AccentColor,
		"support_contact": in.SupportContact, "updated_at": s.now(),
	}).Error
	s.notify(tenantID, 0, err)
	if err != nil {
		return Organisation{}, wrap(err, "update branding")
	}
	return s.OrganisationByID(ctx, tenantID)
}

// Logo is an uploaded logo, kept in the database so every instance serves it.
type Logo struct {
	OrganisationID int64  `gorm:"primaryKey;autoIncrement:false"`
	ContentType    string `gorm:"size:40;not null"`
	Data           []byte `gorm:"not null"`
	Hash           string `gorm:"size:64;not null"`
	UpdatedAt      time.Time
}

// Logo types accepted for upload (SVG is not: it can carry scripts).
var LogoTypes = []string{"image/png", "image/jpeg", "image/gif", "image/webp"}

// MaxLogoBytes is the largest logo accepted.
const MaxLogoBytes = 512 << 10

// SaveLogo stores an uploaded logo and returns the URL pages use for it; the
// URL changes with the content, so browsers may cache it for good.
func (s *Store) SaveLogo(ctx context.Context, tenantID int64, contentType string, data []byte) (string, error) {
	ok := false
	for _, t := range LogoTypes {
		ok = ok || t == contentType
	}
	if !ok {
		return "", ValidationError{"logo": "Upload a PNG, JPEG, GIF or WebP image."}
	}
	if len(data) > MaxLogoBytes {
		return "", ValidationError{"logo": "The image is too large: use one under 512 KB."}
	}
	sum := sha256.Sum256(data)
	logo := Logo{OrganisationID: tenantID, ContentType: contentType, Data: data, Hash: hex.EncodeToString(sum[:]), UpdatedAt: s.now()}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Save(&logo).Error; err != nil {
			return err
		}
		return tx.Model(&Organisation{}).Where("id = ?", tenantID).Update("logo_url", logoURL(logo)).Error
	})
	s.notify(tenantID, 0, err)
	return logoURL(logo), wrap(err, "save logo")
}

func logoURL(l Logo) string {
	return LogoPath + strconv.FormatInt(l.OrganisationID, 10) + "?v=" + l.Hash[:12]
}

// LogoByOrganisation returns the uploaded logo of an organisation (it is
// public: the client page shows it).
func (s *Store) LogoByOrganisation(ctx context.Context, orgID int64) (Logo, error) {
	var l Logo
	err := s.db.WithContext(ctx).Where("organisation_id = ?", orgID).First(&l).Error
	return l, wrap(err, "logo")
}
