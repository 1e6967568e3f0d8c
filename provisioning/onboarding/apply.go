package onboarding

import (
	"math/rand/v2"
	"time"

	"wabadesk/models"
	"wabadesk/provisioning"
)

// accountStage maps Sinch's account to our stage. A brand-new account has
// only changes.status; an onboarded one may carry pending changes too.
func accountStage(a *provisioning.Account) models.AccountStage {
	switch a.Status() {
	case string(provisioning.AccountOnboarded):
		return models.AccountOnboarded
	case string(provisioning.AccountPendingFacebookVerification):
		return models.AccountPendingMeta
	case string(provisioning.AccountRejected):
		return models.AccountRejected
	}
	return models.AccountPreparing // IN_PROGRESS, DRAFT at Sinch, or unknown values
}

var accountTitles = map[models.AccountStage]string{
	models.AccountPreparing:   "Sinch is preparing the WhatsApp account request at Meta",
	models.AccountPendingMeta: "Waiting for the client to approve the request at Meta",
	models.AccountOnboarded:   "WhatsApp account onboarded",
	models.AccountRejected:    "WhatsApp account rejected",
}

// applyAccount copies Sinch's view of the account onto c and says what
// changed. Applying the same account twice changes nothing.
func applyAccount(c *models.Client, a *provisioning.Account) []models.Event {
	if a == nil {
		return nil
	}
	if a.WabaID != "" {
		c.WabaID = a.WabaID
	}
	if a.PartnerInitiatedRequestID != "" {
		c.MetaRequestID = a.PartnerInitiatedRequestID
	}
	events := applyAccountHealth(c, a)
	stage := accountStage(a)
	if stage == c.AccountStage {
		return events
	}
	c.AccountStage = stage
	if stage != models.AccountRejected {
		c.RejectionReason = ""
	}
	e := models.Event{Source: models.SourceSinch, Title: accountTitles[stage]}
	if stage == models.AccountOnboarded && c.WabaID != "" {
		e.Detail = "WABA ID " + c.WabaID
	}
	return append(events, e)
}

// senderStage maps Sinch's sender to our stage: pending changes (a new
// sender, an error, a rejection) speak louder than the current state.
func senderStage(snd *provisioning.Sender) models.SenderStage {
	if snd.Changes != nil {
		switch snd.Changes.Status {
		case provisioning.SenderChangeError, provisioning.SenderChangeMultipleWabaError:
			return models.SenderError
		case provisioning.SenderChangeRejected:
			return models.SenderRejected
		case provisioning.SenderChangeDraft:
			if snd.State == "" {
				return models.SenderDraft
			}
		case provisioning.SenderChangeInProgress:
			if snd.State == "" || snd.State == provisioning.SenderInProgress {
				return models.SenderReview
			}
		}
	}
	switch snd.State {
	case provisioning.SenderActive:
		return models.SenderActive
	case provisioning.SenderPendingVerification:
		return models.SenderVerification
	case provisioning.SenderInactive, provisioning.SenderSuspended:
		return models.SenderInactive
	case provisioning.SenderError:
		return models.SenderError
	}
	return models.SenderReview
}

var senderTitles = map[models.SenderStage]string{
	models.SenderDraft:        "Sender saved as a draft at Sinch",
	models.SenderReview:       "Sender in review at Sinch and Meta",
	models.SenderVerification: "Phone number waiting for verification (OTP)",
	models.SenderActive:       "Sender active: the number can send WhatsApp messages",
	models.SenderRejected:     "Sender rejected",
	models.SenderError:        "Sender failed at Sinch",
	models.SenderInactive:     "Sender inactive or suspended",
}

// applySender copies Sinch's view of a sender onto ours.
func applySender(s *models.Sender, snd *provisioning.Sender) []models.Event {
	if snd == nil {
		return nil
	}
	s.SinchID = snd.ID
	if snd.PhoneNumber != "" && s.PhoneNumber == "" { // a Sinch-provided number
		s.CountryCode, s.PhoneNumber = snd.CountryCode, snd.PhoneNumber
	}
	events := applySenderHealth(s, snd)
	stage := senderStage(snd)
	if snd.Changes != nil && stage == models.SenderError {
		s.ErrorCode, s.Reason = string(snd.Changes.ErrorCode), snd.Changes.ErrorReason
	}
	if stage == s.Stage {
		return events
	}
	s.Stage = stage
	if stage != models.SenderError && stage != models.SenderRejected {
		s.ErrorCode, s.Reason = "", ""
	}
	e := models.Event{Source: models.SourceSinch, Title: senderTitles[stage]}
	if stage == models.SenderError {
		e.Detail = ExplainSenderError(s.ErrorCode)
	}
	return append(events, e)
}

// nextSync is the polling schedule. Without working webhooks it adapts:
// a tenth of the time spent in the stage (a client may take days to
// approve at Meta), from every 3 s to every 15 minutes, or from every
// minute to hourly once nothing is expected. With working webhooks Sinch reports
// every change, so polls only guard against a lost callback: every
// transitionPoll for a little while in a stage Sinch leaves by itself,
// then the polling budget: one hour per Sinch call a poll makes (calls),
// which is at most one call per client per hour.
func nextSync(c models.Client, now time.Time, hasWebhook bool, calls int) *time.Time {
	if c.Stage == models.StageDraft {
		return nil
	}
	inStage := now.Sub(c.StageSince)
	if hasWebhook {
		if movesBySelf[c.Stage] && inStage < transitionWindow {
			return ptr(now.Add(transitionPoll))
		}
		// Up to a tenth later at random, so clients polled together drift apart.
		budget := time.Duration(max(calls, 1)) * time.Hour
		return ptr(now.Add(budget + rand.N(budget/10)))
	}
	floor, limit := 3*time.Second, 15*time.Minute
	if c.Stage == models.StageActive || c.Stage == models.StageRejected || c.Stage == models.StageOnboarded {
		// Nothing expected soon (what a person does next is synced as
		// their action): fresh settled clients must not crowd the queue.
		floor, limit = time.Minute, time.Hour
	}
	return ptr(now.Add(min(max(inStage/10, floor), limit)))
}

// movesBySelf are the stages Sinch (or Meta's review) ends within minutes
// without anyone acting.
var movesBySelf = map[models.Stage]bool{models.StageQueued: true, models.StagePreparing: true, models.StageSenderReview: true}

// The polling around an expected transition, with working webhooks.
const (
	transitionWindow = 3 * time.Minute
	transitionPoll   = time.Minute
)

// syncSoon is the first re-read after an action.
const syncSoon = 2 * time.Second
