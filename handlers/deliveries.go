package handlers

import (
	"bytes"
	"encoding/json"
	"net/http"

	"github.com/labstack/echo/v4"

	"wabadesk/views"
)

// listDeliveries is the webhook troubleshooting page: each project's
// registration and the callbacks kept (models.DeliveryRetention).
func (h *Handler) listDeliveries(c echo.Context) error {
	ctx, u := c.Request().Context(), currentUser(c)
	hooks, err := h.store.Hooks(ctx, u.OrganisationID)
	if err != nil {
		return err
	}
	deliveries, err := h.store.Deliveries(ctx, u.OrganisationID, 200)
	if err != nil {
		return err
	}
	v := views.DeliveriesView{Retention: "7 days"}
	for _, hk := range hooks {
		row := views.HookRow{ProjectID: hk.ProjectID, Target: orDash(hk.Target), Problem: hk.Problem, Checked: when(hk.CheckedAt)}
		switch {
		case hk.WebhookID != "":
			row.Status = "Registered"
		case hk.Problem != "":
			row.Status = "Not registered"
		default:
			row.Status = "Pending"
		}
		v.Hooks = append(v.Hooks, row)
	}
	for _, d := range deliveries {
		v.Deliveries = append(v.Deliveries, views.DeliveryRow{At: d.ReceivedAt.Format("2 Jan 2006 15:04:05"), Type: d.Type,
			Outcome: d.Outcome, Body: prettyJSON(d.Body)})
	}
	return render(c, http.StatusOK, views.DeliveriesPage(h.page(c, "Sinch webhooks", "settings"), v))
}

func prettyJSON(s string) string {
	var b bytes.Buffer
	if json.Indent(&b, []byte(s), "", "  ") != nil {
		return s
	}
	return b.String()
}
