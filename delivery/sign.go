package delivery

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"
)

// SignatureHeader carries "t=<unix seconds>,v1=<hex HMAC-SHA256 of
// "<t>.<raw body>">": the time is signed with the body, so a captured
// delivery cannot be replayed later.
const SignatureHeader = "X-Wabadesk-Signature"

// Sign returns the header value for body sent at unix time t.
func Sign(secret string, t int64, body []byte) string {
	ts := strconv.FormatInt(t, 10)
	return "t=" + ts + ",v1=" + mac(secret, ts, body)
}

func mac(secret, ts string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts + "."))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// Verify checks a delivery as a receiver should: a v1 signature of the
// raw body with the endpoint's secret, made within tolerance of now. It is
// the README's verification code, used by wabadesk's own tests.
func Verify(secret, header string, body []byte, now time.Time, tolerance time.Duration) error {
	var ts string
	var sigs []string
	for part := range strings.SplitSeq(header, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			sigs = append(sigs, v)
		}
	}
	t, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || len(sigs) == 0 {
		return errors.New("signature header malformed")
	}
	if d := now.Sub(time.Unix(t, 0)); d > tolerance || d < -tolerance {
		return errors.New("signature too old (or from the future)")
	}
	want := mac(secret, ts, body)
	for _, s := range sigs {
		if hmac.Equal([]byte(s), []byte(want)) {
			return nil
		}
	}
	return errors.New("signature does not match")
}

// Envelope is every event as a receiver reads it; Data's shape depends on
// Type (the OpenAPI document's webhooks section lists each).
type Envelope struct {
	ID           string          `json:"id"`
	Type         string          `json:"type"`
	Created      time.Time       `json:"created"`
	Organisation int64           `json:"organisation"`
	Data         json.RawMessage `json:"data"`
}
