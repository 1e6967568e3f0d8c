package handlers

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"wabadesk/models"
	"wabadesk/views"
)

// The display-name check of the client and sender forms (the rules are
// models.LintDisplayName): shown with the form, live while typing (GET
// /name-check, htmx) and after a save without JavaScript. Warnings never
// block; submitting over one asks once for a reason, which goes on the
// client's timeline.

// nameFields are the forms' display-name fields with the length Sinch
// accepts for each: the account's sender details, and a sender's.
var nameFields = map[string]int{"sender_display_name": 255, "display_name": 128}

// nameCheck answers the live check: the notes for the typed ?field=, with
// ?name= the client's name (a domain may be the brand itself).
func (h *Handler) nameCheck(c echo.Context) error {
	field := c.QueryParam("field")
	if _, ok := nameFields[field]; !ok {
		return echo.ErrNotFound
	}
	ws := lintName(c, field, c.QueryParam(field), c.QueryParam("name"))
	return render(c, http.StatusOK, views.NameNotes(field, nameNotes(ws)))
}

// lintName checks a name typed in field.
func lintName(c echo.Context, field, name, brand string) []models.NameWarning {
	return models.LintDisplayName(name, nameContext(c, field, brand))
}

// nameContext is what the rules compare a name in field with: the
// organisation's own brand, and the client's name.
func nameContext(c echo.Context, field, brand string) models.NameContext {
	return models.NameContext{MaxLength: nameFields[field], Reseller: currentUser(c).Organisation.Brand(), Brand: brand}
}

// apiNameWarning is a display-name rule a name seems to break, in the API.
type apiNameWarning struct {
	Rule    string `json:"rule"`
	Message string `json:"message"`
	Hint    bool   `json:"hint"`
}

// apiNameWarnings lints a stored display name for the API; never null.
func apiNameWarnings(c echo.Context, field, name, brand string) []apiNameWarning {
	out := []apiNameWarning{}
	for _, w := range lintName(c, field, name, brand) {
		out = append(out, apiNameWarning{Rule: w.Rule, Message: w.Message, Hint: w.Hint})
	}
	return out
}

// withNameNotes adds the notes for field's typed name to form.
func withNameNotes(c echo.Context, form views.Form, field, brand string) views.Form {
	form.Names = map[string][]views.NameNote{field: nameNotes(lintName(c, field, form.Value(field), brand))}
	return form
}

func nameNotes(ws []models.NameWarning) []views.NameNote {
	out := make([]views.NameNote, len(ws))
	for i, w := range ws {
		out[i] = views.NameNote{Rule: w.Rule, Message: w.Message, Hint: w.Hint}
	}
	return out
}

// nameReview is the check of a display name being submitted.
type nameReview struct {
	name     string
	warnings []models.NameWarning // the ones that ask for a reason
	reason   string
}

// reviewName checks the display name of a submission: warnings without a
// reason come back as the form's message for name_reason.
func reviewName(c echo.Context, field, name, brand, reason string) (nameReview, map[string]string) {
	r := nameReview{name: strings.TrimSpace(name), warnings: models.Warnings(lintName(c, field, name, brand)), reason: strings.TrimSpace(reason)}
	if len(r.warnings) == 0 || r.reason != "" {
		return r, nil
	}
	return r, map[string]string{"name_reason": fmt.Sprintf("Meta's reviewers may reject this display name (%s). Change it, or say here why it is right.",
		models.RuleIDs(r.warnings))}
}

// record puts a name submitted over warnings on the client's timeline.
func (h *Handler) recordNameReview(c echo.Context, clientID int64, senderID *int64, r nameReview) error {
	if len(r.warnings) == 0 {
		return nil
	}
	u := currentUser(c)
	return h.store.AddEvent(c.Request().Context(), u.OrganisationID, models.Event{ClientID: clientID, SenderID: senderID,
		At: h.store.Now(), Source: models.SourceStaff, Actor: u.Name,
		Title:  fmt.Sprintf("Display name %q submitted despite Meta's rules (%s)", r.name, models.RuleIDs(r.warnings)),
		Detail: "Reason: " + r.reason})
}
