package models

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Notification events staff can ask for (User.NotifyNow, NotifyDigest).
const (
	NotifyAttention = "attention"
	NotifyRejected  = "rejected"
	NotifyActive    = "active"
)

// NotifyEvents lists them in the order settings show them.
var NotifyEvents = []string{NotifyAttention, NotifyRejected, NotifyActive}

// Wants reports whether the comma-separated set holds event.
func Wants(set, event string) bool { return slices.Contains(strings.Split(set, ","), event) }

// SetNotifications saves which events the member gets at once and in the
// daily digest; unknown events are dropped.
func (s *Store) SetNotifications(ctx context.Context, tenantID, userID int64, now, digest []string) error {
	clean := func(in []string) string {
		var out []string
		for _, e := range NotifyEvents {
			if slices.Contains(in, e) {
				out = append(out, e)
			}
		}
		return strings.Join(out, ",")
	}
	err := s.db.WithContext(ctx).Model(&User{}).Where("organisation_id = ? AND id = ?", tenantID, userID).
		Updates(map[string]any{"notify_now": clean(now), "notify_digest": clean(digest)}).Error
	s.notify(tenantID, 0, err)
	return wrap(err, "set notifications")
}

// RemindableClients are the clients, across organisations, that wait in
// one of stages since before since, with a contact address and reminders
// neither paused, unsubscribed nor off for their organisation.
func (s *Store) RemindableClients(ctx context.Context, stages []Stage, since time.Time) ([]Client, error) {
	var out []Client
	err := s.db.WithContext(ctx).Where("stage IN ? AND stage_since <= ? AND contact_email <> '' AND NOT reminders_paused AND NOT reminders_unsubscribed", stages, since).
		Where("organisation_id IN (SELECT id FROM organisations WHERE NOT reminders_off)").
		Order("organisation_id, id").Find(&out).Error
	return out, wrap(err, "remindable clients")
}

// MailKeys returns which of keys already have a message in the tenant.
func (s *Store) MailKeys(ctx context.Context, tenantID int64, keys []string) (map[string]bool, error) {
	have := map[string]bool{}
	for len(keys) > 0 {
		n := min(len(keys), 500)
		var found []string
		err := s.db.WithContext(ctx).Model(&Message{}).Where("organisation_id = ? AND key IN ?", tenantID, keys[:n]).Pluck("key", &found).Error
		if err != nil {
			return have, wrap(err, "e-mail keys")
		}
		for _, k := range found {
			have[k] = true
		}
		keys = keys[n:]
	}
	return have, nil
}

// ReminderKey names the step-th reminder about c's current stage.
func ReminderKey(c Client, step int) string {
	return "reminder:" + strconv.FormatInt(c.ID, 10) + ":" + string(c.Stage) + ":" + strconv.FormatInt(c.StageSince.Unix(), 10) + ":" + strconv.Itoa(step)
}

// QueueReminder writes the step-th reminder for c unless it exists.
func (s *Store) QueueReminder(ctx context.Context, c Client, step int) error {
	m := Message{OrganisationID: c.OrganisationID, Key: ReminderKey(c, step), Kind: MailReminder,
		To: c.ContactEmail, ToName: c.ContactName, ClientID: &c.ID}
	return wrap(s.enqueueMail(s.db.WithContext(ctx), m, MailData{Lang: c.ContactLanguage, Stage: c.Stage, Since: c.StageSince, Step: step}), "queue reminder")
}

// StageEntries are clients that entered stage during (from, to], across
// organisations: what immediate notifications are about.
func (s *Store) StageEntries(ctx context.Context, stage Stage, from, to time.Time) ([]Client, error) {
	var out []Client
	err := s.db.WithContext(ctx).Where("stage = ? AND stage_since > ? AND stage_since <= ?", stage, from, to).Order("organisation_id, id").Find(&out).Error
	return out, wrap(err, "stage entries")
}

// Notifiable lists the tenant's members who want event at once.
func (s *Store) Notifiable(ctx context.Context, tenantID int64, event string) ([]User, error) {
	var users []User
	err := s.db.WithContext(ctx).Where("organisation_id = ? AND (notify_now = ? OR notify_now LIKE ? OR notify_now LIKE ? OR notify_now LIKE ?)",
		tenantID, event, event+",%", "%,"+event, "%,"+event+",%").Find(&users).Error
	return users, wrap(err, "notifiable staff")
}

// QueueNotification writes one immediate notification about c, once per
// member, event and stage entry.
func (s *Store) QueueNotification(ctx context.Context, u User, c Client, event string) error {
	m := Message{OrganisationID: c.OrganisationID, Kind: MailNotification, To: u.Email, ToName: u.Name, UserID: &u.ID, ClientID: &c.ID,
		Key: "notify:" + strconv.FormatInt(u.ID, 10) + ":" + strconv.FormatInt(c.ID, 10) + ":" + event + ":" + strconv.FormatInt(c.StageSince.Unix(), 10)}
	return wrap(s.enqueueMail(s.db.WithContext(ctx), m, MailData{Event: event}), "queue notification")
}

// DigestReaders lists every member, across organisations, who wants a
// digest of anything.
func (s *Store) DigestReaders(ctx context.Context) ([]User, error) {
	var users []User
	err := s.db.WithContext(ctx).Where("notify_digest <> ''").Order("organisation_id, id").Find(&users).Error
	return users, wrap(err, "digest readers")
}

// QueueDigest writes the member's digest for day (YYYY-MM-DD), once.
func (s *Store) QueueDigest(ctx context.Context, u User, day string) error {
	m := Message{OrganisationID: u.OrganisationID, Kind: MailDigest, To: u.Email, ToName: u.Name, UserID: &u.ID,
		Key: "digest:" + strconv.FormatInt(u.ID, 10) + ":" + day}
	return wrap(s.enqueueMail(s.db.WithContext(ctx), m, MailData{Day: day}), "queue digest")
}

// DigestClients returns the tenant's clients that entered stage since
// from, newest first, at most limit.
func (s *Store) DigestClients(ctx context.Context, tenantID int64, stage Stage, from time.Time, limit int) ([]Client, error) {
	var out []Client
	err := s.db.WithContext(ctx).Where("organisation_id = ? AND stage = ? AND stage_since > ?", tenantID, stage, from).
		Order("stage_since DESC").Limit(limit).Find(&out).Error
	return out, wrap(err, "digest clients")
}

// AttentionClients returns the tenant's clients needing attention now,
// longest waiting first, at most limit.
func (s *Store) AttentionClients(ctx context.Context, tenantID int64, limit int) ([]Client, error) {
	f := s.attentionFilter()
	var out []Client
	err := s.db.WithContext(ctx).Where("organisation_id = ?", tenantID).Where(f.sql, f.args...).
		Order("stage_since").Limit(limit).Find(&out).Error
	return out, wrap(err, "clients needing attention")
}

// SenderVerified reports whether the client's latest sender had its code
// accepted and now waits for Sinch to activate it.
func (s *Store) SenderVerified(ctx context.Context, tenantID, clientID int64) (bool, error) {
	var snd Sender
	err := s.db.WithContext(ctx).Where("organisation_id = ? AND client_id = ? AND stage = ?", tenantID, clientID, SenderVerification).
		Order("created_at DESC, id DESC").Limit(1).Find(&snd).Error
	if err != nil || snd.ID == 0 {
		return false, wrap(err, "sender verified")
	}
	return snd.Verified(), nil
}
