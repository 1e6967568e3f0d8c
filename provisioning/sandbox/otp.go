package sandbox

import (
	"fmt"
	"net/http"
	"time"

	pv "wabadesk/provisioning"
)

func (s *Sandbox) registerSender(q *call) (int, any, *apiError) {
	sn, aerr := findSender(q)
	if aerr != nil {
		return 0, nil, aerr
	}
	m, aerr := decodeObject(q.body)
	if aerr != nil {
		return 0, nil, aerr
	}
	var c checker
	c.str(m, "method", rule{required: true, enum: methods})
	if err := c.result(); err != nil {
		return 0, nil, err
	}
	if sn.DTO.State != pv.SenderPendingVerification {
		return 0, nil, fail("not_allowed_register")
	}
	if sn.WrongOTPs >= s.opts.MaxWrongOTPs {
		return 0, nil, fail("too_many_invalid_verification_codes")
	}
	recent := 0
	for _, t := range sn.Registers {
		if q.now.Sub(t) < s.opts.RegisterWindow {
			recent++
		}
	}
	if recent >= s.opts.RegisterLimit {
		return 0, nil, fail("sender-register-too-many-requests")
	}
	method := pv.RegistrationMethod(m["method"].(string))
	sn.Registers = append(sn.Registers, q.now)
	sn.OTP = s.opts.OTP()
	msg := otpMessage(sn, method, q.now)
	msg.ProjectID = q.p.ID
	s.st.Inbox = append(s.st.Inbox, msg)
	sn.log(q.now, pv.ActivityRegistered, authorAPI, "")
	s.changed()
	return http.StatusOK, pv.Registration{ID: sn.DTO.ID, Method: method, Accepted: q.now, VerificationCodeSent: true}, nil
}

// otpMessage is what the phone receives, worded like WhatsApp's own texts.
func otpMessage(sn *sender, method pv.RegistrationMethod, now time.Time) Message {
	text := fmt.Sprintf("Your WhatsApp Business code for %s is %s-%s. Don't share this code with others.",
		sn.displayName(), sn.OTP[:3], sn.OTP[3:])
	if method == pv.MethodVoice {
		text = "(voice call) Your WhatsApp Business code is " + spaced(sn.OTP) + ". Again: " + spaced(sn.OTP) + "."
	}
	return Message{Phone: sn.phone(), Channel: string(method), Text: text, Code: sn.OTP, SenderID: sn.DTO.ID, Received: now}
}

func spaced(code string) string {
	out := make([]byte, 0, 2*len(code))
	for i := range len(code) {
		if i > 0 {
			out = append(out, ' ')
		}
		out = append(out, code[i])
	}
	return string(out)
}

func (s *Sandbox) verifySender(q *call) (int, any, *apiError) {
	sn, aerr := findSender(q)
	if aerr != nil {
		return 0, nil, aerr
	}
	m, aerr := decodeObject(q.body)
	if aerr != nil {
		return 0, nil, aerr
	}
	var c checker
	c.str(m, "code", rule{format: "otp"})
	if err := c.result(); err != nil {
		return 0, nil, err
	}
	if sn.DTO.State != pv.SenderPendingVerification {
		return 0, nil, fail("not_allowed_verify")
	}
	code, _ := m["code"].(string)
	if sn.OTP == "" || code != sn.OTP {
		sn.WrongOTPs++
		s.changed()
		return 0, nil, fail("wrong_otp")
	}
	// Verified: Sinch now registers the number with the Cloud API.
	sn.OTP, sn.WrongOTPs = "", 0
	sn.DTO.State, sn.DTO.Modified = pv.SenderInProgress, q.now
	sn.log(q.now, pv.ActivityVerified, authorAPI, "")
	sn.Next = &due{At: q.now.Add(s.opts.Delays.Activate), Step: stepActivate}
	s.changed()
	return http.StatusNoContent, nil, nil
}
