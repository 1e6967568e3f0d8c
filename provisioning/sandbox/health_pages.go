package sandbox

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	pv "wabadesk/provisioning"
)

// The overview page's health controls: plain forms posting to
// /controls/projects/{projectId}/…, each calling one of the exported
// methods. Success redirects back to the overview (303) with a flash; a
// refused change shows the overview again with the reason.

// choice is one option or button of a control.
type choice struct{ Value, Label string }

// choices are the controls' options, in the page's order.
var choices = struct {
	Ratings, Limits, BanStates, SenderStates, NameOutcomes []choice
}{
	Ratings: []choice{{"GREEN", "GREEN (high)"}, {"YELLOW", "YELLOW (medium)"}, {"RED", "RED (low)"}, {"UNKNOWN", "UNKNOWN"}},
	Limits: []choice{{"TIER_50", "TIER_50 (50 a day)"}, {"TIER_250", "TIER_250 (250 a day)"}, {"TIER_1K", "TIER_1K (1,000 a day)"},
		{"TIER_2K", "TIER_2K (2,000 a day)"}, {"TIER_10K", "TIER_10K (10,000 a day)"}, {"TIER_100K", "TIER_100K (100,000 a day)"},
		{"TIER_UNLIMITED", "TIER_UNLIMITED"}, {"NOT_SET", "NOT_SET"}},
	BanStates:    []choice{{"SCHEDULE_FOR_DISABLE", "Schedule for disable"}, {"DISABLE", "Disable"}, {"REINSTATE", "Reinstate"}},
	SenderStates: []choice{{"SUSPENDED", "Suspend"}, {"INACTIVE", "Deactivate"}, {"ACTIVE", "Reactivate"}},
	NameOutcomes: []choice{{"APPROVED", "Approve name"}, {"REJECTED", "Reject name"}, {"PENDING", "Name change pending"},
		{"DEFERRED", "Defer review"}},
}

// doneMessages are the flashes after a control, by the redirect's done code.
var doneMessages = map[string]string{
	"limit":        "Messaging limit changed; WHATSAPP_ACCOUNT_DAILY_LIMIT_CHANGED was sent to the project's webhooks.",
	"ban":          "WABA ban state changed; WHATSAPP_WABA_ACCOUNT_CHANGED was sent to the project's webhooks.",
	"quality":      "Quality rating changed; WHATSAPP_SENDER_QUALITY_RATING_CHANGED was sent to the project's webhooks.",
	"state":        "Sender state changed; WHATSAPP_SENDER_INACTIVE or WHATSAPP_SENDER_ACTIVE was sent to the project's webhooks.",
	"display-name": "Display-name review recorded; WHATSAPP_SENDER_DISPLAY_NAME_UPDATED was sent to the project's webhooks.",
}

// controlFunc performs one control with the form's values.
type controlFunc func(r *http.Request, projectID, senderID string) error

func (s *Sandbox) controlRoutes(m *http.ServeMux) {
	add := func(path, done string, fn controlFunc) {
		m.HandleFunc("POST /controls/projects/{projectId}"+path, func(w http.ResponseWriter, r *http.Request) {
			s.control(w, r, done, fn)
		})
	}
	add("/account/daily-limit", "limit", func(r *http.Request, p, _ string) error {
		return s.SetBusinessDailyLimit(p, pv.DailyLimit(r.FormValue("limit")))
	})
	add("/account/ban", "ban", func(r *http.Request, p, _ string) error {
		return s.SetWabaBanState(p, pv.WabaBanState(r.FormValue("state")))
	})
	add("/senders/{senderId}/quality", "quality", func(r *http.Request, p, sn string) error {
		return s.SetQualityRating(p, sn, pv.QualityRating(r.FormValue("rating")))
	})
	add("/senders/{senderId}/state", "state", func(r *http.Request, p, sn string) error {
		return s.SetSenderState(p, sn, pv.SenderState(r.FormValue("state")))
	})
	add("/senders/{senderId}/display-name", "display-name", func(r *http.Request, p, sn string) error {
		return s.ReviewDisplayName(p, sn, pv.MetadataStatus(r.FormValue("status")), r.FormValue("value"), r.FormValue("reason"))
	})
}

// control runs fn for a project the visitor may see, then redirects to the
// overview, or answers JSON for curl and tests.
func (s *Sandbox) control(w http.ResponseWriter, r *http.Request, done string, fn controlFunc) {
	projectID, senderID := r.PathValue("projectId"), r.PathValue("senderId")
	err := errNoAccount(projectID) // what another tenant's project looks like: no leak
	if visible(r, projectID) {
		err = fn(r, projectID, senderID)
	}
	status := controlStatus(err)
	if wantsJSON(r) {
		if err != nil {
			writeJSON(w, status, map[string]string{"error": message(err)})
			return
		}
		out := map[string]any{"projectId": projectID}
		if senderID != "" {
			out["senderId"] = senderID
			out["sender"], _ = s.Sender(projectID, senderID)
		} else {
			out["account"], _ = s.Account(projectID)
		}
		writeJSON(w, status, out)
		return
	}
	if err != nil {
		s.showIndex(w, r, status, projectID, "", "Nothing changed: "+message(err))
		return
	}
	back := url.Values{"done": {done}, "project": {projectID}}
	if access := r.FormValue(AccessParam); access != "" {
		back.Set(AccessParam, access)
	}
	frag := (&url.URL{Fragment: "p-" + projectID}).EscapedFragment()
	http.Redirect(w, r, s.publicURL(r)+"/?"+back.Encode()+"#"+frag, http.StatusSeeOther)
}

func controlStatus(err error) int {
	switch {
	case err == nil:
		return http.StatusOK
	case errors.Is(err, ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, ErrBadValue):
		return http.StatusBadRequest
	default: // ErrNotAllowed, ErrUnchanged
		return http.StatusConflict
	}
}

// message is an error for people: one line, without the package prefix.
func message(err error) string {
	return strings.TrimPrefix(err.Error(), "sandbox: ")
}
