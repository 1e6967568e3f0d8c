package mail

import (
	"context"
	"time"

	"wabadesk/models"
)

// scan queues what has come due: reminders to business clients, immediate
// notifications to staff, and the daily digests. Every message has a key
// per cause, so scanning again, or on several instances, queues nothing
// twice.
func (s *Service) scan(ctx context.Context) {
	if err := s.scanReminders(ctx); err != nil {
		s.log().Error("mail: scanning for reminders failed", "error", err)
	}
	if err := s.scanNotifications(ctx); err != nil {
		s.log().Error("mail: scanning for notifications failed", "error", err)
	}
	if err := s.scanDigests(ctx); err != nil {
		s.log().Error("mail: queueing digests failed", "error", err)
	}
}

func (s *Service) scanReminders(ctx context.Context) error {
	now := s.now()
	for _, stage := range RemindStages {
		waits := s.Remind[stage]
		if len(waits) == 0 {
			continue
		}
		clients, err := s.Store.RemindableClients(ctx, []models.Stage{stage}, now.Add(-waits[0]))
		if err != nil {
			return err
		}
		byOrg := map[int64][]models.Client{}
		for _, c := range clients {
			byOrg[c.OrganisationID] = append(byOrg[c.OrganisationID], c)
		}
		for org, cs := range byOrg {
			keys := make([]string, len(cs))
			for i, c := range cs {
				keys[i] = models.ReminderKey(c, s.Remind.Step(stage, now.Sub(c.StageSince)))
			}
			have, err := s.Store.MailKeys(ctx, org, keys)
			if err != nil {
				return err
			}
			for i, c := range cs {
				if have[keys[i]] {
					continue
				}
				if err := s.Store.QueueReminder(ctx, c, s.Remind.Step(stage, now.Sub(c.StageSince))); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// scanNotifications finds the clients that became rejected, active or in
// need of attention since the last scan (the last hour after a start:
// keys make a repeat harmless) and queues a message for each member who
// wants it at once.
func (s *Service) scanNotifications(ctx context.Context) error {
	to := s.now()
	// Two minutes of overlap: a change committed just after the last scan
	// may carry an earlier stage_since (its transaction's clock), and
	// instances' clocks differ a little. Keys make the overlap harmless.
	from := s.scannedTo.Add(-2 * time.Minute)
	if s.scannedTo.IsZero() {
		from = to.Add(-time.Hour)
	}
	type want struct {
		org   int64
		event string
	}
	members := map[want][]models.User{}
	queue := func(event string, clients []models.Client) error {
		for _, c := range clients {
			k := want{c.OrganisationID, event}
			us, ok := members[k]
			if !ok {
				var err error
				if us, err = s.Store.Notifiable(ctx, c.OrganisationID, event); err != nil {
					return err
				}
				members[k] = us
			}
			for _, u := range us {
				if err := s.Store.QueueNotification(ctx, u, c, event); err != nil {
					return err
				}
			}
		}
		return nil
	}
	for _, ev := range []struct {
		event string
		stage models.Stage
	}{{models.NotifyRejected, models.StageRejected}, {models.NotifyActive, models.StageActive}} {
		cs, err := s.Store.StageEntries(ctx, ev.stage, from, to)
		if err != nil {
			return err
		}
		if err := queue(ev.event, cs); err != nil {
			return err
		}
	}
	// A client needs attention once it has waited its stage's threshold:
	// those whose threshold passed in (from, to]. Rejections have their
	// own notification.
	for stage, d := range s.Store.StuckAfter {
		cs, err := s.Store.StageEntries(ctx, stage, from.Add(-d), to.Add(-d))
		if err != nil {
			return err
		}
		// The same moment is the reseller's client.needs_attention event.
		reason := stage.Label() + " for longer than " + Span(d) + ", waiting on " + stage.WaitingOn() + "."
		if d == 0 {
			reason = stage.Label() + ": waiting on " + stage.WaitingOn() + "."
		}
		for _, c := range cs {
			if err := s.Store.EmitNeedsAttention(ctx, c, reason); err != nil {
				return err
			}
		}
		if stage == models.StageRejected {
			continue
		}
		if err := queue(models.NotifyAttention, cs); err != nil {
			return err
		}
	}
	s.scannedTo = to
	return nil
}

// scanDigests queues each reader's digest once a day, after DigestHour.
func (s *Service) scanDigests(ctx context.Context) error {
	now := s.now()
	day := now.Format("2006-01-02")
	if now.Hour() < s.DigestHour || s.digestDay == day {
		return nil
	}
	readers, err := s.Store.DigestReaders(ctx)
	if err != nil {
		return err
	}
	for _, u := range readers {
		if err := s.Store.QueueDigest(ctx, u, day); err != nil {
			return err
		}
	}
	s.digestDay = day
	return nil
}
