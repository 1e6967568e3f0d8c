package models

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
)

// ContactLanguages are the languages client e-mails are written in.
var ContactLanguages = []string{"en", "es", "pt"}

// Contact is the person at the business client whom wabadesk e-mails:
// the client link and reminders while they must act.
type Contact struct {
	ContactName     string `gorm:"size:120;not null;default:''" form:"contact_name"`
	ContactEmail    string `gorm:"size:254;not null;default:''" form:"contact_email"`
	ContactLanguage string `gorm:"size:2;not null;default:'en'" form:"contact_language"`
}

// Validate normalises and checks the contact; every field is optional but
// the language.
func (in *Contact) Validate() error {
	in.ContactName, in.ContactEmail = strings.TrimSpace(in.ContactName), normaliseEmail(in.ContactEmail)
	v := ValidationError{}
	if len([]rune(in.ContactName)) > 120 {
		v.Add("contact_name", "Use at most 120 characters.")
	}
	if in.ContactEmail != "" {
		validateEmail(v, "contact_email", in.ContactEmail)
	}
	if in.ContactLanguage == "" {
		in.ContactLanguage = "en"
	}
	if !slices.Contains(ContactLanguages, in.ContactLanguage) {
		v.Add("contact_language", "Choose English, Spanish or Portuguese.")
	}
	return v.Err()
}

// UpdateContact saves the client's contact and whether reminders are
// paused. A new address starts subscribed again.
func (s *Store) UpdateContact(ctx context.Context, tenantID, clientID int64, actor User, in Contact, paused bool) (Client, error) {
	if err := in.Validate(); err != nil {
		return Client{}, err
	}
	var c Client
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Where("organisation_id = ?", tenantID).First(&c, clientID).Error; err != nil {
			return err
		}
		updates := map[string]any{"contact_name": in.ContactName, "contact_email": in.ContactEmail,
			"contact_language": in.ContactLanguage, "reminders_paused": paused}
		if in.ContactEmail != c.ContactEmail {
			updates["reminders_unsubscribed"] = false
		}
		var changes []string
		if in != c.Contact {
			changes = append(changes, "Contact changed")
		}
		if paused != c.RemindersPaused {
			changes = append(changes, map[bool]string{true: "Reminders paused", false: "Reminders resumed"}[paused])
		}
		if len(changes) == 0 {
			return nil
		}
		if err := tx.Model(&c).Updates(updates).Error; err != nil {
			return err
		}
		c.Contact, c.RemindersPaused = in, paused
		return addEvent(tx, Event{OrganisationID: tenantID, ClientID: clientID, At: s.now(), Source: SourceStaff,
			Actor: actor.Name, Title: strings.Join(changes, "; "), Detail: contactLine(in)})
	})
	s.notify(tenantID, clientID, err)
	return c, wrap(err, "update contact")
}

func contactLine(c Contact) string {
	switch {
	case c.ContactEmail == "":
		return c.ContactName
	case c.ContactName == "":
		return c.ContactEmail
	}
	return c.ContactName + " <" + c.ContactEmail + ">"
}

func linkAD(tenantID int64, hash string) string {
	return "link|" + strconv.FormatInt(tenantID, 10) + "|" + hash
}

// ErrNoContactEmail means the client has no contact address to write to.
var ErrNoContactEmail = errors.New("the client has no contact e-mail")

// SendLinkByMail e-mails an active link of the client (its token, as the
// staff page just showed it) to the client's contact, once per link and
// address; the link is kept sealed so reminders carry it too.
func (s *Store) SendLinkByMail(ctx context.Context, tenantID, clientID int64, token string, actor User) (Message, error) {
	hash := HashToken(token)
	var m Message
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var c Client
		if err := tx.Where("organisation_id = ?", tenantID).First(&c, clientID).Error; err != nil {
			return err
		}
		if c.ContactEmail == "" {
			return ErrNoContactEmail
		}
		var l Link
		if err := tx.Where("organisation_id = ? AND client_id = ? AND token_hash = ?", tenantID, clientID, hash).First(&l).Error; err != nil {
			return err
		}
		if !l.Active(s.now()) {
			return ErrLinkGone
		}
		if err := tx.Model(&l).Update("token_sealed", s.Cipher.Seal(token, linkAD(tenantID, hash))).Error; err != nil {
			return err
		}
		m = Message{OrganisationID: tenantID, Key: "link:" + strconv.FormatInt(l.ID, 10) + ":" + c.ContactEmail, Kind: MailClientLink,
			To: c.ContactEmail, ToName: c.ContactName, ClientID: &c.ID}
		return s.enqueueMail(tx, m, MailData{Token: token, Lang: c.ContactLanguage, By: actor.Name})
	})
	return m, wrap(err, "send link")
}

// MailLink returns the token of the client's newest active e-mailed link,
// creating one (for 30 days) when there is none, for a reminder to carry.
func (s *Store) MailLink(ctx context.Context, tenantID, clientID int64) (string, error) {
	var links []Link
	err := s.db.WithContext(ctx).Where("organisation_id = ? AND client_id = ? AND revoked_at IS NULL AND expires_at > ? AND token_sealed IS NOT NULL",
		tenantID, clientID, s.now().Add(24*time.Hour)).Order("created_at DESC").Limit(1).Find(&links).Error
	if err != nil {
		return "", wrap(err, "mail link")
	}
	if len(links) == 1 {
		return s.Cipher.Open(links[0].TokenSealed, linkAD(tenantID, links[0].TokenHash))
	}
	l, token, err := s.CreateLink(ctx, tenantID, clientID, User{Name: "wabadesk (for reminders)"}, DefaultLinkLifetime)
	if err != nil {
		return "", err
	}
	err = s.db.WithContext(ctx).Model(&Link{}).Where("id = ?", l.ID).Update("token_sealed", s.Cipher.Seal(token, linkAD(tenantID, l.TokenHash))).Error
	return token, wrap(err, "mail link")
}

// Unsubscribe stops reminders to the client's contact: their one-click
// unsubscribe. It reports whether anything changed.
func (s *Store) Unsubscribe(ctx context.Context, tenantID, clientID int64) (Client, error) {
	var c Client
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Where("organisation_id = ?", tenantID).First(&c, clientID).Error; err != nil {
			return err
		}
		if c.RemindersUnsubscribed {
			return nil
		}
		c.RemindersUnsubscribed = true
		if err := tx.Model(&c).Update("reminders_unsubscribed", true).Error; err != nil {
			return err
		}
		return addEvent(tx, Event{OrganisationID: tenantID, ClientID: clientID, At: s.now(), Source: SourceClient,
			Actor: c.ContactEmail, Title: "The contact unsubscribed from reminders"})
	})
	s.notify(tenantID, clientID, err)
	return c, wrap(err, "unsubscribe")
}

// SetReminders turns reminder e-mails on or off for the organisation.
func (s *Store) SetReminders(ctx context.Context, tenantID int64, on bool) error {
	err := s.db.WithContext(ctx).Model(&Organisation{}).Where("id = ?", tenantID).Update("reminders_off", !on).Error
	s.notify(tenantID, 0, err)
	return wrap(err, "set reminders")
}
