package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"wabadesk/models"
	"wabadesk/provisioning/onboarding"
)

// apiSender is a sender (phone number) as the API shows it; field names
// are the form's.
type apiSender struct {
	ID          int64     `json:"id"`
	Stage       string    `json:"stage"`
	StageLabel  string    `json:"stage_label"`
	StageSince  time.Time `json:"stage_since"`
	Verified    bool      `json:"verified"` // a code was accepted; Sinch activates the number next
	Provider    string    `json:"provider"`
	CountryCode string    `json:"country_code"`
	PhoneNumber string    `json:"phone_number"`
	DisplayName string    `json:"display_name"`
	// DisplayNameWarnings are Meta's display-name rules the name seems to break.
	DisplayNameWarnings []apiNameWarning `json:"display_name_warnings"`
	Vertical            string           `json:"vertical"`
	Description         string           `json:"description"`
	Email               string           `json:"email"`
	Address             string           `json:"address"`
	WebsiteOne          string           `json:"website_one"`
	WebsiteTwo          string           `json:"website_two"`
	About               string           `json:"about"`
	PhotoURL            string           `json:"photo_url"`
	Region              string           `json:"region"`
	MetaLocalStorage    string           `json:"meta_local_storage"`
	ErrorCode           string           `json:"error_code"`
	Reason              string           `json:"reason"`
	// Health is what Sinch reports of the live number.
	Health models.SenderHealthReport `json:"health"`
}

func apiSenderOf(c echo.Context, cl models.Client, s models.Sender) apiSender {
	return apiSender{DisplayNameWarnings: apiNameWarnings(c, "display_name", s.DisplayName, cl.Name), ID: s.ID, Stage: string(s.Stage), StageLabel: s.Stage.Label(), StageSince: s.StageSince, Verified: s.Verified(),
		Provider: s.Provider, CountryCode: s.CountryCode, PhoneNumber: s.PhoneNumber, DisplayName: s.DisplayName, Vertical: s.Vertical,
		Description: s.Description, Email: s.Email, Address: s.Address, WebsiteOne: s.WebsiteOne, WebsiteTwo: s.WebsiteTwo,
		About: s.About, PhotoURL: s.PhotoURL, Region: s.Region, MetaLocalStorage: s.MetaLocalStorage, ErrorCode: s.ErrorCode, Reason: s.Reason, Health: s.Report()}
}

// apiSenderInput is what a create or update sends; absent fields of an
// update keep their value.
type apiSenderInput struct {
	Provider         *string `json:"provider"`
	CountryCode      *string `json:"country_code"`
	PhoneNumber      *string `json:"phone_number"`
	DisplayName      *string `json:"display_name"`
	Vertical         *string `json:"vertical"`
	Description      *string `json:"description"`
	Email            *string `json:"email"`
	Address          *string `json:"address"`
	WebsiteOne       *string `json:"website_one"`
	WebsiteTwo       *string `json:"website_two"`
	About            *string `json:"about"`
	PhotoURL         *string `json:"photo_url"`
	Region           *string `json:"region"`
	MetaLocalStorage *string `json:"meta_local_storage"`
	Submit           bool    `json:"submit"`
}

func (in apiSenderInput) apply(s *models.SenderInput) {
	set := setSent[string]
	set(&s.Provider, in.Provider)
	set(&s.CountryCode, in.CountryCode)
	set(&s.PhoneNumber, in.PhoneNumber)
	set(&s.DisplayName, in.DisplayName)
	set(&s.Vertical, in.Vertical)
	set(&s.Description, in.Description)
	set(&s.Email, in.Email)
	set(&s.Address, in.Address)
	set(&s.WebsiteOne, in.WebsiteOne)
	set(&s.WebsiteTwo, in.WebsiteTwo)
	set(&s.About, in.About)
	set(&s.PhotoURL, in.PhotoURL)
	set(&s.Region, in.Region)
	set(&s.MetaLocalStorage, in.MetaLocalStorage)
}

func (h *Handler) apiListSenders(c echo.Context) error {
	cl, err := h.clientParam(c)
	if err != nil {
		return err
	}
	senders, err := h.store.Senders(c.Request().Context(), cl.OrganisationID, cl.ID)
	if err != nil {
		return err
	}
	out := struct {
		Data []apiSender `json:"data"`
	}{Data: []apiSender{}}
	for _, s := range senders {
		out.Data = append(out.Data, apiSenderOf(c, cl, s))
	}
	return c.JSON(http.StatusOK, out)
}

// apiCreateSender adds a sender once the account is onboarded; "submit"
// sends it to Sinch at once.
func (h *Handler) apiCreateSender(c echo.Context) error {
	cl, err := h.clientParam(c)
	if err != nil {
		return err
	}
	var in apiSenderInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	si := models.SenderInput{Provider: models.ProviderCustomer, DisplayName: cl.SenderDisplayName, Vertical: cl.BusinessCategory,
		Region: cl.Region, MetaLocalStorage: cl.MetaLocalStorage}
	in.apply(&si)
	u := currentUser(c)
	snd, err := h.store.CreateSender(c.Request().Context(), u.OrganisationID, cl.ID, *u, si)
	if errors.Is(err, models.ErrConflict) {
		return problemJSON(c, http.StatusConflict, "Not onboarded yet", "A sender can be added once the WhatsApp account is onboarded.", nil)
	}
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, h.link(apiPrefix+"/clients/"+itoa(cl.ID)+"/senders/"+itoa(snd.ID)))
	if in.Submit {
		return h.apiSenderSubmit(c, cl, snd, http.StatusCreated)
	}
	return c.JSON(http.StatusCreated, apiSenderOf(c, cl, snd))
}

func (h *Handler) apiUpdateSender(c echo.Context) error {
	cl, snd, err := h.senderParams(c)
	if err != nil {
		return err
	}
	var in apiSenderInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	if !snd.Stage.Editable() {
		return problemJSON(c, http.StatusConflict, "Not editable now", "This sender cannot be changed while Sinch is working on it.", nil)
	}
	si := snd.SenderInput
	in.apply(&si)
	u := currentUser(c)
	updated, err := h.store.UpdateSender(c.Request().Context(), u.OrganisationID, snd.ID, *u, si)
	if err != nil {
		return err
	}
	if in.Submit {
		return h.apiSenderSubmit(c, cl, updated, http.StatusOK)
	}
	return c.JSON(http.StatusOK, apiSenderOf(c, cl, updated))
}

func (h *Handler) apiSubmitSender(c echo.Context) error {
	cl, snd, err := h.senderParams(c)
	if err != nil {
		return err
	}
	return h.apiSenderSubmit(c, cl, snd, http.StatusOK)
}

func (h *Handler) apiSenderSubmit(c echo.Context, cl models.Client, snd models.Sender, status int) error {
	u := currentUser(c)
	ctx := c.Request().Context()
	_, err := h.onboard.SubmitSender(ctx, u.OrganisationID, cl.ID, snd.ID, u.Name)
	switch {
	case errors.Is(err, onboarding.ErrInProgress):
		status = http.StatusAccepted
	case errors.Is(err, models.ErrConflict):
		return problemJSON(c, http.StatusConflict, "Not possible now", "This sender was already sent to Sinch, or Sinch is working on it.", nil)
	case err != nil:
		return err
	}
	return h.apiSenderNow(c, cl, snd.ID, status)
}

// apiSenderNow answers the sender as stored now.
func (h *Handler) apiSenderNow(c echo.Context, cl models.Client, id int64, status int) error {
	fresh, err := h.store.SenderByID(c.Request().Context(), cl.OrganisationID, cl.ID, id)
	if err != nil {
		return err
	}
	return c.JSON(status, apiSenderOf(c, cl, fresh))
}

func (h *Handler) apiDeleteSender(c echo.Context) error {
	cl, snd, err := h.senderParams(c)
	if err != nil {
		return err
	}
	u := currentUser(c)
	if err := h.onboard.DeleteSender(c.Request().Context(), u.OrganisationID, cl.ID, snd.ID, u.Name); errors.Is(err, onboarding.ErrInProgress) {
		return h.apiSenderNow(c, cl, snd.ID, http.StatusAccepted)
	} else if err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// apiRequestOTP asks Sinch to send the verification code (SMS or VOICE).
func (h *Handler) apiRequestOTP(c echo.Context) error {
	cl, snd, err := h.senderParams(c)
	if err != nil {
		return err
	}
	var in struct {
		Method string `json:"method"`
	}
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	u := currentUser(c)
	if _, err := h.onboard.RequestOTP(c.Request().Context(), u.OrganisationID, cl.ID, snd.ID, in.Method, u.Name, models.SourceStaff); err != nil &&
		!errors.Is(err, onboarding.ErrInProgress) {
		return err
	}
	return h.apiSenderNow(c, cl, snd.ID, http.StatusOK)
}

// apiVerifyOTP passes on the code the client received.
func (h *Handler) apiVerifyOTP(c echo.Context) error {
	cl, snd, err := h.senderParams(c)
	if err != nil {
		return err
	}
	var in struct {
		Code string `json:"code"`
	}
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	u := currentUser(c)
	if _, err := h.onboard.VerifyOTP(c.Request().Context(), u.OrganisationID, cl.ID, snd.ID, in.Code, u.Name, models.SourceStaff); err != nil &&
		!errors.Is(err, onboarding.ErrInProgress) {
		return err
	}
	return h.apiSenderNow(c, cl, snd.ID, http.StatusOK)
}

// apiEvent is one timeline entry.
type apiEvent struct {
	At       time.Time `json:"at"`
	Source   string    `json:"source"`
	Actor    string    `json:"actor"`
	Title    string    `json:"title"`
	Detail   string    `json:"detail"`
	SenderID *int64    `json:"sender_id"`
}

func (h *Handler) apiListEvents(c echo.Context) error {
	cl, err := h.clientParam(c)
	if err != nil {
		return err
	}
	events, err := h.store.Events(c.Request().Context(), cl.OrganisationID, cl.ID, 500)
	if err != nil {
		return err
	}
	out := struct {
		Data []apiEvent `json:"data"`
	}{Data: []apiEvent{}}
	for _, e := range events {
		out.Data = append(out.Data, apiEvent{At: e.At, Source: e.Source, Actor: e.Actor, Title: e.Title, Detail: e.Detail, SenderID: e.SenderID})
	}
	return c.JSON(http.StatusOK, out)
}

// apiCreateComment writes to Sinch support about the account, or about
// one sender with sender_id.
func (h *Handler) apiCreateComment(c echo.Context) error {
	cl, err := h.clientParam(c)
	if err != nil {
		return err
	}
	var in struct {
		Comment  string `json:"comment"`
		SenderID int64  `json:"sender_id"`
	}
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	ctx, u := c.Request().Context(), currentUser(c)
	if in.SenderID != 0 {
		if _, err := h.store.SenderByID(ctx, cl.OrganisationID, cl.ID, in.SenderID); errors.Is(err, models.ErrNotFound) {
			return models.ValidationError{"sender_id": "No such sender of this client."}
		} else if err != nil {
			return err
		}
	}
	err = h.onboard.Comment(ctx, u.OrganisationID, cl.ID, in.SenderID, in.Comment, u.Name)
	switch {
	case errors.Is(err, onboarding.ErrInProgress):
		return c.JSON(http.StatusAccepted, map[string]string{"status": "sending"})
	case err != nil:
		return err
	}
	return c.JSON(http.StatusCreated, map[string]string{"status": "sent"})
}

// apiLink is a client link; the URL is in the answer that created it only.
type apiLink struct {
	ID         int64      `json:"id"`
	URL        string     `json:"url,omitempty"`
	Active     bool       `json:"active"`
	CreatedBy  string     `json:"created_by"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  time.Time  `json:"expires_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
	Opens      int        `json:"opens"`
	LastOpened *time.Time `json:"last_opened_at"`
}

func (h *Handler) apiLinkOf(l models.Link) apiLink {
	return apiLink{ID: l.ID, Active: l.Active(h.store.Now()), CreatedBy: l.CreatedByName, CreatedAt: l.CreatedAt, ExpiresAt: l.ExpiresAt,
		RevokedAt: l.RevokedAt, Opens: l.Opens, LastOpened: l.LastOpenedAt}
}

func (h *Handler) apiListLinks(c echo.Context) error {
	cl, err := h.clientParam(c)
	if err != nil {
		return err
	}
	links, err := h.store.Links(c.Request().Context(), cl.OrganisationID, cl.ID)
	if err != nil {
		return err
	}
	out := struct {
		Data []apiLink `json:"data"`
	}{Data: []apiLink{}}
	for _, l := range links {
		out.Data = append(out.Data, h.apiLinkOf(l))
	}
	return c.JSON(http.StatusOK, out)
}

// apiCreateLink makes a client link for days (7, 30 or 90; 30 when
// absent); its URL is in this answer only.
func (h *Handler) apiCreateLink(c echo.Context) error {
	cl, err := h.clientParam(c)
	if err != nil {
		return err
	}
	var in struct {
		Days int `json:"days"`
	}
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	lifetime := models.DefaultLinkLifetime
	if in.Days != 0 {
		lifetime = time.Duration(in.Days) * 24 * time.Hour
		if !validLifetime(lifetime) {
			return models.ValidationError{"days": "Use 7, 30 or 90."}
		}
	}
	u := currentUser(c)
	l, token, err := h.store.CreateLink(c.Request().Context(), u.OrganisationID, cl.ID, *u, lifetime)
	if err != nil {
		return err
	}
	out := h.apiLinkOf(l)
	out.URL = h.link(portalPrefix + token)
	return c.JSON(http.StatusCreated, out)
}

func (h *Handler) apiRevokeLink(c echo.Context) error {
	cl, err := h.clientParam(c)
	if err != nil {
		return err
	}
	lid, err := strconv.ParseInt(c.Param("lid"), 10, 64)
	if err != nil {
		return models.ErrNotFound
	}
	l, err := h.store.RevokeLink(c.Request().Context(), cl.OrganisationID, cl.ID, lid, *currentUser(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, h.apiLinkOf(l))
}
