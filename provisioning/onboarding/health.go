package onboarding

import (
	"wabadesk/models"
	"wabadesk/provisioning"
)

// applyAccountHealth copies the account's messaging limit (the Business
// Portfolio's, since October 2025) and the WABA's ban state, with a
// timeline event for each change. Empty values (an account Sinch has not
// onboarded yet) leave ours as they are.
func applyAccountHealth(c *models.Client, a *provisioning.Account) []models.Event {
	var events []models.Event
	if l := string(a.BusinessDailyLimit); l != "" && l != c.DailyLimit {
		events = append(events, models.Event{Source: models.SourceSinch, Title: "Messaging limit: " + models.LimitLabel(l),
			Detail: "Meta sets the limit for the whole Business Portfolio: business-initiated conversations in a rolling 24 hours."})
		c.DailyLimit = l
	}
	if b := a.WabaBanState; b != c.BanState && (b != "" || c.BanState != "") {
		c.BanState, c.BanDate = b, a.WabaBanDate
		if title := banTitles[b]; title != "" {
			e := models.Event{Source: models.SourceSinch, Title: title}
			if a.WabaBanDate != "" {
				e.Detail = "Date given by Meta: " + models.BanDateLabel(a.WabaBanDate)
			}
			events = append(events, e)
		}
	}
	return events
}

var banTitles = map[string]string{
	"SCHEDULE_FOR_DISABLE": "Meta scheduled the WhatsApp account to be disabled",
	"DISABLE":              "Meta disabled the WhatsApp account",
	"REINSTATE":            "Meta reinstated the WhatsApp account",
}

// applySenderHealth copies the sender's quality rating, display-name
// review and Sinch state, with a timeline event for each change.
func applySenderHealth(s *models.Sender, snd *provisioning.Sender) []models.Event {
	var events []models.Event
	if q := string(snd.QualityRating); q != "" && q != s.QualityRating {
		events = append(events, models.Event{Source: models.SourceSinch, Title: "Quality rating: " + models.QualityLabel(q)})
		s.QualityRating = q
	}
	if snd.Metadata != nil && snd.Metadata.DisplayName != nil {
		dn := snd.Metadata.DisplayName
		status, value := string(dn.Status), dn.Value
		if status != s.NameStatus || value != s.NameValue || dn.RejectionReason != s.NameReason {
			e := models.Event{Source: models.SourceSinch, Title: models.NameStatusTitle(status, value)}
			if dn.RejectionReason != "" {
				e.Detail = "Meta's reason: " + dn.RejectionReason
			}
			events = append(events, e)
			s.NameStatus, s.NameValue, s.NameReason = status, value, dn.RejectionReason
		}
	}
	if st := string(snd.State); st != s.SinchState {
		if st == string(provisioning.SenderSuspended) {
			events = append(events, models.Event{Source: models.SourceSinch, Title: "Meta suspended the number"})
		}
		s.SinchState = st
	}
	return events
}
