package provisioning_test

import (
	"fmt"
	"testing"
	"time"

	"wabadesk/provisioning"
)

func TestSenderListPaginationAndFilters(t *testing.T) {
	e := newEnv(t)
	_, err := e.client.ListSenders(ctx, "p", provisioning.ListSendersParams{})
	wantCode(t, err, 400, "project_not_initialized")
	e.onboarded("p")
	for i := range 5 {
		req := customerSender(fmt.Sprintf("60000000%d", i))
		if i < 2 {
			req.Status = provisioning.ActionDraft
		}
		must[*provisioning.Sender](t)(e.client.CreateSender(ctx, "p", req))
	}
	e.sb.Advance() // the 3 submitted ones reach PENDING_VERIFICATION
	var seen []string
	params := provisioning.ListSendersParams{PageSize: 2}
	for {
		l := must[*provisioning.SenderList](t)(e.client.ListSenders(ctx, "p", params))
		if l.TotalSize != 5 || l.PageSize != 2 {
			t.Fatalf("envelope: %+v", l)
		}
		for _, s := range l.Senders {
			seen = append(seen, s.ID)
		}
		if l.NextPageToken == "" {
			break
		}
		params.PageToken = l.NextPageToken
	}
	if len(seen) != 5 {
		t.Fatalf("pagination returned %d senders", len(seen))
	}
	drafts := must[*provisioning.SenderList](t)(e.client.ListSenders(ctx, "p", provisioning.ListSendersParams{Statuses: []provisioning.SenderChangeStatus{"DRAFT"}}))
	pending := must[*provisioning.SenderList](t)(e.client.ListSenders(ctx, "p", provisioning.ListSendersParams{States: []provisioning.SenderState{"PENDING_VERIFICATION", "ACTIVE"}}))
	if drafts.TotalSize != 2 || pending.TotalSize != 3 {
		t.Fatalf("filters: %d drafts, %d pending", drafts.TotalSize, pending.TotalSize)
	}
	_, err = e.client.ListSenders(ctx, "p", provisioning.ListSendersParams{States: []provisioning.SenderState{"SLEEPING"}})
	ae := wantCode(t, err, 400, "invalid_filter_states")
	if ae.AdditionalInformation["supportedCodes"] == nil {
		t.Fatal("supportedCodes missing")
	}
}

func TestSenderValidationAndReviewOutcomes(t *testing.T) {
	e := newEnv(t)
	e.onboarded("p")
	noNumber := customerSender("")
	noNumber.Details.Email = "not-an-email"
	_, err := e.client.CreateSender(ctx, "p", noNumber)
	ae := wantCode(t, err, 400, "invalid_input")
	if ae.FieldErrors["details.phoneNumber"] == "" || ae.FieldErrors["details.email"] == "" {
		t.Fatalf("field errors: %v", ae.FieldErrors)
	}

	named := customerSender("600000001")
	named.Details.DisplayName = "Acme WhatsApp Help"
	rej := must[*provisioning.Sender](t)(e.client.CreateSender(ctx, "p", named))
	failing := must[*provisioning.Sender](t)(e.client.CreateSender(ctx, "p", customerSender("600000002")))
	mustOK(t, e.sb.FailSender("p", failing.ID, "CANNOT_REGISTER_TO_CLOUD_API"))
	sinch := customerSender("")
	sinch.PhoneNumberProvider = provisioning.ProviderSinch
	fromSinch := must[*provisioning.Sender](t)(e.client.CreateSender(ctx, "p", sinch))
	e.sb.Advance()

	rej = must[*provisioning.Sender](t)(e.client.GetSender(ctx, "p", rej.ID))
	if rej.Changes.Status != "REJECTED" || rej.Metadata.DisplayName.Status != "REJECTED" || rej.Metadata.DisplayName.RejectionReason == "" {
		t.Fatalf("WhatsApp in the name must be rejected: %+v", rej)
	}
	acts := must[*provisioning.ActivityList](t)(e.client.ListSenderActivities(ctx, "p", rej.ID, provisioning.PageParams{}))
	if acts.Notifications[0].Type != "REJECTED" || acts.Notifications[0].Comment == "" {
		t.Fatalf("rejection comment: %+v", acts.Notifications[0])
	}
	failing = must[*provisioning.Sender](t)(e.client.GetSender(ctx, "p", failing.ID))
	if failing.Changes.Status != "ERROR" || failing.Changes.ErrorCode != "CANNOT_REGISTER_TO_CLOUD_API" {
		t.Fatalf("failed sender: %+v", failing.Changes)
	}
	fromSinch = must[*provisioning.Sender](t)(e.client.GetSender(ctx, "p", fromSinch.ID))
	if fromSinch.State != provisioning.SenderActive || fromSinch.PhoneNumber == "" {
		t.Fatalf("SINCH numbers skip the OTP: %+v", fromSinch)
	}

	// Fix the rejected sender: PATCH with SUBMIT, review again.
	fixed := must[*provisioning.Sender](t)(e.client.UpdateSender(ctx, "p", rej.ID, provisioning.UpdateSenderRequest{
		Status: provisioning.ActionSubmit, Details: &provisioning.UpdateSenderDetails{DisplayName: "Acme Help", Email: provisioning.Null[string]()}}))
	if fixed.Changes.Status != "IN_PROGRESS" || fixed.Changes.Details.Email != "" || fixed.Changes.Details.About != "We help." {
		t.Fatalf("null deletes only email: %+v", fixed.Changes.Details)
	}
	e.sb.Advance()
	if s := must[*provisioning.Sender](t)(e.client.GetSender(ctx, "p", rej.ID)); s.State != provisioning.SenderPendingVerification {
		t.Fatalf("resubmitted sender: %s", s.Status())
	}
	mustOK(t, e.client.DeleteSenderChanges(ctx, "p", failing.ID))
	_, err = e.client.GetSender(ctx, "p", failing.ID)
	wantCode(t, err, 404, "sender_not_found")
}

func TestSenderOTPRules(t *testing.T) {
	e := newEnv(t, func(o *sandboxOptions, _ *provisioning.Config) { o.RegisterLimit = 2 })
	e.onboarded("p")
	sn := must[*provisioning.Sender](t)(e.client.CreateSender(ctx, "p", customerSender("600000009")))
	_, err := e.client.RegisterSender(ctx, "p", sn.ID, provisioning.MethodSMS)
	wantCode(t, err, 409, "not_allowed_register")
	wantCode(t, e.client.VerifySender(ctx, "p", sn.ID, testOTP), 409, "not_allowed_verify")
	e.sb.Advance()
	_, err = e.client.RegisterSender(ctx, "p", sn.ID, "PIGEON")
	wantCode(t, err, 400, "invalid_input")
	must[*provisioning.Registration](t)(e.client.RegisterSender(ctx, "p", sn.ID, provisioning.MethodVoice))
	must[*provisioning.Registration](t)(e.client.RegisterSender(ctx, "p", sn.ID, provisioning.MethodSMS))
	_, err = e.client.RegisterSender(ctx, "p", sn.ID, provisioning.MethodSMS)
	wantCode(t, err, 429, "sender-register-too-many-requests")
	if msgs := e.sb.Inbox("48600000009"); len(msgs) != 2 || msgs[0].Channel != "VOICE" {
		t.Fatalf("inbox: %+v", msgs)
	}
	wantCode(t, e.client.VerifySender(ctx, "p", sn.ID, "000000"), 409, "wrong_otp")
	ae := wantCode(t, e.client.VerifySender(ctx, "p", sn.ID, "12345"), 400, "invalid_input")
	if ae.FieldErrors["code"] != "code must be exactly 6 characters" {
		t.Fatalf("field errors: %v", ae.FieldErrors)
	}
	e.clock.Add(11 * time.Minute) // the register window passed
	must[*provisioning.Registration](t)(e.client.RegisterSender(ctx, "p", sn.ID, provisioning.MethodSMS))
	mustOK(t, e.client.VerifySender(ctx, "p", sn.ID, testOTP))
}

func TestActiveSenderUpdateAndDelete(t *testing.T) {
	e := newEnv(t)
	e.onboarded("p")
	sn := must[*provisioning.Sender](t)(e.client.CreateSender(ctx, "p", customerSender("600000010")))
	e.sb.Advance()
	must[*provisioning.Registration](t)(e.client.RegisterSender(ctx, "p", sn.ID, provisioning.MethodSMS))
	mustOK(t, e.client.VerifySender(ctx, "p", sn.ID, testOTP))
	_, err := e.client.UpdateSender(ctx, "p", sn.ID, provisioning.UpdateSenderRequest{})
	wantCode(t, err, 400, "no_fields_to_update")
	e.sb.Advance()

	up := must[*provisioning.Sender](t)(e.client.UpdateSender(ctx, "p", sn.ID, provisioning.UpdateSenderRequest{
		Status: provisioning.ActionSubmit, Details: &provisioning.UpdateSenderDetails{DisplayName: "Acme Care"}}))
	if up.State != provisioning.SenderActive || up.Metadata.DisplayName.Status != "PENDING" || up.Details.DisplayName != "Acme Support" {
		t.Fatalf("pending rename: %+v", up)
	}
	_, err = e.client.UpdateSender(ctx, "p", sn.ID, provisioning.UpdateSenderRequest{Details: &provisioning.UpdateSenderDetails{DisplayName: "Again"}})
	wantCode(t, err, 409, "sender_display_name_update_not_allowed")
	e.sb.Advance()
	if s := must[*provisioning.Sender](t)(e.client.GetSender(ctx, "p", sn.ID)); s.Details.DisplayName != "Acme Care" || s.Changes != nil {
		t.Fatalf("rename applied: %+v", s)
	}
	mustOK(t, e.client.DeleteSender(ctx, "p", sn.ID))
	wantCode(t, e.client.DeleteSender(ctx, "p", sn.ID), 409, "sender_already_deleted")
	e.clock.Add(31 * 24 * time.Hour)
	e.sb.Advance()
	_, err = e.client.GetSender(ctx, "p", sn.ID)
	wantCode(t, err, 404, "sender_not_found")
	c := must[*provisioning.Comment](t)(e.client.AddAccountComment(ctx, "p", "done"))
	if c.Comment != "done" {
		t.Fatal(c)
	}
}
