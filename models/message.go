package models

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Kinds of e-mail wabadesk sends.
const (
	MailInvite        = "invite"
	MailPasswordReset = "password_reset"
	MailClientLink    = "client_link"
	MailReminder      = "reminder"
	MailNotification  = "notification"
	MailDigest        = "digest"
	MailTest          = "test"
	// MailEndpointDisabled tells an owner an outgoing webhook was switched off.
	MailEndpointDisabled = "endpoint_disabled"
)

// Where a message stands. Queued messages are due at NextAttemptAt;
// Sending is recorded just before the SMTP transaction, so a message found
// still sending after its lease ran out (the process died mid-send) is
// marked Uncertain and never sent again: at most once, since Meta's
// reminders and password links are worse twice than missing once.
const (
	MailQueued    = "queued"
	MailSending   = "sending"
	MailSent      = "sent"
	MailOutbox    = "outbox" // no SMTP configured: kept for the outbox page
	MailFailed    = "failed" // gave up on temporary errors
	MailBounced   = "bounced"
	MailCancelled = "cancelled"
	MailUncertain = "uncertain"
)

// MailGiveUp is how long temporary SMTP failures are retried.
const MailGiveUp = 24 * time.Hour

// Message is one e-mail, written in the same transaction as its cause and
// sent by the mail worker. Key names the cause ("invite:12",
// "reminder:7:meta_approval:1733100000:2"): one message per cause, however
// often or on however many instances the cause is seen.
type Message struct {
	ID             int64  `gorm:"primaryKey"`
	OrganisationID int64  `gorm:"not null;uniqueIndex:idx_messages_key,priority:1;index:idx_messages_org_time,priority:1"`
	Key            string `gorm:"size:200;not null;uniqueIndex:idx_messages_key,priority:2"`
	Kind           string `gorm:"size:20;not null"`
	To             string `gorm:"column:to_address;size:254;not null"`
	ToName         string `gorm:"size:120;not null;default:''"`
	ClientID       *int64 `gorm:"index"`
	UserID         *int64
	InviteID       *int64 `gorm:"index"`
	// DataSealed holds what rendering needs (a token, the language, the
	// stage a reminder is about), sealed: tokens are stored only hashed
	// elsewhere and must not sit here in clear.
	DataSealed []byte
	MessageID  string `gorm:"size:200;not null"` // the Message-ID header, fixed per cause

	State         string    `gorm:"size:12;not null;index:idx_messages_due,priority:1"`
	NextAttemptAt time.Time `gorm:"not null;index:idx_messages_due,priority:2"`
	LeaseUntil    *time.Time
	Attempts      int    `gorm:"not null;default:0"`
	LastError     string `gorm:"size:500;not null;default:''"`
	// Subject and BodySealed are the message as rendered when it was sent
	// (text and HTML parts), for the outbox page.
	Subject    string `gorm:"size:300;not null;default:''"`
	BodySealed []byte
	CreatedAt  time.Time `gorm:"index:idx_messages_org_time,priority:2"`
	SentAt     *time.Time
}

// MailData is what a message needs to be rendered at sending time.
type MailData struct {
	Token    string    `json:"token,omitempty"`    // invite, password reset, client link
	Lang     string    `json:"lang,omitempty"`     // the business client's language
	Stage    Stage     `json:"stage,omitempty"`    // reminder: the stage it nudges out of
	Since    time.Time `json:"since,omitzero"`     // reminder: when that stage began
	Step     int       `json:"step,omitempty"`     // reminder: 1 for the first
	Event    string    `json:"event,omitempty"`    // notification: attention, rejected, active
	Day      string    `json:"day,omitempty"`      // digest: the day it covers
	By       string    `json:"by,omitempty"`       // who asked for it
	Endpoint string    `json:"endpoint,omitempty"` // endpoint disabled: its URL
}

// MailBody is a rendered message.
type MailBody struct {
	Text string `json:"text"`
	HTML string `json:"html"`
}

// Delivered reports whether the message reached SMTP or the outbox.
func (m Message) Delivered() bool { return m.State == MailSent || m.State == MailOutbox }

func messageAD(m Message, part string) string {
	return "message|" + part + "|" + strconv.FormatInt(m.OrganisationID, 10) + "|" + m.Key
}

// enqueueMail writes m inside tx, once per (organisation, key): a second
// cause with the same key is ignored.
func (s *Store) enqueueMail(tx *gorm.DB, m Message, d MailData) error {
	if s.Cipher == nil {
		return ErrNoCipher
	}
	raw, err := json.Marshal(d)
	if err != nil {
		return err
	}
	sum := sha256.Sum256([]byte(strconv.FormatInt(m.OrganisationID, 10) + "|" + m.Key))
	m.DataSealed = s.Cipher.Seal(string(raw), messageAD(m, "data"))
	m.MessageID = hex.EncodeToString(sum[:16])
	m.State, m.NextAttemptAt, m.CreatedAt = MailQueued, s.now(), s.now()
	return tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&m).Error
}

// EnqueueMail queues one message of the tenant.
func (s *Store) EnqueueMail(ctx context.Context, tenantID int64, m Message, d MailData) error {
	m.OrganisationID = tenantID
	return wrap(s.enqueueMail(s.db.WithContext(ctx), m, d), "queue e-mail")
}

// MailData opens what m needs for rendering.
func (s *Store) MailData(m Message) (MailData, error) {
	var d MailData
	if s.Cipher == nil {
		return d, ErrNoCipher
	}
	raw, err := s.Cipher.Open(m.DataSealed, messageAD(m, "data"))
	if err == nil {
		err = json.Unmarshal([]byte(raw), &d)
	}
	return d, err
}

// MailBody opens the message as it was sent; empty before.
func (s *Store) MailBody(m Message) (MailBody, error) {
	var b MailBody
	if len(m.BodySealed) == 0 {
		return b, nil
	}
	if s.Cipher == nil {
		return b, ErrNoCipher
	}
	raw, err := s.Cipher.Open(m.BodySealed, messageAD(m, "body"))
	if err == nil {
		err = json.Unmarshal([]byte(raw), &b)
	}
	return b, err
}

// LeaseDueMails claims up to limit messages due now for this process until
// lease, so that instances sharing a database do not pick the same ones.
func (s *Store) LeaseDueMails(ctx context.Context, limit int, lease time.Duration) ([]Message, error) {
	now := s.now()
	var due []Message
	err := s.db.WithContext(ctx).Where("state = ? AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until < ?)", MailQueued, now, now).
		Order("next_attempt_at, id").Limit(limit).Find(&due).Error
	if err != nil {
		return nil, wrap(err, "due e-mails")
	}
	until := now.Add(lease)
	out := due[:0]
	for _, m := range due {
		res := s.db.WithContext(ctx).Model(&Message{}).
			Where("id = ? AND state = ? AND (lease_until IS NULL OR lease_until < ?)", m.ID, MailQueued, now).
			Update("lease_until", until)
		if res.Error != nil {
			return out, wrap(res.Error, "lease e-mail")
		}
		if res.RowsAffected == 1 {
			m.LeaseUntil = &until
			out = append(out, m)
		}
	}
	return out, nil
}

// BeginSending records that the SMTP transaction for m starts now, with a
// fresh lease: a slow batch must not let another instance take it as
// interrupted while it is sent.
func (s *Store) BeginSending(ctx context.Context, m *Message, lease time.Duration) error {
	res := s.db.WithContext(ctx).Model(&Message{}).Where("id = ? AND state = ?", m.ID, MailQueued).
		Updates(map[string]any{"state": MailSending, "attempts": gorm.Expr("attempts + 1"), "lease_until": s.now().Add(lease)})
	if res.Error == nil && res.RowsAffected == 0 {
		return ErrConflict
	}
	m.State, m.Attempts = MailSending, m.Attempts+1
	return wrap(res.Error, "begin sending")
}

// FinishMail records the outcome of a send: state is MailSent, MailOutbox,
// MailBounced, MailFailed or MailUncertain. Reminders and client links delivered, and
// any failure of a client's message, go on the client's timeline in the
// same transaction.
func (s *Store) FinishMail(ctx context.Context, m Message, state, problem, subject string, body MailBody, event *Event) error {
	now := s.now()
	updates := map[string]any{"state": state, "last_error": truncate(problem, 500), "lease_until": nil, "subject": truncate(subject, 300)}
	if body.Text != "" || body.HTML != "" {
		raw, _ := json.Marshal(body)
		updates["body_sealed"] = s.Cipher.Seal(string(raw), messageAD(m, "body"))
	}
	if state == MailSent || state == MailOutbox {
		updates["sent_at"] = now
	}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Model(&Message{}).Where("id = ?", m.ID).Updates(updates).Error; err != nil {
			return err
		}
		if m.Kind == MailReminder && m.ClientID != nil && (state == MailSent || state == MailOutbox) {
			if err := s.emitReminder(tx, m); err != nil {
				return err
			}
		}
		if event != nil && m.ClientID != nil {
			e := *event
			e.OrganisationID, e.ClientID, e.At = m.OrganisationID, *m.ClientID, now
			e.DedupeKey = "mail:" + strconv.FormatInt(m.ID, 10)
			return addEvent(tx, e)
		}
		return nil
	})
	if event != nil && m.ClientID != nil {
		s.notify(m.OrganisationID, *m.ClientID, err)
	}
	return wrap(err, "finish e-mail")
}

// emitReminder sends reminder.sent for a reminder just delivered.
func (s *Store) emitReminder(tx *gorm.DB, m Message) error {
	d, err := s.MailData(m)
	if err != nil {
		return err
	}
	var c Client
	if err := tx.First(&c, *m.ClientID).Error; err != nil {
		return err
	}
	data := hookReminderData{Client: hookClient(c)}
	data.Reminder.Stage, data.Reminder.Step, data.Reminder.To = d.Stage, d.Step, m.To
	return s.emit(tx, m.OrganisationID, c.ID, HookReminderSent, "evt_reminder_"+strconv.FormatInt(m.ID, 10), data)
}

// RetryMail puts m back in the queue after a temporary failure; a failure
// before sending began counts as an attempt too, for the backoff.
func (s *Store) RetryMail(ctx context.Context, m Message, at time.Time, problem string) error {
	updates := map[string]any{"state": MailQueued, "next_attempt_at": at, "lease_until": nil, "last_error": truncate(problem, 500)}
	if m.State == MailQueued {
		updates["attempts"] = gorm.Expr("attempts + 1")
	}
	err := s.db.WithContext(ctx).Model(&Message{}).Where("id = ?", m.ID).Updates(updates).Error
	return wrap(err, "retry e-mail")
}

// CancelMail drops a queued message that is no longer wanted (a reminder
// whose client moved on), saying why.
func (s *Store) CancelMail(ctx context.Context, m Message, why string) error {
	err := s.db.WithContext(ctx).Model(&Message{}).Where("id = ? AND state = ?", m.ID, MailQueued).
		Updates(map[string]any{"state": MailCancelled, "lease_until": nil, "last_error": truncate(why, 500)}).Error
	return wrap(err, "cancel e-mail")
}

// RecoverMails marks messages whose sending outlived its lease (the
// process died during the SMTP transaction) as uncertain, and frees leases
// of queued ones. It returns how many were uncertain.
func (s *Store) RecoverMails(ctx context.Context) (int64, error) {
	now := s.now()
	res := s.db.WithContext(ctx).Model(&Message{}).Where("state = ? AND lease_until < ?", MailSending, now).
		Updates(map[string]any{"state": MailUncertain, "lease_until": nil,
			"last_error": "wabadesk stopped while sending: it may or may not have arrived, so it is not sent again"})
	return res.RowsAffected, wrap(res.Error, "recover e-mails")
}

// Mails lists the tenant's messages, newest first, for the outbox page;
// kind narrows it when not empty.
func (s *Store) Mails(ctx context.Context, tenantID int64, kinds []string, limit int) ([]Message, error) {
	q := s.db.WithContext(ctx).Where("organisation_id = ?", tenantID)
	if len(kinds) > 0 {
		q = q.Where("kind IN ?", kinds)
	}
	var out []Message
	err := q.Order("created_at DESC, id DESC").Limit(limit).Find(&out).Error
	return out, wrap(err, "e-mails")
}

// Mail returns one message of the tenant.
func (s *Store) Mail(ctx context.Context, tenantID, id int64) (Message, error) {
	var m Message
	err := s.db.WithContext(ctx).Where("organisation_id = ? AND id = ?", tenantID, id).First(&m).Error
	return m, wrap(err, "e-mail")
}

// LatestMails returns, per invite, the newest message about it: the staff
// page shows whether the invite e-mail arrived.
func (s *Store) LatestMails(ctx context.Context, tenantID int64, inviteIDs []int64) (map[int64]Message, error) {
	out := map[int64]Message{}
	if len(inviteIDs) == 0 {
		return out, nil
	}
	var ms []Message
	err := s.db.WithContext(ctx).Where("organisation_id = ? AND invite_id IN ?", tenantID, inviteIDs).Order("id").Find(&ms).Error
	for _, m := range ms {
		out[*m.InviteID] = m
	}
	return out, wrap(err, "invite e-mails")
}
