package handlers

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"wabadesk/models"
	"wabadesk/provisioning/onboarding"
	"wabadesk/views"
)

type clientForm struct {
	models.ClientInput
	Action     string `form:"action"`
	NameReason string `form:"name_reason"` // why a display name with warnings is right
}

var clientSorts = []views.Option{
	{Value: "change", Label: "Latest change first"}, {Value: "waiting", Label: "Longest waiting first"},
	{Value: "name", Label: "Name A–Z"}, {Value: "stage", Label: "Stage"}, {Value: "health", Label: "Worst health first"},
}

// listClients is the home page: counts per stage, search, filters, pages.
func (h *Handler) listClients(c echo.Context) error {
	u := currentUser(c)
	ctx := c.Request().Context()
	page, _ := strconv.Atoi(c.QueryParam("page"))
	f := models.ClientFilter{Query: c.QueryParam("q"), Stage: models.Stage(c.QueryParam("stage")),
		Attention: c.QueryParam("attention") == "1", Health: healthParam(c.QueryParam("health")), Sort: c.QueryParam("sort"), Page: page, PerPage: 50}
	conn, err := h.connect(ctx, u.OrganisationID)
	if err != nil {
		return err
	}
	canCreate := u.Role.AtLeast(models.RoleAgent)
	key := fmt.Sprintf("clients|%t|%q|%q|%t|%q|%q|%d", canCreate, f.Query, f.Stage, f.Attention, f.Health, f.Sort, f.Page)
	list, err := h.regions.get(ctx, u.OrganisationID, key, func(ctx context.Context) (string, int, error) {
		list, err := h.store.Clients(ctx, u.OrganisationID, f)
		if err != nil {
			return "", 0, err
		}
		html, err := templ.ToGoHTML(ctx, views.ClientsList(h.clientsView(f, list, canCreate)))
		return string(html), len(html), err
	})
	if err != nil {
		return err
	}
	export := url.Values{}
	for _, k := range []string{"q", "stage", "attention", "health", "sort"} {
		if v := c.QueryParam(k); v != "" {
			export.Set(k, v)
		}
	}
	head := views.ClientsHead{CanCreate: canCreate, Sandbox: conn.Sandbox, ExportURL: "/clients.csv"}
	if len(export) > 0 {
		head.ExportURL += "?" + export.Encode()
	}
	return render(c, http.StatusOK, views.ClientsPage(h.livePage(c, "Clients", "clients", "/events", c.Request().URL.RequestURI()), head, templ.Raw(list)))
}

func (h *Handler) clientsView(f models.ClientFilter, list models.ClientList, canCreate bool) views.ClientsView {
	if f.Page < 1 {
		f.Page = 1
	}
	link := func(stage models.Stage, attention bool, page int) string {
		return clientsLink(f, stage, attention, f.Health, page)
	}
	healthLink := func(health string) string { return clientsLink(f, "", false, health, 1) }
	v := views.ClientsView{Query: f.Query, Stage: string(f.Stage), Health: f.Health, Sort: f.Sort, Sorts: clientSorts, Total: list.Total,
		Page: f.Page, Pages: int(math.Ceil(float64(list.Total) / float64(f.PerPage))), CanCreate: canCreate,
		All:       views.StageCount{Label: "All", Count: list.All, URL: link("", false, 1), Active: f.Stage == "" && !f.Attention && f.Health == ""},
		Attention: views.StageCount{Label: "Needs attention", Count: list.Attention, URL: link("", true, 1), Active: f.Attention, Badge: "badge-danger"},
	}
	if f.Health != "" { // a stage or "All" leaves the health filter
		v.All.URL = clientsLink(f, "", false, "", 1)
	}
	// The portfolio: every client with a health problem, the worst first.
	worst := f
	worst.Sort = "health"
	v.Healths = append(v.Healths, views.StageCount{Label: "Any problem, worst first", Count: list.Health[models.HealthAny],
		URL: clientsLink(worst, "", false, models.HealthAny, 1), Active: f.Health == models.HealthAny, Badge: "badge-danger"})
	for _, hf := range models.HealthFilters {
		v.Healths = append(v.Healths, views.StageCount{Label: healthFilterLabels[hf], Count: list.Health[hf], URL: healthLink(hf),
			Active: f.Health == hf, Badge: "badge-warn"})
	}
	for _, st := range models.Stages {
		v.Counts = append(v.Counts, views.StageCount{Label: st.Label(), Count: list.Counts[st], URL: clientsLink(f, st, false, "", 1), Active: f.Stage == st, Badge: st.Badge()})
	}
	if f.Page > 1 {
		v.PrevURL = link(f.Stage, f.Attention, f.Page-1)
	}
	if f.Page < v.Pages {
		v.NextURL = link(f.Stage, f.Attention, f.Page+1)
	}
	now := h.store.Now()
	for _, cl := range list.Clients {
		row := views.ClientRow{URL: clientURL(cl.ID), Name: cl.Name, BMID: cl.BusinessManagerID, WabaName: cl.WabaName,
			StageLabel: cl.Stage.Label(), StageBadge: cl.Stage.Badge(), SenderStage: cl.SenderStage.Label(), Phone: cl.SenderPhone,
			WaitingOn: cl.Stage.WaitingOn(), InState: since(cl.StageSince, now), LastChange: ago(cl.LastChangeAt, now), AccountStage: cl.AccountStage.Label(),
			Attention: h.store.NeedsAttention(cl)}
		row.Health, row.HealthBadge = healthBadge(cl)
		v.Rows = append(v.Rows, row)
	}
	return v
}

// healthParam is a known health filter, or "".
func healthParam(s string) string {
	if slices.Contains(models.HealthFilters, s) || s == models.HealthAny {
		return s
	}
	return ""
}

// clientsLink is the list's URL for f with another stage, attention,
// health filter or page.
func clientsLink(f models.ClientFilter, stage models.Stage, attention bool, health string, page int) string {
	q := url.Values{}
	if f.Query != "" {
		q.Set("q", f.Query)
	}
	if stage != "" {
		q.Set("stage", string(stage))
	}
	if attention {
		q.Set("attention", "1")
	}
	if health != "" {
		q.Set("health", health)
	}
	if f.Sort != "" && f.Sort != "change" {
		q.Set("sort", f.Sort)
	}
	if page > 1 {
		q.Set("page", strconv.Itoa(page))
	}
	if len(q) == 0 {
		return "/clients"
	}
	return "/clients?" + q.Encode()
}

func clientURL(id int64) string { return "/clients/" + strconv.FormatInt(id, 10) }

func (h *Handler) newClient(c echo.Context) error {
	return h.renderClientForm(c, http.StatusOK, nil, views.Form{Values: map[string]string{"legacy": "false"}})
}

// createClient saves a draft and, when asked, submits it at once.
func (h *Handler) createClient(c echo.Context) error {
	var f clientForm
	if err := c.Bind(&f); err != nil {
		return err
	}
	review, ask := reviewClientName(c, f)
	if ask != nil {
		return h.renderClientForm(c, http.StatusUnprocessableEntity, nil, clientFormOf(f, ask))
	}
	u := currentUser(c)
	cl, err := h.store.CreateClient(c.Request().Context(), u.OrganisationID, *u, f.ClientInput, f.Action == "submit")
	if v, ok := models.AsValidation(err); ok {
		return h.renderClientForm(c, http.StatusUnprocessableEntity, nil, clientFormOf(f, v))
	}
	if err != nil {
		return err
	}
	if f.Action != "submit" {
		h.flash(c, "success", "Draft saved. Submit it to Sinch when the details are complete.")
		return redirect(c, clientURL(cl.ID))
	}
	if err := h.recordNameReview(c, cl.ID, nil, review); err != nil {
		return err
	}
	return h.submitAndRender(c, cl, f)
}

// reviewClientName checks the display name of a client being submitted
// (a legacy client has none): warnings without a reason refuse the form,
// with the input's own problems too, so both are fixed at once.
func reviewClientName(c echo.Context, f clientForm) (nameReview, map[string]string) {
	if f.Action != "submit" || f.Legacy {
		return nameReview{}, nil
	}
	review, ask := reviewName(c, "sender_display_name", f.SenderDisplayName, f.Name, f.NameReason)
	if ask != nil {
		in := f.ClientInput
		in.Normalize()
		for k, msg := range in.Validate(true) {
			ask[k] = msg
		}
	}
	return review, ask
}

func (h *Handler) editClient(c echo.Context) error {
	cl, err := h.clientParam(c)
	if err != nil {
		return err
	}
	if !cl.Editable() {
		h.flash(c, "info", "Sinch is working on this account; its details can be changed only while it is a draft or after a rejection.")
		return redirect(c, clientURL(cl.ID))
	}
	form := clientFormOf(clientForm{ClientInput: cl.ClientInput}, cl.FieldErrors())
	return h.renderClientForm(c, http.StatusOK, &cl, form)
}

// updateClient saves changes to a draft or rejected client, and resubmits when asked.
func (h *Handler) updateClient(c echo.Context) error {
	cl, err := h.clientParam(c)
	if err != nil {
		return err
	}
	var f clientForm
	if err := c.Bind(&f); err != nil {
		return err
	}
	review, ask := reviewClientName(c, f)
	if ask != nil {
		return h.renderClientForm(c, http.StatusUnprocessableEntity, &cl, clientFormOf(f, ask))
	}
	u := currentUser(c)
	updated, err := h.store.UpdateClient(c.Request().Context(), u.OrganisationID, cl.ID, *u, f.ClientInput, f.Action == "submit")
	if v, ok := models.AsValidation(err); ok {
		return h.renderClientForm(c, http.StatusUnprocessableEntity, &cl, clientFormOf(f, v))
	}
	if err != nil {
		return err
	}
	if f.Action != "submit" {
		h.flash(c, "success", "Changes saved.")
		return redirect(c, clientURL(cl.ID))
	}
	if err := h.recordNameReview(c, cl.ID, nil, review); err != nil {
		return err
	}
	return h.submitAndRender(c, updated, f)
}

// submitClient submits a client from its page; a display name with
// warnings opens the form, asking why it is right.
func (h *Handler) submitClient(c echo.Context) error {
	cl, err := h.clientParam(c)
	if err != nil {
		return err
	}
	f := clientForm{ClientInput: cl.ClientInput, Action: "submit"}
	if _, ask := reviewClientName(c, f); ask != nil {
		return h.renderClientForm(c, http.StatusUnprocessableEntity, &cl, clientFormOf(f, ask))
	}
	return h.submitAndRender(c, cl, f)
}

// submitAndRender calls Sinch and shows the outcome: the client page, or the
// form with Sinch's messages next to the fields.
func (h *Handler) submitAndRender(c echo.Context, cl models.Client, f clientForm) error {
	u := currentUser(c)
	out, err := h.onboard.SubmitClient(c.Request().Context(), u.OrganisationID, cl.ID, u.Name)
	if v, ok := models.AsValidation(err); ok {
		return h.renderClientForm(c, http.StatusUnprocessableEntity, &out, clientFormOf(f, v))
	}
	if errors.Is(err, models.ErrConflict) {
		h.flash(c, "info", "This client was already submitted.")
		return redirect(c, clientURL(cl.ID))
	}
	if errors.Is(err, onboarding.ErrInProgress) {
		// No flash: the page's own "Submitting to Sinch" note says it, and
		// goes away when Sinch answers (a flash would stay).
		return redirect(c, clientURL(cl.ID))
	}
	if err != nil {
		return err
	}
	// No flash: the stage, the queued or parked note and the timeline say
	// what happened and stay true as they change (a flash would not).
	return redirect(c, clientURL(cl.ID))
}

func (h *Handler) renderClientForm(c echo.Context, status int, cl *models.Client, form views.Form) error {
	v := views.ClientFormView{Title: "New client", Action: "/clients", CancelURL: "/clients", Form: form,
		Categories: options(models.BusinessCategories, "Choose a category"), Managers: options(models.SinchBusinessManagers, "Sinch default"),
		Regions: options(models.Regions, "Sinch default"), Storages: options(models.MetaLocalStorages, "Region default"),
		Legacy: form.Value("legacy") == "true"}
	if cl != nil {
		v.Title, v.Action, v.CancelURL = "Edit "+cl.Name, clientURL(cl.ID), clientURL(cl.ID)
		v.Resubmit = cl.AccountStage == models.AccountRejected
	}
	v.Form = withNameNotes(c, form, "sender_display_name", form.Value("name"))
	return render(c, status, views.ClientFormPage(h.page(c, v.Title, "clients"), v))
}

func clientFormOf(f clientForm, errs map[string]string) views.Form {
	form := formOf(&f.ClientInput, errs)
	form.Values["legacy"] = strconv.FormatBool(f.Legacy)
	form.Values["name_reason"] = f.NameReason
	return form
}

func options(choices []models.Choice, empty string) []views.Option {
	out := []views.Option{{Value: "", Label: empty}}
	for _, ch := range choices {
		out = append(out, views.Option{Value: ch.Value, Label: ch.Label})
	}
	return out
}

// clientParam loads the :id client of the current tenant (404 otherwise).
func (h *Handler) clientParam(c echo.Context) (models.Client, error) {
	id, err := pathID(c)
	if err != nil {
		return models.Client{}, err
	}
	return h.store.ClientByID(c.Request().Context(), currentUser(c).OrganisationID, id)
}

func (h *Handler) deleteClient(c echo.Context) error {
	cl, err := h.clientParam(c)
	if err != nil {
		return err
	}
	if _, err := h.store.DeleteClient(c.Request().Context(), cl.OrganisationID, cl.ID); errors.Is(err, models.ErrConflict) {
		h.flash(c, "error", "Only drafts can be deleted; this client was already sent to Sinch.")
		return redirect(c, clientURL(cl.ID))
	} else if err != nil {
		return err
	}
	h.flash(c, "success", cl.Name+" was deleted.")
	return redirect(c, "/clients")
}

// refreshClient re-reads the client from Sinch now.
func (h *Handler) refreshClient(c echo.Context) error {
	cl, err := h.clientParam(c)
	if err != nil {
		return err
	}
	err = h.onboard.SyncClient(c.Request().Context(), cl.OrganisationID, cl.ID)
	if msg, ok := sinchProblem(err); ok {
		h.flash(c, "warning", msg)
	} else if err != nil {
		return err
	}
	return redirect(c, clientURL(cl.ID))
}

// createComment posts a comment to Sinch about the account.
func (h *Handler) createComment(c echo.Context) error {
	cl, err := h.clientParam(c)
	if err != nil {
		return err
	}
	u := currentUser(c)
	text := c.FormValue("comment")
	err = h.onboard.Comment(c.Request().Context(), u.OrganisationID, cl.ID, 0, text, u.Name)
	if v, ok := models.AsValidation(err); ok {
		return h.renderClient(c, http.StatusUnprocessableEntity, cl, clientForms{comment: views.Form{Values: map[string]string{"comment": text}, Errors: v}})
	}
	if errors.Is(err, onboarding.ErrInProgress) {
		h.flash(c, "info", "Sending the comment to Sinch — it appears on the timeline when Sinch has it.")
		return redirect(c, clientURL(cl.ID))
	}
	if msg, ok := sinchProblem(err); ok {
		return h.renderClient(c, http.StatusServiceUnavailable, cl,
			clientForms{comment: views.Form{Values: map[string]string{"comment": text}, Errors: map[string]string{"comment": msg}}})
	}
	if err != nil {
		return err
	}
	h.flash(c, "success", "Comment sent to Sinch.")
	return redirect(c, clientURL(cl.ID))
}
