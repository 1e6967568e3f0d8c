package handlers

import (
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"wabadesk/models"
	"wabadesk/views"
)

// showBackground is the owner's view of the onboarding engine's queue for
// the organisation: the same figures models.QueueStats gives metrics.
func (h *Handler) showBackground(c echo.Context) error {
	ctx, u := c.Request().Context(), currentUser(c)
	stats, err := h.store.QueueStats(ctx, u.OrganisationID)
	if err != nil {
		return err
	}
	var q models.QueueStats
	if len(stats) == 1 {
		q = stats[0]
	}
	parked, err := h.store.ParkedClients(ctx, u.OrganisationID, 50)
	if err != nil {
		return err
	}
	failing, err := h.store.FailingClients(ctx, u.OrganisationID, 20)
	if err != nil {
		return err
	}
	now := h.store.Now()
	live := h.onboard.TenantState(u.OrganisationID, now)
	v := views.BackgroundView{Figures: []views.BackgroundFigure{
		{Label: "Due now", Value: itoa(q.Due), Detail: waitDetail(q, now)},
		{Label: "Running", Value: itoa(q.Running + q.PendingCalls), Detail: fmt.Sprintf("%d on this server", live.Running)},
		{Label: "Submitting", Value: itoa(q.Submitting), Detail: "accounts and senders recorded, not yet accepted by Sinch"},
		{Label: "Parked", Value: itoa(q.Parked)},
		{Label: "Scheduled later", Value: itoa(q.Scheduled)},
	}, Limits: fmt.Sprintf("Each server talks to Sinch for your organisation at most %d times at once and %g times a second.", live.Concurrency, live.Rate)}
	if live.PausedUntil.After(now) {
		v.Limits += " Sinch asked to slow down: paused until " + live.PausedUntil.Format("15:04:05") + "."
	}
	for _, cl := range parked {
		v.Parked = append(v.Parked, views.BackgroundRow{URL: clientURL(cl.ID), Name: cl.Name, Stage: cl.Stage.Label(), Reason: cl.ParkedReason, Next: when(cl.NextSyncAt)})
	}
	for _, cl := range failing {
		v.Failing = append(v.Failing, views.BackgroundRow{URL: clientURL(cl.ID), Name: cl.Name, Stage: cl.Stage.Label(),
			Reason: fmt.Sprintf("%s (attempt %d)", cl.LastError, cl.SubmitAttempts), Next: when(cl.NextSyncAt)})
	}
	return render(c, http.StatusOK, views.BackgroundPage(h.page(c, "Background work", "settings"), v))
}

func waitDetail(q models.QueueStats, now time.Time) string {
	if q.Due == 0 {
		return "nothing waiting"
	}
	return "longest waiting " + q.OldestWait(now).Round(time.Second).String()
}
