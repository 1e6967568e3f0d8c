// Package mail sends wabadesk's e-mail: invites, password resets, client
// links, reminders to business clients and staff notifications. Messages
// are written by models in the same transaction as their cause; this
// package's worker renders (views), sends (SMTP or the outbox) and
// records each one, and scans for reminders and notifications that have
// come due.
package mail

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"wabadesk/models"
	"wabadesk/views"
)

// Service is the mail worker. Main builds one, starts Run, and hands it to
// handlers, which Kick it after queueing a message.
type Service struct {
	Store     *models.Store
	Transport Transport
	From      mail.Address // the envelope and header sender
	BaseURL   string       // absolute, no trailing slash
	Remind    Cadence
	// Key signs unsubscribe links (they need no database row).
	Key    []byte
	Logger *slog.Logger
	Now    func() time.Time
	// DigestHour is the hour (UTC) after which each day's digest goes out.
	DigestHour int
	// Lease is how long a claimed message is this process's; a message
	// still "sending" after it is marked uncertain, not sent again.
	Lease time.Duration

	// OnFinish, if set, hears each message's outcome (metrics).
	OnFinish func(kind, state string)

	kick      chan struct{}
	scannedTo time.Time // notifications: stage entries seen up to here
	digestDay string    // the day whose digests this process queued
}

// New returns a worker with the defaults.
func New(store *models.Store, t Transport, from mail.Address, baseURL string, key []byte) *Service {
	return &Service{Store: store, Transport: t, From: from, BaseURL: strings.TrimRight(baseURL, "/"), Key: key,
		Remind: DefaultCadence(), DigestHour: 7, Lease: 5 * time.Minute, kick: make(chan struct{}, 1)}
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

func (s *Service) log() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}

func (s *Service) finished(kind, state string) {
	if s.OnFinish != nil {
		s.OnFinish(kind, state)
	}
}

// Kick makes Run look at the queue now rather than at its next tick.
func (s *Service) Kick() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// Run sends due messages every few seconds (and when kicked), recovers
// interrupted sends, and scans for reminders and notifications every
// minute (Cadence.scanEvery), until ctx ends.
func (s *Service) Run(ctx context.Context) {
	send := time.NewTicker(2 * time.Second)
	defer send.Stop()
	scan := time.NewTicker(s.Remind.scanEvery())
	defer scan.Stop()
	s.recover(ctx)
	s.scan(ctx)
	for {
		s.deliver(ctx)
		select {
		case <-ctx.Done():
			return
		case <-s.kick:
		case <-send.C:
		case <-scan.C:
			s.recover(ctx)
			s.scan(ctx)
		}
	}
}

// RunOnce recovers, scans and sends everything due now; tests call it.
func (s *Service) RunOnce(ctx context.Context) {
	s.recover(ctx)
	s.scan(ctx)
	s.deliver(ctx)
}

func (s *Service) recover(ctx context.Context) {
	n, err := s.Store.RecoverMails(ctx)
	if err != nil {
		s.log().Warn("mail: recovering interrupted sends failed", "error", err)
	} else if n > 0 {
		s.log().Warn("mail: messages interrupted while sending are not sent again", "count", n)
	}
}

// deliver sends the due messages in batches until none is left.
func (s *Service) deliver(ctx context.Context) {
	for ctx.Err() == nil {
		batch, err := s.Store.LeaseDueMails(ctx, 20, s.Lease)
		if err != nil {
			s.log().Error("mail: listing due messages failed", "error", err)
			return
		}
		if len(batch) == 0 {
			return
		}
		var sess Session
		for i, m := range batch {
			var down error
			if sess, down = s.deliverOne(ctx, sess, m); down != nil {
				// The server cannot be reached: the rest waits for the next
				// round instead of each dialling (and timing out) in turn.
				for _, rest := range batch[i+1:] {
					s.retry(ctx, rest, "the mail server could not be reached: "+down.Error())
				}
				break
			}
		}
		if sess != nil {
			_ = sess.Close()
		}
	}
}

// deliverOne renders, checks and sends m, opening the session on first
// use; it returns the session to reuse, and the error when the server
// could not be reached at all.
func (s *Service) deliverOne(ctx context.Context, sess Session, m models.Message) (Session, error) {
	r, err := s.render(ctx, m)
	var cancel cancelled
	switch {
	case errors.As(err, &cancel):
		s.finished(m.Kind, models.MailCancelled)
		if err := s.Store.CancelMail(ctx, m, string(cancel)); err != nil {
			s.log().Error("mail: cancel failed", "message", m.ID, "error", err)
		}
		return sess, nil
	case err != nil:
		s.retry(ctx, m, "could not be prepared: "+err.Error())
		return sess, nil
	}
	msg, err := s.compose(m, r)
	if err != nil {
		s.finish(ctx, m, r, models.MailBounced, "the address cannot be used: "+err.Error())
		return sess, nil
	}
	if sess == nil {
		if sess, err = s.Transport.Open(ctx); err != nil {
			s.retry(ctx, m, "the mail server could not be reached: "+err.Error())
			return nil, err
		}
	}
	if err := s.Store.BeginSending(ctx, &m, s.Lease); err != nil {
		s.log().Error("mail: recording the send failed", "message", m.ID, "error", err)
		return sess, nil
	}
	state := models.MailSent
	if s.Transport.Outbox() {
		state = models.MailOutbox
	}
	if err := sess.Send(msg); err != nil {
		var se *gomail.SendError
		switch {
		case msg.IsDelivered():
			// The server took it (250 after DATA); what failed came after,
			// like the RSET. It is sent: never again.
			_ = sess.Close()
			s.finish(ctx, m, r, state, "")
			return nil, nil
		case errors.As(err, &se) && se.Reason == gomail.ErrSMTPDataClose && se.ErrorCode() == 0:
			// The connection broke while the server was answering the
			// message: it may have taken it. At most once: not again.
			_ = sess.Close()
			s.finish(ctx, m, r, models.MailUncertain, "the connection broke as the message was handed over: it may or may not have arrived, so it is not sent again")
			return nil, nil
		case permanent(err):
			s.finish(ctx, m, r, models.MailBounced, err.Error())
			return sess, nil
		}
		_ = sess.Close()
		s.retry(ctx, m, err.Error())
		return nil, nil
	}
	s.finish(ctx, m, r, state, "")
	return sess, nil
}

// retry puts m back with backoff (1 min doubling, at most 1 h), or gives
// up once it has been failing for MailGiveUp.
func (s *Service) retry(ctx context.Context, m models.Message, problem string) {
	if s.now().Sub(m.CreatedAt) >= models.MailGiveUp {
		s.finish(ctx, m, rendered{}, models.MailFailed, problem)
		return
	}
	wait := time.Minute << min(m.Attempts, 6)
	if err := s.Store.RetryMail(ctx, m, s.now().Add(min(wait, time.Hour)), problem); err != nil {
		s.log().Error("mail: recording a retry failed", "message", m.ID, "error", err)
	}
}

func (s *Service) finish(ctx context.Context, m models.Message, r rendered, state, problem string) {
	ev := r.event(m, state, problem)
	if err := s.Store.FinishMail(ctx, m, state, problem, r.view.Subject, r.body, ev); err != nil {
		s.log().Error("mail: recording the outcome failed", "message", m.ID, "state", state, "error", err)
	}
	s.finished(m.Kind, state)
	if state == models.MailBounced || state == models.MailFailed {
		s.log().Warn("mail: not delivered", "message", m.ID, "kind", m.Kind, "state", state, "problem", problem)
	}
}

// compose builds the MIME message: both parts, a Message-ID fixed per
// cause, and for reminders the one-click unsubscribe headers (RFC 8058).
func (s *Service) compose(m models.Message, r rendered) (*gomail.Msg, error) {
	msg := gomail.NewMsg()
	// Addresses as values, so names with quotes or backslashes are encoded
	// rather than breaking the header.
	msg.FromMailAddress(&mail.Address{Name: r.fromName, Address: s.From.Address})
	msg.AddToMailAddress(&mail.Address{Name: m.ToName, Address: m.To})
	msg.Subject(r.view.Subject)
	host := "wabadesk"
	if u, err := url.Parse(s.BaseURL); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	msg.SetMessageIDWithValue(m.MessageID + "@" + host)
	msg.SetDate()
	msg.SetGenHeader(gomail.HeaderContentLang, string(r.view.Lang))
	if r.unsubscribe != "" {
		msg.SetGenHeader("List-Unsubscribe", "<"+r.unsubscribe+">")
		msg.SetGenHeader("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")
		msg.SetGenHeader("Auto-Submitted", "auto-generated")
	}
	msg.SetBodyString(gomail.TypeTextPlain, r.body.Text)
	msg.AddAlternativeString(gomail.TypeTextHTML, r.body.HTML)
	return msg, nil
}

// cancelled is a reason not to send a message any more.
type cancelled string

func (c cancelled) Error() string { return string(c) }

// UnsubscribeToken signs (organisation, client) for the unsubscribe link.
func (s *Service) UnsubscribeToken(tenantID, clientID int64) string {
	ids := strconv.FormatInt(tenantID, 10) + "." + strconv.FormatInt(clientID, 10)
	return ids + "." + s.mac(ids)
}

// ParseUnsubscribe checks an unsubscribe token and returns what it names.
func (s *Service) ParseUnsubscribe(token string) (tenantID, clientID int64, ok bool) {
	i := strings.LastIndexByte(token, '.')
	if i < 0 || !hmac.Equal([]byte(token[i+1:]), []byte(s.mac(token[:i]))) {
		return 0, 0, false
	}
	org, client, found := strings.Cut(token[:i], ".")
	t, err1 := strconv.ParseInt(org, 10, 64)
	c, err2 := strconv.ParseInt(client, 10, 64)
	return t, c, found && err1 == nil && err2 == nil
}

func (s *Service) mac(ids string) string {
	h := hmac.New(sha256.New, s.Key)
	fmt.Fprint(h, "unsubscribe|", ids)
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:18])
}

// Test queues a test message to to, for Settings.
func (s *Service) Test(ctx context.Context, tenantID int64, to, by string) error {
	key := "test:" + strconv.FormatInt(s.now().UnixNano(), 36)
	err := s.Store.EnqueueMail(ctx, tenantID, models.Message{Key: key, Kind: models.MailTest, To: to}, models.MailData{By: by})
	s.Kick()
	return err
}

// FromName is the sender's name of a message of kind: the reseller's
// brand for what goes to its business clients, wabadesk for staff mail.
func FromName(kind string, org models.Organisation) string {
	if kind == models.MailClientLink || kind == models.MailReminder {
		return org.Brand()
	}
	return "wabadesk"
}

// brand is who a mail of the organisation comes from.
func (s *Service) brand(org models.Organisation) views.MailBrand {
	b := views.MailBrand{Name: org.Brand(), LogoURL: org.LogoURL, Accent: org.AccentColor}
	if strings.HasPrefix(b.LogoURL, "/") {
		b.LogoURL = s.BaseURL + b.LogoURL
	}
	return b
}
