package handlers

import (
	"errors"
	"net/http"
	"regexp"
	"strconv"

	"github.com/labstack/echo/v4"

	"wabadesk/mail"
	"wabadesk/models"
	"wabadesk/views"
)

var mailKinds = map[string]string{
	models.MailInvite: "Staff invite", models.MailPasswordReset: "Password reset", models.MailClientLink: "Client link",
	models.MailReminder: "Reminder", models.MailNotification: "Notification", models.MailDigest: "Daily digest", models.MailTest: "Test e-mail",
	models.MailEndpointDisabled: "Webhook switched off",
}

var mailStates = map[string]struct{ label, badge string }{
	models.MailQueued: {"Waiting to be sent", "badge-warn"}, models.MailSending: {"Sending", "badge-info"},
	models.MailSent: {"Sent", "badge-ok"}, models.MailOutbox: {"In the outbox, not sent", "badge-info"},
	models.MailFailed: {"Failed", "badge-danger"}, models.MailBounced: {"Bounced", "badge-danger"},
	models.MailCancelled: {"Not sent: no longer needed", ""}, models.MailUncertain: {"May not have arrived", "badge-warn"},
}

func mailRow(m models.Message) views.MailRow {
	st := mailStates[m.State]
	subject := m.Subject
	if subject == "" {
		subject = mailKinds[m.Kind] + " (written when sent)"
	}
	problem := m.LastError
	return views.MailRow{URL: "/outbox/" + strconv.FormatInt(m.ID, 10), At: m.CreatedAt.Format("2 Jan 2006 15:04"), To: m.To,
		Kind: mailKinds[m.Kind], Subject: subject, State: st.label, StateBadge: st.badge, Problem: problem}
}

// listOutbox is the e-mail page: in outbox mode the only place mail goes.
func (h *Handler) listOutbox(c echo.Context) error {
	ctx, u := c.Request().Context(), currentUser(c)
	ms, err := h.store.Mails(ctx, u.OrganisationID, nil, 200)
	if err != nil {
		return err
	}
	v := views.OutboxView{Outbox: h.cfg.Mail.Transport.Outbox(), Mode: h.cfg.Mail.Transport.Describe()}
	for _, m := range ms {
		v.Rows = append(v.Rows, mailRow(m))
	}
	return render(c, http.StatusOK, views.OutboxPage(h.page(c, "E-mail", "outbox"), v))
}

// outboxMail loads one message of the organisation, and says why its
// content is hidden from this viewer: a password link is for its owner,
// so only owners (who could reset anyone anyway) read it here.
func (h *Handler) outboxMail(c echo.Context) (models.Message, models.MailBody, string, error) {
	id, err := pathID(c)
	if err != nil {
		return models.Message{}, models.MailBody{}, "", err
	}
	u := currentUser(c)
	m, err := h.store.Mail(c.Request().Context(), u.OrganisationID, id)
	if err != nil {
		return m, models.MailBody{}, "", err
	}
	if m.Kind == models.MailPasswordReset && u.Role != models.RoleOwner && (m.UserID == nil || *m.UserID != u.ID) {
		return m, models.MailBody{}, "A password link is shown only to owners.", nil
	}
	// An invite's link makes its reader a member with the invite's role:
	// only members of that role or above may read it.
	if m.Kind == models.MailInvite && m.InviteID != nil {
		role, err := h.store.InviteRole(c.Request().Context(), u.OrganisationID, *m.InviteID)
		switch {
		case errors.Is(err, models.ErrNotFound):
			return m, models.MailBody{}, "The invite was revoked; its link no longer works.", nil
		case err != nil:
			return m, models.MailBody{}, "", err
		case !u.Role.AtLeast(role):
			return m, models.MailBody{}, "This invite is shown only to members with its role (" + role.Label() + ") or above.", nil
		}
	}
	body, err := h.store.MailBody(m)
	return m, body, "", err
}

var mailURL = regexp.MustCompile(`https?://[^\s<>"]+`)

func (h *Handler) showOutboxMail(c echo.Context) error {
	m, body, hidden, err := h.outboxMail(c)
	if err != nil {
		return err
	}
	from := h.cfg.Mail.From
	from.Name = mail.FromName(m.Kind, currentUser(c).Organisation)
	row := mailRow(m)
	v := views.OutboxMailView{Outbox: h.cfg.Mail.Transport.Outbox(), Row: row, From: displayAddress(from),
		Attempts: m.Attempts, Text: body.Text, Hidden: hidden, HTMLURL: row.URL + "/html"}
	if m.SentAt != nil {
		v.Sent = m.SentAt.Format("2 Jan 2006 15:04:05")
	}
	if hidden == "" && body.Text == "" && m.State != models.MailCancelled {
		v.Hidden = "The e-mail is written when it is sent; reload in a moment."
	}
	seen := map[string]bool{}
	for _, u := range mailURL.FindAllString(body.Text, -1) {
		if !seen[u] {
			seen[u] = true
			v.Links = append(v.Links, views.MailLink{URL: u})
		}
	}
	return render(c, http.StatusOK, views.OutboxMailPage(h.page(c, m.Subject, "outbox"), v))
}

// showOutboxHTML serves a message's HTML part for the preview frame, with
// a policy of its own: its inline styles allowed, scripts, forms and
// plugins not, and framed only by our own page.
func (h *Handler) showOutboxHTML(c echo.Context) error {
	_, body, hidden, err := h.outboxMail(c)
	if err != nil {
		return err
	}
	if hidden != "" || body.HTML == "" {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	hd := c.Response().Header()
	hd.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' https: data:; frame-ancestors 'self'; form-action 'none'; sandbox")
	hd.Set("X-Frame-Options", "SAMEORIGIN")
	return c.HTML(http.StatusOK, body.HTML)
}
