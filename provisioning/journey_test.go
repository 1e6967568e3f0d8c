package provisioning_test

import (
	"slices"
	"strings"
	"testing"

	"wabadesk/provisioning"
)

// TestJourney walks the whole onboarding: account, Meta approval, sender,
// OTP from the inbox, verification, ACTIVE, with signed callbacks.
func TestJourney(t *testing.T) {
	e := newEnv(t)
	rc := newReceiver(t, "hook-secret", e.clock.Now)
	const p = "proj-journey"
	must[*provisioning.Webhook](t)(e.client.CreateWebhook(ctx, p, provisioning.WebhookRequest{
		Target: rc.srv.URL + "/hooks/tenant-1", Secret: "hook-secret", Triggers: []provisioning.Trigger{provisioning.TriggerAll}}))

	acct := must[*provisioning.Account](t)(e.client.CreateAccount(ctx, p, partnerAccount()))
	if acct.State != "" || acct.Changes == nil || acct.Changes.Status != provisioning.AccountChangeInProgress {
		t.Fatalf("new account: want no state and changes IN_PROGRESS, got %+v", acct)
	}
	e.sb.Advance()
	acct = must[*provisioning.Account](t)(e.client.GetAccount(ctx, p))
	if acct.Status() != "PENDING_FACEBOOK_VERIFICATION" || acct.PartnerInitiatedRequestID == "" {
		t.Fatalf("want pending with request id, got %+v", acct)
	}
	link := provisioning.MetaApprovalLink(e.srv.URL+"/meta/latest/settings/requests", acct.Changes.Details.ClientBusinessManagerID, acct.PartnerInitiatedRequestID)
	page := getBody(t, link)
	if !strings.Contains(page, "Sinch sandbox") || !strings.Contains(page, acct.PartnerInitiatedRequestID) || !strings.Contains(page, "Acme Ltd") {
		t.Fatalf("meta page misses the request:\n%s", page)
	}
	// The Approve button posts a form, as a browser would.
	postForm(t, e.srv.URL+"/meta/latest/settings/requests/"+acct.PartnerInitiatedRequestID+"/approve", "business_id=1234567890")
	acct = must[*provisioning.Account](t)(e.client.GetAccount(ctx, p))
	if acct.State != provisioning.AccountOnboarded || acct.WabaID == "" || acct.Changes != nil || acct.Details.WabaName != "Acme Ltd" {
		t.Fatalf("want ONBOARDED with details, got %+v", acct)
	}

	sn := must[*provisioning.Sender](t)(e.client.CreateSender(ctx, p, customerSender("777777777")))
	if sn.Status() != "IN_PROGRESS" || sn.NumberProvider != provisioning.ProviderCustomer {
		t.Fatalf("new sender: %+v", sn)
	}
	e.sb.Advance()
	sn = must[*provisioning.Sender](t)(e.client.GetSender(ctx, p, sn.ID))
	if sn.State != provisioning.SenderPendingVerification {
		t.Fatalf("want PENDING_VERIFICATION, got %s", sn.Status())
	}
	reg := must[*provisioning.Registration](t)(e.client.RegisterSender(ctx, p, sn.ID, provisioning.MethodSMS))
	if !reg.VerificationCodeSent || reg.ID != sn.ID || reg.Method != provisioning.MethodSMS {
		t.Fatalf("register: %+v", reg)
	}
	inbox := getBody(t, e.srv.URL+"/inbox?phone=%2B48777777777")
	if !strings.Contains(inbox, testOTP) {
		t.Fatalf("inbox page lacks the OTP:\n%s", inbox)
	}
	code, ok := e.sb.LatestOTP("+48 777 777 777")
	if !ok || code != testOTP {
		t.Fatalf("LatestOTP = %q %v", code, ok)
	}
	mustOK(t, e.client.VerifySender(ctx, p, sn.ID, code))
	e.sb.Advance()
	sn = must[*provisioning.Sender](t)(e.client.GetSender(ctx, p, sn.ID))
	if sn.State != provisioning.SenderActive || sn.Details.DisplayName != "Acme Support" || sn.BearerToken == "" {
		t.Fatalf("want ACTIVE sender, got %+v", sn)
	}
	acts := must[*provisioning.ActivityList](t)(e.client.ListSenderActivities(ctx, p, sn.ID, provisioning.PageParams{}))
	var types []provisioning.ActivityType
	for _, a := range acts.Notifications {
		types = append(types, a.Type)
	}
	wantActs := []provisioning.ActivityType{"ACTIVE", "VERIFIED", "REGISTERED", "IN_PROGRESS", "CREATED"}
	if !slices.Equal(types, wantActs) {
		t.Fatalf("activities newest first: got %v, want %v", types, wantActs)
	}

	e.sb.WaitIdle()
	want := []provisioning.Trigger{"WHATSAPP_ACCOUNT_PENDING_VERIFICATION", "WHATSAPP_ACCOUNT_ONBOARDED",
		"WHATSAPP_SENDER_PENDING_VERIFICATION", "WHATSAPP_SENDER_ACTIVE"}
	if got := rc.types(); !slices.Equal(got, want) {
		t.Fatalf("callbacks: got %v, want %v (errors %v)", got, want, rc.errs)
	}
	if rc.got[1].Account == nil || rc.got[1].Account.State != provisioning.AccountOnboarded {
		t.Fatalf("onboarded callback payload: %+v", rc.got[1])
	}
	if rc.got[3].Sender == nil || rc.got[3].Sender.ID != sn.ID {
		t.Fatalf("active callback payload: %+v", rc.got[3])
	}
}
