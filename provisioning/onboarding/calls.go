package onboarding

import (
	"context"
	"errors"

	"wabadesk/models"
	"wabadesk/provisioning"
)

// oneShot records a one-shot call (models.PendingCall) before making it,
// runs it detached from the request, and forgets the record with its
// outcome. A process that dies in between leaves the record for
// recoverCalls.
func oneShot[T any](s *Service, ctx context.Context, p models.PendingCall, pending T, work func(context.Context) (T, error)) (T, error) {
	p, err := s.store.BeginCall(ctx, p, s.ID, leaseTTL)
	if err != nil {
		return pending, err
	}
	return detach(s, ctx, pending, func(ctx context.Context) (T, error) {
		v, err := work(ctx)
		if eerr := s.store.EndCall(context.WithoutCancel(ctx), p); eerr != nil {
			s.log().Warn("forgetting a finished call failed; recovery will look at it", "call_id", p.ID, "error", eerr)
		}
		return v, err
	})
}

// recoverCalls finishes the calls whose process died before recording
// their outcome, reading Sinch first so nothing happens twice.
func (s *Service) recoverCalls(ctx context.Context) {
	for range 100 {
		p, ok, err := s.store.ClaimAbandonedCall(ctx, s.ID, leaseTTL)
		if err != nil {
			s.log().Warn("recovering interrupted calls failed", "error", err)
			return
		}
		if !ok {
			return
		}
		cctx, cancel := context.WithTimeout(ctx, callBound)
		err = s.finishCall(cctx, p)
		cancel()
		if err != nil && ctx.Err() == nil {
			s.log().Warn("finishing an interrupted call failed; tried again later", "call_id", p.ID, "kind", p.Kind, "error", err)
			continue // its lease runs out again and it is retried
		}
		if err := s.store.EndCall(ctx, p); err != nil {
			s.log().Warn("forgetting a recovered call failed", "call_id", p.ID, "error", err)
		}
	}
}

// finishCall completes one interrupted call according to its kind.
func (s *Service) finishCall(ctx context.Context, p models.PendingCall) error {
	note := func(title string) error {
		return s.store.AddEvent(ctx, p.OrganisationID, models.Event{ClientID: p.ClientID, SenderID: p.SenderID,
			Source: models.SourceSystem, Title: title})
	}
	var senderID int64
	if p.SenderID != nil {
		senderID = *p.SenderID
	}
	switch p.Kind {
	case models.CallRequestOTP:
		// Whether the code went out is unknowable; asking again could hit
		// Meta's limits, so the person decides.
		return note("A code request was interrupted before its outcome was recorded. If no code arrived, request a new one.")
	case models.CallVerifyOTP:
		if err := s.SyncClient(ctx, p.OrganisationID, p.ClientID); err != nil {
			return err
		}
		snd, err := s.store.SenderByID(ctx, p.OrganisationID, p.ClientID, senderID)
		if err != nil || snd.Stage != models.SenderVerification {
			return ignoreNotFound(err) // verified: the sync recorded it
		}
		return note("A code check was interrupted before Sinch answered. Enter the code again.")
	case models.CallComment:
		return s.recoverComment(ctx, p, senderID)
	case models.CallDeleteSender:
		return ignoreNotFound(s.deleteSender(ctx, p.OrganisationID, p.ClientID, senderID, p.Actor))
	case models.CallDiscardSender:
		err := s.discardSender(ctx, p.OrganisationID, p.ClientID, senderID, p.Actor)
		if provisioning.HasCode(err, "sender_changes_not_found") || errors.Is(err, models.ErrConflict) {
			return nil
		}
		return ignoreNotFound(err)
	}
	return nil
}

// recoverComment records a comment Sinch already lists, else posts it.
func (s *Service) recoverComment(ctx context.Context, p models.PendingCall, senderID int64) error {
	c, err := s.store.ClientByID(ctx, p.OrganisationID, p.ClientID)
	if err != nil {
		return ignoreNotFound(err)
	}
	conn, err := s.connect(ctx, p.OrganisationID)
	if err != nil {
		return err
	}
	var list *provisioning.ActivityList
	if senderID != 0 {
		snd, err := s.store.SenderByID(ctx, p.OrganisationID, p.ClientID, senderID)
		if err != nil {
			return ignoreNotFound(err)
		}
		list, err = conn.Client.ListSenderActivities(ctx, c.ProjectID, snd.SinchID, provisioning.PageParams{PageSize: 50})
		if err != nil {
			return err
		}
	} else if list, err = conn.Client.ListAccountActivities(ctx, c.ProjectID, provisioning.PageParams{PageSize: 50}); err != nil {
		return err
	}
	for _, a := range list.Notifications {
		if a.Type == "COMMENT_ADDED" && a.Comment == p.Detail {
			return s.recordComment(ctx, p.OrganisationID, p.ClientID, p.SenderID, &provisioning.Comment{Created: a.Created, Comment: a.Comment}, p.Actor)
		}
	}
	return s.postComment(ctx, p.OrganisationID, c, senderID, p.Detail, p.Actor)
}

func ignoreNotFound(err error) error {
	if errors.Is(err, models.ErrNotFound) {
		return nil
	}
	return err
}
