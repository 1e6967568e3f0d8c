package provisioning_test

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"wabadesk/provisioning"
)

func TestVerifySignature(t *testing.T) {
	now := time.Unix(1592227387, 0)
	body := []byte(`{"type":"WHATSAPP_ACCOUNT_ONBOARDED","payload":{}}`)
	good := provisioning.SignatureHeaders("s3cret", body, "01EAW2BNWCG9DC13RS582V0ZQ3", now)
	// Known answer: base64(HMAC-SHA256("s3cret", body.nonce.timestamp)), computed independently with openssl.
	if got := good.Get(provisioning.HeaderSignature); got != "7+m43PR8FY7RB/ch7ZsGtq4HHL35ux/qo/aJN1q6IF8=" {
		t.Fatalf("signature = %s", got)
	}
	tamper := func(k, v string) http.Header { h := good.Clone(); h.Set(k, v); return h }
	cases := []struct {
		name string
		h    http.Header
		body []byte
		now  time.Time
		ok   bool
	}{
		{"good", good, body, now, true},
		{"good within tolerance", good, body, now.Add(4 * time.Minute), true},
		{"stale", good, body, now.Add(6 * time.Minute), false},
		{"from the future", good, body, now.Add(-6 * time.Minute), false},
		{"wrong secret", provisioning.SignatureHeaders("other", body, "n", now), body, now, false},
		{"body changed", good, []byte(`{"type":"WHATSAPP_ACCOUNT_REJECTED","payload":{}}`), now, false},
		{"nonce changed", tamper(provisioning.HeaderSignatureNonce, "other"), body, now, false},
		{"missing signature", tamper(provisioning.HeaderSignature, ""), body, now, false},
		{"bad timestamp", tamper(provisioning.HeaderSignatureTimestamp, "yesterday"), body, now, false},
		{"other algorithm", tamper(provisioning.HeaderSignatureAlgorithm, "HmacMD5"), body, now, false},
	}
	for _, c := range cases {
		err := provisioning.VerifySignature("s3cret", c.h, c.body, c.now)
		if (err == nil) != c.ok || (err != nil && !errors.Is(err, provisioning.ErrBadSignature)) {
			t.Errorf("%s: got %v", c.name, err)
		}
	}
}

func TestParseCallback(t *testing.T) {
	acct, err := provisioning.ParseCallback([]byte(`{"type":"WHATSAPP_ACCOUNT_COMMENT_ADDED","comment":"hi",
		"payload":{"state":"ONBOARDED","isEmbeddedSignup":false,"businessManager":"SINCH_UK","wabaMaxPriceOnboarded":false,"compatibleRegions":["eu"]}}`))
	if err != nil || acct.Account == nil || acct.Account.State != "ONBOARDED" || acct.Comment != "hi" || acct.Sender != nil {
		t.Fatalf("account callback: %+v %v", acct, err)
	}
	sn, err := provisioning.ParseCallback([]byte(`{"type":"WHATSAPP_SENDER_ERROR","payload":{"id":"x","changes":{"status":"ERROR","errorCode":"SOMETHING_NEW"},"region":"EU","metaLocalStorage":"DE","cloudApi":true,"businessManager":"SINCH_UK","compatibleRegions":[]}}`))
	if err != nil || sn.Sender == nil || sn.Sender.Changes.ErrorCode != "SOMETHING_NEW" {
		t.Fatalf("sender callback with an unknown enum value: %+v %v", sn, err)
	}
	other, err := provisioning.ParseCallback([]byte(`{"type":"BUNDLE_DONE","payload":{"x":1}}`))
	if err != nil || other.Account != nil || other.Sender != nil || len(other.Payload) == 0 {
		t.Fatalf("unknown type keeps the raw payload: %+v %v", other, err)
	}
	for _, bad := range []string{`{}`, `not json`, `{"type":"WHATSAPP_SENDER_ACTIVE","payload":{"id":5}}`} {
		if _, err := provisioning.ParseCallback([]byte(bad)); err == nil {
			t.Errorf("ParseCallback(%s) should fail", bad)
		}
	}
}

func TestMetaApprovalLink(t *testing.T) {
	got := provisioning.MetaApprovalLink(provisioning.MetaRequestsURL, "123", "456")
	if got != "https://business.facebook.com/latest/settings/requests?business_id=123&selected_request_id=456" {
		t.Fatal(got)
	}
	got = provisioning.MetaApprovalLink("http://127.0.0.1:8080/sandbox/meta/latest/settings/requests", "12 3", "")
	if got != "http://127.0.0.1:8080/sandbox/meta/latest/settings/requests?business_id=12+3" {
		t.Fatal(got)
	}
}

func TestNullableEncoding(t *testing.T) {
	b, _ := jsonMarshal(provisioning.UpdateSenderDetails{Email: provisioning.Null[string](), About: provisioning.Set("x")})
	if b != `{"email":null,"about":"x"}` {
		t.Fatal(b)
	}
}
