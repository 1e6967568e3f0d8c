package onboarding

import (
	"context"
	"errors"
	"strings"
	"time"

	"wabadesk/models"
	"wabadesk/provisioning"
)

// SyncClient brings one client in step with Sinch now (a person asked):
// it retries a queued submission, re-reads the account, its activities and
// every sender, and schedules the next read.
func (s *Service) SyncClient(ctx context.Context, tenantID, clientID int64) error {
	return s.sync(ctx, tenantID, clientID, models.PriorityAction)
}

// sync is one read of a client, as thorough as its trigger needs: a routine
// poll of a project whose webhook works reads only the states, while a
// person's refresh, a webhook or a change also reads the activities.
func (s *Service) sync(ctx context.Context, tenantID, clientID int64, trigger int) error {
	c, err := s.store.ClientByID(ctx, tenantID, clientID)
	if err != nil {
		return err
	}
	conn, err := s.connect(ctx, tenantID)
	if err != nil {
		return err
	}
	switch {
	case c.AccountStage == models.AccountQueued && (c.NextAttemptAt == nil || !c.NextAttemptAt.After(s.now())):
		if err := s.retrySubmit(ctx, tenantID, c, conn); err != nil {
			return err
		}
		return s.schedule(ctx, tenantID, c.ID, nil, false, 1)
	case c.AccountStage == models.AccountQueued:
		return s.schedule(ctx, tenantID, c.ID, c.NextAttemptAt, false, 1)
	case c.AccountStage == models.AccountDraft:
		return s.reconcileDraft(ctx, tenantID, c, conn, trigger)
	}
	hasWebhook, err := s.EnsureWebhook(ctx, tenantID, c.ProjectID)
	if err != nil {
		s.log().Warn("webhook registration failed; polling covers it", "client_id", c.ID, "error", err)
	}
	// Callbacks sent while this process was down may be lost: poll as if
	// without webhooks for a while after a start.
	hasWebhook = hasWebhook && s.now().Sub(s.startedAt()) > restartDistrust
	acct, err := conn.Client.GetAccount(ctx, c.ProjectID)
	if err != nil {
		return err
	}
	moved := accountStage(acct) != c.AccountStage
	var acts *provisioning.ActivityList
	if moved || trigger != models.PriorityPoll || !hasWebhook || c.AccountStage == models.AccountRejected && c.RejectionReason == "" {
		acts, err = conn.Client.ListAccountActivities(ctx, c.ProjectID, provisioning.PageParams{PageSize: 50})
		if provisioning.IsRetryable(err) {
			return err
		}
		// activities are a nicety: the state above is what matters
	}
	c, err = s.store.ChangeClient(ctx, tenantID, c.ID, func(c *models.Client) ([]models.Event, error) {
		events := applyAccount(c, acct)
		events = append(events, activityEvents(acts, nil)...)
		if c.AccountStage == models.AccountRejected && acts != nil {
			c.RejectionReason = rejectionReason(acts)
			for i := range events {
				if events[i].Title == accountTitles[models.AccountRejected] && events[i].Detail == "" {
					events[i].Detail = c.RejectionReason
				}
			}
		}
		c.LastError, c.ParkedReason, c.SubmitAttempts = "", "", 0
		return events, nil
	})
	if err != nil {
		return err
	}
	if moved && hasWebhook && trigger == models.PriorityPoll {
		// Sinch's callback for this change never came: poll this project
		// as if it had no webhook for a while.
		if err := s.store.MarkWebhookMissed(ctx, tenantID, c.ProjectID); err != nil {
			return err
		}
		hasWebhook = false
	}
	retry, calls, err := s.syncSenders(ctx, tenantID, c, conn, trigger, hasWebhook)
	if err != nil {
		return err
	}
	return s.schedule(ctx, tenantID, c.ID, retry, hasWebhook, 1+calls)
}

// reconcileDraft makes sure a draft has no account at Sinch: a callback for
// its project (or a submission from before intents were recorded) means an
// earlier attempt reached Sinch, and the account is adopted.
func (s *Service) reconcileDraft(ctx context.Context, tenantID int64, c models.Client, conn Connection, trigger int) error {
	if c.ProjectID == "" || trigger == models.PriorityPoll {
		return s.schedule(ctx, tenantID, c.ID, nil, false, 1)
	}
	acct, err := conn.Client.GetAccount(ctx, c.ProjectID)
	switch code := provisioning.StatusCode(err); {
	case code == 404 || code == 400:
		return s.schedule(ctx, tenantID, c.ID, nil, false, 1)
	case err != nil:
		return err
	case accountBM(acct) != c.BusinessManagerID:
		_, err = s.store.ChangeClient(ctx, tenantID, c.ID, func(c *models.Client) ([]models.Event, error) {
			c.NextSyncAt = nil
			return []models.Event{{Source: models.SourceSinch, Title: "This Sinch project already has a WhatsApp account",
				Detail:    "It belongs to Business Manager " + accountBM(acct) + ". Sinch allows one account per project: use a new project for this client.",
				DedupeKey: hashKey("draft-conflict|" + itoa64(c.ID) + "|" + accountBM(acct))}}, nil
		})
		return err
	}
	_, err = s.store.ChangeClient(ctx, tenantID, c.ID, func(c *models.Client) ([]models.Event, error) {
		events := []models.Event{{Source: models.SourceSystem, Title: "Found at Sinch: an earlier submission of this client reached Sinch"}}
		return append(events, applyAccount(c, acct)...), nil
	})
	if err != nil {
		return err
	}
	return s.schedule(ctx, tenantID, c.ID, nil, false, 1)
}

// syncSenders re-reads every sender Sinch knows and retries queued ones. It
// returns when the earliest still-queued sender is due again, and how many
// Sinch calls a routine poll of the senders makes.
func (s *Service) syncSenders(ctx context.Context, tenantID int64, c models.Client, conn Connection, trigger int, hasWebhook bool) (*time.Time, int, error) {
	senders, err := s.store.Senders(ctx, tenantID, c.ID)
	if err != nil {
		return nil, 0, err
	}
	var (
		retry *time.Time
		calls int
	)
	for _, snd := range senders {
		switch {
		case snd.Stage == models.SenderQueued && snd.NextAttemptAt != nil && snd.NextAttemptAt.After(s.now()):
			if retry == nil || snd.NextAttemptAt.Before(*retry) {
				retry = snd.NextAttemptAt
			}
		case snd.Stage == models.SenderQueued:
			err = s.retrySender(ctx, tenantID, c, snd, conn)
		case snd.SinchID != "" && snd.Stage != models.SenderDeleted:
			calls++
			err = s.syncSender(ctx, tenantID, c, snd, conn, trigger != models.PriorityPoll || !hasWebhook)
		}
		if err != nil {
			return nil, 0, err
		}
	}
	return retry, calls, nil
}

// syncSender re-reads one sender; its activities too when thorough or when
// it changed.
func (s *Service) syncSender(ctx context.Context, tenantID int64, c models.Client, snd models.Sender, conn Connection, thorough bool) error {
	remote, err := conn.Client.GetSender(ctx, c.ProjectID, snd.SinchID)
	if provisioning.StatusCode(err) == 404 {
		_, err = s.store.ChangeSender(ctx, tenantID, snd.ID, func(m *models.Sender) ([]models.Event, error) {
			m.Stage = models.SenderDeleted
			return []models.Event{{Source: models.SourceSinch, Title: "Sender no longer exists at Sinch"}}, nil
		})
		return err
	}
	if err != nil {
		return err
	}
	var acts *provisioning.ActivityList
	if thorough || senderStage(remote) != snd.Stage {
		acts, _ = conn.Client.ListSenderActivities(ctx, c.ProjectID, snd.SinchID, provisioning.PageParams{PageSize: 50})
	}
	_, err = s.store.ChangeSender(ctx, tenantID, snd.ID, func(m *models.Sender) ([]models.Event, error) {
		events := applySender(m, remote)
		if m.Stage == models.SenderRejected && acts != nil {
			m.Reason = rejectionReason(acts)
		}
		return append(events, activityEvents(acts, &m.ID)...), nil
	})
	return err
}

// schedule sets the next look at a client after a sync: the polling
// schedule, or earlier for a queued submission or sender (retry), or at
// once when a webhook asked for a read while this sync ran.
func (s *Service) schedule(ctx context.Context, tenantID, id int64, retry *time.Time, hasWebhook bool, calls int) error {
	_, err := s.store.ChangeClient(ctx, tenantID, id, func(c *models.Client) ([]models.Event, error) {
		if c.SyncPriority >= models.PriorityWebhook && c.NextSyncAt != nil {
			return nil, nil // asked for during this sync (the claim reset it)
		}
		c.NextSyncAt = nextSync(*c, s.now(), hasWebhook, calls)
		if c.AccountStage == models.AccountQueued && c.NextAttemptAt != nil {
			c.NextSyncAt = nil // nothing to read at Sinch before the next attempt
			retry = earliest(retry, c.NextAttemptAt)
		}
		if retry != nil && (c.NextSyncAt == nil || !c.NextSyncAt.Before(*retry)) {
			// A retry of a person's action (or the read right after one)
			// goes before routine polls, however many are overdue.
			c.NextSyncAt, c.SyncPriority = retry, models.PriorityAction
		}
		return nil, nil
	})
	return err
}

func earliest(a, b *time.Time) *time.Time {
	if a == nil || b != nil && b.Before(*a) {
		return b
	}
	return a
}

// backoffSync keeps polling a client Sinch could not answer for, later.
func (s *Service) backoffSync(ctx context.Context, tenantID, id int64, cause error) error {
	if !provisioning.IsRetryable(cause) && !errors.Is(cause, ErrUnavailable) {
		return cause
	}
	_, err := s.store.ChangeClient(ctx, tenantID, id, func(c *models.Client) ([]models.Event, error) {
		c.NextSyncAt, c.LastError = s.nextRetry(tenantID, &c.SubmitAttempts, cause), Plain(cause)
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
		if stateActivities[a.Type] && (a.Comment == "" || senderID == nil) {
			// The stage change is already on the timeline in our words; an
			// account's comment (a rejection's reason) goes with it (sync).
			continue
		}
		title, ok := activityTitles[a.Type]
		if !ok && a.Comment == "" {
			continue // an echo of something on the timeline already, in our words
		}
		if !ok {
			title = "Sinch: " + humanize(string(a.Type))
		}
		ev := models.Event{At: a.Created.UTC(), Source: models.SourceSinch, Actor: a.Author,
			Title: title, Detail: a.Comment, SenderID: senderID, DedupeKey: activityKey(a, senderID)}
		if a.Author == apiAuthor { // what our own calls did: wabadesk's doing
			ev.Source, ev.Actor = models.SourceSystem, ""
		}
		out = append(out, ev)
	}
	return out
}

// activityTitles words the Sinch activities worth a line of their own.
// REGISTERED and VERIFIED echo the code steps wabadesk records itself.
var activityTitles = map[provisioning.ActivityType]string{
	provisioning.ActivityCommentAdded: "Comment",
	provisioning.ActivityEdited:       "Details changed at Sinch",
}

// apiAuthor is how Sinch's activities name whoever used the Provisioning
// API with the reseller's key: wabadesk itself.
const apiAuthor = "Provisioning API user"

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

// nextRetry counts a failed attempt and says when to try again: after the
// backoff, or later when Sinch asked for it with Retry-After. A 429 is
// Sinch's rate limit, not the item's fault: it pauses the organisation and
// leaves the item's backoff where it was.
func (s *Service) nextRetry(tenantID int64, attempts *int, cause error) *time.Time {
	s.tenants.pauseOn429(tenantID, cause, s.now(), s.Backoff(1))
	if provisioning.StatusCode(cause) != 429 {
		*attempts++
	}
	wait := s.Backoff(max(*attempts, 1))
	if ra, ok := provisioning.RetryAfter(cause); ok {
		wait = max(wait, ra)
	}
	return ptr(s.now().Add(wait))
}
