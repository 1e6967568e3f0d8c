package mail

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Transport is where messages go: an SMTP server, or the outbox page.
type Transport interface {
	// Open starts a session for a batch of messages.
	Open(ctx context.Context) (Session, error)
	// Describe says where mail goes, for Settings (never with a password).
	Describe() string
	// Outbox reports whether mail stays in wabadesk (no SMTP configured).
	Outbox() bool
}

// Session sends messages one by one over one connection.
type Session interface {
	Send(m ...*gomail.Msg) error
	Close() error
}

// Outbox keeps every message in the database for the outbox page: the
// default when no SMTP server is configured, so the product can be tried.
type Outbox struct{}

func (Outbox) Open(context.Context) (Session, error) { return outboxSession{}, nil }
func (Outbox) Describe() string                      { return "Outbox: e-mail is kept in wabadesk, not sent" }
func (Outbox) Outbox() bool                          { return true }

type outboxSession struct{}

func (outboxSession) Send(...*gomail.Msg) error { return nil }
func (outboxSession) Close() error              { return nil }

// SMTP sends through an SMTP server.
type SMTP struct {
	host, user, password string
	port                 int
	opts                 []gomail.Option
}

// ParseSMTP reads smtp://user:password@host:587 (STARTTLS required),
// smtps://user:password@host:465 (implicit TLS), and ?tls=none, which is
// accepted for a loopback host only (a relay on the same machine).
func ParseSMTP(raw string) (*SMTP, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "smtp" && u.Scheme != "smtps") {
		return nil, errors.New("use smtp://user:password@host:587 (STARTTLS), smtps://user:password@host:465 (TLS), or smtp://host:25?tls=none for a relay on this machine")
	}
	s := &SMTP{host: u.Hostname(), port: 587}
	if u.Scheme == "smtps" {
		s.port = 465
	}
	if p := u.Port(); p != "" {
		if s.port, err = strconv.Atoi(p); err != nil || s.port < 1 || s.port > 65535 {
			return nil, fmt.Errorf("port %q is not a port number", p)
		}
	}
	s.opts = []gomail.Option{gomail.WithPort(s.port), gomail.WithTimeout(30 * time.Second)}
	switch tls := u.Query().Get("tls"); {
	case u.Scheme == "smtps":
		s.opts = append(s.opts, gomail.WithSSL())
	case tls == "none":
		ip := net.ParseIP(s.host)
		if s.host != "localhost" && (ip == nil || !ip.IsLoopback()) {
			return nil, errors.New("tls=none is only allowed for a server on this machine (127.0.0.1, ::1 or localhost): elsewhere the password and the mail would cross the network unencrypted")
		}
		s.opts = append(s.opts, gomail.WithTLSPolicy(gomail.NoTLS))
	case tls == "":
		s.opts = append(s.opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	default:
		return nil, fmt.Errorf("tls=%q: leave it out (STARTTLS) or use tls=none for a relay on this machine", tls)
	}
	if u.User != nil {
		s.user = u.User.Username()
		s.password, _ = u.User.Password()
		s.opts = append(s.opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover), gomail.WithUsername(s.user), gomail.WithPassword(s.password))
	}
	return s, nil
}

func (s *SMTP) Describe() string {
	d := "SMTP server " + net.JoinHostPort(s.host, strconv.Itoa(s.port))
	if s.user != "" {
		d += " as " + s.user
	}
	return d
}

func (s *SMTP) Outbox() bool { return false }

func (s *SMTP) Open(ctx context.Context) (Session, error) {
	c, err := gomail.NewClient(s.host, s.opts...)
	if err != nil {
		return nil, err
	}
	if err := c.DialWithContext(ctx); err != nil {
		return nil, err
	}
	return c, nil
}

// permanent reports whether an SMTP error means the message will never be
// accepted (a 5xx answer, like an unknown mailbox): it is a bounce, not
// something to retry.
func permanent(err error) bool {
	var se *gomail.SendError
	if errors.As(err, &se) {
		code := se.ErrorCode()
		return code >= 500 && code < 600
	}
	return false
}
