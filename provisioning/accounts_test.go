package provisioning_test

import (
	"testing"
	"time"

	"wabadesk/provisioning"
)

func TestAccountRules(t *testing.T) {
	e := newEnv(t)
	_, err := e.client.GetAccount(ctx, "p")
	wantCode(t, err, 404, "account_not_found")

	bad := partnerAccount()
	bad.WabaName, bad.SenderDetails.BusinessCategory = "", "ONLINE_GAMBLING" // not allowed for accounts
	_, err = e.client.CreateAccount(ctx, "p", bad)
	ae := wantCode(t, err, 400, "invalid_input")
	if ae.FieldErrors["wabaName"] == "" || ae.FieldErrors["senderDetails.businessCategory"] == "" {
		t.Fatalf("field errors not mapped: %v", ae.FieldErrors)
	}
	badBM := partnerAccount()
	badBM.BusinessManager = provisioning.SinchBR // EU region is not served by SINCH_BR
	_, err = e.client.CreateAccount(ctx, "p", badBM)
	wantCode(t, err, 400, "invalid_business_manager")

	must[*provisioning.Account](t)(e.client.CreateAccount(ctx, "p", partnerAccount()))
	_, err = e.client.CreateAccount(ctx, "p", partnerAccount())
	wantCode(t, err, 409, "account_exists")
	_, err = e.client.UpdateAccount(ctx, "p", provisioning.UpdateAccountRequest{WabaName: "New"})
	wantCode(t, err, 409, "account_not_updatable")

	e.sb.Advance()
	mustOK(t, e.sb.Decline("p"))
	acct := must[*provisioning.Account](t)(e.client.GetAccount(ctx, "p"))
	if acct.Status() != "REJECTED" {
		t.Fatalf("declined account: %s", acct.Status())
	}
	_, err = e.client.UpdateAccount(ctx, "p", provisioning.UpdateAccountRequest{})
	wantCode(t, err, 400, "no_fields_to_update")
	acct = must[*provisioning.Account](t)(e.client.UpdateAccount(ctx, "p", provisioning.UpdateAccountRequest{WabaName: "Acme Group"}))
	if acct.Changes.Status != provisioning.AccountChangeInProgress || acct.Changes.Details.WabaName != "Acme Group" ||
		acct.Changes.Details.SenderDetails.DisplayName != "Acme" {
		t.Fatalf("resubmitted account: %+v", acct.Changes)
	}

	acts := must[*provisioning.ActivityList](t)(e.client.ListAccountActivities(ctx, "p", provisioning.PageParams{PageSize: 2}))
	if acts.TotalSize != 6 || len(acts.Notifications) != 2 || acts.NextPageToken == "" || acts.Notifications[0].Type != "IN_PROGRESS" {
		t.Fatalf("activities page 1: %+v", acts)
	}
	page2 := must[*provisioning.ActivityList](t)(e.client.ListAccountActivities(ctx, "p", provisioning.PageParams{PageSize: 2, PageToken: acts.NextPageToken}))
	if page2.Notifications[1].Type != "PENDING_FACEBOOK_VERIFICATION" || page2.PreviousPageToken == "" {
		t.Fatalf("activities page 2: %+v", page2)
	}
	_, err = e.client.ListAccountActivities(ctx, "p", provisioning.PageParams{PageToken: "garbage"})
	wantCode(t, err, 400, "invalid_page_token")
	_, err = e.client.ListAccountActivities(ctx, "p", provisioning.PageParams{PageSize: 101})
	wantCode(t, err, 400, "invalid_page_size")

	c := must[*provisioning.Comment](t)(e.client.AddAccountComment(ctx, "p", "Please hurry"))
	if c.Type != "CREATED" || c.Comment != "Please hurry" {
		t.Fatalf("comment: %+v", c)
	}
	_, err = e.client.AddAccountComment(ctx, "p", "")
	wantCode(t, err, 400, "invalid_input")
}

func TestAccountRequestExpiresAfter90Days(t *testing.T) {
	e := newEnv(t)
	must[*provisioning.Account](t)(e.client.CreateAccount(ctx, "p", partnerAccount()))
	e.sb.Advance()
	e.clock.Add(89 * 24 * time.Hour)
	e.sb.Advance()
	if a, _ := e.sb.Account("p"); a.Status() != "PENDING_FACEBOOK_VERIFICATION" {
		t.Fatalf("day 89: %s", a.Status())
	}
	e.clock.Add(2 * 24 * time.Hour)
	e.sb.Advance()
	if a, _ := e.sb.Account("p"); a.Status() != "REJECTED" {
		t.Fatalf("day 91: %s", a.Status())
	}
	if err := e.sb.Approve("p"); err == nil {
		t.Fatal("an expired request cannot be approved")
	}
}

func TestAccountOBOAndBadBusinessManagerID(t *testing.T) {
	e := newEnv(t)
	a := must[*provisioning.Account](t)(e.client.CreateOBOAccount(ctx, "obo", provisioning.CreateOBOAccountRequest{
		ClientBusinessManagerID: "555", CompanyLegalName: "Legacy Ltd"}))
	if a.Changes.Details.CompanyLegalName != "Legacy Ltd" || a.Changes.Details.WabaName != "Legacy Ltd" {
		t.Fatalf("OBO account: %+v", a.Changes.Details)
	}
	bad := partnerAccount()
	bad.ClientBusinessManagerID = "not-a-number"
	must[*provisioning.Account](t)(e.client.CreateAccount(ctx, "bad", bad))
	e.sb.Advance()
	if a, _ := e.sb.Account("bad"); a.Status() != "REJECTED" {
		t.Fatalf("Meta cannot find a non-numeric business ID: %s", a.Status())
	}
}

func TestDeleteAccount(t *testing.T) {
	e := newEnv(t)
	wantCode(t, e.client.DeleteAccount(ctx, "p"), 400, "project_not_initialized")
	e.onboarded("p")
	sn := must[*provisioning.Sender](t)(e.client.CreateSender(ctx, "p", customerSender("600100200")))
	ae := wantCode(t, e.client.DeleteAccount(ctx, "p"), 409, "account_has_senders")
	if string(ae.AdditionalInformation["senderIds"]) != `["`+sn.ID+`"]` {
		t.Fatalf("senderIds: %s", ae.AdditionalInformation["senderIds"])
	}
	mustOK(t, e.client.DeleteSender(ctx, "p", sn.ID)) // never live: removed at once
	mustOK(t, e.client.DeleteAccount(ctx, "p"))
	_, err := e.client.GetAccount(ctx, "p")
	wantCode(t, err, 404, "account_not_found")
}
