package models

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Organisation is a reseller: the tenant that owns staff and clients.
type Organisation struct {
	ID   int64  `gorm:"primaryKey"`
	Name string `gorm:"size:120;not null"`
	// Branding shown on the business client's shared page (Settings edits
	// it; empty values fall back to Name and defaults).
	BrandName      string `gorm:"size:120;not null;default:''"`
	LogoURL        string `gorm:"size:500;not null;default:''"`
	AccentColor    string `gorm:"size:7;not null;default:''"`
	SupportContact string `gorm:"size:200;not null;default:''"`
	// RequireTwoFactor makes every member set up two-factor log-in.
	RequireTwoFactor bool `gorm:"not null;default:false"`
	// RemindersOff stops reminder e-mails to every business client.
	RemindersOff bool `gorm:"not null;default:false"`
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Brand is the name the organisation's clients see: its brand name, or
// its own name when none is set.
func (o Organisation) Brand() string {
	if o.BrandName != "" {
		return o.BrandName
	}
	return o.Name
}

// SignUp is what a new reseller types to create their organisation.
type SignUp struct {
	OrganisationName string
	Name             string
	Email            string
	Password         string
}

// Validate checks a sign-up before anything is written.
func (in *SignUp) Validate() error {
	in.OrganisationName = strings.TrimSpace(in.OrganisationName)
	v := ValidationError{}
	if in.OrganisationName == "" {
		v.Add("organisation_name", "Enter your company's name.")
	} else if len([]rune(in.OrganisationName)) > 120 {
		v.Add("organisation_name", "Use at most 120 characters.")
	}
	validatePerson(v, &in.Name, &in.Email, in.Password)
	return v.Err()
}

// CreateOrganisation creates the organisation and its first owner in one
// transaction.
func (s *Store) CreateOrganisation(ctx context.Context, in SignUp) (Organisation, User, error) {
	if err := in.Validate(); err != nil {
		return Organisation{}, User{}, err
	}
	hash, err := s.hashPassword(in.Password)
	if err != nil {
		return Organisation{}, User{}, err
	}
	org := Organisation{Name: in.OrganisationName}
	now := s.now()
	user := User{Name: in.Name, Email: in.Email, PasswordHash: hash, Role: RoleOwner, LastLoginAt: &now}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&org).Error; err != nil {
			return err
		}
		user.OrganisationID = org.ID
		return createUser(tx, &user)
	})
	if err != nil {
		return Organisation{}, User{}, wrap(err, "create organisation")
	}
	return org, user, nil
}

// OrganisationByID returns one organisation.
func (s *Store) OrganisationByID(ctx context.Context, id int64) (Organisation, error) {
	var org Organisation
	err := s.db.WithContext(ctx).First(&org, id).Error
	return org, wrap(err, "organisation")
}

// HasUsers reports whether anyone has signed up yet; a fresh install sends
// its first visitor to sign-up.
func (s *Store) HasUsers(ctx context.Context) (bool, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&User{}).Limit(1).Count(&n).Error
	return n > 0, wrap(err, "count users")
}
