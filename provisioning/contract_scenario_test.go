package provisioning_test

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"wabadesk/provisioning"
)

// TestContract drives every implemented operation through the client, with
// successes and the documented errors, and validates each request and
// response against the OpenAPI description.
func TestContract(t *testing.T) {
	e := newEnv(t)
	srv := httptest.NewUnstartedServer(nil)
	srv.Start()
	defer srv.Close()
	c := newContract(t, srv.URL, e.sb) // routers match on the server URL
	srv.Config.Handler = c
	cl := provisioning.New(provisioning.Config{BaseURL: srv.URL, TokenURL: srv.URL + "/oauth2/token",
		Auth: provisioning.AuthOAuth2, KeyID: testKey, KeySecret: testSecret, MaxRetries: -1})
	rc := newReceiver(t, "hook-secret", e.clock.Now)
	runContractScenario(t, e, cl, c, rc.srv.URL)
	e.sb.WaitIdle()

	for _, msg := range c.errs {
		t.Error(msg)
	}
	for _, op := range contractOps {
		if c.ops[op] == 0 {
			t.Errorf("operation %s was not exercised", op)
		}
	}
	if len(rc.got) < 5 {
		t.Fatalf("want callbacks, got %v", rc.types())
	}
	for _, cb := range rc.got {
		schema := "WhatsappSenderDto"
		if cb.Account != nil {
			schema = "WhatsappAccountDto"
		}
		if err := c.validateValue(schema, cb.Payload); err != nil {
			t.Errorf("callback %s payload does not match %s: %v", cb.Type, schema, err)
		}
	}
}

var contractOps = strings.Fields(`WhatsappAccountsController_getAccount_v1 WhatsappAccountsController_createAccount_v1
WhatsappAccountsController_updateAccount_v1 WhatsappAccountsController_deleteAccount_v1
WhatsappAccountsController_listActivities_v1 WhatsappAccountsController_createComment_v1
WhatsappSendersController_listSenders_v1 WhatsappSendersController_createSender_v1 WhatsappSendersController_get_v1
WhatsappSendersController_update_v1 WhatsappSendersController_delete_v1 WhatsappSendersController_listActivities_v1
WhatsappSendersController_deleteChanges_v1 WhatsappSendersController_createComment_v1 WhatsappSendersController_register_v1
WhatsappSendersController_verify_v1 WebhookWebhookController_listWebhooks_v1 WebhookWebhookController_createWebhook_v1
WebhookWebhookController_getWebhook_v1 WebhookWebhookController_replaceWebhook_v1 WebhookWebhookController_updateWebhook_v1
WebhookWebhookController_deleteWebhook_v1`)

func runContractScenario(t *testing.T, e *env, cl *provisioning.Client, c *contract, hook string) {
	const p = "contract"
	w := must[*provisioning.Webhook](t)(cl.CreateWebhook(ctx, p, provisioning.WebhookRequest{Target: hook, Secret: "hook-secret", Triggers: []provisioning.Trigger{"ALL"}}))
	must[*provisioning.Webhook](t)(cl.GetWebhook(ctx, p, w.ID))
	w2 := must[*provisioning.Webhook](t)(cl.CreateWebhook(ctx, p, provisioning.WebhookRequest{Target: "https://x.test/h", Secret: "s", Triggers: []provisioning.Trigger{"WHATSAPP_SENDER_ACTIVE"}}))
	must[*provisioning.Webhook](t)(cl.ReplaceWebhook(ctx, p, w2.ID, provisioning.WebhookRequest{Target: "https://y.test/h", Secret: "s", Triggers: []provisioning.Trigger{"ALL"}}))
	must[*provisioning.Webhook](t)(cl.UpdateWebhook(ctx, p, w2.ID, provisioning.WebhookUpdate{Target: "https://z.test/h", Secret: "t"}))
	_, err := cl.CreateWebhook(ctx, p, provisioning.WebhookRequest{Target: hook, Secret: "s", Triggers: []provisioning.Trigger{"ALL"}})
	wantCode(t, err, 409, "webhook_exists")
	must[*provisioning.WebhookList](t)(cl.ListWebhooks(ctx, p, provisioning.PageParams{PageSize: 1}))
	mustOK(t, cl.DeleteWebhook(ctx, p, w2.ID))
	_, err = cl.GetWebhook(ctx, p, w2.ID)
	wantCode(t, err, 404, "webhook_not_found")

	_, err = cl.GetAccount(ctx, p)
	wantCode(t, err, 404, "account_not_found")
	must[*provisioning.Account](t)(cl.CreateAccount(ctx, p, partnerAccount()))
	_, err = cl.CreateAccount(ctx, p, partnerAccount())
	wantCode(t, err, 409, "account_exists")
	e.sb.Advance()
	must[*provisioning.Account](t)(cl.GetAccount(ctx, p))
	mustOK(t, e.sb.Decline(p))
	must[*provisioning.Account](t)(cl.UpdateAccount(ctx, p, provisioning.UpdateAccountRequest{WabaName: "Acme 2",
		SenderDetails: &provisioning.AccountSenderDetails{DisplayName: "Acme Two"}}))
	e.sb.Advance()
	mustOK(t, e.sb.Approve(p))
	must[*provisioning.Account](t)(cl.GetAccount(ctx, p))
	must[*provisioning.Comment](t)(cl.AddAccountComment(ctx, p, "hello"))
	must[*provisioning.ActivityList](t)(cl.ListAccountActivities(ctx, p, provisioning.PageParams{PageSize: 3}))

	sn := must[*provisioning.Sender](t)(cl.CreateSender(ctx, p, customerSender("777777777")))
	draft := customerSender("777777778")
	draft.Status = provisioning.ActionDraft
	d := must[*provisioning.Sender](t)(cl.CreateSender(ctx, p, draft))
	must[*provisioning.Sender](t)(cl.UpdateSender(ctx, p, d.ID, provisioning.UpdateSenderRequest{Details: &provisioning.UpdateSenderDetails{
		About: provisioning.Null[string](), WebsiteTwo: provisioning.Set("https://two.test")}}))
	mustOK(t, cl.DeleteSenderChanges(ctx, p, d.ID))
	_, err = cl.RegisterSender(ctx, p, sn.ID, provisioning.MethodSMS)
	wantCode(t, err, 409, "not_allowed_register")
	e.sb.Advance()
	must[*provisioning.SenderList](t)(cl.ListSenders(ctx, p, provisioning.ListSendersParams{PageSize: 10, States: []provisioning.SenderState{"PENDING_VERIFICATION"}}))
	must[*provisioning.Registration](t)(cl.RegisterSender(ctx, p, sn.ID, provisioning.MethodSMS))
	wantCode(t, cl.VerifySender(ctx, p, sn.ID, "999999"), 409, "wrong_otp")
	code, _ := e.sb.LatestOTP("48777777777")
	mustOK(t, cl.VerifySender(ctx, p, sn.ID, code))
	e.sb.Advance()
	must[*provisioning.Sender](t)(cl.GetSender(ctx, p, sn.ID))
	must[*provisioning.Sender](t)(cl.UpdateSender(ctx, p, sn.ID, provisioning.UpdateSenderRequest{Status: provisioning.ActionSubmit,
		Details: &provisioning.UpdateSenderDetails{DisplayName: "Acme Care", Email: provisioning.Null[string]()}}))
	e.sb.Advance()
	must[*provisioning.Comment](t)(cl.AddSenderComment(ctx, p, sn.ID, "note"))
	must[*provisioning.ActivityList](t)(cl.ListSenderActivities(ctx, p, sn.ID, provisioning.PageParams{}))
	wantCode(t, cl.DeleteAccount(ctx, p), 409, "account_has_senders")
	mustOK(t, cl.DeleteSender(ctx, p, sn.ID))
	wantCode(t, cl.DeleteSender(ctx, p, sn.ID), 409, "sender_already_deleted")
	_, err = cl.GetSender(ctx, p, "00000000-0000-4000-8000-000000000000")
	wantCode(t, err, 404, "sender_not_found")

	// Deliberately invalid requests: only their error responses must conform.
	c.lenientReqs = true
	_, err = cl.CreateSender(ctx, p, customerSender(""))
	wantCode(t, err, 400, "invalid_input")
	_, err = cl.ListSenders(ctx, p, provisioning.ListSendersParams{Statuses: []provisioning.SenderChangeStatus{"NOPE"}})
	wantCode(t, err, 400, "invalid_filter_statuses")
	c.lenientReqs = false

	bad := provisioning.New(provisioning.Config{BaseURL: c.base, KeyID: "x", KeySecret: "y", MaxRetries: -1})
	_, err = bad.GetAccount(ctx, p)
	wantCode(t, err, 401, "unauthorized_error")
}

// The validator must be able to fail: a payload and a request that break
// the description.
func TestContractValidatorRejectsBadMessages(t *testing.T) {
	e := newEnv(t)
	c := newContract(t, "", e.sb)
	if err := c.validateValue("WhatsappSenderDto", json.RawMessage(`{"id":"x","region":"MARS"}`)); err == nil {
		t.Fatal("a sender without required fields and with a bad enum passed validation")
	}
	req := httptest.NewRequest("POST", "/v1/projects/p/webhooks", strings.NewReader(`{"target":5,"triggers":[]}`))
	req.Header.Set("Content-Type", "application/json")
	req.SetBasicAuth(testKey, testSecret)
	c.ServeHTTP(httptest.NewRecorder(), req)
	if len(c.errs) != 1 || !strings.HasPrefix(c.errs[0], "request POST") {
		t.Fatalf("want exactly one request violation, got %q", c.errs)
	}
}
