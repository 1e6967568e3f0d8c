package onboarding

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"wabadesk/models"
	"wabadesk/provisioning"
)

// SubmitSender sends a draft (create) or a fixed sender (update with SUBMIT)
// to Sinch, recorded first as submitting and made detached from the
// request. Refusals come back as field messages; when Sinch is unreachable
// the sender stays queued for the worker; ErrInProgress as for SubmitClient.
func (s *Service) SubmitSender(ctx context.Context, tenantID, clientID, senderID int64, actor string) (models.Sender, error) {
	c, snd, conn, err := s.senderContext(ctx, tenantID, clientID, senderID)
	if err != nil {
		return snd, err
	}
	if snd.Stage == models.SenderQueued && snd.OutcomeUnknown {
		return snd, ErrInProgress // an attempt may be under way; the worker finishes it
	}
	if !snd.Stage.Editable() || snd.Stage == models.SenderActive && snd.SinchID == "" {
		return snd, models.ErrConflict
	}
	if v := snd.SenderInput.Validate(); len(v) > 0 {
		return snd, v
	}
	return submitNow(s, ctx, tenantID, c.ID,
		func() (models.Sender, error) {
			return s.store.ChangeSender(ctx, tenantID, snd.ID, func(m *models.Sender) ([]models.Event, error) {
				if m.Stage != models.SenderQueued {
					m.PreviousStage = m.Stage
				}
				m.Stage, m.NextAttemptAt = models.SenderQueued, ptr(s.now())
				return nil, nil
			})
		},
		func(ctx context.Context, snd models.Sender) (models.Sender, error) {
			return s.attemptSender(ctx, tenantID, c, snd, conn, actor)
		},
		// The sender's retry is the client's: make the client due.
		func() error { return s.dueNow(ctx, tenantID, c.ID, models.PriorityAction) })
}

// attemptSender makes one sender submission and records its outcome; a
// creation is marked as possibly reaching Sinch before it is sent.
func (s *Service) attemptSender(ctx context.Context, tenantID int64, c models.Client, snd models.Sender, conn Connection, actor string) (models.Sender, error) {
	wasUnknown := snd.OutcomeUnknown
	if snd.SinchID == "" && !snd.OutcomeUnknown {
		var err error
		if snd, err = s.store.ChangeSender(ctx, tenantID, snd.ID, func(m *models.Sender) ([]models.Event, error) {
			m.OutcomeUnknown = true
			return nil, nil
		}); err != nil {
			return snd, err
		}
	}
	remote, err := s.sendSender(ctx, conn, c, snd)
	return s.afterSenderSubmit(ctx, tenantID, c, snd, remote, err, actor, wasUnknown)
}

func (s *Service) senderContext(ctx context.Context, tenantID, clientID, senderID int64) (models.Client, models.Sender, Connection, error) {
	c, err := s.store.ClientByID(ctx, tenantID, clientID)
	if err != nil {
		return c, models.Sender{}, Connection{}, err
	}
	snd, err := s.store.SenderByID(ctx, tenantID, clientID, senderID)
	if err != nil {
		return c, snd, Connection{}, err
	}
	conn, err := s.connect(ctx, tenantID)
	return c, snd, conn, err
}

func (s *Service) sendSender(ctx context.Context, conn Connection, c models.Client, snd models.Sender) (*provisioning.Sender, error) {
	in := snd.SenderInput
	if snd.SinchID != "" {
		d := &provisioning.UpdateSenderDetails{DisplayName: in.DisplayName, Vertical: provisioning.Vertical(in.Vertical),
			Description: nullable(in.Description), Email: nullable(in.Email), Address: nullable(in.Address),
			WebsiteOne: nullable(in.WebsiteOne), WebsiteTwo: nullable(in.WebsiteTwo), About: nullable(in.About), PhotoURL: nullable(in.PhotoURL)}
		return conn.Client.UpdateSender(ctx, c.ProjectID, snd.SinchID, provisioning.UpdateSenderRequest{Status: provisioning.ActionSubmit, Details: d})
	}
	return conn.Client.CreateSender(ctx, c.ProjectID, provisioning.CreateSenderRequest{
		Status: provisioning.ActionSubmit, Region: provisioning.Region(in.Region), MetaLocalStorage: provisioning.MetaLocalStorage(in.MetaLocalStorage),
		PhoneNumberProvider: provisioning.NumberProvider(in.Provider),
		Details: provisioning.CreateSenderDetails{DisplayName: in.DisplayName, Vertical: provisioning.Vertical(in.Vertical),
			CountryCode: in.CountryCode, PhoneNumber: in.PhoneNumber, Description: in.Description, Email: in.Email,
			Address: in.Address, WebsiteOne: in.WebsiteOne, WebsiteTwo: in.WebsiteTwo, About: in.About, PhotoURL: in.PhotoURL},
	})
}

// nullable sends an emptied optional field as null, which Sinch reads as
// "delete the value".
func nullable(v string) provisioning.Nullable[string] {
	if v == "" {
		return provisioning.Null[string]()
	}
	return provisioning.Set(v)
}

func (s *Service) afterSenderSubmit(ctx context.Context, tenantID int64, c models.Client, snd models.Sender,
	remote *provisioning.Sender, err error, actor string, wasUnknown bool) (models.Sender, error) {
	switch {
	case err == nil:
		out, err := s.store.ChangeSender(ctx, tenantID, snd.ID, func(m *models.Sender) ([]models.Event, error) {
			m.Outbox, m.SinchErrors = models.Outbox{}, ""
			m.Stage = models.SenderQueued // forces applySender to record the new stage
			ev := []models.Event{actedEvent(actor, "Sender "+orSinch(m.Phone())+" submitted to Sinch")}
			return append(ev, applySender(m, remote)...), nil
		})
		if err == nil {
			err = s.schedule(ctx, tenantID, c.ID, ptr(s.now().Add(syncSoon)), false, 1)
		}
		return out, err
	case provisioning.IsRetryable(err) || errors.Is(err, provisioning.ErrOutcomeUnknown):
		out, qerr := s.store.ChangeSender(ctx, tenantID, snd.ID, func(m *models.Sender) ([]models.Event, error) {
			m.Stage = models.SenderQueued
			m.NextAttemptAt = s.nextRetry(tenantID, &m.SubmitAttempts, err)
			m.OutcomeUnknown = wasUnknown || provisioning.IsOutcomeUnknown(err)
			m.LastError = Plain(err)
			return []models.Event{{Source: models.SourceSystem,
				Title: "Sinch could not be reached; the sender is queued and retried automatically", Detail: Plain(err)}}, nil
		})
		if qerr == nil {
			qerr = s.schedule(ctx, tenantID, c.ID, out.NextAttemptAt, false, 1)
		}
		return out, qerr
	}
	v := fieldErrors(err, senderFields)
	if v == nil {
		return snd, fmt.Errorf("onboarding: submit sender %d: %w", snd.ID, err)
	}
	_, serr := s.store.ChangeSender(ctx, tenantID, snd.ID, func(m *models.Sender) ([]models.Event, error) {
		b, _ := json.Marshal(v)
		m.SinchErrors, m.Outbox = string(b), models.Outbox{}
		if m.Stage == models.SenderQueued {
			m.Stage = models.SenderDraft
			if m.SinchID != "" && m.PreviousStage != "" { // a refused resubmission
				m.Stage = m.PreviousStage
			}
		}
		return []models.Event{{Source: models.SourceSinch, Title: "Sinch refused the sender", Detail: Plain(err)}}, nil
	})
	if serr != nil {
		return snd, serr
	}
	return snd, v
}

// retrySender is the worker's attempt at a queued sender. After an unknown
// outcome it looks for the sender at Sinch before creating one: the same
// number, or for a number Sinch provides, a sender none of ours has claimed
// with the same display name.
func (s *Service) retrySender(ctx context.Context, tenantID int64, c models.Client, snd models.Sender, conn Connection) error {
	const actor = workerActor
	if snd.OutcomeUnknown && snd.SinchID == "" {
		list, err := conn.Client.ListSenders(ctx, c.ProjectID, provisioning.ListSendersParams{PageSize: 100})
		if err != nil {
			_, err = s.afterSenderSubmit(ctx, tenantID, c, snd, nil, err, actor, true)
			return ignoreValidation(err)
		}
		ours, err := s.store.Senders(ctx, tenantID, c.ID)
		if err != nil {
			return err
		}
		if i := matchSender(list.Senders, snd, ours); i >= 0 {
			_, err = s.afterSenderSubmit(ctx, tenantID, c, snd, &list.Senders[i], nil, actor, true)
			return err
		}
	}
	_, err := s.attemptSender(ctx, tenantID, c, snd, conn, actor)
	return ignoreValidation(err)
}

// matchSender finds snd among Sinch's senders of the project, or -1.
func matchSender(remote []provisioning.Sender, snd models.Sender, ours []models.Sender) int {
	claimed := map[string]bool{}
	for _, o := range ours {
		claimed[o.SinchID] = o.SinchID != ""
	}
	for i, r := range remote {
		switch {
		case claimed[r.ID]:
		case snd.PhoneNumber != "" && r.CountryCode == snd.CountryCode && r.PhoneNumber == snd.PhoneNumber:
			return i
		case snd.PhoneNumber == "" && r.NumberProvider == provisioning.ProviderSinch && senderName(r) == snd.DisplayName:
			return i
		}
	}
	return -1
}

func senderName(r provisioning.Sender) string {
	if r.Changes != nil && r.Changes.Details != nil && r.Changes.Details.DisplayName != "" {
		return r.Changes.Details.DisplayName
	}
	if r.Details != nil {
		return r.Details.DisplayName
	}
	return ""
}

// DiscardSenderChanges drops pending (draft, rejected, failed) changes at Sinch.
func (s *Service) DiscardSenderChanges(ctx context.Context, tenantID, clientID, senderID int64, actor string) error {
	call := models.PendingCall{OrganisationID: tenantID, ClientID: clientID, SenderID: &senderID, Kind: models.CallDiscardSender, Actor: actor}
	_, err := oneShot(s, ctx, call, struct{}{}, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, s.discardSender(ctx, tenantID, clientID, senderID, actor)
	})
	return err
}

func (s *Service) discardSender(ctx context.Context, tenantID, clientID, senderID int64, actor string) error {
	c, snd, conn, err := s.senderContext(ctx, tenantID, clientID, senderID)
	if err != nil {
		return err
	}
	if snd.SinchID == "" {
		return models.ErrConflict
	}
	if err := conn.Client.DeleteSenderChanges(ctx, c.ProjectID, snd.SinchID); err != nil {
		return actionError(err, "")
	}
	if _, err := s.store.ChangeSender(ctx, tenantID, snd.ID, func(m *models.Sender) ([]models.Event, error) {
		return []models.Event{{Source: models.SourceStaff, Actor: actor, Title: "Pending sender changes discarded"}}, nil
	}); err != nil {
		return err
	}
	return s.SyncClient(ctx, tenantID, clientID)
}

// DeleteSender removes a sender: a local draft at once, a Sinch sender is
// marked for removal (it keeps working for 30 days).
func (s *Service) DeleteSender(ctx context.Context, tenantID, clientID, senderID int64, actor string) error {
	call := models.PendingCall{OrganisationID: tenantID, ClientID: clientID, SenderID: &senderID, Kind: models.CallDeleteSender, Actor: actor}
	_, err := oneShot(s, ctx, call, struct{}{}, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, s.deleteSender(ctx, tenantID, clientID, senderID, actor)
	})
	return err
}

func (s *Service) deleteSender(ctx context.Context, tenantID, clientID, senderID int64, actor string) error {
	c, snd, conn, err := s.senderContext(ctx, tenantID, clientID, senderID)
	if err != nil {
		return err
	}
	if snd.Stage == models.SenderDeleted {
		return nil
	}
	if snd.SinchID != "" {
		err := conn.Client.DeleteSender(ctx, c.ProjectID, snd.SinchID)
		if err != nil && !provisioning.HasCode(err, "sender_not_found") && !provisioning.HasCode(err, "sender_already_deleted") {
			return actionError(err, "")
		}
	}
	_, err = s.store.ChangeSender(ctx, tenantID, snd.ID, func(m *models.Sender) ([]models.Event, error) {
		m.Stage = models.SenderDeleted
		return []models.Event{{Source: models.SourceStaff, Actor: actor, Title: "Sender " + orSinch(m.Phone()) + " deleted",
			Detail: "Sinch keeps a deleted sender working for 30 days, then removes it."}}, nil
	})
	return err
}

// actionError turns a failed Sinch call of a user action into something the
// page can show: field messages, or ErrUnavailable when Sinch is down.
func actionError(err error, field string) error {
	if provisioning.IsRetryable(err) || errors.Is(err, provisioning.ErrOutcomeUnknown) {
		return fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	if v := fieldErrors(err, map[string]string{}); v != nil {
		if field != "" && v[""] != "" && v[field] == "" {
			v[field], v[""] = v[""], ""
			delete(v, "")
		}
		return v
	}
	return err
}

func orSinch(phone string) string {
	if phone == "" {
		return "(number from Sinch)"
	}
	return phone
}
