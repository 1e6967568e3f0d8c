package mail

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"wabadesk/models"
	"wabadesk/views"
)

// rendered is a message ready to send, and what its sending means for
// the client's timeline.
type rendered struct {
	view        views.MailView
	body        models.MailBody
	fromName    string
	unsubscribe string // reminders: the one-click URL
	done        string // timeline title once sent, for client mails
	actor       string
}

// event is the timeline entry for m's outcome: client mails only.
func (r rendered) event(m models.Message, state, problem string) *models.Event {
	if m.ClientID == nil || m.Kind == models.MailNotification {
		return nil
	}
	switch state {
	case models.MailSent, models.MailOutbox:
		if r.done == "" {
			return nil
		}
		source := models.SourceSystem
		if r.actor != "" {
			source = models.SourceStaff
		}
		return &models.Event{Source: source, Actor: r.actor, Title: r.done}
	case models.MailBounced, models.MailFailed:
		return &models.Event{Source: models.SourceSystem, Title: "E-mail to " + m.To + " could not be delivered", Detail: problem}
	}
	return nil
}

// render builds m's subject and parts from what is stored now; it returns
// a cancelled error when the message is no longer wanted.
func (s *Service) render(ctx context.Context, m models.Message) (rendered, error) {
	d, err := s.Store.MailData(m)
	if err != nil {
		return rendered{}, err
	}
	org, err := s.Store.OrganisationByID(ctx, m.OrganisationID)
	if err != nil {
		return rendered{}, err
	}
	r := rendered{fromName: FromName(m.Kind, org)}
	v := views.MailView{Lang: views.EN, Brand: s.brand(org)}
	var client models.Client
	if m.ClientID != nil {
		if client, err = s.Store.ClientByID(ctx, m.OrganisationID, *m.ClientID); errors.Is(err, models.ErrNotFound) {
			return r, cancelled("the client was deleted")
		} else if err != nil {
			return r, err
		}
	}
	switch m.Kind {
	case models.MailTest:
		v.Subject = "Test e-mail from wabadesk"
		v.Heading = "E-mail from wabadesk works"
		v.Paras = []string{d.By + " sent this test from Settings of " + org.Name + ". Invites, password resets, client links, reminders and notifications go out the same way."}
	case models.MailInvite:
		err = s.inviteMail(ctx, &v, d, org)
	case models.MailPasswordReset:
		err = s.resetMail(ctx, &v, d)
	case models.MailClientLink:
		err = s.linkMail(ctx, &r, &v, m, d, client)
	case models.MailReminder:
		err = s.reminderMail(ctx, &r, &v, m, d, org, client)
	case models.MailNotification:
		err = s.notificationMail(ctx, &v, m, d, client)
	case models.MailDigest:
		err = s.digestMail(ctx, &v, m, d)
	case models.MailEndpointDisabled:
		v.Subject = "An outgoing webhook of " + org.Name + " was switched off"
		v.Heading = "Events no longer reach " + d.Endpoint
		v.Paras = []string{"Every delivery to this endpoint failed for 24 hours, so wabadesk switched it off. Events since then wait; switch it back on once it answers, and they go out in order.",
			"The delivery log shows each attempt and the answer it got."}
		v.Action = views.MailLink{Label: "Open outgoing webhooks", URL: s.BaseURL + "/settings/endpoints"}
		v.Fine = []string{"You get this as an owner of " + org.Name + "."}
	default:
		err = cancelled("unknown kind " + m.Kind)
	}
	if err != nil {
		return r, err
	}
	r.view = v
	r.body.Text, r.body.HTML, err = views.RenderMail(ctx, v)
	return r, err
}

func (s *Service) inviteMail(ctx context.Context, v *views.MailView, d models.MailData, org models.Organisation) error {
	inv, err := s.Store.InviteByToken(ctx, d.Token)
	if errors.Is(err, models.ErrNotFound) {
		return cancelled("the invite was revoked")
	}
	if err != nil {
		return err
	}
	if !inv.Usable(s.now()) {
		return cancelled("the invite was used or expired")
	}
	v.Subject = d.By + " invited you to " + org.Name + " on wabadesk"
	v.Heading = "Join " + org.Name + " on wabadesk"
	v.Paras = []string{d.By + " invited you to " + org.Name + "'s wabadesk, where the team onboards business clients onto WhatsApp, as " + roleWord(inv.Role) + "."}
	v.Action = views.MailLink{Label: "Accept the invite", URL: s.BaseURL + "/invites/" + d.Token}
	v.Fine = []string{"The invite works once, until " + inv.ExpiresAt.Format("2 January 2006") + ". If you did not expect it, ignore this e-mail."}
	return nil
}

func roleWord(r models.Role) string {
	switch r {
	case models.RoleOwner:
		return "an owner"
	case models.RoleAdmin:
		return "an admin"
	case models.RoleAgent:
		return "an agent"
	}
	return "a viewer"
}

func (s *Service) resetMail(ctx context.Context, v *views.MailView, d models.MailData) error {
	r, err := s.Store.PasswordResetByToken(ctx, d.Token)
	if errors.Is(err, models.ErrResetGone) {
		return cancelled("the reset link was used or expired before it could be sent")
	}
	if err != nil {
		return err
	}
	v.Subject = "Reset your wabadesk password"
	v.Heading = "Choose a new password"
	v.Paras = []string{"Someone, hopefully you, asked to reset the wabadesk password of " + r.User.Email + "."}
	v.Action = views.MailLink{Label: "Choose a new password", URL: s.BaseURL + "/password/reset/" + d.Token}
	v.Fine = []string{"The link works once, for one hour. Setting a new password logs you out everywhere.",
		"If you did not ask for this, ignore this e-mail: your password stays as it is."}
	return nil
}

func (s *Service) linkMail(ctx context.Context, r *rendered, v *views.MailView, m models.Message, d models.MailData, c models.Client) error {
	l, err := s.Store.OpenLink(ctx, d.Token)
	if errors.Is(err, models.ErrLinkGone) || errors.Is(err, models.ErrNotFound) {
		return cancelled("the link was revoked or expired")
	}
	if err != nil {
		return err
	}
	if c.ContactEmail != m.To {
		return cancelled("the contact's address changed before the link was sent")
	}
	lang := views.ParseLang(d.Lang)
	v.Lang = lang
	v.Subject = views.T(lang, "link.subject", v.Brand.Name)
	v.Heading = views.T(lang, "link.heading")
	v.Greeting = greeting(lang, c.ContactName)
	v.Paras = []string{views.T(lang, "link.body", v.Brand.Name, c.Name)}
	v.Action = views.MailLink{Label: views.T(lang, "link.action"), URL: s.BaseURL + "/c/" + d.Token}
	v.Fine = []string{views.T(lang, "link.until", l.ExpiresAt.Format("2006-01-02"))}
	r.done, r.actor = "Client link e-mailed to "+c.ContactEmail, d.By
	return nil
}

func greeting(lang views.Lang, name string) string {
	if name == "" {
		return views.T(lang, "mail.hello.anon")
	}
	return views.T(lang, "mail.hello", name)
}

// reminderMail checks, at sending time, that the client still has to do
// what the reminder asks: the same stage entered at the same moment,
// reminders on for the organisation and the client, the same address.
func (s *Service) reminderMail(ctx context.Context, r *rendered, v *views.MailView, m models.Message, d models.MailData, org models.Organisation, c models.Client) error {
	switch {
	case c.Stage != d.Stage || !c.StageSince.Equal(d.Since):
		return cancelled("the client moved on before the reminder was sent")
	case org.RemindersOff:
		return cancelled("reminders are off for the organisation")
	case c.RemindersPaused:
		return cancelled("reminders are paused for this client")
	case c.RemindersUnsubscribed:
		return cancelled("the contact unsubscribed")
	case c.ContactEmail != m.To:
		return cancelled("the contact's address changed")
	}
	if d.Stage == models.StageVerification {
		verified, err := s.Store.SenderVerified(ctx, m.OrganisationID, c.ID)
		if err != nil {
			return err
		}
		if verified {
			return cancelled("the code was accepted; Sinch is activating the number")
		}
	}
	token, err := s.Store.MailLink(ctx, m.OrganisationID, c.ID)
	if err != nil {
		return err
	}
	lang := views.ParseLang(c.ContactLanguage)
	v.Lang = lang
	v.Greeting = greeting(lang, c.ContactName)
	page := s.BaseURL + "/c/" + token
	why := views.T(lang, "mail.why", v.Brand.Name, c.Name)
	switch d.Stage {
	case models.StageMetaApproval:
		v.Subject = views.T(lang, "remind.meta.subject")
		v.Heading = views.T(lang, "remind.meta.heading")
		v.Paras = []string{views.T(lang, "remind.meta.body", v.Brand.Name, c.Name),
			views.T(lang, "meta.expires", d.Since.Add(MetaRequestLife).Format("2006-01-02"))}
		v.Action = views.MailLink{Label: views.T(lang, "remind.meta.action"), URL: page}
		r.done = "Reminder " + strconv.Itoa(d.Step) + " sent to " + c.ContactEmail + ": approve the request at Meta"
	case models.StageVerification:
		v.Subject = views.T(lang, "remind.verify.subject")
		v.Heading = views.T(lang, "remind.verify.heading")
		v.Paras = []string{views.T(lang, "remind.verify.body", "+"+c.SenderPhone)}
		v.Action = views.MailLink{Label: views.T(lang, "remind.verify.action"), URL: page}
		r.done = "Reminder " + strconv.Itoa(d.Step) + " sent to " + c.ContactEmail + ": confirm the phone number with the code"
	default:
		return cancelled("no reminder for stage " + string(d.Stage))
	}
	v.Fine = []string{views.T(lang, "remind.stops"), why}
	r.unsubscribe = s.BaseURL + "/unsubscribe/" + s.UnsubscribeToken(m.OrganisationID, c.ID)
	v.Unsubscribe = views.MailLink{Label: views.T(lang, "unsub.link"), URL: r.unsubscribe}
	return nil
}

// notificationMail tells a member about one client, unless the news is
// already stale (attention that went away).
func (s *Service) notificationMail(ctx context.Context, v *views.MailView, m models.Message, d models.MailData, c models.Client) error {
	u, err := s.member(ctx, m)
	if err != nil {
		return err
	}
	if !models.Wants(u.NotifyNow, d.Event) {
		return cancelled("the member no longer wants this")
	}
	page := s.clientPage(c.ID)
	switch d.Event {
	case models.NotifyAttention:
		if !s.Store.NeedsAttention(c) {
			return cancelled("the client no longer needs attention")
		}
		v.Subject = c.Name + " needs attention"
		v.Heading = c.Name + " needs attention"
		v.Paras = []string{"In stage \"" + c.Stage.Label() + "\" since " + c.StageSince.Format("2 Jan 15:04") + " UTC.", c.Stage.Todo()}
		if c.ParkedReason != "" {
			v.Paras = append(v.Paras, c.ParkedReason)
		}
	case models.NotifyRejected:
		v.Subject = c.Name + " was rejected"
		v.Heading = c.Name + " was rejected"
		v.Paras = []string{models.StageRejected.Todo()}
		if c.RejectionReason != "" {
			v.Paras = append([]string{"Reason: " + c.RejectionReason}, v.Paras...)
		}
	case models.NotifyActive:
		v.Subject = c.Name + " is live on WhatsApp"
		v.Heading = c.Name + " is live on WhatsApp"
		v.Paras = []string{"The number +" + c.SenderPhone + " is active: it can send WhatsApp messages."}
	default:
		return cancelled("unknown event " + d.Event)
	}
	v.Action = views.MailLink{Label: "Open " + c.Name, URL: page}
	v.Fine = []string{"You get this because you asked for it in Your account → E-mail notifications."}
	return nil
}

// digestMail lists, for one member, what happened in the day before and
// what needs attention now; an empty digest is not sent.
func (s *Service) digestMail(ctx context.Context, v *views.MailView, m models.Message, d models.MailData) error {
	u, err := s.member(ctx, m)
	if err != nil {
		return err
	}
	day, err := time.Parse("2006-01-02", d.Day)
	if err != nil {
		return cancelled("bad day " + d.Day)
	}
	from := day.Add(time.Duration(s.DigestHour)*time.Hour - 24*time.Hour)
	item := func(c models.Client, detail string) views.MailItem {
		return views.MailItem{Title: c.Name, Detail: detail, URL: s.clientPage(c.ID)}
	}
	const most = 50
	if models.Wants(u.NotifyDigest, models.NotifyAttention) {
		cs, err := s.Store.AttentionClients(ctx, u.OrganisationID, most)
		if err != nil {
			return err
		}
		sec := views.MailList{Title: "Needs attention"}
		for _, c := range cs {
			sec.Items = append(sec.Items, item(c, c.Stage.Label()+" since "+c.StageSince.Format("2 Jan")+". "+c.Stage.Todo()))
		}
		if len(sec.Items) > 0 {
			v.Sections = append(v.Sections, sec)
		}
	}
	for _, ev := range []struct {
		event string
		stage models.Stage
		title string
	}{{models.NotifyRejected, models.StageRejected, "Rejected since yesterday"}, {models.NotifyActive, models.StageActive, "Live on WhatsApp since yesterday"}} {
		if !models.Wants(u.NotifyDigest, ev.event) {
			continue
		}
		cs, err := s.Store.DigestClients(ctx, u.OrganisationID, ev.stage, from, most)
		if err != nil {
			return err
		}
		sec := views.MailList{Title: ev.title}
		for _, c := range cs {
			detail := c.RejectionReason
			if ev.stage == models.StageActive {
				detail = "+" + c.SenderPhone
			}
			sec.Items = append(sec.Items, item(c, detail))
		}
		if len(sec.Items) > 0 {
			v.Sections = append(v.Sections, sec)
		}
	}
	if len(v.Sections) == 0 {
		return cancelled("nothing to report")
	}
	n := 0
	for _, sec := range v.Sections {
		n += len(sec.Items)
	}
	v.Subject = fmt.Sprintf("wabadesk daily digest for %s: %d client%s", d.Day, n, map[bool]string{true: "", false: "s"}[n == 1])
	v.Heading = "Your daily digest"
	v.Greeting = "Hello " + u.Name + ","
	v.Paras = []string{"What happened at " + v.Brand.Name + " in the last day, and what needs you now."}
	v.Fine = []string{"Choose what the digest holds in Your account → E-mail notifications."}
	return nil
}

// member is the staff member a message is for; a member removed since
// (or of another organisation) cancels it.
func (s *Service) member(ctx context.Context, m models.Message) (models.User, error) {
	u, err := s.Store.UserByID(ctx, *m.UserID)
	if errors.Is(err, models.ErrNotFound) || err == nil && u.OrganisationID != m.OrganisationID {
		return u, cancelled("the member was removed")
	}
	return u, err
}

// clientPage is the staff page of a client.
func (s *Service) clientPage(id int64) string {
	return s.BaseURL + "/clients/" + strconv.FormatInt(id, 10)
}
