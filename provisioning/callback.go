package provisioning

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Callback signature headers, as Sinch sends them.
const (
	HeaderSignature          = "x-sinch-webhook-signature"
	HeaderSignatureAlgorithm = "x-sinch-webhook-signature-algorithm"
	HeaderSignatureNonce     = "x-sinch-webhook-signature-nonce"
	HeaderSignatureTimestamp = "x-sinch-webhook-signature-timestamp"
	SignatureAlgorithm       = "HmacSHA256"
)

// SignatureTolerance is how far a callback timestamp may be from now; older
// callbacks are rejected as replays.
const SignatureTolerance = 5 * time.Minute

// ErrBadSignature is returned for a missing, malformed, stale or wrong signature.
var ErrBadSignature = errors.New("provisioning: bad webhook signature")

// Sign computes base64(HMAC-SHA256(secret, body + "." + nonce + "." + timestamp)),
// the signature Sinch puts in x-sinch-webhook-signature.
func Sign(secret string, body []byte, nonce, timestamp string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	m.Write([]byte("." + nonce + "." + timestamp))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// SignatureHeaders returns the four signature headers for body, as a sender
// of callbacks (the sandbox) sets them.
func SignatureHeaders(secret string, body []byte, nonce string, now time.Time) http.Header {
	ts := strconv.FormatInt(now.Unix(), 10)
	h := http.Header{}
	h.Set(HeaderSignature, Sign(secret, body, nonce, ts))
	h.Set(HeaderSignatureAlgorithm, SignatureAlgorithm)
	h.Set(HeaderSignatureNonce, nonce)
	h.Set(HeaderSignatureTimestamp, ts)
	return h
}

// VerifySignature checks a callback's signature over its raw body, in
// constant time, and rejects timestamps outside SignatureTolerance of now.
func VerifySignature(secret string, h http.Header, body []byte, now time.Time) error {
	sig, nonce, ts := h.Get(HeaderSignature), h.Get(HeaderSignatureNonce), h.Get(HeaderSignatureTimestamp)
	if sig == "" || nonce == "" || ts == "" {
		return fmt.Errorf("%w: missing header", ErrBadSignature)
	}
	if alg := h.Get(HeaderSignatureAlgorithm); alg != "" && !strings.EqualFold(alg, SignatureAlgorithm) {
		return fmt.Errorf("%w: unsupported algorithm %q", ErrBadSignature, alg)
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: bad timestamp", ErrBadSignature)
	}
	if d := now.Sub(time.Unix(sec, 0)); d > SignatureTolerance || d < -SignatureTolerance {
		return fmt.Errorf("%w: timestamp outside tolerance", ErrBadSignature)
	}
	want := Sign(secret, body, nonce, ts)
	if !hmac.Equal([]byte(want), []byte(sig)) {
		return fmt.Errorf("%w: mismatch", ErrBadSignature)
	}
	return nil
}

// Callback is a provisioning callback: {type, payload, comment}. Account or
// Sender is filled from the payload depending on the type.
type Callback struct {
	Type    Trigger         `json:"type"`
	Payload json.RawMessage `json:"payload"`
	Comment string          `json:"comment,omitempty"`
	Account *Account        `json:"-"`
	Sender  *Sender         `json:"-"`
}

// ParseCallback decodes a callback body and its payload.
func ParseCallback(body []byte) (Callback, error) {
	var cb Callback
	if err := json.Unmarshal(body, &cb); err != nil {
		return Callback{}, fmt.Errorf("provisioning: parse callback: %w", err)
	}
	if cb.Type == "" || len(cb.Payload) == 0 {
		return Callback{}, errors.New("provisioning: parse callback: type and payload are required")
	}
	var err error
	switch {
	case strings.HasPrefix(string(cb.Type), "WHATSAPP_ACCOUNT_"), cb.Type == TriggerWabaAccountChanged:
		cb.Account = new(Account)
		err = json.Unmarshal(cb.Payload, cb.Account)
	case strings.HasPrefix(string(cb.Type), "WHATSAPP_SENDER_"):
		cb.Sender = new(Sender)
		err = json.Unmarshal(cb.Payload, cb.Sender)
	}
	if err != nil {
		return Callback{}, fmt.Errorf("provisioning: parse callback %s payload: %w", cb.Type, err)
	}
	return cb, nil
}
