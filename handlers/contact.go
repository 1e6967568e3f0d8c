package handlers

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"wabadesk/models"
	"wabadesk/views"
)

var contactLanguages = []views.Option{{Value: "en", Label: "English"}, {Value: "es", Label: "Spanish (Español)"}, {Value: "pt", Label: "Portuguese (Português)"}}

type contactForm struct {
	models.Contact
	Paused string `form:"reminders_paused"`
}

// contactCard is the contact section of the client page; form is a
// refused one coming back.
func (h *Handler) contactCard(cl models.Client, form *views.Form, canAct bool) views.ContactCard {
	card := views.ContactCard{Languages: contactLanguages, Email: cl.ContactEmail, CanEdit: canAct}
	if form != nil {
		card.Form = *form
	} else {
		card.Form = views.Form{Values: map[string]string{"contact_name": cl.ContactName, "contact_email": cl.ContactEmail,
			"contact_language": cl.ContactLanguage, "reminders_paused": map[bool]string{true: "on"}[cl.RemindersPaused]}}
	}
	switch {
	case cl.ContactEmail == "":
		card.Reminders = "No reminders: add the contact's e-mail."
	case cl.RemindersUnsubscribed:
		card.Reminders = "No reminders: the contact unsubscribed. Changing the address starts them again."
	case cl.RemindersPaused:
		card.Reminders = "Reminders are paused for this client."
	default:
		card.Reminders = "Reminders go to " + cl.ContactEmail + " while the client must act (unless they are off in Settings)."
	}
	return card
}

// updateContact saves who the business client's e-mails go to.
func (h *Handler) updateContact(c echo.Context) error {
	cl, err := h.clientParam(c)
	if err != nil {
		return err
	}
	var f contactForm
	if err := c.Bind(&f); err != nil {
		return err
	}
	u := currentUser(c)
	_, err = h.store.UpdateContact(c.Request().Context(), u.OrganisationID, cl.ID, *u, f.Contact, f.Paused == "on")
	if v, ok := models.AsValidation(err); ok {
		form := formOf(&f.Contact, v)
		form.Values["reminders_paused"] = f.Paused
		return h.renderClient(c, http.StatusUnprocessableEntity, cl, clientForms{contact: &form})
	}
	if err != nil {
		return err
	}
	auditDetail(c, f.ContactEmail)
	h.flash(c, "success", "Contact saved.")
	return redirect(c, clientURL(cl.ID)+"#contact")
}

// mailLink e-mails the link just created (its URL comes back from the
// page that showed it) to the client's contact.
func (h *Handler) mailLink(c echo.Context) error {
	cl, err := h.clientParam(c)
	if err != nil {
		return err
	}
	u := currentUser(c)
	token := strings.TrimPrefix(c.FormValue("link"), h.link(portalPrefix))
	_, err = h.store.SendLinkByMail(c.Request().Context(), u.OrganisationID, cl.ID, token, *u)
	switch {
	case errors.Is(err, models.ErrNoContactEmail):
		h.flash(c, "error", "Add the contact's e-mail first (Contact, below), then create a new link and send it.")
		return redirect(c, clientURL(cl.ID)+"#contact")
	case errors.Is(err, models.ErrLinkGone):
		h.flash(c, "error", "That link no longer works: create a new one.")
		return redirect(c, clientURL(cl.ID)+"#links")
	case err != nil:
		return err
	}
	h.cfg.Mail.Kick()
	auditDetail(c, cl.ContactEmail)
	h.flash(c, "success", "Client link e-mailed to "+cl.ContactEmail+". The timeline shows when it was sent.")
	return redirect(c, clientURL(cl.ID)+"#links")
}

// unsubscribePrefix is where reminders' unsubscribe links point.
const unsubscribePrefix = "/unsubscribe/"

// showUnsubscribe is where a reminder's "stop these reminders" link lands:
// a page with one button, so that a mail scanner following links does not
// unsubscribe anyone.
func (h *Handler) showUnsubscribe(c echo.Context) error {
	v, err := h.unsubscribeView(c)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.UnsubscribePage(v))
}

// createUnsubscribe stops the client's reminders: the page's button, and
// mail programs' one-click unsubscribe (RFC 8058), which posts without a
// session or CSRF token; the signed token is the authority.
func (h *Handler) createUnsubscribe(c echo.Context) error {
	v, err := h.unsubscribeView(c)
	if err != nil {
		return err
	}
	tenantID, clientID, _ := h.cfg.Mail.ParseUnsubscribe(c.Param("token"))
	if _, err := h.store.Unsubscribe(c.Request().Context(), tenantID, clientID); err != nil {
		return err
	}
	v.Done = true
	return render(c, http.StatusOK, views.UnsubscribePage(v))
}

func (h *Handler) unsubscribeView(c echo.Context) (views.UnsubscribeView, error) {
	tenantID, clientID, ok := h.cfg.Mail.ParseUnsubscribe(c.Param("token"))
	if !ok {
		return views.UnsubscribeView{}, models.ErrNotFound
	}
	ctx := c.Request().Context()
	cl, err := h.store.ClientByID(ctx, tenantID, clientID)
	if err != nil {
		return views.UnsubscribeView{}, err
	}
	org, err := h.store.OrganisationByID(ctx, tenantID)
	if err != nil {
		return views.UnsubscribeView{}, err
	}
	lang := views.ParseLang(c.QueryParam("lang"), cl.ContactLanguage)
	return views.UnsubscribeView{Lang: lang, Brand: org.Brand(), Client: cl.Name, Action: c.Request().URL.Path,
		Done: cl.RemindersUnsubscribed && c.Request().Method == http.MethodGet}, nil
}
