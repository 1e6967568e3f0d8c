package sandbox

import (
	"context"
	"maps"
	"slices"
	"time"

	pv "wabadesk/provisioning"
)

// Run performs time-driven transitions as they fall due until ctx ends.
func (s *Sandbox) Run(ctx context.Context) error {
	t := time.NewTicker(200 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
			s.Advance()
		}
	}
}

// Advance performs every transition due at the clock's now, including
// transitions that fall due because of earlier ones (zero delays).
func (s *Sandbox) Advance() {
	s.lock()
	defer s.unlock()
	for range 100 {
		if !s.stepOnce(s.now()) {
			return
		}
	}
}

// stepOnce runs each due step once, in a stable order; it reports whether
// anything happened.
func (s *Sandbox) stepOnce(now time.Time) bool {
	fired := false
	for _, id := range slices.Sorted(maps.Keys(s.st.Projects)) {
		p := s.st.Projects[id]
		if a := p.Account; a != nil && a.Next != nil && !a.Next.At.After(now) {
			step := a.Next.Step
			a.Next = nil
			s.accountStep(p, step, now)
			fired = true
		}
		for _, sn := range slices.Clone(p.Senders) {
			if sn.Next != nil && !sn.Next.At.After(now) {
				step := sn.Next.Step
				sn.Next = nil
				s.senderStep(p, sn, step, now)
				fired = true
			}
		}
	}
	if fired {
		s.changed()
	}
	return fired
}

func (s *Sandbox) accountStep(p *project, step string, now time.Time) {
	a := p.Account
	switch step {
	case stepPrepare:
		if bm := a.DTO.Changes.Details.ClientBusinessManagerID; !isDigits(bm) {
			s.rejectAccount(p, now, "Meta could not find Business Manager \""+bm+"\". Check the Business Portfolio ID under Business Settings > Business Info.")
			return
		}
		a.DTO.Changes.Status = pv.AccountChangePendingFacebookVerification
		a.RequestID = randomDigits(15)
		if !s.opts.OmitRequestID {
			a.DTO.PartnerInitiatedRequestID = a.RequestID
		}
		a.log(now, pv.ActivityPendingFacebookVerification, authorSinch, "")
		a.Next = &due{At: now.Add(RequestExpiry), Step: stepExpire}
		s.emit(p, pv.TriggerAccountPendingVerification, a.DTO, "")
		if s.opts.AutoApprove {
			a.Next = &due{At: now.Add(s.opts.Delays.Prepare), Step: stepApprove}
		}
	case stepApprove:
		if a.pending() {
			s.onboard(p, now)
		}
	case stepExpire:
		if a.pending() {
			s.rejectAccount(p, now, "The WABA creation request expired: it was not accepted in Meta Business Suite within 90 days.")
		}
	}
}

func (s *Sandbox) rejectAccount(p *project, now time.Time, comment string) {
	a := p.Account
	a.DTO.Changes.Status = pv.AccountChangeRejected
	a.DTO.PartnerInitiatedRequestID, a.Next = "", nil
	a.log(now, pv.ActivityRejected, authorSinch, comment)
	s.emit(p, pv.TriggerAccountRejected, a.DTO, "")
}

func (s *Sandbox) onboard(p *project, now time.Time) {
	a := p.Account
	a.DTO.State = pv.AccountOnboarded
	a.DTO.Details = a.DTO.Changes.Details
	a.DTO.Changes, a.Next = nil, nil
	a.DTO.PartnerInitiatedRequestID = ""
	a.DTO.WabaID = randomDigits(15)
	no := false
	a.DTO.WabaEnabledForInsights, a.DTO.WabaEnabledForDirectSend = &no, &no
	a.DTO.BusinessDailyLimit, a.DTO.Currency = pv.Tier250, "EUR"
	s.emit(p, pv.TriggerAccountOnboarded, a.DTO, "")
}

func (s *Sandbox) senderStep(p *project, sn *sender, step string, now time.Time) {
	switch step {
	case stepReview:
		s.review(p, sn, now)
	case stepActivate:
		sn.applyChanges(now)
		sn.DTO.State = pv.SenderActive
		sn.DTO.QualityRating, sn.DTO.MaxTPS = pv.QualityGreen, 80
		if s.opts.LegacySenderDailyLimit && p.Account != nil {
			sn.DTO.DailyLimit = p.Account.DTO.BusinessDailyLimit
		}
		app := newUUID()
		sn.DTO.ConversationAPIApp = app
		sn.DTO.ConversationAPIAppDetails = &pv.ConversationAPIApp{ID: app, ProjectID: p.ID, Region: string(sn.DTO.Region), ChannelStatus: "ACTIVE"}
		sn.DTO.BearerToken = randomHex(24)
		sn.DTO.Metadata = &pv.SenderMetadata{DisplayName: &pv.MetadataField{Value: sn.displayName(), Status: "APPROVED"}}
		sn.log(now, pv.ActivityActive, authorSinch, "")
		s.emit(p, pv.TriggerSenderActive, sn.DTO, "")
	case stepPurge:
		p.removeSender(sn)
	}
}

// review decides a submitted sender: rejected, failed, or accepted. An
// accepted CUSTOMER number waits for the OTP; a SINCH number needs none.
func (s *Sandbox) review(p *project, sn *sender, now time.Time) {
	o := p.reviewOutcome(sn, s.st.Projects)
	ch := sn.DTO.Changes
	switch {
	case o.reject != "":
		ch.Status = pv.SenderChangeRejected
		sn.DTO.Metadata = &pv.SenderMetadata{DisplayName: &pv.MetadataField{Value: sn.displayName(), Status: "REJECTED", RejectionReason: o.reject}}
		sn.log(now, pv.ActivityRejected, authorSinch, o.reject)
		s.emit(p, pv.TriggerSenderRejected, sn.DTO, "")
	case o.code != "":
		ch.Status, ch.ErrorCode, ch.ErrorReason = pv.SenderChangeError, o.code, o.reason
		if sn.SaveDraft {
			ch.Status = pv.SenderChangeDraft
		}
		sn.log(now, pv.ActivityError, authorSinch, o.reason)
		s.emit(p, pv.TriggerSenderError, sn.DTO, "")
	case sn.live(): // a live number's profile edit (it may have been suspended since)
		renamed := sn.DTO.Details == nil || sn.displayName() != sn.DTO.Details.DisplayName
		sn.applyChanges(now)
		sn.DTO.Metadata = &pv.SenderMetadata{DisplayName: &pv.MetadataField{Value: sn.displayName(), Status: "APPROVED"}}
		if renamed {
			s.emit(p, pv.TriggerSenderDisplayNameUpdated, sn.DTO, "")
		}
	case sn.DTO.NumberProvider == pv.ProviderSinch:
		sn.applyChanges(now)
		sn.DTO.State = pv.SenderInProgress
		sn.Next = &due{At: now.Add(s.opts.Delays.Activate), Step: stepActivate}
	default:
		sn.applyChanges(now)
		sn.DTO.State = pv.SenderPendingVerification
		s.emit(p, pv.TriggerSenderPendingVerification, sn.DTO, "")
	}
	sn.DTO.Modified = now
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}
