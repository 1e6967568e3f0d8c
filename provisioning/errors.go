package provisioning

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"
)

// ErrOutcomeUnknown marks a failed non-idempotent call (a create, register or
// verify) that may have reached Sinch: the caller must reconcile (GET the
// resource) before trying again, or it risks duplicates. It is never retried.
var ErrOutcomeUnknown = errors.New("provisioning: outcome unknown, reconcile before retrying")

// APIError is a non-2xx answer from Sinch, decoded from its PAPI error body.
type APIError struct {
	StatusCode            int                        // HTTP status
	ErrorCode             string                     // e.g. "account_exists"
	Message               string                     // e.g. "Account already exists."
	Resolution            string                     // what to do about it
	AdditionalInformation map[string]json.RawMessage // raw extra data
	ValidationErrors      []string                   // additionalInformation.validationErrors
	FieldErrors           map[string]string          // validation messages keyed by request field path
	RetryAfter            time.Duration              // from the Retry-After header, if any
	Body                  string                     // the raw body when it was not a PAPI error
}

// Error describes the failure in one line.
func (e *APIError) Error() string {
	if e.ErrorCode == "" {
		return fmt.Sprintf("sinch: HTTP %d: %s", e.StatusCode, firstLine(e.Body))
	}
	return fmt.Sprintf("sinch: HTTP %d %s: %s", e.StatusCode, e.ErrorCode, e.Message)
}

// RequestError is a transport failure: no HTTP answer was received.
type RequestError struct {
	Method, URL string
	Err         error
	MaybeSent   bool // the request may have reached Sinch (not a dial failure)
}

// Error describes the failure in one line.
func (e *RequestError) Error() string {
	return fmt.Sprintf("sinch: %s %s: %v", e.Method, e.URL, e.Err)
}

// Unwrap returns the transport error.
func (e *RequestError) Unwrap() error { return e.Err }

// IsRetryable reports whether err is transient: a timeout or connection
// error, 429, or a 5xx answer.
func IsRetryable(err error) bool {
	var re *RequestError
	if errors.As(err, &re) {
		return true
	}
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.StatusCode == http.StatusTooManyRequests || ae.StatusCode >= 500
	}
	return false
}

// IsOutcomeUnknown reports whether the request may have taken effect at Sinch
// although no success was seen: ErrOutcomeUnknown, a transport error after
// the request was sent, or a 5xx answer.
func IsOutcomeUnknown(err error) bool {
	if errors.Is(err, ErrOutcomeUnknown) {
		return true
	}
	var re *RequestError
	if errors.As(err, &re) {
		return re.MaybeSent
	}
	var ae *APIError
	return errors.As(err, &ae) && ae.StatusCode >= 500
}

// RetryAfter returns the delay Sinch asked for with Retry-After, if any.
func RetryAfter(err error) (time.Duration, bool) {
	var ae *APIError
	if errors.As(err, &ae) && ae.RetryAfter > 0 {
		return ae.RetryAfter, true
	}
	return 0, false
}

// HasCode reports whether err is an APIError with the given errorCode.
func HasCode(err error, code string) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.ErrorCode == code
}

// StatusCode returns the HTTP status of an APIError, or 0.
func StatusCode(err error) int {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.StatusCode
	}
	return 0
}

// decodeAPIError builds an APIError from any non-2xx response body.
func decodeAPIError(status int, h http.Header, body []byte) *APIError {
	e := &APIError{StatusCode: status, RetryAfter: parseRetryAfter(h.Get("Retry-After"), time.Now())}
	var dto struct {
		ErrorCode             string                     `json:"errorCode"`
		Message               string                     `json:"message"`
		Resolution            string                     `json:"resolution"`
		AdditionalInformation map[string]json.RawMessage `json:"additionalInformation"`
	}
	if json.Unmarshal(body, &dto) != nil || dto.ErrorCode == "" {
		// Proxies and gateways answer with HTML or plain text.
		e.Body = string(body)
		if e.Body == "" {
			e.Body = http.StatusText(status)
		}
		e.Message = firstLine(e.Body)
		return e
	}
	e.ErrorCode, e.Message, e.Resolution = dto.ErrorCode, dto.Message, dto.Resolution
	e.AdditionalInformation = dto.AdditionalInformation
	if raw, ok := dto.AdditionalInformation["validationErrors"]; ok {
		_ = json.Unmarshal(raw, &e.ValidationErrors)
		e.FieldErrors = fieldErrors(e.ValidationErrors)
	}
	return e
}

// fieldErrors maps class-validator messages ("details.displayName must be
// ...") to the request field path they start with.
func fieldErrors(msgs []string) map[string]string {
	out := map[string]string{}
	for _, m := range msgs {
		field, _, ok := strings.Cut(m, " ")
		if !ok || !isFieldPath(field) {
			continue
		}
		if _, dup := out[field]; !dup {
			out[field] = m
		}
	}
	return out
}

func isFieldPath(s string) bool {
	for _, r := range s {
		ok := r == '.' || r == '_' || r == '[' || r == ']' ||
			(r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9')
		if !ok {
			return false
		}
	}
	return s != "" && s != "each"
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if len(s) > 200 {
		// Cut at the start of a character, never inside one.
		i := 200
		for i > 0 && !utf8.RuneStart(s[i]) {
			i--
		}
		s = s[:i]
	}
	return s
}
