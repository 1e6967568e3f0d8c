package handlers

import (
	"cmp"
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"wabadesk/models"
	"wabadesk/provisioning/onboarding"
	"wabadesk/views"
)

type senderForm struct {
	models.SenderInput
	Action     string `form:"action"`
	NameReason string `form:"name_reason"` // why a display name with warnings is right
}

func senderFormOf(f senderForm, errs map[string]string) views.Form {
	form := formOf(&f.SenderInput, errs)
	form.Values["name_reason"] = f.NameReason
	return form
}

// reviewSenderName checks the display name of a sender being submitted,
// as reviewClientName does a client's (a locked number's form lacks the
// phone, so the input's own problems wait for the save).
func reviewSenderName(c echo.Context, cl models.Client, f senderForm) (nameReview, map[string]string) {
	if f.Action != "submit" {
		return nameReview{}, nil
	}
	return reviewName(c, "display_name", f.DisplayName, cl.Name, f.NameReason)
}

// senderParams loads the :id client and :sid sender of the current tenant.
func (h *Handler) senderParams(c echo.Context) (models.Client, models.Sender, error) {
	cl, err := h.clientParam(c)
	if err != nil {
		return cl, models.Sender{}, err
	}
	sid, err := strconv.ParseInt(c.Param("sid"), 10, 64)
	if err != nil {
		return cl, models.Sender{}, models.ErrNotFound
	}
	snd, err := h.store.SenderByID(c.Request().Context(), cl.OrganisationID, cl.ID, sid)
	return cl, snd, err
}

func (h *Handler) newSender(c echo.Context) error {
	cl, err := h.clientParam(c)
	if err != nil {
		return err
	}
	if cl.AccountStage != models.AccountOnboarded {
		h.flash(c, "info", "A sender can be added once the WhatsApp account is onboarded.")
		return redirect(c, clientURL(cl.ID))
	}
	form := views.Form{Values: map[string]string{"provider": models.ProviderCustomer, "display_name": cl.SenderDisplayName,
		"vertical": cl.BusinessCategory, "region": cl.Region, "meta_local_storage": cl.MetaLocalStorage}}
	return h.renderSenderForm(c, http.StatusOK, cl, nil, form)
}

func (h *Handler) createSender(c echo.Context) error {
	cl, err := h.clientParam(c)
	if err != nil {
		return err
	}
	var f senderForm
	if err := c.Bind(&f); err != nil {
		return err
	}
	review, ask := reviewSenderName(c, cl, f)
	if ask != nil {
		return h.renderSenderForm(c, http.StatusUnprocessableEntity, cl, nil, senderFormOf(f, ask))
	}
	u := currentUser(c)
	snd, err := h.store.CreateSender(c.Request().Context(), u.OrganisationID, cl.ID, *u, f.SenderInput)
	if v, ok := models.AsValidation(err); ok {
		return h.renderSenderForm(c, http.StatusUnprocessableEntity, cl, nil, senderFormOf(f, v))
	}
	if errors.Is(err, models.ErrConflict) {
		h.flash(c, "info", "A sender can be added once the WhatsApp account is onboarded.")
		return redirect(c, clientURL(cl.ID))
	}
	if err != nil {
		return err
	}
	return h.afterSenderSave(c, cl, snd, f, review)
}

func (h *Handler) editSender(c echo.Context) error {
	cl, snd, err := h.senderParams(c)
	if err != nil {
		return err
	}
	if !snd.Stage.Editable() {
		h.flash(c, "info", "This sender cannot be changed while Sinch is working on it.")
		return redirect(c, clientURL(cl.ID))
	}
	return h.renderSenderForm(c, http.StatusOK, cl, &snd, formOf(&snd.SenderInput, snd.FieldErrors()))
}

func (h *Handler) updateSender(c echo.Context) error {
	cl, snd, err := h.senderParams(c)
	if err != nil {
		return err
	}
	var f senderForm
	if err := c.Bind(&f); err != nil {
		return err
	}
	review, ask := reviewSenderName(c, cl, f)
	if ask != nil {
		return h.renderSenderForm(c, http.StatusUnprocessableEntity, cl, &snd, senderFormOf(f, ask))
	}
	u := currentUser(c)
	updated, err := h.store.UpdateSender(c.Request().Context(), u.OrganisationID, snd.ID, *u, f.SenderInput)
	if v, ok := models.AsValidation(err); ok {
		return h.renderSenderForm(c, http.StatusUnprocessableEntity, cl, &snd, senderFormOf(f, v))
	}
	if errors.Is(err, models.ErrConflict) {
		h.flash(c, "info", "This sender cannot be changed while Sinch is working on it.")
		return redirect(c, clientURL(cl.ID))
	}
	if err != nil {
		return err
	}
	return h.afterSenderSave(c, cl, updated, f, review)
}

// afterSenderSave submits when asked and shows the outcome.
func (h *Handler) afterSenderSave(c echo.Context, cl models.Client, snd models.Sender, f senderForm, review nameReview) error {
	if f.Action != "submit" {
		h.flash(c, "success", "Sender saved as a draft.")
		return redirect(c, clientURL(cl.ID))
	}
	if err := h.recordNameReview(c, cl.ID, &snd.ID, review); err != nil {
		return err
	}
	u := currentUser(c)
	out, err := h.onboard.SubmitSender(c.Request().Context(), u.OrganisationID, cl.ID, snd.ID, u.Name)
	if v, ok := models.AsValidation(err); ok {
		return h.renderSenderForm(c, http.StatusUnprocessableEntity, cl, &out, senderFormOf(f, v))
	}
	if errors.Is(err, onboarding.ErrInProgress) {
		h.flash(c, "info", "Submitting the sender to Sinch — this page updates by itself when Sinch answers.")
		return redirect(c, clientURL(cl.ID))
	}
	if err != nil {
		return err
	}
	// No flash: the sender's stage (and its queued note) say it and stay true.
	return redirect(c, clientURL(cl.ID))
}

func (h *Handler) submitSender(c echo.Context) error {
	cl, snd, err := h.senderParams(c)
	if err != nil {
		return err
	}
	f := senderForm{SenderInput: snd.SenderInput, Action: "submit"}
	if _, ask := reviewSenderName(c, cl, f); ask != nil { // a display name with warnings: the form asks why it is right
		return h.renderSenderForm(c, http.StatusUnprocessableEntity, cl, &snd, senderFormOf(f, ask))
	}
	return h.afterSenderSave(c, cl, snd, f, nameReview{})
}

func (h *Handler) renderSenderForm(c echo.Context, status int, cl models.Client, snd *models.Sender, form views.Form) error {
	v := views.SenderFormView{Title: "Add a sender", ClientName: cl.Name, Action: clientURL(cl.ID) + "/senders", CancelURL: clientURL(cl.ID),
		Form: form, Verticals: options(models.SenderVerticals, "Choose a vertical"),
		Regions: options(models.Regions, "Account's region"), Storages: options(models.MetaLocalStorages, "Region default"),
		NameCheck: "/name-check?field=display_name&name=" + url.QueryEscape(cl.Name)}
	if snd != nil && snd.ID != 0 {
		v.Title, v.Action = "Edit sender "+snd.Phone(), clientURL(cl.ID)+"/senders/"+itoa(snd.ID)
		v.Locked = snd.SinchID != ""
		v.Resubmit = snd.Stage == models.SenderRejected || snd.Stage == models.SenderError
		if snd.NameStatus == "REJECTED" {
			v.Rejection = "Meta rejected the display name \u201c" + cmp.Or(snd.NameValue, snd.DisplayName) + "\u201d"
			if snd.NameReason != "" {
				v.Rejection += ": " + snd.NameReason
			}
			v.Rejection += ". Change it below and submit again."
		}
	}
	v.Form = withNameNotes(c, form, "display_name", cl.Name)
	return render(c, status, views.SenderFormPage(h.page(c, v.Title, "clients"), v))
}

// senderAction runs one Sinch action on a sender and reports the result.
func (h *Handler) senderAction(c echo.Context, run func(u *models.User, cl models.Client, snd models.Sender) error, done string) error {
	cl, snd, err := h.senderParams(c)
	if err != nil {
		return err
	}
	err = run(currentUser(c), cl, snd)
	if v, ok := models.AsValidation(err); ok && v["method"] == "" && v["code"] == "" && v["comment"] == "" {
		// Nothing to show next to a field: say it at the top of the page.
		for _, msg := range v {
			h.flash(c, "error", msg)
		}
		return redirect(c, clientURL(cl.ID))
	}
	if v, ok := models.AsValidation(err); ok {
		return h.renderClient(c, http.StatusUnprocessableEntity, cl, clientForms{otp: map[int64]views.Form{snd.ID: {
			Values: map[string]string{"method": c.FormValue("method"), "code": c.FormValue("code"), "comment": c.FormValue("comment")}, Errors: v}}})
	}
	if errors.Is(err, onboarding.ErrInProgress) {
		h.flash(c, "info", "Still waiting for Sinch — this page updates by itself when it answers.")
		return redirect(c, clientURL(cl.ID))
	}
	if errors.Is(err, models.ErrConflict) {
		h.flash(c, "info", "That is not possible for this sender right now.")
		return redirect(c, clientURL(cl.ID))
	}
	if msg, ok := sinchProblem(err); ok {
		h.flash(c, "error", msg)
		return redirect(c, clientURL(cl.ID))
	}
	if err != nil {
		return err
	}
	if done != "" { // a verified number says so on its card instead
		h.flash(c, "success", done)
	}
	return redirect(c, clientURL(cl.ID))
}

func (h *Handler) discardSender(c echo.Context) error {
	return h.senderAction(c, func(u *models.User, cl models.Client, snd models.Sender) error {
		return h.onboard.DiscardSenderChanges(c.Request().Context(), u.OrganisationID, cl.ID, snd.ID, u.Name)
	}, "Pending changes discarded at Sinch.")
}

func (h *Handler) deleteSender(c echo.Context) error {
	return h.senderAction(c, func(u *models.User, cl models.Client, snd models.Sender) error {
		return h.onboard.DeleteSender(c.Request().Context(), u.OrganisationID, cl.ID, snd.ID, u.Name)
	}, "Sender deleted. Sinch keeps it working for 30 days, then removes it.")
}

func (h *Handler) requestOTP(c echo.Context) error {
	return h.senderAction(c, func(u *models.User, cl models.Client, snd models.Sender) error {
		_, err := h.onboard.RequestOTP(c.Request().Context(), u.OrganisationID, cl.ID, snd.ID, c.FormValue("method"), u.Name, models.SourceStaff)
		return err
	}, "Code sent. Ask the client for the 6 digits and enter them below.")
}

func (h *Handler) verifyOTP(c echo.Context) error {
	return h.senderAction(c, func(u *models.User, cl models.Client, snd models.Sender) error {
		_, err := h.onboard.VerifyOTP(c.Request().Context(), u.OrganisationID, cl.ID, snd.ID, c.FormValue("code"), u.Name, models.SourceStaff)
		return err
	}, "")
}

// createSenderComment posts a comment to Sinch about one sender.
func (h *Handler) createSenderComment(c echo.Context) error {
	return h.senderAction(c, func(u *models.User, cl models.Client, snd models.Sender) error {
		return h.onboard.Comment(c.Request().Context(), u.OrganisationID, cl.ID, snd.ID, c.FormValue("comment"), u.Name)
	}, "Comment sent to Sinch.")
}
