package handlers

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/labstack/echo/v4"

	"wabadesk/models"
	"wabadesk/provisioning"
	"wabadesk/provisioning/onboarding"
	"wabadesk/views"
)

// maxCallbackBody bounds a Sinch callback; real ones are a few kilobytes.
const maxCallbackBody = 256 << 10

// webhookPrefix is where Sinch posts callbacks: webhookPrefix + webhook token.
const webhookPrefix = "/webhooks/sinch/"

// receiveWebhook takes a Sinch callback: signature checked over the raw
// body (401 and nothing applied otherwise), duplicates ignored, the client
// re-read in the background, answered at once.
func (h *Handler) receiveWebhook(c echo.Context) error {
	body, err := io.ReadAll(io.LimitReader(c.Request().Body, maxCallbackBody+1))
	if err != nil {
		return c.String(http.StatusBadRequest, "unreadable body")
	}
	if len(body) > maxCallbackBody {
		return c.String(http.StatusRequestEntityTooLarge, "body too large")
	}
	outcome, err := h.onboard.HandleCallback(c.Request().Context(), c.Param("token"), c.Request().Header, body)
	switch {
	case errors.Is(err, models.ErrNotFound):
		h.cfg.Metrics.Callback("unknown_webhook")
		return c.String(http.StatusNotFound, "unknown webhook")
	case errors.Is(err, provisioning.ErrBadSignature):
		h.cfg.Metrics.Callback("bad_signature")
		return c.String(http.StatusUnauthorized, "bad signature")
	case errors.Is(err, onboarding.ErrBadCallback):
		h.cfg.Metrics.Callback("malformed")
		return c.String(http.StatusBadRequest, "malformed callback")
	case err != nil:
		h.cfg.Metrics.Callback("error")
		return err
	}
	h.cfg.Metrics.Callback(map[string]string{onboarding.OutcomeApplied: "applied", onboarding.OutcomeDuplicate: "duplicate",
		onboarding.OutcomeNoClient: "no_client"}[outcome])
	return c.String(http.StatusOK, outcome)
}

// listWebhooks is the webhook troubleshooting page: each project's
// registration and the callbacks kept (models.CallbackRetention).
func (h *Handler) listWebhooks(c echo.Context) error {
	ctx, u := c.Request().Context(), currentUser(c)
	webhooks, err := h.store.Webhooks(ctx, u.OrganisationID)
	if err != nil {
		return err
	}
	callbacks, err := h.store.Callbacks(ctx, u.OrganisationID, 200)
	if err != nil {
		return err
	}
	v := views.WebhooksView{Retention: "7 days"}
	for _, wh := range webhooks {
		row := views.WebhookRow{ProjectID: wh.ProjectID, Target: orDash(wh.Target), Problem: wh.Problem, Checked: when(wh.CheckedAt)}
		switch {
		case wh.SinchID != "":
			row.Status = "Registered"
		case wh.Problem != "":
			row.Status = "Not registered"
		default:
			row.Status = "Pending"
		}
		v.Webhooks = append(v.Webhooks, row)
	}
	for _, d := range callbacks {
		v.Callbacks = append(v.Callbacks, views.CallbackRow{At: d.ReceivedAt.Format("2 Jan 2006 15:04:05"), Type: d.Type,
			Outcome: d.Outcome, Body: prettyJSON(d.Body)})
	}
	return render(c, http.StatusOK, views.WebhooksPage(h.page(c, "Sinch webhooks", "settings"), v))
}

func prettyJSON(s string) string {
	var b bytes.Buffer
	if json.Indent(&b, []byte(s), "", "  ") != nil {
		return s
	}
	return b.String()
}
