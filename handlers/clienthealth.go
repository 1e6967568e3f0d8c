package handlers

import (
	"slices"
	"time"

	"wabadesk/models"
	"wabadesk/views"
)

// The client page's health panel and the list's health column: what
// Sinch reported after onboarding, in staff's words (what it is, since
// when, what it means, what to do). ../shared/meta-rules.md has the facts.

var qualityWords = map[string]views.HealthSignal{
	"GREEN": {Value: "High", Level: "ok", Meaning: "People receiving this number's messages rarely block or report them."},
	"YELLOW": {Value: "Medium", Level: "warn",
		Meaning: "People block or report this number's messages more than usual. Meta does not raise the messaging limit while quality is medium.",
		Action:  "Check the client's recent campaigns: send only to people who opted in, keep templates relevant and make opting out easy."},
	"RED": {Value: "Low", Level: "bad",
		Meaning: "Many people block or report this number's messages. Meta may lower the messaging limit or restrict the number.",
		Action:  "Ask the client to pause marketing messages now, review who receives them, and resume slowly once the rating recovers."},
	"UNKNOWN": {Value: "Not rated yet", Level: "ok", Meaning: "Meta rates quality once the number has sent enough messages."},
}

var nameWords = map[string]views.HealthSignal{
	"APPROVED": {Value: "Approved", Level: "ok", Meaning: "People see this name in WhatsApp."},
	"PENDING": {Value: "In review at Meta", Level: "info",
		Meaning: "Meta is reviewing the name. Only one name change can be in review at a time.",
		Action:  "Nothing to do: this updates by itself when Meta decides."},
	"DEFERRED": {Value: "Review deferred", Level: "info",
		Meaning: "Meta reviews the name when the Business Portfolio reaches a higher messaging limit."},
	"REJECTED": {Value: "Rejected", Level: "bad",
		Meaning: "Until a name is approved, the number can start only 250 business-initiated conversations a day.",
		Action:  "Change the display name so it follows Meta's rules (see below) and submit the sender again."},
}

var banWords = map[string]views.HealthSignal{
	"SCHEDULE_FOR_DISABLE": {Value: "To be disabled", Level: "bad",
		Meaning: "Meta found policy violations and will disable the WhatsApp account, and every number in it.",
		Action:  "Ask the client to open WhatsApp Manager → Account quality, fix what Meta lists and request a review before the date."},
	"DISABLE": {Value: "Disabled", Level: "bad",
		Meaning: "Meta disabled the WhatsApp account: none of its numbers can send messages.",
		Action:  "The client can request a review in WhatsApp Manager → Account quality; tell Sinch support with a comment below."},
	"REINSTATE": {Value: "Reinstated", Level: "ok", Meaning: "Meta reviewed the account and lifted the restriction."},
}

// healthSignals are the panel's lines: the account's, then each live
// sender's; those who may edit get the fix links. Nothing reported yet
// gives none.
func healthSignals(cl models.Client, senders []models.Sender, canEdit bool, now time.Time) []views.HealthSignal {
	var out []views.HealthSignal
	when := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return ago(*t, now)
	}
	if w, ok := banWords[cl.BanState]; ok {
		w.Label, w.Since = "WhatsApp account", when(cl.BanSince)
		if cl.BanDate != "" {
			w.Value += " (" + models.BanDateLabel(cl.BanDate) + ")"
		}
		out = append(out, w)
	}
	if cl.DailyLimit != "" {
		w := views.HealthSignal{Label: "Messaging limit", Value: models.LimitLabel(cl.DailyLimit), Level: "ok", Since: when(cl.LimitSince),
			Meaning: "Business-initiated conversations the client's Business Portfolio can start in 24 hours, shared by all its numbers."}
		if cl.LowLimit() {
			w.Level, w.Action = "warn", "Meta raises the limit as quality stays high; a verified business (Meta Business Suite → Security Centre) gets there sooner."
		}
		out = append(out, w)
	}
	for _, snd := range senders {
		if snd.Stage == models.SenderDeleted {
			continue
		}
		number := orDash(snd.Phone())
		if snd.SinchState == "SUSPENDED" {
			out = append(out, views.HealthSignal{Label: "Number " + number, Value: "Suspended by Meta", Level: "bad",
				Meaning: "The number cannot send messages.", Action: "Ask Sinch support with a comment below; Meta explains suspensions in WhatsApp Manager."})
		}
		if w, ok := qualityWords[snd.QualityRating]; ok {
			w.Label, w.Since = "Quality of "+number, when(snd.QualitySince)
			out = append(out, w)
		}
		if w, ok := nameWords[snd.NameStatus]; ok {
			w.Label, w.Since = "Display name of "+number, when(snd.NameSince)
			if snd.NameValue != "" {
				w.Value += ": \u201c" + snd.NameValue + "\u201d"
			}
			if snd.NameReason != "" {
				w.Meaning = "Meta's reason: " + snd.NameReason + ". " + w.Meaning
			}
			if snd.NameStatus == "REJECTED" && canEdit {
				w.FixURL = clientURL(cl.ID) + "/senders/" + itoa(snd.ID) + "/edit#f-display_name"
			}
			out = append(out, w)
		}
	}
	// The worst first, as staff read down the panel.
	order := []string{"bad", "warn", "info", "ok"}
	slices.SortStableFunc(out, func(a, b views.HealthSignal) int { return slices.Index(order, a.Level) - slices.Index(order, b.Level) })
	return out
}

// healthBadge is the list's word for a client's worst signal, if any.
func healthBadge(cl models.Client) (string, string) {
	switch {
	case cl.BanState == "DISABLE":
		return "WABA disabled", "badge-danger"
	case cl.BanState == "SCHEDULE_FOR_DISABLE":
		return "WABA to be disabled", "badge-danger"
	case cl.HealthSuspended:
		return "Number suspended", "badge-danger"
	case cl.HealthQuality == "RED":
		return "Quality low", "badge-danger"
	case cl.HealthName == "REJECTED":
		return "Name rejected", "badge-danger"
	case cl.HealthQuality == "YELLOW":
		return "Quality medium", "badge-warn"
	case cl.LowLimit():
		return "Limit " + models.LimitLabel(cl.DailyLimit), "badge-warn"
	case cl.HealthName == "PENDING" || cl.HealthName == "DEFERRED":
		return "Name in review", "badge-info"
	case cl.HealthQuality == "GREEN":
		return "Healthy", "badge-ok"
	}
	return "", ""
}

// healthFilterLabels name the list's health filters.
var healthFilterLabels = map[string]string{
	models.HealthDropped: "Quality dropped", models.HealthLimited: "Limited",
	models.HealthNameRejected: "Name rejected", models.HealthRestricted: "Restricted",
}
