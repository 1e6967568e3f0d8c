package onboarding

import (
	"fmt"

	"wabadesk/models"
)

// OTP problem kinds, so each page can word them in its own language.
const (
	OTPBadMethod    = "bad_method"
	OTPNotVerifying = "not_verifying"
	OTPResendWait   = "resend_wait"
	OTPCodeFormat   = "code_format"
	OTPTooManyWrong = "too_many_wrong"
	OTPWrongCode    = "wrong_code"
	OTPRateLimited  = "rate_limited" // Sinch's 429s on register
)

// OTPError is a refused OTP step. It reads as a models.ValidationError on
// its field (errors.As), so staff pages need nothing special, while the
// client page translates Kind.
type OTPError struct {
	Field string // "method" or "code"
	Kind  string
	Wait  int // seconds, for OTPResendWait
	Left  int // attempts left, for OTPWrongCode
	Msg   string
}

func (e *OTPError) Error() string { return e.Msg }

// As lets errors.As(err, &models.ValidationError{}) see the field message.
func (e *OTPError) As(target any) bool {
	if v, ok := target.(*models.ValidationError); ok {
		*v = models.ValidationError{e.Field: e.Msg}
		return true
	}
	return false
}

func otpError(field, kind string) *OTPError {
	msgs := map[string]string{
		OTPBadMethod:    "Choose SMS or voice call.",
		OTPNotVerifying: "The number is not waiting for verification right now.",
		OTPCodeFormat:   fmt.Sprintf("Enter the %d digits of the code.", otpCodeLength),
		OTPTooManyWrong: "Too many wrong codes. Request a new code, then enter it.",
		OTPWrongCode:    plainByCode["wrong_otp"],
	}
	return &OTPError{Field: field, Kind: kind, Msg: msgs[kind]}
}
