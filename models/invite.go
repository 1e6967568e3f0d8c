package models

import (
	"context"
	"strconv"
	"time"

	"gorm.io/gorm"
)

// InviteLifetime is how long an invite link can be used.
const InviteLifetime = 7 * 24 * time.Hour

// Invite is a one-time link that lets a colleague join an organisation with
// a given role. Only the token's hash is stored.
type Invite struct {
	ID             int64        `gorm:"primaryKey"`
	OrganisationID int64        `gorm:"not null;index"`
	Organisation   Organisation `gorm:"constraint:OnDelete:CASCADE"`
	Email          string       `gorm:"size:254;not null"`
	Role           Role         `gorm:"size:16;not null"`
	TokenHash      string       `gorm:"size:64;not null;uniqueIndex"`
	InvitedByID    int64        `gorm:"not null"`
	InvitedBy      User         `gorm:"constraint:OnDelete:CASCADE"`
	ExpiresAt      time.Time
	AcceptedAt     *time.Time
	CreatedAt      time.Time
}

// NewInvite is what an admin fills in to invite a colleague.
type NewInvite struct {
	Email string
	Role  Role
}

// Usable reports whether the invite can still be accepted at now.
func (i Invite) Usable(now time.Time) bool { return i.AcceptedAt == nil && now.Before(i.ExpiresAt) }

// CreateInvite stores an invite and returns it with the one-time token,
// which is shown once and never stored.
func (s *Store) CreateInvite(ctx context.Context, tenantID int64, inviter User, in NewInvite) (Invite, string, error) {
	in.Email = normaliseEmail(in.Email)
	v := ValidationError{}
	validateEmail(v, "email", in.Email)
	switch {
	case !in.Role.Valid():
		v.Add("role", "Choose a role.")
	case in.Role == RoleOwner && inviter.Role != RoleOwner:
		v.Add("role", "Only an owner can invite another owner.")
	}
	if err := v.Err(); err != nil {
		return Invite{}, "", err
	}
	token, hash := NewToken()
	inv := Invite{
		OrganisationID: tenantID, Email: in.Email, Role: in.Role, TokenHash: hash,
		InvitedByID: inviter.ID, ExpiresAt: s.now().Add(InviteLifetime),
	}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&User{}).Where("email = ?", in.Email).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return ValidationError{"email": "This person already has a wabadesk account."}
		}
		if err := tx.Create(&inv).Error; err != nil {
			return err
		}
		return s.enqueueMail(tx, Message{OrganisationID: tenantID, Key: "invite:" + strconv.FormatInt(inv.ID, 10), Kind: MailInvite,
			To: inv.Email, InviteID: &inv.ID}, MailData{Token: token, By: inviter.Name})
	})
	return inv, token, wrap(err, "create invite")
}

// PendingInvites lists invites not yet accepted and not expired.
func (s *Store) PendingInvites(ctx context.Context, tenantID int64) ([]Invite, error) {
	var invs []Invite
	err := s.db.WithContext(ctx).Preload("InvitedBy").
		Where("organisation_id = ? AND accepted_at IS NULL AND expires_at > ?", tenantID, s.now()).
		Order("created_at DESC").Find(&invs).Error
	return invs, wrap(err, "pending invites")
}

// RevokeInvite deletes a pending invite so its link stops working.
func (s *Store) RevokeInvite(ctx context.Context, tenantID, id int64) (Invite, error) {
	var inv Invite
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Where("organisation_id = ? AND accepted_at IS NULL", tenantID).First(&inv, id).Error; err != nil {
			return err
		}
		return tx.Delete(&inv).Error
	})
	return inv, wrap(err, "revoke invite")
}

// InviteByToken finds a usable invite from the token in its link.
func (s *Store) InviteByToken(ctx context.Context, token string) (Invite, error) {
	var inv Invite
	err := s.db.WithContext(ctx).Preload("Organisation").
		Where("token_hash = ?", HashToken(token)).First(&inv).Error
	if err == nil && !inv.Usable(s.now()) {
		err = gorm.ErrRecordNotFound
	}
	return inv, wrap(err, "invite")
}

// AcceptInvite creates the colleague's account with the invite's e-mail and
// role and marks the invite used, in one transaction so a link works once.
func (s *Store) AcceptInvite(ctx context.Context, token, name, password string) (User, error) {
	var user User
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var inv Invite
		err := tx.Where("token_hash = ? AND accepted_at IS NULL AND expires_at > ?", HashToken(token), s.now()).First(&inv).Error
		if err != nil {
			return err
		}
		email := inv.Email
		v := ValidationError{}
		validatePerson(v, &name, &email, password)
		if err := v.Err(); err != nil {
			return err
		}
		hash, err := s.hashPassword(password)
		if err != nil {
			return err
		}
		now := s.now()
		user = User{OrganisationID: inv.OrganisationID, Name: name, Email: email, PasswordHash: hash, Role: inv.Role, LastLoginAt: &now}
		if err := createUser(tx, &user); err != nil {
			return err
		}
		res := tx.Model(&Invite{}).Where("id = ? AND accepted_at IS NULL", inv.ID).Update("accepted_at", s.now())
		if res.Error == nil && res.RowsAffected != 1 {
			return gorm.ErrRecordNotFound // accepted concurrently
		}
		return res.Error
	})
	return user, wrap(err, "accept invite")
}

// InviteRole is the role an invite of the tenant grants.
func (s *Store) InviteRole(ctx context.Context, tenantID, id int64) (Role, error) {
	var inv Invite
	err := s.db.WithContext(ctx).Select("role").Where("organisation_id = ?", tenantID).First(&inv, id).Error
	return inv.Role, wrap(err, "invite role")
}
