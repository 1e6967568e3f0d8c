package onboarding

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"wabadesk/models"
	"wabadesk/provisioning"
)

// OTP limits applied before Sinch is asked, so neither staff nor a client
// link can hammer Meta's code delivery.
const (
	ResendWait    = 30 * time.Second
	MaxWrongCodes = 5
	otpCodeLength = 6
)

var otpPattern = regexp.MustCompile(`^[0-9]{6}$`)

// RequestOTP asks Sinch to send the verification code by SMS or VOICE.
func (s *Service) RequestOTP(ctx context.Context, tenantID, clientID, senderID int64, method, actor, source string) (models.Sender, error) {
	c, snd, conn, err := s.senderContext(ctx, tenantID, clientID, senderID)
	if err != nil {
		return snd, err
	}
	if method != string(provisioning.MethodSMS) && method != string(provisioning.MethodVoice) {
		return snd, otpError("method", OTPBadMethod)
	}
	if snd.Stage != models.SenderVerification {
		return snd, otpError("method", OTPNotVerifying)
	}
	if snd.OTPRequestedAt != nil {
		if wait := snd.OTPRequestedAt.Add(ResendWait).Sub(s.now()); wait > 0 {
			secs := int(wait.Seconds()) + 1
			return snd, &OTPError{Field: "method", Kind: OTPResendWait, Wait: secs,
				Msg: fmt.Sprintf("A code was sent moments ago. Wait %d seconds before asking for another.", secs)}
		}
	}
	call := models.PendingCall{OrganisationID: tenantID, ClientID: clientID, SenderID: &snd.ID, Kind: models.CallRequestOTP,
		Detail: method, Actor: actor, Source: source}
	return oneShot(s, ctx, call, snd, func(ctx context.Context) (models.Sender, error) {
		reg, err := conn.Client.RegisterSender(ctx, c.ProjectID, snd.SinchID, provisioning.RegistrationMethod(method))
		if provisioning.StatusCode(err) == 429 {
			return snd, &OTPError{Field: "method", Kind: OTPRateLimited, Msg: Plain(err)}
		}
		if err != nil {
			return snd, actionError(err, "method")
		}
		return s.store.ChangeSender(ctx, tenantID, snd.ID, func(m *models.Sender) ([]models.Event, error) {
			m.OTPMethod, m.OTPRequestedAt, m.OTPFailures = method, ptr(s.now()), 0
			title := "Verification code requested by " + methodLabel(method)
			if !reg.VerificationCodeSent {
				title = "Sinch reports the number is already registered; no code was sent"
			}
			return []models.Event{{Source: source, Actor: actor, Title: title}}, nil
		})
	})
}

// VerifyOTP checks the code the client received.
func (s *Service) VerifyOTP(ctx context.Context, tenantID, clientID, senderID int64, code, actor, source string) (models.Sender, error) {
	c, snd, conn, err := s.senderContext(ctx, tenantID, clientID, senderID)
	if err != nil {
		return snd, err
	}
	code = strings.ReplaceAll(strings.TrimSpace(code), " ", "")
	switch {
	case snd.Stage != models.SenderVerification:
		return snd, otpError("code", OTPNotVerifying)
	case !otpPattern.MatchString(code):
		return snd, otpError("code", OTPCodeFormat)
	case snd.OTPFailures >= MaxWrongCodes:
		return snd, otpError("code", OTPTooManyWrong)
	}
	call := models.PendingCall{OrganisationID: tenantID, ClientID: clientID, SenderID: &snd.ID, Kind: models.CallVerifyOTP,
		Actor: actor, Source: source}
	return oneShot(s, ctx, call, snd, func(ctx context.Context) (models.Sender, error) {
		return s.verify(ctx, tenantID, c, snd, conn, code, actor, source)
	})
}

// verify makes the one verify call and records its outcome.
func (s *Service) verify(ctx context.Context, tenantID int64, c models.Client, snd models.Sender, conn Connection, code, actor, source string) (models.Sender, error) {
	err := conn.Client.VerifySender(ctx, c.ProjectID, snd.SinchID, code)
	if provisioning.HasCode(err, "wrong_otp") {
		out, serr := s.store.ChangeSender(ctx, tenantID, snd.ID, func(m *models.Sender) ([]models.Event, error) {
			m.OTPFailures++
			return []models.Event{{Source: source, Actor: actor, Title: "A wrong verification code was entered"}}, nil
		})
		if serr != nil {
			return out, serr
		}
		left := MaxWrongCodes - out.OTPFailures
		if left <= 0 {
			return out, otpError("code", OTPTooManyWrong)
		}
		e := otpError("code", OTPWrongCode)
		e.Left = left
		if left <= 2 {
			e.Msg += fmt.Sprintf(" %d attempts left.", left)
		}
		return out, e
	}
	if err != nil {
		return snd, actionError(err, "code")
	}
	out, err := s.store.ChangeSender(ctx, tenantID, snd.ID, func(m *models.Sender) ([]models.Event, error) {
		m.OTPFailures, m.VerifiedAt = 0, ptr(s.now())
		return []models.Event{{Source: source, Actor: actor, Title: "Phone number verified with the code"}}, nil
	})
	if err != nil {
		return out, err
	}
	return out, s.schedule(ctx, tenantID, c.ID, ptr(s.now().Add(syncSoon)), false, 1)
}

func methodLabel(m string) string {
	if m == string(provisioning.MethodVoice) {
		return "voice call"
	}
	return "SMS"
}

// Comment posts a comment to Sinch on the account (or a sender) and records it.
func (s *Service) Comment(ctx context.Context, tenantID, clientID int64, senderID int64, text, actor string) error {
	text = strings.TrimSpace(text)
	if text == "" {
		return models.ValidationError{"comment": "Write a comment first."}
	}
	if len(text) > 65535 {
		return models.ValidationError{"comment": "Use at most 65,535 characters."}
	}
	c, err := s.store.ClientByID(ctx, tenantID, clientID)
	if err != nil {
		return err
	}
	if c.AccountStage == models.AccountDraft || c.AccountStage == models.AccountQueued {
		return models.ValidationError{"comment": "Comments go to Sinch, so submit the client first."}
	}
	call := models.PendingCall{OrganisationID: tenantID, ClientID: clientID, Kind: models.CallComment, Detail: text, Actor: actor}
	if senderID != 0 {
		call.SenderID = &senderID
	}
	_, err = oneShot(s, ctx, call, struct{}{}, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, s.postComment(ctx, tenantID, c, senderID, text, actor)
	})
	return err
}

// postComment makes the one comment call and records it.
func (s *Service) postComment(ctx context.Context, tenantID int64, c models.Client, senderID int64, text, actor string) error {
	conn, err := s.connect(ctx, tenantID)
	if err != nil {
		return err
	}
	var (
		sid     *int64
		comment *provisioning.Comment
	)
	if senderID != 0 {
		snd, err := s.store.SenderByID(ctx, tenantID, c.ID, senderID)
		if err != nil {
			return err
		}
		if comment, err = conn.Client.AddSenderComment(ctx, c.ProjectID, snd.SinchID, text); err != nil {
			return actionError(err, "comment")
		}
		sid = &snd.ID
	} else if comment, err = conn.Client.AddAccountComment(ctx, c.ProjectID, text); err != nil {
		return actionError(err, "comment")
	}
	return s.recordComment(ctx, tenantID, c.ID, sid, comment, actor)
}

// recordComment puts a comment Sinch has on the timeline, with the same key
// as the COMMENT_ADDED activity Sinch lists for it, so the next sync does
// not show it twice.
func (s *Service) recordComment(ctx context.Context, tenantID, clientID int64, sid *int64, comment *provisioning.Comment, actor string) error {
	key := activityKey(provisioning.Activity{Type: "COMMENT_ADDED", Created: comment.Created, Comment: comment.Comment}, sid)
	return s.store.AddEvent(ctx, tenantID, models.Event{ClientID: clientID, SenderID: sid, Source: models.SourceStaff,
		Actor: actor, Title: "Comment sent to Sinch", Detail: comment.Comment, DedupeKey: key})
}
