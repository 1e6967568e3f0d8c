package provisioning

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzDecodeAPIError feeds decodeAPIError what a Sinch endpoint, or a proxy
// in front of it, may answer: any status, Retry-After and body. Seed corpus
// in testdata/fuzz/FuzzDecodeAPIError; run with
//
//	go test -run '^$' -fuzz '^FuzzDecodeAPIError$' -fuzztime 30s ./provisioning
func FuzzDecodeAPIError(f *testing.F) {
	f.Fuzz(func(t *testing.T, status int, retryAfter string, body []byte) {
		h := http.Header{}
		if retryAfter != "" {
			h.Set("Retry-After", retryAfter)
		}
		e := decodeAPIError(status, h, body)
		if e == nil || e.StatusCode != status {
			t.Fatalf("decoded %+v for status %d", e, status)
		}
		if e.Error() == "" {
			t.Fatal("empty error text")
		}
		if e.RetryAfter < 0 || e.RetryAfter > maxRetryAfter {
			t.Fatalf("Retry-After %q gave %v, want 0..%v", retryAfter, e.RetryAfter, maxRetryAfter)
		}
		if s, err := strconv.Atoi(retryAfter); err == nil && s >= 0 {
			if want := min(time.Duration(min(s, 3600))*time.Second, maxRetryAfter); e.RetryAfter != want {
				t.Fatalf("Retry-After %q gave %v, want %v", retryAfter, e.RetryAfter, want)
			}
		}
		if e.ErrorCode == "" {
			// Not a PAPI error body: the message is the body's first line,
			// short and still valid text.
			if strings.ContainsRune(e.Message, '\n') || len(e.Message) > 200 {
				t.Fatalf("message %q is not one short line", e.Message)
			}
			if utf8.Valid(body) && !utf8.ValidString(e.Message) {
				t.Fatalf("message %q cut a character in two", e.Message)
			}
		}
		for field, msg := range e.FieldErrors {
			if !isFieldPath(field) || !strings.HasPrefix(msg, field+" ") {
				t.Fatalf("field error %q: %q", field, msg)
			}
		}
	})
}
