package models

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/trustelem/zxcvbn"
	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm"
)

// ErrBadLogin means the e-mail is unknown or the password wrong; callers
// must not tell which.
var ErrBadLogin = errors.New("wrong e-mail or password")

// MinPasswordLength is the shortest password accepted.
const MinPasswordLength = 10

// User is a staff member of exactly one organisation.
type User struct {
	ID             int64        `gorm:"primaryKey"`
	OrganisationID int64        `gorm:"not null;index"`
	Organisation   Organisation `gorm:"constraint:OnDelete:CASCADE"`
	Name           string       `gorm:"size:120;not null"`
	Email          string       `gorm:"size:254;not null;uniqueIndex"`
	PasswordHash   string       `gorm:"not null"`
	Role           Role         `gorm:"size:16;not null"`
	LastLoginAt    *time.Time
	// Two-factor log-in (twofactor.go): the authenticator's secret, sealed;
	// one being set up; when it was turned on; the last time step used (a
	// code works once).
	TOTPSealed        []byte
	TOTPPendingSealed []byte
	TOTPEnabledAt     *time.Time
	TOTPLastStep      int64 `gorm:"not null;default:0"`
	// NotifyNow and NotifyDigest are the notification events (NotifyEvents)
	// the member wants by e-mail at once and in the daily digest, comma
	// separated.
	NotifyNow    string `gorm:"size:100;not null;default:''"`
	NotifyDigest string `gorm:"size:100;not null;default:'attention,rejected,active'"`
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// checkPassword reports whether password is u's.
func checkPassword(u User, password string) bool {
	return bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(password)) == nil
}

// validatePerson checks the fields shared by sign-up and invite acceptance,
// normalising name and e-mail in place.
func validatePerson(v ValidationError, name, email *string, password string) {
	*name = strings.TrimSpace(*name)
	*email = normaliseEmail(*email)
	if *name == "" {
		v.Add("name", "Enter your name.")
	} else if len([]rune(*name)) > 120 {
		v.Add("name", "Use at most 120 characters.")
	}
	validateEmail(v, "email", *email)
	validatePassword(v, "password", password, *name, *email)
}

func normaliseEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

func validateEmail(v ValidationError, field, email string) {
	if email == "" {
		v.Add(field, "Enter an e-mail address.")
		return
	}
	addr, err := mail.ParseAddress(email)
	if err != nil || addr.Address != email || len(email) > 254 || !strings.Contains(email[strings.LastIndex(email, "@"):], ".") {
		v.Add(field, "Enter a valid e-mail address, like name@example.com.")
	}
}

// validatePassword keeps the length rule and refuses passwords a guesser
// tries early: zxcvbn's estimate (common passwords, words and names,
// keyboard patterns, repeats, dates, and the person's own name and e-mail
// given as inputs) must be at least 10^8 guesses (its score 3).
func validatePassword(v ValidationError, field, pw string, inputs ...string) {
	switch {
	case len([]rune(pw)) < MinPasswordLength:
		v.Add(field, fmt.Sprintf("Use at least %d characters.", MinPasswordLength))
	case len(pw) > 72: // bcrypt ignores everything past 72 bytes
		v.Add(field, "Use at most 72 characters.")
	case zxcvbn.PasswordStrength(pw, inputs).Score < 3:
		v.Add(field, "This password is too easy to guess: it is a common password, or made of a word, a name, your e-mail, "+
			"a keyboard pattern or repeated characters. Try a few unrelated words, like a short phrase only you would think of.")
	}
}

func (s *Store) hashPassword(pw string) (string, error) {
	h, err := bcrypt.GenerateFromPassword([]byte(pw), s.PasswordCost)
	if err != nil {
		return "", fmt.Errorf("store: hash password: %w", err)
	}
	return string(h), nil
}

// createUser inserts u, reporting a taken e-mail as a field error.
func createUser(tx *gorm.DB, u *User) error {
	var n int64
	if err := tx.Model(&User{}).Where("email = ?", u.Email).Count(&n).Error; err != nil {
		return err
	}
	if n > 0 {
		return ValidationError{"email": "An account with this e-mail already exists. Log in instead."}
	}
	err := tx.Create(u).Error
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return ValidationError{"email": "An account with this e-mail already exists. Log in instead."}
	}
	return err
}

// Authenticate returns the user whose e-mail and password match.
func (s *Store) Authenticate(ctx context.Context, email, password string) (User, error) {
	var u User
	err := s.db.WithContext(ctx).Where("email = ?", normaliseEmail(email)).First(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		// Spend the same time as a real check so timing does not reveal accounts.
		_ = bcrypt.CompareHashAndPassword(dummyHash, []byte(password))
		return User{}, ErrBadLogin
	}
	if err != nil {
		return User{}, wrap(err, "authenticate")
	}
	if bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(password)) != nil {
		return User{}, ErrBadLogin
	}
	now := s.now()
	u.LastLoginAt = &now
	err = s.db.WithContext(ctx).Model(&u).UpdateColumn("last_login_at", now).Error
	return u, wrap(err, "record login")
}

var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("timing-equaliser"), bcrypt.DefaultCost)

// UserByID loads the user behind a session. It is not tenant-scoped because
// it is how the tenant is found.
func (s *Store) UserByID(ctx context.Context, id int64) (User, error) {
	var u User
	err := s.db.WithContext(ctx).Joins("Organisation").First(&u, "users.id = ?", id).Error
	return u, wrap(err, "user")
}

// ChangePassword replaces the password after checking the current one and
// bumps the session version so other sessions end.
func (s *Store) ChangePassword(ctx context.Context, tenantID, userID int64, current, next string) (User, error) {
	var u User
	if err := s.db.WithContext(ctx).Where("organisation_id = ?", tenantID).First(&u, userID).Error; err != nil {
		return User{}, wrap(err, "change password")
	}
	v := ValidationError{}
	if bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(current)) != nil {
		v.Add("current_password", "That is not your current password.")
	}
	validatePassword(v, "new_password", next, u.Name, u.Email)
	if err := v.Err(); err != nil {
		return User{}, err
	}
	hash, err := s.hashPassword(next)
	if err != nil {
		return User{}, err
	}
	u.PasswordHash = hash
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Model(&u).Updates(map[string]any{"password_hash": u.PasswordHash, "updated_at": s.now()}).Error; err != nil {
			return err
		}
		return endSessions(tx, tenantID, u.ID, 0) // the caller starts a new one
	})
	s.notify(tenantID, 0, err) // cached sessions end too
	return u, wrap(err, "change password")
}

// Staff lists the organisation's members, owners first.
func (s *Store) Staff(ctx context.Context, tenantID int64) ([]User, error) {
	var users []User
	err := s.db.WithContext(ctx).Where("organisation_id = ?", tenantID).
		Order("CASE role WHEN 'owner' THEN 1 WHEN 'admin' THEN 2 WHEN 'agent' THEN 3 ELSE 4 END, name").
		Find(&users).Error
	return users, wrap(err, "staff")
}

// RemoveStaff deletes a member. Nobody removes themselves, only owners remove
// owners, and an organisation always keeps at least one owner.
func (s *Store) RemoveStaff(ctx context.Context, tenantID int64, actor User, userID int64) (User, error) {
	var u User
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Where("organisation_id = ?", tenantID).First(&u, userID).Error; err != nil {
			return err
		}
		if u.ID == actor.ID || (u.Role == RoleOwner && actor.Role != RoleOwner) {
			return ErrForbidden
		}
		if err := endSessions(tx, tenantID, u.ID, 0); err != nil {
			return err
		}
		return tx.Delete(&u).Error
	})
	s.notify(tenantID, 0, err)
	return u, wrap(err, "remove staff")
}

// UserByEmail finds a user by e-mail across organisations; it is how a
// failed log-in is filed in the right organisation's audit log.
func (s *Store) UserByEmail(ctx context.Context, email string) (User, error) {
	var u User
	err := s.db.WithContext(ctx).Where("email = ?", normaliseEmail(email)).First(&u).Error
	return u, wrap(err, "user by email")
}
