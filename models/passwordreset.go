package models

import (
	"context"
	"errors"
	"strconv"
	"time"

	"gorm.io/gorm"
)

// PasswordResetLifetime is how long a reset link works.
const PasswordResetLifetime = time.Hour

// ErrResetGone means a reset link is unknown, used or expired: the page
// offers to send a new one.
var ErrResetGone = errors.New("password reset link used or expired")

// PasswordReset is a single-use "forgot your password" link. Only the
// token's hash is stored; the e-mail carrying it is sealed.
type PasswordReset struct {
	ID             int64  `gorm:"primaryKey"`
	OrganisationID int64  `gorm:"not null;index"`
	UserID         int64  `gorm:"not null;index"`
	User           User   `gorm:"constraint:OnDelete:CASCADE"`
	TokenHash      string `gorm:"size:64;not null;uniqueIndex"`
	ExpiresAt      time.Time
	UsedAt         *time.Time
	CreatedAt      time.Time
}

// RequestPasswordReset e-mails a reset link to the user with this address,
// if there is one; the caller answers the same either way. The link and
// its e-mail are written in one transaction.
func (s *Store) RequestPasswordReset(ctx context.Context, email string) error {
	u, err := s.UserByEmail(ctx, email)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	token, hash := NewToken()
	r := PasswordReset{OrganisationID: u.OrganisationID, UserID: u.ID, TokenHash: hash, ExpiresAt: s.now().Add(PasswordResetLifetime)}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&r).Error; err != nil {
			return err
		}
		return s.enqueueMail(tx, Message{OrganisationID: u.OrganisationID, Key: "reset:" + strconv.FormatInt(r.ID, 10),
			Kind: MailPasswordReset, To: u.Email, ToName: u.Name, UserID: &u.ID}, MailData{Token: token})
	})
	return wrap(err, "request password reset")
}

// PasswordResetByToken returns the usable reset a link names.
func (s *Store) PasswordResetByToken(ctx context.Context, token string) (PasswordReset, error) {
	var r PasswordReset
	err := s.db.WithContext(ctx).Preload("User").Where("token_hash = ?", HashToken(token)).First(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) || err == nil && (r.UsedAt != nil || !s.now().Before(r.ExpiresAt)) {
		return r, ErrResetGone
	}
	return r, wrap(err, "password reset")
}

// ResetPassword sets a new password through a reset link, once: the link
// is used up, and every session of the user ends.
func (s *Store) ResetPassword(ctx context.Context, token, password string) (User, error) {
	r, err := s.PasswordResetByToken(ctx, token)
	if err != nil {
		return User{}, err
	}
	u := r.User
	v := ValidationError{}
	validatePassword(v, "password", password, u.Name, u.Email)
	if err := v.Err(); err != nil {
		return User{}, err
	}
	hash, err := s.hashPassword(password)
	if err != nil {
		return User{}, err
	}
	now := s.now()
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&PasswordReset{}).Where("id = ? AND used_at IS NULL", r.ID).Update("used_at", now)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 { // another request used it first
			return ErrResetGone
		}
		// Other links of the user stop working too.
		if err := tx.Model(&PasswordReset{}).Where("user_id = ? AND used_at IS NULL", u.ID).Update("used_at", now).Error; err != nil {
			return err
		}
		if err := tx.Model(&User{}).Where("id = ?", u.ID).Updates(map[string]any{"password_hash": hash, "updated_at": now}).Error; err != nil {
			return err
		}
		return endSessions(tx, u.OrganisationID, u.ID, 0)
	})
	if errors.Is(err, ErrResetGone) {
		return User{}, err
	}
	s.notify(u.OrganisationID, 0, err)
	return u, wrap(err, "reset password")
}
