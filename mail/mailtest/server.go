// Package mailtest runs a real SMTP server in the test process
// (emersion/go-smtp), so tests see what wabadesk really sends.
package mailtest

import (
	"bytes"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// Mail is one message the server accepted.
type Mail struct {
	From, To string
	Subject  string // decoded
	Header   mail.Header
	Text     string // the text/plain part
	HTML     string // the text/html part
	Raw      []byte
}

// Server is an SMTP server on 127.0.0.1 that keeps what it receives.
type Server struct {
	URL string // smtp://127.0.0.1:port?tls=none, for --smtp-url
	mu  sync.Mutex
	got []Mail
	// Refuse maps a recipient to the SMTP error the server answers for it
	// (550 for a permanent refusal, 451 for a temporary one).
	refuse map[string]int
	wake   chan struct{}
}

// Start runs a server until the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	srv := &Server{refuse: map[string]int{}, wake: make(chan struct{}, 1)}
	s := smtp.NewServer(backend{srv})
	s.Domain = "127.0.0.1"
	s.AllowInsecureAuth = true
	s.ReadTimeout, s.WriteTimeout = 10*time.Second, 10*time.Second
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = s.Serve(l) }()
	t.Cleanup(func() { _ = s.Close() })
	srv.URL = "smtp://" + l.Addr().String() + "?tls=none"
	return srv
}

// Refuse makes the server answer code for mail to rcpt.
func (s *Server) Refuse(rcpt string, code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refuse[rcpt] = code
}

// Mails returns what arrived so far.
func (s *Server) Mails() []Mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Mail(nil), s.got...)
}

// To returns the mails to rcpt.
func (s *Server) To(rcpt string) []Mail {
	var out []Mail
	for _, m := range s.Mails() {
		if m.To == rcpt {
			out = append(out, m)
		}
	}
	return out
}

// Wait waits until n mails to rcpt have arrived, failing after limit.
func (s *Server) Wait(t testing.TB, rcpt string, n int, limit time.Duration) []Mail {
	t.Helper()
	deadline := time.After(limit)
	for {
		if got := s.To(rcpt); len(got) >= n {
			return got
		}
		select {
		case <-s.wake:
		case <-time.After(50 * time.Millisecond):
		case <-deadline:
			t.Fatalf("mail to %s: %d arrived, want %d", rcpt, len(s.To(rcpt)), n)
		}
	}
}

type backend struct{ s *Server }

func (b backend) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{s: b.s}, nil }

type session struct {
	s     *Server
	from  string
	rcpts []string
}

func (x *session) Reset()        { x.from, x.rcpts = "", nil }
func (x *session) Logout() error { return nil }
func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	x.from = from
	return nil
}

func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.s.mu.Lock()
	code := x.s.refuse[to]
	x.s.mu.Unlock()
	if code != 0 {
		return &smtp.SMTPError{Code: code, EnhancedCode: smtp.EnhancedCode{code / 100, 1, 1}, Message: "mailbox refused by the test server"}
	}
	x.rcpts = append(x.rcpts, to)
	return nil
}

func (x *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return err
	}
	m := Mail{From: x.from, Header: msg.Header, Raw: raw}
	m.Subject, _ = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	m.Text, m.HTML = parts(msg)
	x.s.mu.Lock()
	for _, to := range x.rcpts {
		m.To = to
		x.s.got = append(x.s.got, m)
	}
	x.s.mu.Unlock()
	select {
	case x.s.wake <- struct{}{}:
	default:
	}
	return nil
}

// parts reads the text and HTML parts of a multipart/alternative message.
func parts(msg *mail.Message) (text, html string) {
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || !strings.HasPrefix(mt, "multipart/") {
		b, _ := io.ReadAll(msg.Body)
		return string(b), ""
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err != nil {
			return text, html
		}
		b, _ := io.ReadAll(p) // multipart decodes quoted-printable
		switch ct, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type")); ct {
		case "text/plain":
			text = string(b)
		case "text/html":
			html = string(b)
		}
	}
}
