package sandbox

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	pv "wabadesk/provisioning"
)

// ErrNotPending is returned when the Meta stand-in has no request to decide.
var ErrNotPending = errors.New("sandbox: no pending WABA creation request")

// Approve is the client accepting the WABA creation request at Meta: the
// account becomes ONBOARDED.
func (s *Sandbox) Approve(projectID string) error {
	return s.decide(projectID, true)
}

// Decline is the client declining the request at Meta: the account becomes REJECTED.
func (s *Sandbox) Decline(projectID string) error {
	return s.decide(projectID, false)
}

func (s *Sandbox) decide(projectID string, approve bool) error {
	s.lock()
	defer s.unlock()
	p := s.st.Projects[projectID]
	if p == nil || p.Account == nil || !p.Account.pending() {
		return fmt.Errorf("%w for project %q", ErrNotPending, projectID)
	}
	now := s.now()
	if approve {
		s.onboard(p, now)
	} else {
		s.rejectAccount(p, now, "The client declined the WABA creation request in Meta Business Suite.")
	}
	s.changed()
	return nil
}

// decideRequest approves or declines by Meta request ID (the page's form).
func (s *Sandbox) decideRequest(r *http.Request, requestID string, approve bool) (string, error) {
	s.lock()
	var projectID string
	for id, p := range s.st.Projects {
		if p.Account != nil && p.Account.RequestID == requestID && p.Account.pending() && visible(r, id) {
			projectID = id
		}
	}
	s.unlock()
	if projectID == "" {
		return "", ErrNotPending
	}
	return projectID, s.decide(projectID, approve)
}

// RejectSender makes the review of a submitted sender reject it with comment.
func (s *Sandbox) RejectSender(projectID, senderID, comment string) error {
	return s.forceReview(projectID, senderID, func(sn *sender) { sn.ForceReject = comment })
}

// FailSender makes the review of a submitted sender fail with code and reason.
func (s *Sandbox) FailSender(projectID, senderID string, code pv.SenderErrorCode) error {
	return s.forceReview(projectID, senderID, func(sn *sender) { sn.ForceError = string(code) })
}

// forceReview sets the outcome and runs the pending review at once.
func (s *Sandbox) forceReview(projectID, senderID string, set func(*sender)) error {
	s.lock()
	defer s.unlock()
	p := s.st.Projects[projectID]
	var sn *sender
	if p != nil {
		sn = p.sender(senderID)
	}
	if sn == nil || sn.Next == nil || sn.Next.Step != stepReview {
		return fmt.Errorf("sandbox: sender %q of project %q is not under review", senderID, projectID)
	}
	set(sn)
	sn.Next = nil
	s.review(p, sn, s.now())
	s.changed()
	return nil
}

// Inbox returns the messages the phone number received, oldest first.
// phone is the number with country code, "+" and spaces optional; empty
// returns every message.
func (s *Sandbox) Inbox(phone string) []Message {
	want := normalizePhone(phone)
	s.lock()
	defer s.unlock()
	return slices.DeleteFunc(slices.Clone(s.st.Inbox), func(m Message) bool { return want != "" && m.Phone != want })
}

// LatestOTP returns the last code sent to phone.
func (s *Sandbox) LatestOTP(phone string) (string, bool) {
	msgs := s.Inbox(phone)
	if len(msgs) == 0 {
		return "", false
	}
	return msgs[len(msgs)-1].Code, true
}

// Account returns a copy of the project's account, for tests and pages.
func (s *Sandbox) Account(projectID string) (pv.Account, bool) {
	s.lock()
	defer s.unlock()
	p := s.st.Projects[projectID]
	if p == nil || p.Account == nil {
		return pv.Account{}, false
	}
	return clone(p.Account.DTO), true
}

// RequestID returns the Meta request ID of the project's pending account,
// even when Options.OmitRequestID hides it from the API.
func (s *Sandbox) RequestID(projectID string) string {
	s.lock()
	defer s.unlock()
	if p := s.st.Projects[projectID]; p != nil && p.Account != nil {
		return p.Account.RequestID
	}
	return ""
}

func normalizePhone(p string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, p)
}
