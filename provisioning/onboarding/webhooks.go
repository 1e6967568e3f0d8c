package onboarding

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"wabadesk/models"
	"wabadesk/provisioning"
)

// EnsureWebhook registers (or finds and reuses) the project's webhook at
// Sinch, pointing at WebhookBase plus the webhook's token, with every trigger.
// It runs again when the wanted URL changes (a new base URL). A full
// project (Sinch's 15-webhook limit) is recorded, not fatal: polling covers
// it. It reports whether the project's callbacks can be relied on now.
func (s *Service) EnsureWebhook(ctx context.Context, tenantID int64, projectID string) (bool, error) {
	if s.WebhookBase == "" || projectID == "" {
		return false, nil
	}
	h, err := s.store.WebhookFor(ctx, tenantID, projectID)
	if err != nil {
		return false, err
	}
	want := s.WebhookBase + h.Token
	if h.Target == want && h.SinchID != "" {
		return h.Working(want, s.now()), nil
	}
	conn, err := s.connect(ctx, tenantID)
	if err != nil {
		return false, err
	}
	req := provisioning.WebhookRequest{Target: want, Secret: h.Secret, Triggers: []provisioning.Trigger{provisioning.TriggerAll}}
	id, err := s.registerWebhook(ctx, conn, projectID, h, req)
	switch {
	case err == nil:
		h.Target, h.SinchID, h.Problem = want, id, ""
	case provisioning.HasCode(err, "webhook_limit_reached") || provisioning.StatusCode(err) == http.StatusFailedDependency:
		h.Problem = "Sinch's limit of 15 webhooks for this project is reached, so wabadesk checks this client by polling only."
	default:
		return false, fmt.Errorf("onboarding: register webhook for %s: %w", projectID, err)
	}
	return h.Working(want, s.now()), s.store.SaveWebhook(ctx, h)
}

// registerWebhook replaces a webhook of ours that Sinch already has (same
// target, or our earlier one under an old base URL), else creates one.
func (s *Service) registerWebhook(ctx context.Context, conn Connection, projectID string, h models.Webhook, req provisioning.WebhookRequest) (string, error) {
	for attempt := 0; attempt < 4; attempt++ {
		list, err := conn.Client.ListWebhooks(ctx, projectID, provisioning.PageParams{PageSize: 15})
		if err != nil {
			return "", err
		}
		for _, w := range list.Webhooks {
			if w.Target == req.Target || (h.SinchID != "" && w.ID == h.SinchID) || (h.Target != "" && w.Target == h.Target) {
				_, err := conn.Client.ReplaceWebhook(ctx, projectID, w.ID, req)
				return w.ID, err
			}
		}
		created, err := conn.Client.CreateWebhook(ctx, projectID, req)
		if err == nil {
			return created.ID, nil
		}
		if !provisioning.HasCode(err, "webhook_exists") && !errors.Is(err, provisioning.ErrOutcomeUnknown) {
			return "", err
		}
		// Another process (or a lost answer) registered it meanwhile: look again.
	}
	return "", errors.New("onboarding: webhook target exists but could not be found")
}

// Callback outcomes, also stored with the delivery for troubleshooting.
const (
	OutcomeApplied   = "applied: client re-read from Sinch"
	OutcomeDuplicate = "duplicate: ignored"
	OutcomeNoClient  = "ignored: no client uses this project"
)

// ErrBadCallback means a callback body could not be parsed.
var ErrBadCallback = errors.New("onboarding: malformed callback")

// HandleCallback checks and records one webhook delivery. The payload only
// says "something changed": the client is re-read from Sinch at once by the
// worker, through the same apply path as polling, so duplicates and
// out-of-order deliveries can never move a client backwards.
func (s *Service) HandleCallback(ctx context.Context, token string, h http.Header, body []byte) (string, error) {
	webhook, err := s.store.WebhookByToken(ctx, token)
	if err != nil {
		return "", err
	}
	if err := provisioning.VerifySignature(webhook.Secret, h, body, s.now()); err != nil {
		return "", err
	}
	cb, err := provisioning.ParseCallback(body)
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrBadCallback, err)
	}
	d, fresh, err := s.store.RecordCallback(ctx, webhook, string(cb.Type), body)
	if err != nil || !fresh {
		return OutcomeDuplicate, err
	}
	c, err := s.store.ClientByProject(ctx, webhook.OrganisationID, webhook.ProjectID)
	if errors.Is(err, models.ErrNotFound) {
		return OutcomeNoClient, s.store.SetCallbackOutcome(ctx, d.ID, OutcomeNoClient)
	}
	if err != nil {
		return "", err
	}
	if err := s.dueNow(ctx, webhook.OrganisationID, c.ID, models.PriorityWebhook); err != nil {
		return "", err
	}
	return OutcomeApplied, s.store.SetCallbackOutcome(ctx, d.ID, OutcomeApplied)
}

// Kick wakes the worker now instead of at its next tick.
func (s *Service) Kick() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}
