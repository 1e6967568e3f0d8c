package models

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base32"
	"strconv"
	"strings"
	"time"

	"github.com/pquerna/otp/totp"
	"gorm.io/gorm"
)

// Two-factor log-in: a TOTP authenticator app (RFC 6238: 6 digits, 30 s)
// plus 10 single-use recovery codes. The secret is sealed like Sinch key
// secrets; recovery codes are stored hashed.

// RecoveryCode is one single-use code for when the authenticator is lost.
type RecoveryCode struct {
	ID             int64  `gorm:"primaryKey"`
	OrganisationID int64  `gorm:"not null;index"`
	UserID         int64  `gorm:"not null;index"`
	User           User   `gorm:"constraint:OnDelete:CASCADE"`
	CodeHash       string `gorm:"size:64;not null"`
	UsedAt         *time.Time
	CreatedAt      time.Time
}

// RecoveryCodes is how many recovery codes a user gets.
const RecoveryCodes = 10

// TwoFactorOn reports whether the user logs in with a second factor.
func (u User) TwoFactorOn() bool { return u.TOTPEnabledAt != nil }

// MustEnrolTwoFactor reports whether the user must set up two-factor
// log-in before anything else: their organisation requires it.
func (u User) MustEnrolTwoFactor() bool { return u.Organisation.RequireTwoFactor && !u.TwoFactorOn() }

func totpAD(u User) string {
	return "totp|" + strconv.FormatInt(u.OrganisationID, 10) + "|" + strconv.FormatInt(u.ID, 10)
}

// TOTPEnrolment is what the set-up page shows: the secret as text and the
// otpauth:// URI the QR code carries.
type TOTPEnrolment struct {
	Secret, URI string
}

// BeginTOTP returns the user's pending authenticator secret, creating one
// the first time, so a page shown again (a wrong code) keeps the QR code
// the person already scanned.
func (s *Store) BeginTOTP(ctx context.Context, tenantID, userID int64) (TOTPEnrolment, error) {
	if s.Cipher == nil {
		return TOTPEnrolment{}, ErrNoCipher
	}
	u, err := s.tenantUser(ctx, tenantID, userID)
	if err != nil {
		return TOTPEnrolment{}, err
	}
	opts := totp.GenerateOpts{Issuer: "wabadesk", AccountName: u.Email}
	if len(u.TOTPPendingSealed) > 0 {
		if secret, err := s.Cipher.Open(u.TOTPPendingSealed, totpAD(u)); err == nil {
			if raw, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(secret); err == nil {
				opts.Secret = raw // the same key again, so the same QR code
			}
		}
	}
	key, err := totp.Generate(opts)
	if err != nil {
		return TOTPEnrolment{}, err
	}
	enrol := TOTPEnrolment{Secret: key.Secret(), URI: key.URL()}
	if opts.Secret != nil {
		return enrol, nil
	}
	err = s.db.WithContext(ctx).Model(&User{}).Where("id = ? AND organisation_id = ?", u.ID, tenantID).
		Update("totp_pending_sealed", s.Cipher.Seal(key.Secret(), totpAD(u))).Error
	return enrol, wrap(err, "begin totp")
}

// EnableTOTP turns two-factor log-in on once the person typed a code of the
// pending secret, and returns their new recovery codes (shown once).
func (s *Store) EnableTOTP(ctx context.Context, tenantID, userID int64, code string) ([]string, error) {
	u, err := s.tenantUser(ctx, tenantID, userID)
	if err != nil {
		return nil, err
	}
	if s.Cipher == nil || len(u.TOTPPendingSealed) == 0 {
		return nil, ValidationError{"code": "Start again: the set-up expired."}
	}
	secret, err := s.Cipher.Open(u.TOTPPendingSealed, totpAD(u))
	if err != nil {
		return nil, err
	}
	step, ok := s.totpStep(secret, code)
	if !ok {
		return nil, ValidationError{"code": "That code does not match. Type the 6 digits your app shows now (they change every 30 seconds)."}
	}
	codes := newRecoveryCodes()
	now := s.now()
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Model(&User{}).Where("id = ?", u.ID).Updates(map[string]any{"totp_sealed": u.TOTPPendingSealed,
			"totp_pending_sealed": nil, "totp_enabled_at": now, "totp_last_step": step}).Error; err != nil {
			return err
		}
		return replaceRecoveryCodes(tx, u, codes, now)
	})
	s.notify(tenantID, 0, err) // cached users see it at once
	return codes, wrap(err, "enable totp")
}

// DisableTOTP turns two-factor log-in off after checking the password;
// refused while the organisation requires it.
func (s *Store) DisableTOTP(ctx context.Context, tenantID, userID int64, password string) error {
	u, err := s.tenantUser(ctx, tenantID, userID)
	if err != nil {
		return err
	}
	if u.Organisation.RequireTwoFactor {
		return ValidationError{"password": "Your organisation requires two-factor log-in: it cannot be turned off."}
	}
	if !checkPassword(u, password) {
		return ValidationError{"password": "That is not your password."}
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Model(&User{}).Where("id = ?", u.ID).Updates(map[string]any{"totp_sealed": nil,
			"totp_pending_sealed": nil, "totp_enabled_at": nil, "totp_last_step": 0}).Error; err != nil {
			return err
		}
		return tx.Where("user_id = ?", u.ID).Delete(&RecoveryCode{}).Error
	})
	s.notify(tenantID, 0, err)
	return wrap(err, "disable totp")
}

// CheckSecondFactor checks a code from the authenticator (each one used
// once) or an unused recovery code (then spent). It reports which it was.
func (s *Store) CheckSecondFactor(ctx context.Context, tenantID, userID int64, code string) (ok, recovery bool, err error) {
	u, err := s.tenantUser(ctx, tenantID, userID)
	if err != nil || !u.TwoFactorOn() || s.Cipher == nil {
		return false, false, err
	}
	// Six digits (spaces allowed, as apps show "123 456") are the app's;
	// anything else may be a recovery code, which can hold digits too.
	digits := strings.ReplaceAll(strings.TrimSpace(code), " ", "")
	if len(digits) == 6 && strings.Trim(digits, "0123456789") == "" {
		secret, err := s.Cipher.Open(u.TOTPSealed, totpAD(u))
		if err != nil {
			return false, false, err
		}
		step, ok := s.totpStep(secret, digits)
		if !ok || step <= u.TOTPLastStep {
			return false, false, nil // wrong, or replayed
		}
		res := s.db.WithContext(ctx).Model(&User{}).Where("id = ? AND totp_last_step < ?", u.ID, step).Update("totp_last_step", step)
		return res.RowsAffected == 1, false, wrap(res.Error, "second factor")
	}
	res := s.db.WithContext(ctx).Model(&RecoveryCode{}).
		Where("user_id = ? AND code_hash = ? AND used_at IS NULL", u.ID, HashToken(normaliseRecovery(code))).Update("used_at", s.now())
	return res.RowsAffected == 1, true, wrap(res.Error, "recovery code")
}

// RecoveryCodesLeft is how many unused recovery codes the user has.
func (s *Store) RecoveryCodesLeft(ctx context.Context, tenantID, userID int64) (int, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&RecoveryCode{}).Where("organisation_id = ? AND user_id = ? AND used_at IS NULL", tenantID, userID).Count(&n).Error
	return int(n), wrap(err, "recovery codes")
}

// NewRecoveryCodes replaces the user's recovery codes and returns the new
// ones (shown once).
func (s *Store) NewRecoveryCodes(ctx context.Context, tenantID, userID int64) ([]string, error) {
	u, err := s.tenantUser(ctx, tenantID, userID)
	if err != nil {
		return nil, err
	}
	if !u.TwoFactorOn() {
		return nil, ErrConflict
	}
	codes := newRecoveryCodes()
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error { return replaceRecoveryCodes(tx, u, codes, s.now()) })
	return codes, wrap(err, "new recovery codes")
}

// SetRequireTwoFactor turns the organisation's requirement on or off.
func (s *Store) SetRequireTwoFactor(ctx context.Context, tenantID int64, on bool) error {
	err := s.db.WithContext(ctx).Model(&Organisation{}).Where("id = ?", tenantID).
		Updates(map[string]any{"require_two_factor": on, "updated_at": s.now()}).Error
	s.notify(tenantID, 0, err)
	return wrap(err, "require two-factor")
}

// totpStep validates code against secret at now, allowing one step of
// clock drift either way, and returns the time step it belongs to.
func (s *Store) totpStep(secret, code string) (int64, bool) {
	now := s.now()
	for _, skew := range []int64{0, -1, 1} {
		at := now.Add(time.Duration(skew) * 30 * time.Second)
		want, err := totp.GenerateCode(secret, at)
		if err == nil && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return at.Unix() / 30, true
		}
	}
	return 0, false
}

func (s *Store) tenantUser(ctx context.Context, tenantID, userID int64) (User, error) {
	var u User
	err := s.db.WithContext(ctx).Joins("Organisation").Where("users.organisation_id = ?", tenantID).First(&u, "users.id = ?", userID).Error
	return u, wrap(err, "user")
}

func replaceRecoveryCodes(tx *gorm.DB, u User, codes []string, now time.Time) error {
	if err := tx.Where("user_id = ?", u.ID).Delete(&RecoveryCode{}).Error; err != nil {
		return err
	}
	rows := make([]RecoveryCode, len(codes))
	for i, c := range codes {
		rows[i] = RecoveryCode{OrganisationID: u.OrganisationID, UserID: u.ID, CodeHash: HashToken(normaliseRecovery(c)), CreatedAt: now}
	}
	return tx.Create(&rows).Error
}

// newRecoveryCodes makes RecoveryCodes codes like "k7q2-9xmd-4hta" (60 bits
// each, no look-alike characters).
func newRecoveryCodes() []string {
	const alphabet = "23456789abcdefghjkmnpqrstuvwxyz" // no 0/o, 1/l/i
	out := make([]string, RecoveryCodes)
	limit := byte(256 / len(alphabet) * len(alphabet)) // bytes at or above it would bias the draw
	for i := range out {
		var sb strings.Builder
		for n := 0; n < 12; {
			var b [1]byte
			_, _ = rand.Read(b[:])
			if b[0] >= limit {
				continue
			}
			if n > 0 && n%4 == 0 {
				sb.WriteByte('-')
			}
			sb.WriteByte(alphabet[int(b[0])%len(alphabet)])
			n++
		}
		out[i] = sb.String()
	}
	return out
}

// normaliseRecovery lets people type a recovery code with or without
// dashes and spaces, in any case.
func normaliseRecovery(code string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '-' || r == ' ':
			return -1
		case r >= 'A' && r <= 'Z':
			return r + 32
		}
		return r
	}, strings.TrimSpace(code))
}
