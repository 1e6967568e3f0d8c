package onboarding

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"wabadesk/models"
	"wabadesk/provisioning"
)

// parks reports whether err means the work cannot progress until someone
// changes something: Sinch refused the organisation's credentials or its
// access to the project. Retrying such work every few seconds would only
// take slots from the organisation's other clients.
func parks(err error) bool {
	switch provisioning.StatusCode(err) {
	case http.StatusUnauthorized, http.StatusForbidden:
		return true
	}
	return false
}

// park stops retrying a client's work with a reason shown on its page and
// counted under "needs attention". It is tried again after parkRetry, and
// at once when the organisation's Sinch settings are saved. unknown, when
// set, is what OutcomeUnknown becomes (a refused attempt did not reach
// Sinch, so an earlier state applies).
func (s *Service) park(ctx context.Context, tenantID, id int64, cause error, unknown *bool) (models.Client, error) {
	reason := Plain(cause)
	return s.store.ChangeClient(ctx, tenantID, id, func(c *models.Client) ([]models.Event, error) {
		var events []models.Event
		if c.ParkedReason == "" {
			events = []models.Event{{Source: models.SourceSystem, Title: "Background work on this client is paused",
				Detail: reason + " wabadesk tries again every 30 minutes, and at once when the Sinch connection is saved in Settings."}}
		}
		c.ParkedReason, c.LastError = reason, ""
		if unknown != nil {
			c.OutcomeUnknown = *unknown
		}
		c.NextSyncAt, c.SyncPriority = ptr(s.now().Add(parkRetry)), models.PriorityPoll
		return events, nil
	})
}

// afterFailure reschedules a client whose sync failed: parked when Sinch
// refused it for good (a 4xx other than 429), later with backoff otherwise
// (Sinch, the network or our database had a temporary problem).
func (s *Service) afterFailure(ctx context.Context, tenantID, id int64, err error) error {
	if code := provisioning.StatusCode(err); code >= 400 && code < 500 && code != http.StatusTooManyRequests {
		s.log().Warn("client parked", "client_id", id, "error", err)
		_, perr := s.park(ctx, tenantID, id, err, nil)
		return perr
	}
	if !provisioning.IsRetryable(err) && !errors.Is(err, ErrUnavailable) {
		s.log().Warn("sync client failed", "client_id", id, "error", err)
		err = fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	return s.backoffSync(ctx, tenantID, id, err)
}
