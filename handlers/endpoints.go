package handlers

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"wabadesk/models"
	"wabadesk/views"
)

// hookEventText says what each event means, for the checkboxes.
var hookEventText = map[string][2]string{
	models.HookClientCreated:        {"client created", "A client was created, on a page, by the API or by an import."},
	models.HookClientStageChanged:   {"stage changed", "A client moved to another stage of its onboarding."},
	models.HookClientNeedsAttention: {"needs attention", "A client waited longer than its stage's limit, was rejected, or its work is parked."},
	models.HookClientHealthChanged:  {"health changed", "Sinch reported a change of quality, messaging limit, display-name review or a restriction."},
	models.HookSenderStateChanged:   {"sender changed", "A phone number was added or changed state at Sinch."},
	models.HookLinkOpened:           {"link opened", "The business client opened their link."},
	models.HookOTPVerified:          {"code verified", "Sinch accepted the verification code of a number."},
	models.HookReminderSent:         {"reminder sent", "A reminder e-mail went to the business client."},
}

type endpointForm struct {
	URL         string   `form:"url"`
	Description string   `form:"description"`
	Events      []string `form:"events"`
	Enabled     string   `form:"enabled"`
}

func (f endpointForm) input() models.EndpointInput {
	return models.EndpointInput{URL: f.URL, Description: f.Description, Events: f.Events}
}

func eventChoices(checked []string) []views.EventChoice {
	out := make([]views.EventChoice, len(models.HookEvents))
	for i, e := range models.HookEvents {
		out[i] = views.EventChoice{Value: e, Label: hookEventText[e][0], Hint: hookEventText[e][1], Checked: slices.Contains(checked, e)}
	}
	return out
}

func (h *Handler) endpointRow(e models.Endpoint) views.EndpointRow {
	r := views.EndpointRow{ID: e.ID, URL: e.URL, Description: e.Description, Enabled: e.Enabled, Status: "Active"}
	var labels []string
	for _, ev := range strings.Split(e.Events, ",") {
		labels = append(labels, hookEventText[ev][0])
	}
	r.Events = strings.Join(labels, ", ")
	switch {
	case !e.Enabled && e.DisabledReason != "":
		r.Status, r.Problem = "Disabled: "+e.DisabledReason, true
	case !e.Enabled:
		r.Status = "Switched off"
	case e.FailingSince != nil:
		r.Status, r.Problem = "Failing since "+ago(*e.FailingSince, h.store.Now()), true
	}
	return r
}

func (h *Handler) listEndpoints(c echo.Context) error {
	return h.renderEndpoints(c, http.StatusOK, views.Form{}, models.HookEvents)
}

func (h *Handler) renderEndpoints(c echo.Context, status int, form views.Form, checked []string) error {
	eps, err := h.store.Endpoints(c.Request().Context(), currentUser(c).OrganisationID)
	if err != nil {
		return err
	}
	v := views.EndpointsView{Form: form, Events: eventChoices(checked)}
	for _, e := range eps {
		v.Endpoints = append(v.Endpoints, h.endpointRow(e))
	}
	return render(c, status, views.EndpointsPage(h.page(c, "Outgoing webhooks", "api"), v))
}

func (h *Handler) createEndpoint(c echo.Context) error {
	var f endpointForm
	if err := c.Bind(&f); err != nil {
		return err
	}
	e, err := h.store.CreateEndpoint(c.Request().Context(), currentUser(c).OrganisationID, f.input())
	if v, ok := models.AsValidation(err); ok {
		return h.renderEndpoints(c, http.StatusUnprocessableEntity, formOf(&f, v), f.Events)
	}
	if err != nil {
		return err
	}
	auditDetail(c, e.URL)
	h.flash(c, "success", "Endpoint added. Copy its signing secret below, then send a test event.")
	return redirect(c, endpointPath(e.ID))
}

func endpointPath(id int64) string { return "/settings/endpoints/" + strconv.FormatInt(id, 10) }

func (h *Handler) showEndpoint(c echo.Context) error {
	e, err := h.endpoint(c)
	if err != nil {
		return err
	}
	f := endpointForm{URL: e.URL, Description: e.Description, Events: strings.Split(e.Events, ",")}
	if e.Enabled {
		f.Enabled = "on"
	}
	return h.renderEndpoint(c, http.StatusOK, e, formOf(&f, nil), f.Events)
}

func (h *Handler) endpoint(c echo.Context) (models.Endpoint, error) {
	id, err := pathID(c)
	if err != nil {
		return models.Endpoint{}, err
	}
	return h.store.EndpointByID(c.Request().Context(), currentUser(c).OrganisationID, id)
}

// deliveryLogSize is how many deliveries the endpoint page shows.
const deliveryLogSize = 50

func (h *Handler) renderEndpoint(c echo.Context, status int, e models.Endpoint, form views.Form, checked []string) error {
	ctx := c.Request().Context()
	secret, err := h.store.EndpointSecret(e)
	if err != nil {
		return err
	}
	ds, err := h.store.Deliveries(ctx, e.OrganisationID, e.ID, deliveryLogSize)
	if err != nil {
		return err
	}
	ids := make([]int64, len(ds))
	for i, d := range ds {
		ids[i] = d.ID
	}
	attempts, err := h.store.DeliveryAttempts(ctx, e.OrganisationID, ids)
	if err != nil {
		return err
	}
	v := views.EndpointView{Endpoint: h.endpointRow(e), Secret: secret, Form: form, Events: eventChoices(checked)}
	now := h.store.Now()
	for _, d := range ds {
		v.Deliveries = append(v.Deliveries, deliveryRow(d, attempts[d.ID], now))
	}
	p := h.page(c, "Outgoing webhook", "api")
	p.Live = "" // the log is read when asked for; a live refresh would close open details
	return render(c, status, views.EndpointPage(p, v))
}

func deliveryRow(d models.Delivery, as []models.DeliveryAttempt, now time.Time) views.DeliveryRow {
	r := views.DeliveryRow{ID: d.ID, Type: d.Type, EventID: d.EventID, Created: d.CreatedAt.UTC().Format("2 Jan 15:04:05 UTC"),
		Body: d.Body, CanRedeliver: d.State != models.DeliverySending, LastStatus: "–", Duration: "–"}
	switch d.State {
	case models.DeliveryDelivered:
		r.State, r.OK = "Delivered", true
	case models.DeliveryFailed:
		r.State, r.Failed = "Failed after 24 hours", true
	case models.DeliverySending:
		r.State = "Sending"
	default:
		r.State = "Waiting"
		if d.Attempts > 0 {
			r.State, r.Failed = "Retrying "+until(d.NextAt, now), true
		}
	}
	for _, a := range as {
		ar := views.AttemptRow{At: a.At.UTC().Format("2 Jan 15:04:05"), Status: attemptStatus(a), Duration: strconv.Itoa(a.DurationMS) + " ms",
			Error: a.Error, Response: a.Response, OK: a.Status >= 200 && a.Status < 300}
		r.Attempts = append(r.Attempts, ar)
		r.LastStatus, r.Duration = ar.Status, ar.Duration
	}
	return r
}

func attemptStatus(a models.DeliveryAttempt) string {
	if a.Status == 0 {
		return "no answer"
	}
	return "HTTP " + strconv.Itoa(a.Status)
}

// until says when a retry is due, in the list's words.
func until(t, now time.Time) string {
	if !t.After(now) {
		return "now"
	}
	d := t.Sub(now).Round(time.Second)
	if d < time.Minute {
		return "in " + d.String()
	}
	return "at " + t.UTC().Format("15:04 UTC")
}

func (h *Handler) updateEndpoint(c echo.Context) error {
	e, err := h.endpoint(c)
	if err != nil {
		return err
	}
	var f endpointForm
	if err := c.Bind(&f); err != nil {
		return err
	}
	updated, err := h.store.UpdateEndpoint(c.Request().Context(), e.OrganisationID, e.ID, f.input(), f.Enabled == "on")
	if v, ok := models.AsValidation(err); ok {
		return h.renderEndpoint(c, http.StatusUnprocessableEntity, e, formOf(&f, v), f.Events)
	}
	if err != nil {
		return err
	}
	auditDetail(c, updated.URL)
	h.flash(c, "success", "Endpoint saved.")
	h.kickDeliveries()
	return redirect(c, endpointPath(e.ID))
}

func (h *Handler) deleteEndpoint(c echo.Context) error {
	e, err := h.endpoint(c)
	if err != nil {
		return err
	}
	if err := h.store.DeleteEndpoint(c.Request().Context(), e.OrganisationID, e.ID); err != nil {
		return err
	}
	auditDetail(c, e.URL)
	h.flash(c, "success", "Endpoint deleted. No more events go to "+e.URL+".")
	return redirect(c, "/settings/endpoints")
}

func (h *Handler) rollEndpointSecret(c echo.Context) error {
	e, err := h.endpoint(c)
	if err != nil {
		return err
	}
	if err := h.store.RollEndpointSecret(c.Request().Context(), e.OrganisationID, e.ID); err != nil {
		return err
	}
	auditDetail(c, e.URL)
	h.flash(c, "success", "New secret made: requests are signed with it from now on.")
	return redirect(c, endpointPath(e.ID))
}

func (h *Handler) sendTestEvent(c echo.Context) error {
	e, err := h.endpoint(c)
	if err != nil {
		return err
	}
	if _, err := h.store.SendTestEvent(c.Request().Context(), e.OrganisationID, e.ID, currentUser(c).Name); err != nil {
		return err
	}
	auditDetail(c, e.URL)
	h.kickDeliveries()
	msg := "Test event queued: reload in a moment to see its answer."
	if !e.Enabled {
		msg = "Test event queued. The endpoint is switched off: it goes out once you switch it on."
	}
	h.flash(c, "success", msg)
	return redirect(c, endpointPath(e.ID))
}

func (h *Handler) redeliver(c echo.Context) error {
	e, err := h.endpoint(c)
	if err != nil {
		return err
	}
	did, err := strconv.ParseInt(c.Param("did"), 10, 64)
	if err != nil {
		return models.ErrNotFound
	}
	if err := h.store.Redeliver(c.Request().Context(), e.OrganisationID, e.ID, did); err != nil {
		return err
	}
	auditDetail(c, e.URL)
	h.kickDeliveries()
	h.flash(c, "success", "Queued again: reload in a moment to see the answer.")
	return redirect(c, endpointPath(e.ID))
}

// kickDeliveries wakes the delivery worker, if this server runs one.
func (h *Handler) kickDeliveries() {
	if h.cfg.Deliveries != nil {
		h.cfg.Deliveries.Kick()
	}
}
