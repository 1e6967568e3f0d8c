package sandbox

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	pv "wabadesk/provisioning"
)

// Health controls: what Meta does to a live number or WABA after
// onboarding (quality, limits, display-name review, enforcement). Each one
// changes the stored resource as the next GET shows it and fires the
// callback Sinch sends, with the resource as its payload.

// Errors of the health controls, for errors.Is.
var (
	ErrNotFound   = errors.New("sandbox: not found")
	ErrBadValue   = errors.New("sandbox: unknown value")
	ErrNotAllowed = errors.New("sandbox: not allowed in this state")
	ErrUnchanged  = errors.New("sandbox: nothing to change")
)

// The values each control accepts, in the order the page offers them.
var (
	qualityRatings = []pv.QualityRating{pv.QualityGreen, pv.QualityYellow, pv.QualityRed, pv.QualityUnknown}
	dailyLimits    = []pv.DailyLimit{pv.Tier50, pv.Tier250, pv.Tier1K, pv.Tier2K, pv.Tier10K, pv.Tier100K,
		pv.TierUnlimited, pv.TierNotSet}
	banStates    = []pv.WabaBanState{pv.BanScheduleForDisable, pv.BanDisable, pv.BanReinstate}
	nameOutcomes = []pv.MetadataStatus{pv.MetadataApproved, pv.MetadataRejected, pv.MetadataPending, pv.MetadataDeferred}
	liveStates   = []pv.SenderState{pv.SenderActive, pv.SenderInactive, pv.SenderSuspended}
)

// DefaultNameRejection is the reason ReviewDisplayName gives when none is set.
const DefaultNameRejection = "Display name does not comply with WhatsApp's display name guidelines"

// banDateLayout is ISO 8601 UTC with milliseconds, like created/modified.
const banDateLayout = "2006-01-02T15:04:05.000Z"

// SetQualityRating is Meta rating a number GREEN, YELLOW, RED or UNKNOWN:
// sender.qualityRating changes and WHATSAPP_SENDER_QUALITY_RATING_CHANGED
// fires with the sender.
func (s *Sandbox) SetQualityRating(projectID, senderID string, r pv.QualityRating) error {
	if !slices.Contains(qualityRatings, r) {
		return badValue("quality rating", string(r), qualityRatings)
	}
	return s.changeSender(projectID, senderID, func(p *project, sn *sender, now time.Time) error {
		if sn.DTO.QualityRating == r {
			return fmt.Errorf("%w: the quality rating is already %s", ErrUnchanged, r)
		}
		sn.DTO.QualityRating, sn.DTO.Modified = r, now
		s.emit(p, pv.TriggerSenderQualityRatingChanged, sn.DTO, "")
		return nil
	})
}

// SetSenderState is Meta suspending a number (SUSPENDED), the number going
// INACTIVE, or it becoming ACTIVE again. Leaving ACTIVE fires
// WHATSAPP_SENDER_INACTIVE (Sinch has no trigger for SUSPENDED), coming back
// fires WHATSAPP_SENDER_ACTIVE; both carry the sender.
func (s *Sandbox) SetSenderState(projectID, senderID string, state pv.SenderState) error {
	if !slices.Contains(liveStates, state) {
		return badValue("sender state", string(state), liveStates)
	}
	return s.changeSender(projectID, senderID, func(p *project, sn *sender, now time.Time) error {
		if sn.DTO.State == state {
			return fmt.Errorf("%w: the sender is already %s", ErrUnchanged, state)
		}
		sn.DTO.State, sn.DTO.Modified = state, now
		switch state {
		case pv.SenderActive:
			sn.log(now, pv.ActivityActive, authorSinch, "The number can send messages again.")
			s.emit(p, pv.TriggerSenderActive, sn.DTO, "")
		case pv.SenderSuspended:
			sn.log(now, pv.ActivityInactive, authorSinch, "Meta suspended the number for policy violations.")
			s.emit(p, pv.TriggerSenderInactive, sn.DTO, "")
		default:
			sn.log(now, pv.ActivityInactive, authorSinch, "The number was deactivated.")
			s.emit(p, pv.TriggerSenderInactive, sn.DTO, "")
		}
		return nil
	})
}

// ReviewDisplayName is Meta's display-name review of a live number, and
// fires WHATSAPP_SENDER_DISPLAY_NAME_UPDATED with the sender:
//   - PENDING: a name change to value is in flight (changes IN_PROGRESS, as
//     after a PATCH); value is required.
//   - APPROVED: the name under review (or value) becomes details.displayName
//     and pending changes are applied.
//   - REJECTED: the name stays; metadata carries reason (default
//     DefaultNameRejection) and pending changes become REJECTED.
//   - DEFERRED: Meta will decide later; changes stay as they are.
//
// Any review the sandbox had scheduled is cancelled: the outcome is this.
func (s *Sandbox) ReviewDisplayName(projectID, senderID string, status pv.MetadataStatus, value, reason string) error {
	if !slices.Contains(nameOutcomes, status) {
		return badValue("display name status", string(status), nameOutcomes)
	}
	value, reason = strings.TrimSpace(value), strings.TrimSpace(reason)
	if status == pv.MetadataPending && value == "" {
		return fmt.Errorf("%w: a pending name change needs the new display name", ErrBadValue)
	}
	if n := utf8.RuneCountInString(value); n > 128 {
		return fmt.Errorf("%w: a display name has at most 128 characters, not %d", ErrBadValue, n)
	}
	return s.changeSender(projectID, senderID, func(p *project, sn *sender, now time.Time) error {
		sn.reviewName(status, value, cmpOr(reason, DefaultNameRejection), now)
		if sn.Next != nil && sn.Next.Step == stepReview {
			sn.Next = nil
		}
		sn.DTO.Modified = now
		s.emit(p, pv.TriggerSenderDisplayNameUpdated, sn.DTO, "")
		return nil
	})
}

// reviewName applies a display-name review outcome to the sender.
func (sn *sender) reviewName(status pv.MetadataStatus, value, reason string, now time.Time) {
	ch := sn.DTO.Changes
	underReview := ch != nil && (ch.Status == pv.SenderChangeInProgress || ch.Status == pv.SenderChangeRejected)
	name := cmpOr(value, sn.requestedName())
	field := &pv.MetadataField{Value: name, Status: status}
	switch status {
	case pv.MetadataPending:
		d := pv.SenderDetails{}
		if ch != nil && ch.Details != nil {
			d = *ch.Details
		} else if sn.DTO.Details != nil {
			d = *sn.DTO.Details
		}
		d.DisplayName = name
		sn.DTO.Changes = &pv.SenderChanges{Status: pv.SenderChangeInProgress, Details: &d}
	case pv.MetadataApproved:
		if underReview && ch.Details != nil {
			ch.Details.DisplayName = name
			sn.applyChanges(now)
		} else {
			if sn.DTO.Details == nil {
				sn.DTO.Details = &pv.SenderDetails{}
			}
			sn.DTO.Details.DisplayName = name
		}
	case pv.MetadataRejected:
		field.RejectionReason = reason
		if ch != nil && ch.Status == pv.SenderChangeInProgress {
			ch.Status = pv.SenderChangeRejected
		}
	}
	if sn.DTO.Metadata == nil {
		sn.DTO.Metadata = &pv.SenderMetadata{}
	}
	sn.DTO.Metadata.DisplayName = field
}

// requestedName is the display name under review: the one in metadata,
// else the pending change's, else the current one.
func (sn *sender) requestedName() string {
	if m := sn.DTO.Metadata; m != nil && m.DisplayName != nil && m.DisplayName.Value != "" {
		return m.DisplayName.Value
	}
	return sn.displayName()
}

// SetBusinessDailyLimit is Meta changing the portfolio's messaging limit:
// account.businessDailyLimit changes and WHATSAPP_ACCOUNT_DAILY_LIMIT_CHANGED
// fires with the account. With Options.LegacySenderDailyLimit the live
// senders' deprecated dailyLimit follows, each with
// WHATSAPP_SENDER_DAILY_LIMIT_CHANGED.
func (s *Sandbox) SetBusinessDailyLimit(projectID string, l pv.DailyLimit) error {
	if !slices.Contains(dailyLimits, l) {
		return badValue("daily limit", string(l), dailyLimits)
	}
	return s.changeAccount(projectID, func(p *project, a *account, now time.Time) error {
		if a.DTO.BusinessDailyLimit == l {
			return fmt.Errorf("%w: the messaging limit is already %s", ErrUnchanged, l)
		}
		a.DTO.BusinessDailyLimit = l
		s.emit(p, pv.TriggerAccountDailyLimitChanged, a.DTO, "")
		if !s.opts.LegacySenderDailyLimit {
			return nil
		}
		for _, sn := range p.Senders {
			if sn.live() && sn.DTO.DailyLimit != l {
				sn.DTO.DailyLimit, sn.DTO.Modified = l, now
				s.emit(p, pv.TriggerSenderDailyLimitChangedLegacy, sn.DTO, "")
			}
		}
		return nil
	})
}

// SetWabaBanState is Meta's enforcement on the WABA: SCHEDULE_FOR_DISABLE,
// DISABLE, or REINSTATE (only after one of the others). account.wabaBanState
// and wabaBanDate (now, ISO 8601 UTC) change and WHATSAPP_WABA_ACCOUNT_CHANGED
// fires with the account.
func (s *Sandbox) SetWabaBanState(projectID string, state pv.WabaBanState) error {
	if !slices.Contains(banStates, state) {
		return badValue("WABA ban state", string(state), banStates)
	}
	return s.changeAccount(projectID, func(p *project, a *account, now time.Time) error {
		current := pv.WabaBanState(a.DTO.WabaBanState)
		if current == state {
			return fmt.Errorf("%w: the WABA ban state is already %s", ErrUnchanged, state)
		}
		if state == pv.BanReinstate && current != pv.BanScheduleForDisable && current != pv.BanDisable {
			return fmt.Errorf("%w: only a WABA scheduled for disabling or disabled can be reinstated", ErrNotAllowed)
		}
		a.DTO.WabaBanState, a.DTO.WabaBanDate = string(state), now.Format(banDateLayout)
		s.emit(p, pv.TriggerWabaAccountChanged, a.DTO, "")
		return nil
	})
}

// Sender returns a copy of a sender, for tests and pages.
func (s *Sandbox) Sender(projectID, senderID string) (pv.Sender, bool) {
	s.lock()
	defer s.unlock()
	if p := s.st.Projects[projectID]; p != nil {
		if sn := p.sender(senderID); sn != nil {
			return clone(sn.DTO), true
		}
	}
	return pv.Sender{}, false
}

// changeSender runs change on a live sender under the lock; an error leaves
// the state as it was (change must fail before it touches anything).
func (s *Sandbox) changeSender(projectID, senderID string, change func(*project, *sender, time.Time) error) error {
	s.lock()
	defer s.unlock()
	p := s.st.Projects[projectID]
	if p == nil || p.Account == nil {
		return errNoAccount(projectID)
	}
	sn := p.sender(senderID)
	if sn == nil {
		return fmt.Errorf("%w: no sender %q in project %q", ErrNotFound, senderID, projectID)
	}
	if !sn.live() {
		return fmt.Errorf("%w: sender %q is %s; only a registered number (ACTIVE, INACTIVE, SUSPENDED) can change",
			ErrNotAllowed, senderID, cmpOr(sn.DTO.Status(), "new"))
	}
	if err := change(p, sn, s.now()); err != nil {
		return err
	}
	s.changed()
	return nil
}

// changeAccount runs change on an onboarded account under the lock.
func (s *Sandbox) changeAccount(projectID string, change func(*project, *account, time.Time) error) error {
	s.lock()
	defer s.unlock()
	p := s.st.Projects[projectID]
	if p == nil || p.Account == nil {
		return errNoAccount(projectID)
	}
	if p.Account.DTO.State != pv.AccountOnboarded {
		return fmt.Errorf("%w: the account of project %q is %s, not ONBOARDED", ErrNotAllowed, projectID, p.Account.DTO.Status())
	}
	if err := change(p, p.Account, s.now()); err != nil {
		return err
	}
	s.changed()
	return nil
}

func errNoAccount(projectID string) error {
	return fmt.Errorf("%w: project %q has no WhatsApp account", ErrNotFound, projectID)
}

// live: the number is registered at Meta, so Meta's verdicts apply to it.
func (sn *sender) live() bool { return slices.Contains(liveStates, sn.DTO.State) }

func badValue[T ~string](what, got string, allowed []T) error {
	return fmt.Errorf("%w: %s %q; use one of %s", ErrBadValue, what, got, joinValues(allowed))
}

func joinValues[T ~string](vs []T) string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return strings.Join(out, ", ")
}
