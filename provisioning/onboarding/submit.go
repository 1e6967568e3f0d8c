package onboarding

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"wabadesk/models"
	"wabadesk/provisioning"
)

// SubmitClient sends a client's account to Sinch: a creation for a draft, an
// update (PATCH) for a rejected account. The submission is recorded first
// (the client reads "Submitting to Sinch"), then made detached from the
// request. Sinch's refusals come back as a models.ValidationError keyed by
// our form fields; when Sinch is unreachable the client stays queued and the
// worker retries; ErrInProgress means the outcome will show up live.
func (s *Service) SubmitClient(ctx context.Context, tenantID, clientID int64, actor string) (models.Client, error) {
	c, err := s.store.ClientByID(ctx, tenantID, clientID)
	if err != nil {
		return c, err
	}
	if !c.Editable() {
		return c, models.ErrConflict
	}
	if v := c.ClientInput.Validate(true); len(v) > 0 {
		return c, v
	}
	conn, err := s.connect(ctx, tenantID)
	if err != nil {
		return c, err
	}
	update := c.AccountStage == models.AccountRejected || (c.AccountStage == models.AccountQueued && c.QueuedUpdate)
	return submitNow(s, ctx, tenantID, c.ID,
		func() (models.Client, error) {
			return s.store.ChangeClient(ctx, tenantID, c.ID, func(m *models.Client) ([]models.Event, error) {
				if !m.Editable() {
					return nil, models.ErrConflict
				}
				m.AccountStage, m.QueuedUpdate, m.ParkedReason = models.AccountQueued, update, ""
				m.NextAttemptAt, m.NextSyncAt, m.SyncPriority = ptr(s.now()), ptr(s.now()), models.PriorityAction
				return nil, nil
			})
		},
		func(ctx context.Context, c models.Client) (models.Client, error) {
			return s.attemptSubmit(ctx, tenantID, c, conn, update, actor)
		},
		// The client is recorded as due with the action's priority.
		func() error { s.Kick(); return nil })
}

// submitNow is "intent before the call" for a submission: it takes the
// client's lease, records the submission (record, which also makes it
// due), and makes the call detached from the request. When a worker holds
// the client or Sinch asked the organisation to slow down, the recorded
// submission is handed to the worker's queue instead (handOver) and the
// answer is ErrInProgress.
func submitNow[T any](s *Service, ctx context.Context, tenantID, clientID int64,
	record func() (T, error), attempt func(context.Context, T) (T, error), handOver func() error) (T, error) {
	leased, err := s.store.LeaseClient(ctx, tenantID, clientID, s.callOwner(), leaseTTL)
	if err != nil {
		var zero T
		return zero, err
	}
	v, err := record()
	if err == nil && leased && !s.tenants.paused(tenantID, s.now()) {
		return detach(s, ctx, v, func(ctx context.Context) (T, error) {
			defer s.release(clientID)
			return attempt(ctx, v)
		})
	}
	if leased {
		s.release(clientID)
	}
	if err == nil {
		err = handOver()
	}
	if err != nil {
		return v, err
	}
	return v, ErrInProgress
}

// attemptSubmit makes one submission attempt and records its outcome. A
// creation is marked as possibly reaching Sinch before it is sent, so after
// a crash in between the worker reads Sinch first instead of creating again.
func (s *Service) attemptSubmit(ctx context.Context, tenantID int64, c models.Client, conn Connection, update bool, actor string) (models.Client, error) {
	wasUnknown := c.OutcomeUnknown
	if !update && !c.OutcomeUnknown {
		var err error
		if c, err = s.store.ChangeClient(ctx, tenantID, c.ID, func(m *models.Client) ([]models.Event, error) {
			m.OutcomeUnknown = true
			return nil, nil
		}); err != nil {
			return c, err
		}
	}
	// Register the project's webhook before the first change can fire it.
	if _, err := s.EnsureWebhook(ctx, tenantID, c.ProjectID); err != nil {
		s.log().Warn("webhook registration failed; polling covers it", "client_id", c.ID, "error", err)
	}
	acct, err := s.send(ctx, conn, c, update)
	return s.afterSubmit(ctx, tenantID, c, conn, acct, err, update, actor, wasUnknown)
}

// send makes the one create or update call.
func (s *Service) send(ctx context.Context, conn Connection, c models.Client, update bool) (*provisioning.Account, error) {
	in := c.ClientInput
	bm := provisioning.BusinessManager(in.SinchBusinessManager)
	sender := provisioning.AccountSenderDetails{DisplayName: in.SenderDisplayName,
		BusinessCategory: provisioning.Vertical(in.BusinessCategory), Region: provisioning.Region(in.Region),
		MetaLocalStorage: provisioning.MetaLocalStorage(in.MetaLocalStorage)}
	switch {
	case update && in.Legacy:
		return conn.Client.UpdateAccount(ctx, in.ProjectID, provisioning.UpdateAccountRequest{
			CompanyLegalName: in.CompanyLegalName, ClientBusinessManagerID: in.BusinessManagerID})
	case update:
		return conn.Client.UpdateAccount(ctx, in.ProjectID, provisioning.UpdateAccountRequest{
			WabaName: in.WabaName, ClientBusinessManagerID: in.BusinessManagerID, SenderDetails: &sender})
	case in.Legacy:
		return conn.Client.CreateOBOAccount(ctx, in.ProjectID, provisioning.CreateOBOAccountRequest{
			ClientBusinessManagerID: in.BusinessManagerID, CompanyLegalName: in.CompanyLegalName, BusinessManager: bm})
	}
	return conn.Client.CreateAccount(ctx, in.ProjectID, provisioning.CreateAccountRequest{
		WabaName: in.WabaName, ClientBusinessManagerID: in.BusinessManagerID, BusinessManager: bm, SenderDetails: sender})
}

// afterSubmit records the outcome of a submission, whatever it was.
// wasUnknown says whether an earlier attempt may have reached Sinch.
func (s *Service) afterSubmit(ctx context.Context, tenantID int64, c models.Client, conn Connection,
	acct *provisioning.Account, err error, update bool, actor string, wasUnknown bool) (models.Client, error) {
	if provisioning.HasCode(err, "account_exists") && !update {
		acct, err = s.adopt(ctx, conn, c)
	}
	switch {
	case err == nil:
		return s.store.ChangeClient(ctx, tenantID, c.ID, func(c *models.Client) ([]models.Event, error) {
			title := "Submitted to Sinch"
			if update {
				title = "Resubmitted to Sinch with the corrected data"
			}
			webhookRead := c.SyncPriority == models.PriorityWebhook
			c.Outbox = models.Outbox{NextSyncAt: ptr(s.now().Add(syncSoon))}
			if webhookRead { // a callback arrived during the call: read at once
				c.NextSyncAt, c.SyncPriority = ptr(s.now()), models.PriorityWebhook
			}
			c.SinchErrors, c.QueuedUpdate = "", false
			return append([]models.Event{actedEvent(actor, title)}, applyAccount(c, acct)...), nil
		})
	case provisioning.IsRetryable(err) || errors.Is(err, provisioning.ErrOutcomeUnknown):
		return s.queue(ctx, tenantID, c.ID, err, update, wasUnknown)
	case parks(err):
		return s.park(ctx, tenantID, c.ID, err, &wasUnknown)
	}
	v := fieldErrors(err, accountFields)
	if v == nil {
		return c, fmt.Errorf("onboarding: submit client %d: %w", c.ID, err)
	}
	_, serr := s.store.ChangeClient(ctx, tenantID, c.ID, func(c *models.Client) ([]models.Event, error) {
		b, _ := json.Marshal(v)
		c.SinchErrors, c.Outbox = string(b), models.Outbox{}
		if c.AccountStage == models.AccountQueued {
			c.AccountStage = models.AccountDraft
			if update {
				c.AccountStage = models.AccountRejected
			}
		}
		return []models.Event{{Source: models.SourceSinch, Title: "Sinch refused the submission", Detail: Plain(err)}}, nil
	})
	if serr != nil {
		return c, serr
	}
	return c, v
}

// adopt resolves "account_exists": an account with the same Business Manager
// is ours (an earlier attempt reached Sinch); another one is a wrong project.
func (s *Service) adopt(ctx context.Context, conn Connection, c models.Client) (*provisioning.Account, error) {
	acct, err := conn.Client.GetAccount(ctx, c.ProjectID)
	if err != nil {
		return nil, err
	}
	if bm := accountBM(acct); bm != c.BusinessManagerID {
		return nil, models.ValidationError{"project_id": "This Sinch project already has a WhatsApp account for another Business Manager (" +
			bm + "). Sinch allows one account per project: use a new project for this client."}
	}
	return acct, nil
}

// queue leaves the client for the worker after a transient failure.
func (s *Service) queue(ctx context.Context, tenantID, id int64, cause error, update, wasUnknown bool) (models.Client, error) {
	return s.store.ChangeClient(ctx, tenantID, id, func(c *models.Client) ([]models.Event, error) {
		c.AccountStage, c.QueuedUpdate = models.AccountQueued, update
		next := s.nextRetry(tenantID, &c.SubmitAttempts, cause)
		c.NextAttemptAt, c.NextSyncAt, c.SyncPriority = next, next, models.PriorityAction
		c.OutcomeUnknown = wasUnknown || provisioning.IsOutcomeUnknown(cause)
		c.LastError = Plain(cause)
		var events []models.Event
		if c.SubmitAttempts == 1 || c.SubmitAttempts%5 == 0 { // not one line per retry
			events = []models.Event{{Source: models.SourceSystem,
				Title:  "Sinch could not be reached; the submission is queued and retried automatically",
				Detail: fmt.Sprintf("Attempt %d failed: %s", c.SubmitAttempts, Plain(cause))}}
		}
		return events, nil
	})
}

// retrySubmit is the worker's attempt at a queued submission. After an
// unknown outcome it first asks Sinch whether the account exists, so a
// retry never creates a second one.
func (s *Service) retrySubmit(ctx context.Context, tenantID int64, c models.Client, conn Connection) error {
	const actor = workerActor
	if c.OutcomeUnknown && !c.QueuedUpdate {
		acct, err := conn.Client.GetAccount(ctx, c.ProjectID)
		switch {
		case err == nil && accountBM(acct) != c.BusinessManagerID:
			_, err = s.afterSubmit(ctx, tenantID, c, conn, nil, &provisioning.APIError{StatusCode: 409, ErrorCode: "account_exists"}, false, actor, true)
			return ignoreValidation(err)
		case err == nil:
			_, err = s.afterSubmit(ctx, tenantID, c, conn, acct, nil, false, actor, true)
			return err
		case provisioning.StatusCode(err) != 404 && provisioning.StatusCode(err) != 400:
			_, err = s.afterSubmit(ctx, tenantID, c, conn, nil, err, false, actor, true)
			return ignoreValidation(err)
		}
	}
	_, err := s.attemptSubmit(ctx, tenantID, c, conn, c.QueuedUpdate, actor)
	return ignoreValidation(err)
}

// ignoreValidation: in the background a refusal is recorded on the client,
// not an error of the worker.
func ignoreValidation(err error) error {
	if _, ok := models.AsValidation(err); ok {
		return nil
	}
	return err
}

func accountBM(a *provisioning.Account) string {
	if a.Details != nil && a.Details.ClientBusinessManagerID != "" {
		return a.Details.ClientBusinessManagerID
	}
	if a.Changes != nil && a.Changes.Details != nil {
		return a.Changes.Details.ClientBusinessManagerID
	}
	return ""
}

func ptr[T any](v T) *T { return &v }

// workerActor is the actor of work the engine does by itself (a retry of a
// submission whose first attempt failed): no person to name.
const workerActor = ""

// actedEvent records what a person did, or, for the engine's own retries,
// what wabadesk did on its own.
func actedEvent(actor, title string) models.Event {
	if actor == workerActor {
		return models.Event{Source: models.SourceSystem, Title: title + " (automatic retry)"}
	}
	return models.Event{Source: models.SourceStaff, Actor: actor, Title: title}
}
