package mail_test

import (
	"context"
	netmail "net/mail"
	"strings"
	"testing"
	"time"

	gomail "github.com/wneessen/go-mail"
	"golang.org/x/crypto/bcrypt"

	"wabadesk/mail"
	"wabadesk/mail/mailtest"
	"wabadesk/models"
	"wabadesk/models/modelstest"
)

// env is the mail worker on a real database, sending to a real SMTP
// server in this process, on a fake clock.
type env struct {
	t     *testing.T
	store *models.Store
	svc   *mail.Service
	smtp  *mailtest.Server
	clock *modelstest.Clock
	org   models.Organisation
	owner models.User
}

func mustService(t *testing.T) *env {
	t.Helper()
	e := &env{t: t, clock: modelstest.NewClock(time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)), smtp: mailtest.Start(t)}
	e.store = models.NewStore(modelstest.Open(t))
	e.store.Now, e.store.PasswordCost = e.clock.Now, bcrypt.MinCost
	key, _ := models.ParseKey(strings.Repeat("5e", 32))
	e.store.Cipher, _ = models.NewCipher(key)
	if err := e.store.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.store.Close() })
	tr, err := mail.ParseSMTP(e.smtp.URL)
	if err != nil {
		t.Fatal(err)
	}
	e.svc = mail.New(e.store, tr, netmail.Address{Name: "wabadesk", Address: "desk@example.com"}, "https://desk.example.com", []byte("test key"))
	e.svc.Now = e.clock.Now
	e.org, e.owner, err = e.store.CreateOrganisation(t.Context(), models.SignUp{OrganisationName: "Acme Messaging", Name: "Ana Lima",
		Email: "ana@acme.test", Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// client creates a client waiting in stage since ago, with a contact.
func (e *env) client(stage models.Stage, ago time.Duration, email, lang string) models.Client {
	e.t.Helper()
	ctx := e.t.Context()
	c, err := e.store.CreateClient(ctx, e.org.ID, e.owner, models.ClientInput{Name: "Padaria Estrela"}, false)
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.store.UpdateContact(ctx, e.org.ID, c.ID, e.owner, models.Contact{ContactName: "Maria", ContactEmail: email, ContactLanguage: lang}, false); err != nil {
		e.t.Fatal(err)
	}
	e.setStage(c.ID, stage, e.clock.Now().Add(-ago))
	c, _ = e.store.ClientByID(ctx, e.org.ID, c.ID)
	return c
}

// setStage moves a client as the apply path would.
func (e *env) setStage(id int64, stage models.Stage, since time.Time) {
	e.t.Helper()
	err := e.store.DB().Model(&models.Client{}).Where("id = ?", id).
		Updates(map[string]any{"stage": stage, "stage_since": since, "sender_phone": "5511987654321"}).Error
	if err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) mails(kind string) []models.Message {
	e.t.Helper()
	ms, err := e.store.Mails(e.t.Context(), e.org.ID, []string{kind}, 100)
	if err != nil {
		e.t.Fatal(err)
	}
	return ms
}

func (e *env) timeline(clientID int64) string {
	e.t.Helper()
	evs, err := e.store.Events(e.t.Context(), e.org.ID, clientID, 100)
	if err != nil {
		e.t.Fatal(err)
	}
	var titles []string
	for _, ev := range evs {
		titles = append(titles, ev.Title)
	}
	return strings.Join(titles, " | ")
}

func TestTestMailArrivesWithBothPartsAndAFixedMessageID(t *testing.T) {
	e := mustService(t)
	if err := e.svc.Test(t.Context(), e.org.ID, "ana@acme.test", "Ana Lima"); err != nil {
		t.Fatal(err)
	}
	e.svc.RunOnce(t.Context())
	got := e.smtp.To("ana@acme.test")
	if len(got) != 1 {
		t.Fatalf("got %d mails", len(got))
	}
	m := got[0]
	if m.Subject != "Test e-mail from wabadesk" || !strings.Contains(m.Text, "Ana Lima sent this test") || !strings.Contains(m.HTML, `<html lang="en">`) {
		t.Fatalf("mail: %v\n%s\n%s", m.Header, m.Text, m.HTML)
	}
	msgs := e.mails(models.MailTest)
	if len(msgs) != 1 || msgs[0].State != models.MailSent || !strings.Contains(m.Header.Get("Message-Id"), msgs[0].MessageID) {
		t.Fatalf("recorded %+v, header %q", msgs, m.Header.Get("Message-Id"))
	}
}

func TestOutboxKeepsMailsWithoutSMTP(t *testing.T) {
	e := mustService(t)
	e.svc.Transport = mail.Outbox{}
	c := e.client(models.StageMetaApproval, 0, "maria@padaria.test", "en")
	_, token, err := e.store.CreateLink(t.Context(), e.org.ID, c.ID, e.owner, models.DefaultLinkLifetime)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.SendLinkByMail(t.Context(), e.org.ID, c.ID, token, e.owner); err != nil {
		t.Fatal(err)
	}
	e.svc.RunOnce(t.Context())
	if n := len(e.smtp.Mails()); n != 0 {
		t.Fatalf("%d mails reached SMTP in outbox mode", n)
	}
	ms := e.mails(models.MailClientLink)
	if len(ms) != 1 || ms[0].State != models.MailOutbox {
		t.Fatalf("outbox: %+v", ms)
	}
	body, err := e.store.MailBody(ms[0])
	if err != nil || !strings.Contains(body.Text, "https://desk.example.com/c/"+token) {
		t.Fatalf("body %q, %v", body.Text, err)
	}
	if tl := e.timeline(c.ID); !strings.Contains(tl, "Client link e-mailed to maria@padaria.test") {
		t.Fatalf("timeline: %s", tl)
	}
}

func TestReminderInTheClientsLanguageWithItsLinkAndUnsubscribe(t *testing.T) {
	e := mustService(t)
	c := e.client(models.StageMetaApproval, 25*time.Hour, "maria@padaria.test", "pt")
	e.svc.RunOnce(t.Context())
	got := e.smtp.To("maria@padaria.test")
	if len(got) != 1 {
		t.Fatalf("got %d reminders", len(got))
	}
	m := got[0]
	if m.Subject != "Lembrete: aprove a solicitação do WhatsApp na Meta" || !strings.Contains(m.Text, "Olá, Maria") {
		t.Fatalf("not Portuguese: %q\n%s", m.Subject, m.Text)
	}
	if from, _ := netmail.ParseAddress(m.Header.Get("From")); from == nil || from.Name != "Acme Messaging" {
		t.Fatalf("from %q", m.Header.Get("From"))
	}
	i := strings.Index(m.Text, "https://desk.example.com/c/")
	if i < 0 {
		t.Fatalf("no client link in %s", m.Text)
	}
	token := strings.Fields(m.Text[i+len("https://desk.example.com/c/"):])[0]
	if l, err := e.store.OpenLink(t.Context(), token); err != nil || l.ClientID != c.ID {
		t.Fatalf("the reminder's link does not open the client's page: %v", err)
	}
	unsub := strings.Trim(m.Header.Get("List-Unsubscribe"), "<>")
	if !strings.HasPrefix(unsub, "https://desk.example.com/unsubscribe/") || m.Header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
		t.Fatalf("unsubscribe headers: %v", m.Header)
	}
	if org, id, ok := e.svc.ParseUnsubscribe(strings.TrimPrefix(unsub, "https://desk.example.com/unsubscribe/")); !ok || org != e.org.ID || id != c.ID {
		t.Fatalf("unsubscribe token names %d/%d %v", org, id, ok)
	}
	if tl := e.timeline(c.ID); !strings.Contains(tl, "Reminder 1 sent to maria@padaria.test: approve the request at Meta") {
		t.Fatalf("timeline: %s", tl)
	}

	// Scanning again sends nothing new; two days later the second comes,
	// carrying the same link.
	e.svc.RunOnce(t.Context())
	e.clock.Advance(48 * time.Hour)
	e.svc.RunOnce(t.Context())
	got = e.smtp.To("maria@padaria.test")
	if len(got) != 2 || !strings.Contains(got[1].Text, "/c/"+token) {
		t.Fatalf("second reminder: %d mails", len(got))
	}
}

func TestReminderStopsWhenTheStateChangedBeforeSending(t *testing.T) {
	e := mustService(t)
	e.svc.Transport = mail.Outbox{}
	c := e.client(models.StageVerification, 2*time.Hour, "maria@padaria.test", "es")
	if err := e.store.QueueReminder(t.Context(), c, 1); err != nil {
		t.Fatal(err)
	}
	// Verified between scheduling and sending.
	e.setStage(c.ID, models.StageActive, e.clock.Now())
	e.svc.RunOnce(t.Context())
	ms := e.mails(models.MailReminder)
	if len(ms) != 1 || ms[0].State != models.MailCancelled || !strings.Contains(ms[0].LastError, "moved on") {
		t.Fatalf("reminder: %+v", ms)
	}

	// Paused and unsubscribed clients get none either.
	p := e.client(models.StageMetaApproval, 30*time.Hour, "paused@padaria.test", "en")
	if _, err := e.store.UpdateContact(t.Context(), e.org.ID, p.ID, e.owner, p.Contact, true); err != nil {
		t.Fatal(err)
	}
	u := e.client(models.StageMetaApproval, 30*time.Hour, "gone@padaria.test", "en")
	if err := e.store.QueueReminder(t.Context(), u, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.Unsubscribe(t.Context(), e.org.ID, u.ID); err != nil {
		t.Fatal(err)
	}
	e.svc.RunOnce(t.Context())
	for _, m := range e.mails(models.MailReminder) {
		if m.Delivered() {
			t.Fatalf("delivered to %s: %+v", m.To, m)
		}
	}
}

// crashing sends, then the process "dies" before recording: the context
// ends, so nothing more reaches the database.
type crashing struct {
	mail.Transport
	crash context.CancelFunc
}

func (c crashing) Open(ctx context.Context) (mail.Session, error) {
	s, err := c.Transport.Open(ctx)
	return crashSession{s, c.crash}, err
}

type crashSession struct {
	mail.Session
	crash context.CancelFunc
}

func (s crashSession) Send(m ...*gomail.Msg) error {
	err := s.Session.Send(m...)
	s.crash()
	return err
}

func TestNamesWithQuotesAreEncodedNotBounced(t *testing.T) {
	e := mustService(t)
	c := e.client(models.StageMetaApproval, 25*time.Hour, "maria@padaria.test", "en")
	c.Contact.ContactName = `Maria "Mia" O\Brien`
	if _, err := e.store.UpdateContact(t.Context(), e.org.ID, c.ID, e.owner, c.Contact, false); err != nil {
		t.Fatal(err)
	}
	e.svc.RunOnce(t.Context())
	got := e.smtp.To("maria@padaria.test")
	if len(got) != 1 {
		t.Fatalf("%d mails; states %+v", len(got), e.mails(models.MailReminder))
	}
	if to, err := netmail.ParseAddress(got[0].Header.Get("To")); err != nil || to.Name != `Maria "Mia" O\Brien` {
		t.Fatalf("To %q: %v", got[0].Header.Get("To"), err)
	}
}

func TestVerificationRemindersStopOnceTheCodeIsAccepted(t *testing.T) {
	e := mustService(t)
	e.svc.Transport = mail.Outbox{}
	c := e.client(models.StageVerification, 2*time.Hour, "maria@padaria.test", "en")
	now := e.clock.Now()
	snd := models.Sender{OrganisationID: e.org.ID, ClientID: c.ID, SenderInput: models.SenderInput{Provider: models.ProviderCustomer,
		CountryCode: "55", PhoneNumber: "11987654321", DisplayName: "Padaria", Vertical: "FOOD_AND_GROCERY"},
		Stage: models.SenderVerification, StageSince: now, OTPRequestedAt: &now, VerifiedAt: &now}
	if err := e.store.DB().Create(&snd).Error; err != nil {
		t.Fatal(err)
	}
	e.svc.RunOnce(t.Context())
	ms := e.mails(models.MailReminder)
	if len(ms) != 1 || ms[0].State != models.MailCancelled || !strings.Contains(ms[0].LastError, "code was accepted") {
		t.Fatalf("reminder after the code: %+v", ms)
	}
}

func TestCrashBetweenSentAndRecordedSendsNoDuplicate(t *testing.T) {
	e := mustService(t)
	if err := e.svc.Test(t.Context(), e.org.ID, "ana@acme.test", "Ana Lima"); err != nil {
		t.Fatal(err)
	}
	ctx, crash := context.WithCancel(t.Context())
	real := e.svc.Transport
	e.svc.Transport = crashing{real, crash}
	e.svc.RunOnce(ctx)
	if n := len(e.smtp.To("ana@acme.test")); n != 1 {
		t.Fatalf("%d mails before the restart", n)
	}

	// The restarted process: the dead one's lease runs out.
	e.svc.Transport = real
	e.clock.Advance(10 * time.Minute)
	e.svc.RunOnce(t.Context())
	e.svc.RunOnce(t.Context())
	if n := len(e.smtp.To("ana@acme.test")); n != 1 {
		t.Fatalf("%d mails after the restart: sent twice", n)
	}
	if ms := e.mails(models.MailTest); len(ms) != 1 || ms[0].State != models.MailUncertain {
		t.Fatalf("recorded %+v", ms)
	}
}

func TestBouncesAndTemporaryFailures(t *testing.T) {
	e := mustService(t)
	c := e.client(models.StageMetaApproval, 0, "nobody@padaria.test", "en")
	e.smtp.Refuse("nobody@padaria.test", 550)
	e.smtp.Refuse("later@acme.test", 451)
	_, token, _ := e.store.CreateLink(t.Context(), e.org.ID, c.ID, e.owner, models.DefaultLinkLifetime)
	if _, err := e.store.SendLinkByMail(t.Context(), e.org.ID, c.ID, token, e.owner); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Test(t.Context(), e.org.ID, "later@acme.test", "Ana Lima"); err != nil {
		t.Fatal(err)
	}
	e.svc.RunOnce(t.Context())
	if ms := e.mails(models.MailClientLink); len(ms) != 1 || ms[0].State != models.MailBounced || !strings.Contains(ms[0].LastError, "550") {
		t.Fatalf("bounce: %+v", ms)
	}
	if tl := e.timeline(c.ID); !strings.Contains(tl, "E-mail to nobody@padaria.test could not be delivered") {
		t.Fatalf("timeline: %s", tl)
	}
	test := e.mails(models.MailTest)
	if len(test) != 1 || test[0].State != models.MailQueued || !test[0].NextAttemptAt.After(e.clock.Now()) {
		t.Fatalf("temporary failure: %+v", test)
	}
	// The server takes it later; the retry is due after its backoff.
	e.smtp.Refuse("later@acme.test", 0)
	e.svc.RunOnce(t.Context())
	if n := len(e.smtp.To("later@acme.test")); n != 0 {
		t.Fatal("retried before its backoff")
	}
	e.clock.Advance(5 * time.Minute)
	e.svc.RunOnce(t.Context())
	if n := len(e.smtp.To("later@acme.test")); n != 1 {
		t.Fatalf("%d after the retry", n)
	}
}

func TestNotificationsAndDigest(t *testing.T) {
	e := mustService(t)
	e.svc.Transport = mail.Outbox{}
	if err := e.store.SetNotifications(t.Context(), e.org.ID, e.owner.ID, []string{models.NotifyRejected}, []string{models.NotifyActive, models.NotifyAttention}); err != nil {
		t.Fatal(err)
	}
	e.svc.RunOnce(t.Context()) // the first scan looks back an hour
	rejected := e.client(models.StageRejected, -time.Minute, "", "en")
	e.clock.Advance(2 * time.Minute)
	e.svc.RunOnce(t.Context())
	e.svc.RunOnce(t.Context())
	ms := e.mails(models.MailNotification)
	if len(ms) != 1 || ms[0].To != "ana@acme.test" || *ms[0].ClientID != rejected.ID || !ms[0].Delivered() || ms[0].Subject != "Padaria Estrela was rejected" {
		t.Fatalf("notifications: %+v", ms)
	}

	// The digest, after 07:00 UTC the next day, lists what needs attention.
	e.clock.Advance(24 * time.Hour)
	e.svc.RunOnce(t.Context())
	ds := e.mails(models.MailDigest)
	if len(ds) != 2 || !ds[0].Delivered() || ds[1].State != models.MailCancelled { // the first day had nothing to say
		t.Fatalf("digest: %+v", ds)
	}
	body, _ := e.store.MailBody(ds[0])
	if !strings.Contains(body.Text, "Needs attention") || !strings.Contains(body.Text, "Padaria Estrela") || !strings.Contains(body.Text, "https://desk.example.com/clients/") {
		t.Fatalf("digest text:\n%s", body.Text)
	}
}

func TestCadence(t *testing.T) {
	c, err := mail.ParseCadence("meta_approval=24h,72h,verification=30m")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		stage  models.Stage
		waited time.Duration
		step   int
	}{
		{models.StageMetaApproval, 23 * time.Hour, 0},
		{models.StageMetaApproval, 24 * time.Hour, 1},
		{models.StageMetaApproval, 80 * time.Hour, 2},
		{models.StageMetaApproval, 72*time.Hour + 7*24*time.Hour, 3}, // weekly after the last
		{models.StageMetaApproval, 200 * 24 * time.Hour, 2 + 12},     // but not past Meta's 90 days
		{models.StageVerification, 31 * time.Minute, 1},
		{models.StageVerification, 48 * time.Hour, 1},
	} {
		if got := c.Step(tc.stage, tc.waited); got != tc.step {
			t.Errorf("%s after %s: step %d, want %d", tc.stage, tc.waited, got, tc.step)
		}
	}
	for _, bad := range []string{"active=1h", "24h", "meta_approval=soon", "verification=500ms", "verification=1h,verification=2h"} {
		if _, err := mail.ParseCadence(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if off, _ := mail.ParseCadence("verification="); len(off[models.StageVerification]) != 0 {
		t.Error("verification= does not turn its reminders off")
	}
}

func TestSMTPURLs(t *testing.T) {
	for _, ok := range []string{"smtp://u:p@mail.example.com:587", "smtps://u:p@mail.example.com", "smtp://127.0.0.1:2525?tls=none", "smtp://localhost:25?tls=none"} {
		if _, err := mail.ParseSMTP(ok); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	for _, bad := range []string{"mail.example.com:587", "http://mail.example.com", "smtp://mail.example.com:587?tls=none", "smtp://mail.example.com:99999", "smtp://h?tls=maybe"} {
		if _, err := mail.ParseSMTP(bad); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}
