package provisioning_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"wabadesk/provisioning"
)

// Fuzz tests for what arrives from outside on the webhook endpoint: the
// callback body and its signature headers. Seed corpora live in
// testdata/fuzz/<FuzzName>; run one target with
//
//	go test -run '^$' -fuzz '^FuzzParseCallback$' -fuzztime 30s ./provisioning

func FuzzParseCallback(f *testing.F) {
	f.Fuzz(func(t *testing.T, body []byte) {
		cb, err := provisioning.ParseCallback(body)
		if err != nil {
			if !reflect.DeepEqual(cb, provisioning.Callback{}) {
				t.Fatalf("error %v with a non-empty callback %+v", err, cb)
			}
			return
		}
		if cb.Type == "" || len(cb.Payload) == 0 {
			t.Fatalf("accepted a callback without type or payload: %q", body)
		}
		isAccount := strings.HasPrefix(string(cb.Type), "WHATSAPP_ACCOUNT_") || cb.Type == provisioning.TriggerWabaAccountChanged
		isSender := strings.HasPrefix(string(cb.Type), "WHATSAPP_SENDER_")
		if (cb.Account != nil) != isAccount || (cb.Sender != nil) != isSender {
			t.Fatalf("type %q decoded as account=%v sender=%v", cb.Type, cb.Account != nil, cb.Sender != nil)
		}
		// What we parsed survives being encoded again (as it is stored and
		// logged): the same type, comment and decoded payload.
		again, err := json.Marshal(cb)
		if err != nil {
			t.Fatalf("re-encode %+v: %v", cb, err)
		}
		cb2, err := provisioning.ParseCallback(again)
		if err != nil {
			t.Fatalf("re-parse %s: %v", again, err)
		}
		cb.Payload, cb2.Payload = nil, nil
		if !reflect.DeepEqual(cb, cb2) {
			t.Fatalf("round trip changed the callback:\nfirst:  %+v\nsecond: %+v", cb, cb2)
		}
	})
}

func FuzzVerifySignature(f *testing.F) {
	f.Fuzz(func(t *testing.T, secret string, body []byte, nonce, timestamp, signature, algorithm string, nowUnix int64) {
		now := time.Unix(nowUnix, 0)
		h := http.Header{}
		for k, v := range map[string]string{
			provisioning.HeaderSignature: signature, provisioning.HeaderSignatureNonce: nonce,
			provisioning.HeaderSignatureTimestamp: timestamp, provisioning.HeaderSignatureAlgorithm: algorithm,
		} {
			if v != "" {
				h.Set(k, v)
			}
		}
		err := provisioning.VerifySignature(secret, h, body, now)
		if err != nil && !errors.Is(err, provisioning.ErrBadSignature) {
			t.Fatalf("error %v is not ErrBadSignature", err)
		}
		if err == nil {
			// Accepted: the signature must be the real one, fresh, for this body.
			if signature != provisioning.Sign(secret, body, nonce, timestamp) {
				t.Fatalf("accepted a wrong signature %q", signature)
			}
			sec, perr := strconv.ParseInt(timestamp, 10, 64)
			if perr != nil || now.Sub(time.Unix(sec, 0)).Abs() > provisioning.SignatureTolerance {
				t.Fatalf("accepted timestamp %q at %d", timestamp, nowUnix)
			}
		}

		// What we sign ourselves always verifies, and not once the body changes.
		if nonce == "" {
			return
		}
		signed := provisioning.SignatureHeaders(secret, body, nonce, now)
		if err := provisioning.VerifySignature(secret, signed, body, now); err != nil {
			t.Fatalf("own signature rejected: %v", err)
		}
		tampered := append(bytes.Clone(body), 'x')
		if provisioning.VerifySignature(secret, signed, tampered, now) == nil {
			t.Fatal("signature still valid after the body changed")
		}
	})
}
