package provisioning_test

import (
	"fmt"
	"slices"
	"testing"

	"wabadesk/provisioning"
)

func TestWebhookCRUDAndLimits(t *testing.T) {
	e := newEnv(t)
	all := []provisioning.Trigger{provisioning.TriggerAll}
	w := must[*provisioning.Webhook](t)(e.client.CreateWebhook(ctx, "p", provisioning.WebhookRequest{Target: "https://a.test/hook", Secret: "s", Triggers: all}))
	if w.ProjectID != "p" || w.ID == "" {
		t.Fatalf("created: %+v", w)
	}
	_, err := e.client.CreateWebhook(ctx, "p", provisioning.WebhookRequest{Target: "https://a.test/hook", Secret: "s", Triggers: all})
	wantCode(t, err, 409, "webhook_exists")
	_, err = e.client.CreateWebhook(ctx, "p", provisioning.WebhookRequest{Target: "ftp://x", Secret: "", Triggers: []provisioning.Trigger{"NOPE"}})
	ae := wantCode(t, err, 400, "invalid_input")
	if ae.FieldErrors["target"] != "target must be a URL address" || ae.FieldErrors["secret"] == "" || len(ae.ValidationErrors) != 3 {
		t.Fatalf("validation: %v", ae.ValidationErrors)
	}
	for i := 2; i <= 15; i++ {
		must[*provisioning.Webhook](t)(e.client.CreateWebhook(ctx, "p", provisioning.WebhookRequest{Target: fmt.Sprintf("https://a.test/%02d", i), Secret: "s", Triggers: all}))
	}
	_, err = e.client.CreateWebhook(ctx, "p", provisioning.WebhookRequest{Target: "https://a.test/16", Secret: "s", Triggers: all})
	wantCode(t, err, 424, "webhook_limit_reached")

	l := must[*provisioning.WebhookList](t)(e.client.ListWebhooks(ctx, "p", provisioning.PageParams{}))
	if l.TotalSize != 15 || len(l.Webhooks) != 15 || l.NextPageToken != "" {
		t.Fatalf("list: %d/%d next=%q", len(l.Webhooks), l.TotalSize, l.NextPageToken)
	}
	if !slices.IsSortedFunc(l.Webhooks, func(a, b provisioning.Webhook) int { return compare(a.Target, b.Target) }) {
		t.Fatal("webhooks are not in alphabetical order")
	}
	p1 := must[*provisioning.WebhookList](t)(e.client.ListWebhooks(ctx, "p", provisioning.PageParams{PageSize: 10}))
	p2 := must[*provisioning.WebhookList](t)(e.client.ListWebhooks(ctx, "p", provisioning.PageParams{PageSize: 10, PageToken: p1.NextPageToken}))
	if len(p1.Webhooks) != 10 || len(p2.Webhooks) != 5 || p2.NextPageToken != "" {
		t.Fatalf("pages: %d + %d", len(p1.Webhooks), len(p2.Webhooks))
	}
	_, err = e.client.ListWebhooks(ctx, "p", provisioning.PageParams{PageSize: 16})
	wantCode(t, err, 400, "invalid_page_size")

	got := must[*provisioning.Webhook](t)(e.client.GetWebhook(ctx, "p", w.ID))
	if got.Target != w.Target {
		t.Fatal(got)
	}
	rep := must[*provisioning.Webhook](t)(e.client.ReplaceWebhook(ctx, "p", w.ID, provisioning.WebhookRequest{Target: "https://b.test/hook", Secret: "s2",
		Triggers: []provisioning.Trigger{provisioning.TriggerSenderActive}}))
	upd := must[*provisioning.Webhook](t)(e.client.UpdateWebhook(ctx, "p", w.ID, provisioning.WebhookUpdate{Triggers: []provisioning.Trigger{provisioning.TriggerAccountOnboarded}}))
	if rep.Target != "https://b.test/hook" || upd.Target != "https://b.test/hook" || upd.Triggers[0] != provisioning.TriggerAccountOnboarded {
		t.Fatalf("replace/update: %+v %+v", rep, upd)
	}
	_, err = e.client.UpdateWebhook(ctx, "p", w.ID, provisioning.WebhookUpdate{Target: "https://a.test/02"})
	wantCode(t, err, 409, "webhook_exists")
	_, err = e.client.GetWebhook(ctx, "p", "not-a-uuid")
	wantCode(t, err, 400, "invalid_id_format")
	mustOK(t, e.client.DeleteWebhook(ctx, "p", w.ID))
	_, err = e.client.GetWebhook(ctx, "p", w.ID)
	wantCode(t, err, 404, "webhook_not_found")
}

func compare(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Callbacks go only to matching triggers, carry the comment, and are
// retried when the target fails.
func TestCallbacksRetriedAndFiltered(t *testing.T) {
	e := newEnv(t)
	flaky := newReceiver(t, "s1", e.clock.Now)
	flaky.fail.Store(2)
	only := newReceiver(t, "s2", e.clock.Now)
	must[*provisioning.Webhook](t)(e.client.CreateWebhook(ctx, "p", provisioning.WebhookRequest{Target: flaky.srv.URL, Secret: "s1", Triggers: []provisioning.Trigger{"ALL"}}))
	must[*provisioning.Webhook](t)(e.client.CreateWebhook(ctx, "p", provisioning.WebhookRequest{Target: only.srv.URL, Secret: "s2",
		Triggers: []provisioning.Trigger{provisioning.TriggerSenderCommentAdded}}))
	e.onboarded("p")
	sn := must[*provisioning.Sender](t)(e.client.CreateSender(ctx, "p", customerSender("600000077")))
	must[*provisioning.Comment](t)(e.client.AddSenderComment(ctx, "p", sn.ID, "note"))
	e.sb.WaitIdle()
	if got := flaky.types(); len(got) != 3 || got[0] != provisioning.TriggerAccountPendingVerification {
		t.Fatalf("flaky target got %v", got)
	}
	if got := only.types(); len(got) != 1 || only.got[0].Comment != "note" || only.got[0].Sender.ID != sn.ID {
		t.Fatalf("filtered target got %+v", only.got)
	}
	var retried bool
	for _, d := range e.sb.SentCallbacks() {
		if d.Target == flaky.srv.URL && d.Attempts == 3 && d.Delivered {
			retried = true
		}
	}
	if !retried || len(flaky.errs) != 0 {
		t.Fatalf("want first delivery after 3 attempts: %+v %v", e.sb.SentCallbacks(), flaky.errs)
	}
}
