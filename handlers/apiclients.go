package handlers

import (
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"wabadesk/models"
	"wabadesk/provisioning/onboarding"
)

// apiClient is a client as the API shows it. Field names are the form's,
// so a validation error names the field the request sent.
type apiClient struct {
	ID                int64     `json:"id"`
	Name              string    `json:"name"`
	Stage             string    `json:"stage"`
	StageLabel        string    `json:"stage_label"`
	StageSince        time.Time `json:"stage_since"`
	WaitingOn         string    `json:"waiting_on"`
	NeedsAttention    bool      `json:"needs_attention"`
	AccountStage      string    `json:"account_stage"`
	SenderStage       string    `json:"sender_stage"`
	SenderPhone       string    `json:"sender_phone"`
	ProjectID         string    `json:"project_id"`
	Legacy            bool      `json:"legacy"`
	BusinessManagerID string    `json:"business_manager_id"`
	WabaName          string    `json:"waba_name"`
	CompanyLegalName  string    `json:"company_legal_name"`
	SenderDisplayName string    `json:"sender_display_name"`
	// DisplayNameWarnings are Meta's display-name rules the sender display
	// name seems to break (never blocking; see the form's check).
	DisplayNameWarnings  []apiNameWarning `json:"display_name_warnings"`
	BusinessCategory     string           `json:"business_category"`
	SinchBusinessManager string           `json:"sinch_business_manager"`
	Region               string           `json:"region"`
	MetaLocalStorage     string           `json:"meta_local_storage"`
	WabaID               string           `json:"waba_id"`
	RejectionReason      string           `json:"rejection_reason"`
	Contact              apiContact       `json:"contact"`
	RemindersPaused      bool             `json:"reminders_paused"`
	// Health is what Sinch reports after onboarding, as the list filters it.
	Health models.HealthReport `json:"health"`
	URL    string              `json:"url"` // the staff page
	// MetaApprovalURL is where the business client approves the request,
	// while the client waits for that.
	MetaApprovalURL string    `json:"meta_approval_url"`
	CreatedAt       time.Time `json:"created_at"`
	LastChangeAt    time.Time `json:"last_change_at"`
}

type apiContact struct {
	Name     string `json:"name"`
	Email    string `json:"email"`
	Language string `json:"language"`
}

func (h *Handler) apiClientOf(c echo.Context, cl models.Client) apiClient {
	ctx := c.Request().Context()
	var meta string
	if cl.Stage == models.StageMetaApproval {
		meta, _ = h.metaLink(ctx, cl.OrganisationID, cl)
	}
	return apiClient{MetaApprovalURL: meta, ID: cl.ID, Name: cl.Name, Stage: string(cl.Stage), StageLabel: cl.Stage.Label(), StageSince: cl.StageSince,
		WaitingOn: cl.Stage.WaitingOn(), NeedsAttention: h.store.NeedsAttention(cl), AccountStage: string(cl.AccountStage),
		SenderStage: string(cl.SenderStage), SenderPhone: cl.SenderPhone, ProjectID: cl.ProjectID, Legacy: cl.Legacy,
		BusinessManagerID: cl.BusinessManagerID, WabaName: cl.WabaName, CompanyLegalName: cl.CompanyLegalName,
		SenderDisplayName: cl.SenderDisplayName, BusinessCategory: cl.BusinessCategory, SinchBusinessManager: cl.SinchBusinessManager,
		Region: cl.Region, MetaLocalStorage: cl.MetaLocalStorage, WabaID: cl.WabaID, RejectionReason: cl.RejectionReason,
		Contact:         apiContact{Name: cl.ContactName, Email: cl.ContactEmail, Language: cl.ContactLanguage},
		RemindersPaused: cl.RemindersPaused, URL: h.link(clientURL(cl.ID)), CreatedAt: cl.CreatedAt, LastChangeAt: cl.LastChangeAt,
		DisplayNameWarnings: apiNameWarnings(c, "sender_display_name", cl.SenderDisplayName, cl.Name), Health: cl.Report()}
}

// apiClientInput is what a create or update sends; absent fields of an
// update keep their value.
type apiClientInput struct {
	Name                 *string `json:"name"`
	ProjectID            *string `json:"project_id"`
	Legacy               *bool   `json:"legacy"`
	BusinessManagerID    *string `json:"business_manager_id"`
	WabaName             *string `json:"waba_name"`
	CompanyLegalName     *string `json:"company_legal_name"`
	SenderDisplayName    *string `json:"sender_display_name"`
	BusinessCategory     *string `json:"business_category"`
	SinchBusinessManager *string `json:"sinch_business_manager"`
	Region               *string `json:"region"`
	MetaLocalStorage     *string `json:"meta_local_storage"`
	// Contact is the business client's contact, for links and reminders.
	Contact         *apiContactInput `json:"contact"`
	RemindersPaused *bool            `json:"reminders_paused"`
	// Submit sends the client to Sinch at once (create and update).
	Submit bool `json:"submit"`
}

// apiContactInput changes the fields sent; absent ones keep their value.
type apiContactInput struct {
	Name     *string `json:"name"`
	Email    *string `json:"email"`
	Language *string `json:"language"`
}

func (in *apiContactInput) apply(c *models.Contact) {
	if in != nil {
		setSent(&c.ContactName, in.Name)
		setSent(&c.ContactEmail, in.Email)
		setSent(&c.ContactLanguage, in.Language)
	}
}

// changesClient says whether the update touches the client's own data
// (only those need it editable).
func (in apiClientInput) changesClient() bool {
	return in.Name != nil || in.ProjectID != nil || in.Legacy != nil || in.BusinessManagerID != nil || in.WabaName != nil ||
		in.CompanyLegalName != nil || in.SenderDisplayName != nil || in.BusinessCategory != nil ||
		in.SinchBusinessManager != nil || in.Region != nil || in.MetaLocalStorage != nil || in.Submit
}

// setSent sets *dst to what the request sent, if it sent the field.
func setSent[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

func (in apiClientInput) apply(c *models.ClientInput) {
	set := setSent[string]
	set(&c.Name, in.Name)
	set(&c.ProjectID, in.ProjectID)
	set(&c.BusinessManagerID, in.BusinessManagerID)
	set(&c.WabaName, in.WabaName)
	set(&c.CompanyLegalName, in.CompanyLegalName)
	set(&c.SenderDisplayName, in.SenderDisplayName)
	set(&c.BusinessCategory, in.BusinessCategory)
	set(&c.SinchBusinessManager, in.SinchBusinessManager)
	set(&c.Region, in.Region)
	set(&c.MetaLocalStorage, in.MetaLocalStorage)
	setSent(&c.Legacy, in.Legacy)
}

// bindJSON reads a JSON body strictly: unknown fields are refused, so a
// typo is an error rather than a silently ignored value.
func bindJSON(c echo.Context, v any) error {
	dec := json.NewDecoder(c.Request().Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return models.ValidationError{"": "The body must be a JSON object with the documented fields: " + err.Error() + "."}
	}
	return nil
}

// apiClientList is a page of clients.
type apiClientList struct {
	Data       []apiClient `json:"data"`
	NextCursor string      `json:"next_cursor,omitempty"`
}

// apiListClients lists with the list page's filters and sorts, a page of
// limit (default 50, at most 200) after cursor.
func (h *Handler) apiListClients(c echo.Context) error {
	u := currentUser(c)
	f := models.ClientFilter{Query: c.QueryParam("q"), Stage: models.Stage(c.QueryParam("stage")), Sort: c.QueryParam("sort"),
		Attention: c.QueryParam("attention") == "true", Health: c.QueryParam("health")}
	v := models.ValidationError{}
	if f.Stage != "" && !slices.Contains(models.Stages, f.Stage) {
		v.Add("stage", "Use one of the stages the API reference lists, like meta_approval.")
	}
	if healthParam(f.Health) != f.Health { // the list page's check, strict here
		v.Add("health", "Use quality, limited, name, restricted or any.")
	}
	if s := f.Sort; s != "" && s != "change" && s != "name" && s != "stage" && s != "waiting" && s != "health" {
		v.Add("sort", "Use change, name, stage, waiting or health.")
	}
	limit := 50
	if l := c.QueryParam("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 200 {
			v.Add("limit", "Use a whole number from 1 to 200.")
		}
		limit = n
	}
	after, err := models.ParseClientCursor(c.QueryParam("cursor"), f.Sort)
	if err != nil {
		v.Add("cursor", "Use the next_cursor of the previous page, with the same sort.")
	}
	if err := v.Err(); err != nil {
		return err
	}
	clients, next, err := h.store.ClientsAfter(c.Request().Context(), u.OrganisationID, f, after, limit)
	if err != nil {
		return err
	}
	out := apiClientList{Data: make([]apiClient, 0, len(clients))}
	for _, cl := range clients {
		out.Data = append(out.Data, h.apiClientOf(c, cl))
	}
	if next != nil {
		out.NextCursor = next.Encode()
	}
	return c.JSON(http.StatusOK, out)
}

func (h *Handler) apiShowClient(c echo.Context) error {
	cl, err := h.clientParam(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, h.apiClientOf(c, cl))
}

// apiCreateClient saves a draft, or submits it at once with "submit": true.
func (h *Handler) apiCreateClient(c echo.Context) error {
	var in apiClientInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	var ci models.ClientInput
	in.apply(&ci)
	var contact models.Contact
	in.Contact.apply(&contact)
	u := currentUser(c)
	cl, err := h.store.CreateClientWithContact(c.Request().Context(), u.OrganisationID, *u, ci, contact, in.Submit)
	if err != nil {
		return err
	}
	if in.RemindersPaused != nil && *in.RemindersPaused {
		if cl, err = h.store.UpdateContact(c.Request().Context(), u.OrganisationID, cl.ID, *u, cl.Contact, true); err != nil {
			return err
		}
	}
	c.Response().Header().Set(echo.HeaderLocation, h.link(apiPrefix+"/clients/"+itoa(cl.ID)))
	if in.Submit {
		return h.apiSubmit(c, cl, http.StatusCreated)
	}
	return c.JSON(http.StatusCreated, h.apiClientOf(c, cl))
}

// apiUpdateClient changes the fields sent, while the client is editable.
func (h *Handler) apiUpdateClient(c echo.Context) error {
	cl, err := h.clientParam(c)
	if err != nil {
		return err
	}
	var in apiClientInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	u := currentUser(c)
	ctx := c.Request().Context()
	ci := cl.ClientInput
	in.apply(&ci)
	if in.changesClient() { // refused before the contact is saved, so nothing is half done
		if !cl.Editable() {
			return models.ErrConflict
		}
		if v := ci.Validate(in.Submit); len(v) > 0 {
			return v
		}
	}
	if in.Contact != nil || in.RemindersPaused != nil { // the contact can change at any stage
		contact, paused := cl.Contact, cl.RemindersPaused
		in.Contact.apply(&contact)
		setSent(&paused, in.RemindersPaused)
		if cl, err = h.store.UpdateContact(ctx, u.OrganisationID, cl.ID, *u, contact, paused); err != nil {
			return err
		}
	}
	updated := cl
	if in.changesClient() {
		if updated, err = h.store.UpdateClient(ctx, u.OrganisationID, cl.ID, *u, ci, in.Submit); err != nil {
			return err
		}
	}
	if in.Submit {
		return h.apiSubmit(c, updated, http.StatusOK)
	}
	return c.JSON(http.StatusOK, h.apiClientOf(c, updated))
}

func (h *Handler) apiSubmitClient(c echo.Context) error {
	cl, err := h.clientParam(c)
	if err != nil {
		return err
	}
	return h.apiSubmit(c, cl, http.StatusOK)
}

// apiSubmit sends the client to Sinch through the engine, as the page
// does: status when Sinch answered, 202 while the engine keeps at it.
func (h *Handler) apiSubmit(c echo.Context, cl models.Client, status int) error {
	u := currentUser(c)
	ctx := c.Request().Context()
	_, err := h.onboard.SubmitClient(ctx, u.OrganisationID, cl.ID, u.Name)
	switch {
	case errors.Is(err, onboarding.ErrInProgress):
		status = http.StatusAccepted
	case errors.Is(err, models.ErrConflict):
		return problemJSON(c, http.StatusConflict, "Already submitted", "This client was already sent to Sinch.", nil)
	case err != nil:
		return err
	}
	fresh, err := h.store.ClientByID(ctx, u.OrganisationID, cl.ID)
	if err != nil {
		return err
	}
	return c.JSON(status, h.apiClientOf(c, fresh))
}

// apiDeleteClient deletes a draft.
func (h *Handler) apiDeleteClient(c echo.Context) error {
	cl, err := h.clientParam(c)
	if err != nil {
		return err
	}
	if _, err := h.store.DeleteClient(c.Request().Context(), cl.OrganisationID, cl.ID); errors.Is(err, models.ErrConflict) {
		return problemJSON(c, http.StatusConflict, "Only drafts can be deleted", "This client was already sent to Sinch.", nil)
	} else if err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
