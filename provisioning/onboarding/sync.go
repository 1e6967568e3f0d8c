package onboarding

import (
	"context"
	"errors"
	"strings"
	"time"

	"wabadesk/models"
	"wabadesk/provisioning"
)

// SyncClient brings one client in step with Sinch: it retries a queued
// submission, re-reads the account, its activities and every sender, and
// schedules the next read. Webhooks (later) call the same apply functions.
func (s *Service) SyncClient(ctx context.Context, tenantID, clientID int64) error {
	c, err := s.store.ClientByID(ctx, tenantID, clientID)
	if err != nil {
		return err
	}
	conn, err := s.connect(ctx, tenantID)
	if err != nil {
		return err
	}
	if c.AccountStage == models.AccountQueued {
		if c.NextAttemptAt == nil || !c.NextAttemptAt.After(s.now()) {
			return s.retrySubmit(ctx, tenantID, c, conn)
		}
		return nil
	}
	if c.AccountStage == models.AccountDraft {
		return nil
	}
	if err := s.EnsureWebhook(ctx, tenantID, c.ProjectID); err != nil {
		s.log().Warn("webhook registration failed; polling covers it", "client_id", c.ID, "error", err)
	}
	acct, err := conn.Client.GetAccount(ctx, c.ProjectID)
	if err != nil {
		return s.backoffSync(ctx, tenantID, c.ID, err)
	}
	acts, err := conn.Client.ListAccountActivities(ctx, c.ProjectID, provisioning.PageParams{PageSize: 50})
	if err != nil && !provisioning.IsRetryable(err) {
		acts = nil // activities are a nicety; the state above is what matters
	} else if err != nil {
		return s.backoffSync(ctx, tenantID, c.ID, err)
	}
	c, err = s.store.ChangeClient(ctx, tenantID, c.ID, func(c *models.Client) ([]models.Event, error) {
		events := applyAccount(c, acct)
		events = append(events, activityEvents(acts, nil)...)
		if c.AccountStage == models.AccountRejected {
			c.RejectionReason = rejectionReason(acts)
		}
		c.LastError = ""
		return events, nil
	})
	if err != nil {
		return err
	}
	retry, err := s.syncSenders(ctx, tenantID, c, conn)
	if err != nil {
		return err
	}
	return s.schedule(ctx, tenantID, c.ID, retry)
}

// syncSenders re-reads every sender Sinch knows and retries queued ones. It
// returns when the earliest still-queued sender is due again.
func (s *Service) syncSenders(ctx context.Context, tenantID int64, c models.Client, conn Connection) (*time.Time, error) {
	senders, err := s.store.Senders(ctx, tenantID, c.ID)
	if err != nil {
		return nil, err
	}
	var retry *time.Time
	for _, snd := range senders {
		switch {
		case snd.Stage == models.SenderQueued && snd.NextAttemptAt != nil && snd.NextAttemptAt.After(s.now()):
			if retry == nil || snd.NextAttemptAt.Before(*retry) {
				retry = snd.NextAttemptAt
			}
		case snd.Stage == models.SenderQueued:
			err = s.retrySender(ctx, tenantID, c, snd, conn)
		case snd.SinchID != "" && snd.Stage != models.SenderDeleted:
			err = s.syncSender(ctx, tenantID, c, snd, conn)
		}
		if err != nil {
			return nil, err
		}
	}
	return retry, nil
}

func (s *Service) syncSender(ctx context.Context, tenantID int64, c models.Client, snd models.Sender, conn Connection) error {
	remote, err := conn.Client.GetSender(ctx, c.ProjectID, snd.SinchID)
	if provisioning.StatusCode(err) == 404 {
		_, err = s.store.ChangeSender(ctx, tenantID, snd.ID, func(m *models.Sender) ([]models.Event, error) {
			m.Stage = models.SenderDeleted
			return []models.Event{{Source: models.SourceSinch, Title: "Sender no longer exists at Sinch"}}, nil
		})
		return err
	}
	if err != nil {
		return s.backoffSync(ctx, tenantID, c.ID, err)
	}
	acts, _ := conn.Client.ListSenderActivities(ctx, c.ProjectID, snd.SinchID, provisioning.PageParams{PageSize: 50})
	_, err = s.store.ChangeSender(ctx, tenantID, snd.ID, func(m *models.Sender) ([]models.Event, error) {
		events := applySender(m, remote)
		if m.Stage == models.SenderRejected {
			m.Reason = rejectionReason(acts)
		}
		return append(events, activityEvents(acts, &m.ID)...), nil
	})
	return err
}

// schedule sets the next poll from the client's (possibly new) stage, or
// earlier when a queued sender is due for another try.
func (s *Service) schedule(ctx context.Context, tenantID, id int64, retry *time.Time) error {
	_, err := s.store.ChangeClient(ctx, tenantID, id, func(c *models.Client) ([]models.Event, error) {
		c.NextSyncAt = nextSync(*c, s.now())
		if retry != nil && (c.NextSyncAt == nil || retry.Before(*c.NextSyncAt)) {
			c.NextSyncAt = retry
		}
		return nil, nil
	})
	return err
}

// backoffSync keeps polling a client Sinch could not answer for, later.
func (s *Service) backoffSync(ctx context.Context, tenantID, id int64, cause error) error {
	if !provisioning.IsRetryable(cause) && !errors.Is(cause, ErrUnavailable) {
		return cause
	}
	s.tenants.pauseOn429(tenantID, cause, s.now(), s.Backoff(1))
	_, err := s.store.ChangeClient(ctx, tenantID, id, func(c *models.Client) ([]models.Event, error) {
		c.SubmitAttempts++
		wait := s.Backoff(c.SubmitAttempts)
		if ra, ok := provisioning.RetryAfter(cause); ok {
			wait = max(wait, ra)
		}
		c.NextSyncAt, c.LastError = ptr(s.now().Add(wait)), Plain(cause)
		return nil, nil
	})
	return err
}

// activityEvents turns Sinch activities into timeline events, each recorded
// once whatever how often it is read (the dedupe key is its identity).
func activityEvents(list *provisioning.ActivityList, senderID *int64) []models.Event {
	if list == nil {
		return nil
	}
	var out []models.Event
	for _, a := range list.Notifications {
		if a.Comment == "" && stateActivities[a.Type] {
			continue // the stage change is already on the timeline in our words
		}
		title := "Sinch: " + humanize(string(a.Type))
		if a.Type == "COMMENT_ADDED" {
			title = "Comment"
		}
		out = append(out, models.Event{At: a.Created.UTC(), Source: models.SourceSinch, Actor: a.Author,
			Title: title, Detail: a.Comment, SenderID: senderID, DedupeKey: activityKey(a, senderID)})
	}
	return out
}

// stateActivities mirror state changes that applyAccount/applySender already
// record; they add nothing to the timeline unless they carry a comment.
var stateActivities = map[provisioning.ActivityType]bool{
	"CREATED": true, "IN_PROGRESS": true, "PENDING_FACEBOOK_VERIFICATION": true, "REJECTED": true,
	"ACTIVE": true, "ERROR": true, "INACTIVE": true, "DRAFT": true,
}

// activityKey identifies a Sinch activity, so reading it again (or the
// comment we posted ourselves) is recorded once.
func activityKey(a provisioning.Activity, senderID *int64) string {
	key := string(a.Type) + "|" + a.Created.UTC().Format("2006-01-02T15:04:05.000") + "|" + a.Comment
	if senderID != nil {
		key = "s" + itoa64(*senderID) + "|" + key
	}
	return hashKey(key)
}

// rejectionReason is the newest rejection comment, else the newest comment.
func rejectionReason(list *provisioning.ActivityList) string {
	if list == nil {
		return ""
	}
	var comment string
	for _, a := range list.Notifications { // newest first
		if a.Type == "REJECTED" && a.Comment != "" {
			return a.Comment
		}
		if comment == "" && a.Comment != "" {
			comment = a.Comment
		}
	}
	return comment
}

func humanize(s string) string {
	s = strings.ReplaceAll(strings.ToLower(s), "_", " ")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
