package models

import (
	"context"
	"net/mail"
	"net/url"
	"strings"
	"time"
	"unicode"

	"gorm.io/gorm"
)

// Phone number providers.
const (
	ProviderCustomer = "CUSTOMER" // the client's own number; verified by OTP
	ProviderSinch    = "SINCH"    // a number Sinch provides; no OTP
)

// Sender is a client's WhatsApp phone number and its business profile.
type Sender struct {
	ID             int64  `gorm:"primaryKey"`
	OrganisationID int64  `gorm:"not null;index"`
	ClientID       int64  `gorm:"not null;index"`
	Client         Client `gorm:"constraint:OnDelete:CASCADE"`
	SenderInput
	SinchID    string      `gorm:"size:64;index"`
	Stage      SenderStage `gorm:"size:20;not null"`
	StageSince time.Time   `gorm:"not null"`
	// ErrorCode and Reason explain an ERROR or REJECTED sender, in Sinch's terms.
	ErrorCode   string `gorm:"size:80"`
	Reason      string `gorm:"size:2000"`
	SinchErrors string `gorm:"size:4000"`
	// PreviousStage is the stage a resubmission started from, restored
	// when Sinch refuses it.
	PreviousStage SenderStage `gorm:"size:20;not null;default:''"`
	// OTP bookkeeping, for limits and for the client page.
	OTPMethod      string `gorm:"size:8"`
	OTPRequestedAt *time.Time
	OTPFailures    int `gorm:"not null;default:0"`
	// VerifiedAt is when Sinch accepted a code; the sender stays in
	// verification until Sinch activates it.
	VerifiedAt *time.Time
	SenderHealth
	Outbox
	CreatedAt time.Time
	UpdatedAt time.Time
}

// SenderInput is what staff type for a sender.
type SenderInput struct {
	Provider         string `gorm:"size:10;not null" form:"provider"`
	CountryCode      string `gorm:"size:4;not null;default:''" form:"country_code"`
	PhoneNumber      string `gorm:"size:32;not null;default:''" form:"phone_number"`
	DisplayName      string `gorm:"size:128;not null" form:"display_name"`
	Vertical         string `gorm:"size:40;not null" form:"vertical"`
	Description      string `gorm:"size:512;not null;default:''" form:"description"`
	Email            string `gorm:"size:128;not null;default:''" form:"email"`
	Address          string `gorm:"size:256;not null;default:''" form:"address"`
	WebsiteOne       string `gorm:"size:256;not null;default:''" form:"website_one"`
	WebsiteTwo       string `gorm:"size:256;not null;default:''" form:"website_two"`
	About            string `gorm:"size:139;not null;default:''" form:"about"`
	PhotoURL         string `gorm:"size:256;not null;default:''" form:"photo_url"`
	Region           string `gorm:"size:4;not null;default:''" form:"region"`
	MetaLocalStorage string `gorm:"size:4;not null;default:''" form:"meta_local_storage"`
}

// Phone is the number as people write it, "+48 777777777".
func (s SenderInput) Phone() string {
	if s.PhoneNumber == "" {
		return ""
	}
	return "+" + s.CountryCode + " " + s.PhoneNumber
}

// Validate checks a sender against the limits Sinch applies.
func (in *SenderInput) Validate() ValidationError {
	for _, p := range []*string{&in.CountryCode, &in.PhoneNumber, &in.DisplayName, &in.Description, &in.Email, &in.Address, &in.WebsiteOne, &in.WebsiteTwo, &in.About, &in.PhotoURL} {
		*p = strings.TrimSpace(*p)
	}
	// Trim again after stripping: "+ 44" and "(\t11)" must normalise in one pass.
	in.CountryCode = strings.TrimLeftFunc(in.CountryCode, func(r rune) bool { return r == '+' || unicode.IsSpace(r) })
	in.PhoneNumber = strings.TrimSpace(strings.NewReplacer(" ", "", "-", "", "(", "", ")", "").Replace(in.PhoneNumber))
	v := ValidationError{}
	switch in.Provider {
	case ProviderCustomer:
		if in.CountryCode == "" || !digitsPattern.MatchString(in.CountryCode) || len(in.CountryCode) > 3 {
			v.Add("country_code", "Enter the country calling code in digits, like 44 or 55.")
		}
		if in.PhoneNumber == "" || !digitsPattern.MatchString(in.PhoneNumber) || len(in.PhoneNumber) > 32 {
			v.Add("phone_number", "Enter the number in digits, without the country code.")
		}
	case ProviderSinch:
		if in.CountryCode == "" || !digitsPattern.MatchString(in.CountryCode) || len(in.CountryCode) > 3 {
			v.Add("country_code", "Enter the country calling code for the number Sinch should provide, like 44.")
		}
		in.PhoneNumber = ""
	default:
		v.Add("provider", "Choose whose number this is.")
	}
	if in.DisplayName == "" {
		v.Add("display_name", "Enter the display name people will see.")
	}
	maxLen(v, "display_name", in.DisplayName, 128)
	if in.Vertical == "" {
		v.Add("vertical", "Choose a vertical.")
	}
	choice(v, "vertical", in.Vertical, SenderVerticals)
	maxLen(v, "description", in.Description, 512)
	maxLen(v, "address", in.Address, 256)
	maxLen(v, "about", in.About, 139)
	if in.Email != "" {
		if a, err := mail.ParseAddress(in.Email); err != nil || a.Address != in.Email {
			v.Add("email", "Enter a valid e-mail address, like support@example.com.")
		}
		maxLen(v, "email", in.Email, 128)
	}
	for field, u := range map[string]string{"website_one": in.WebsiteOne, "website_two": in.WebsiteTwo, "photo_url": in.PhotoURL} {
		if u == "" {
			continue
		}
		if p, err := url.Parse(u); err != nil || (p.Scheme != "https" && p.Scheme != "http") || p.Host == "" {
			v.Add(field, "Enter a full web address starting with https://.")
		}
		maxLen(v, field, u, 256)
	}
	choice(v, "region", in.Region, Regions)
	choice(v, "meta_local_storage", in.MetaLocalStorage, MetaLocalStorages)
	return v
}

// FieldErrors decodes SinchErrors.
func (s Sender) FieldErrors() map[string]string { return decodeErrors(s.SinchErrors) }

// CreateSender adds a draft sender to an onboarded client.
func (s *Store) CreateSender(ctx context.Context, tenantID, clientID int64, actor User, in SenderInput) (Sender, error) {
	v := in.Validate()
	now := s.now()
	snd := Sender{OrganisationID: tenantID, ClientID: clientID, SenderInput: in, Stage: SenderDraft, StageSince: now}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var c Client
		if err := tx.Where("organisation_id = ?", tenantID).First(&c, clientID).Error; err != nil {
			return err
		}
		if c.AccountStage != AccountOnboarded {
			return ErrConflict
		}
		if in.PhoneNumber != "" {
			var n int64
			if err := tx.Model(&Sender{}).Where("organisation_id = ? AND country_code = ? AND phone_number = ? AND stage <> ?",
				tenantID, in.CountryCode, in.PhoneNumber, SenderDeleted).Count(&n).Error; err != nil {
				return err
			}
			if n > 0 {
				v.Add("phone_number", "This number is already a sender of one of your clients.")
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		if err := tx.Create(&snd).Error; err != nil {
			return err
		}
		after, err := s.syncClientSender(tx, c.ID, now, true)
		if err != nil {
			return err
		}
		if err := s.emitSender(tx, after, nil, snd); err != nil {
			return err
		}
		return addEvent(tx, Event{OrganisationID: tenantID, ClientID: clientID, SenderID: &snd.ID, At: now,
			Source: SourceStaff, Actor: actor.Name, Title: "Sender " + orDash(snd.Phone()) + " added as a draft"})
	})
	s.notify(tenantID, clientID, err)
	return snd, wrap(err, "create sender")
}

// UpdateSender changes a sender's data while staff may edit it.
func (s *Store) UpdateSender(ctx context.Context, tenantID, id int64, actor User, in SenderInput) (Sender, error) {
	v := in.Validate()
	var snd Sender
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := forUpdate(tx).Where("organisation_id = ?", tenantID).First(&snd, id).Error; err != nil {
			return err
		}
		if !snd.Stage.Editable() {
			return ErrConflict
		}
		if snd.SinchID != "" { // the number and provider cannot change once Sinch has it
			in.Provider, in.CountryCode, in.PhoneNumber = snd.Provider, snd.CountryCode, snd.PhoneNumber
			delete(v, "provider")
			delete(v, "country_code")
			delete(v, "phone_number")
		}
		if err := v.Err(); err != nil {
			return err
		}
		snd.SenderInput = in
		if err := tx.Select("*").Omit("created_at", "lease_owner", "lease_until").Save(&snd).Error; err != nil {
			return err
		}
		if _, err := s.syncClientSender(tx, snd.ClientID, s.now(), true); err != nil {
			return err
		}
		return addEvent(tx, Event{OrganisationID: tenantID, ClientID: snd.ClientID, SenderID: &snd.ID, At: s.now(),
			Source: SourceStaff, Actor: actor.Name, Title: "Sender " + orDash(snd.Phone()) + " edited"})
	})
	s.notify(tenantID, snd.ClientID, err)
	return snd, wrap(err, "update sender")
}

// SenderByID returns one sender of the tenant's client.
func (s *Store) SenderByID(ctx context.Context, tenantID, clientID, id int64) (Sender, error) {
	var snd Sender
	err := s.db.WithContext(ctx).Where("organisation_id = ? AND client_id = ?", tenantID, clientID).First(&snd, id).Error
	return snd, wrap(err, "sender")
}

// Senders lists a client's senders, newest first.
func (s *Store) Senders(ctx context.Context, tenantID, clientID int64) ([]Sender, error) {
	var out []Sender
	err := s.db.WithContext(ctx).Where("organisation_id = ? AND client_id = ?", tenantID, clientID).
		Order("created_at DESC, id DESC").Find(&out).Error
	return out, wrap(err, "senders")
}

// syncClientSender copies the latest live sender's stage and number onto
// the client row, so the list filters and searches one table.
// touch marks the client as changed even when the stage stays.
func (s *Store) syncClientSender(tx *gorm.DB, clientID int64, now time.Time, touch bool) (Client, error) {
	var c Client
	if err := tx.First(&c, clientID).Error; err != nil {
		return c, err
	}
	var live []Sender
	err := tx.Where("client_id = ? AND stage <> ?", clientID, SenderDeleted).Order("created_at DESC, id DESC").Find(&live).Error
	if err != nil {
		return c, err
	}
	var latest Sender
	if len(live) > 0 {
		latest = live[0]
	}
	was := c.ClientHealth
	c.rollUpHealth(live, now)
	stage := journeyStage(c.AccountStage, latest.Stage)
	updates := map[string]any{"sender_stage": latest.Stage, "sender_phone": latest.Phone(), "stage": stage,
		"search_text": searchText(c.ClientInput, latest.Phone()), "health_quality": c.HealthQuality, "health_name": c.HealthName,
		"health_suspended": c.HealthSuspended, "health_rank": c.HealthRank, "health_since": c.HealthSince}
	if stage != c.Stage {
		updates["stage_since"] = now
	}
	if touch || stage != c.Stage || latest.Stage != c.SenderStage {
		updates["last_change_at"] = now
	}
	if err := tx.Model(&Client{}).Where("id = ?", clientID).Updates(updates).Error; err != nil {
		return c, err
	}
	before := c
	c.SenderStage, c.SenderPhone, c.Stage = latest.Stage, latest.Phone(), stage
	if stage != before.Stage {
		c.StageSince = now
		if err := recordStage(tx, c, "", now); err != nil {
			return c, err
		}
		if err := s.emitClient(tx, HookClientStageChanged, c, &before.Stage); err != nil {
			return c, err
		}
	}
	return c, s.emitHealth(tx, c, was)
}

func orDash(s string) string {
	if s == "" {
		return "(number from Sinch)"
	}
	return s
}

// Verified reports whether Sinch took a code after the latest request: the
// number waits for Sinch to activate it, not for a code.
func (s Sender) Verified() bool {
	return s.VerifiedAt != nil && (s.OTPRequestedAt == nil || !s.VerifiedAt.Before(*s.OTPRequestedAt))
}
