package models

import (
	"context"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// ChangeClient loads a client, lets change mutate it and return timeline
// events, then saves both in one transaction. The journey stage is derived
// from the account and sender stages here, so every path (handlers, worker,
// webhooks) keeps it right.
func (s *Store) ChangeClient(ctx context.Context, tenantID, id int64, change func(c *Client) ([]Event, error)) (Client, error) {
	var (
		c       Client
		visible bool // worth telling open pages about
	)
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := forUpdate(tx).Where("organisation_id = ?", tenantID).First(&c, id).Error; err != nil {
			return err
		}
		before := c
		events, err := change(&c)
		if err != nil {
			return err
		}
		now := s.now()
		stampClientHealth(before, &c, now)
		if stage := journeyStage(c.AccountStage, c.SenderStage); stage != c.Stage {
			c.Stage, c.StageSince = stage, now
		}
		if len(events) > 0 { // polls that find nothing new are not "changes"
			c.LastChangeAt = now
		}
		visible = len(events) > 0 || c.Stage != before.Stage || c.AccountStage != before.AccountStage || c.LastError != before.LastError
		// Leases belong to ClaimClient/ReleaseClient alone.
		if err := tx.Select("*").Omit("created_at", "Organisation", "lease_owner", "lease_until").Save(&c).Error; err != nil {
			return err
		}
		if err := s.emitClientChange(tx, before, c); err != nil {
			return err
		}
		return addEvents(tx, tenantID, c.ID, nil, now, events)
	})
	if visible {
		s.notify(tenantID, c.ID, err)
	}
	return c, wrap(err, "change client")
}

// ChangeSender is ChangeClient for a sender; the client row follows.
func (s *Store) ChangeSender(ctx context.Context, tenantID, id int64, change func(snd *Sender) ([]Event, error)) (Sender, error) {
	var (
		snd     Sender
		visible bool
	)
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := forUpdate(tx).Where("organisation_id = ?", tenantID).First(&snd, id).Error; err != nil {
			return err
		}
		before := snd
		events, err := change(&snd)
		visible = len(events) > 0 || snd.Stage != before.Stage
		if err != nil {
			return err
		}
		now := s.now()
		if snd.Stage != before.Stage {
			snd.StageSince = now
		}
		stampSenderHealth(before, &snd, now)
		if err := tx.Select("*").Omit("created_at", "Client", "lease_owner", "lease_until").Save(&snd).Error; err != nil {
			return err
		}
		c, err := s.syncClientSender(tx, snd.ClientID, now, len(events) > 0)
		if err != nil {
			return err
		}
		if err := s.emitSender(tx, c, &before, snd); err != nil {
			return err
		}
		return addEvents(tx, tenantID, snd.ClientID, &snd.ID, now, events)
	})
	if visible {
		s.notify(tenantID, snd.ClientID, err)
	}
	return snd, wrap(err, "change sender")
}

// emitClientChange sends the events a client's change causes: its stage
// moved, or its background work got parked (it needs attention at once).
func (s *Store) emitClientChange(tx *gorm.DB, before, after Client) error {
	if after.Stage != before.Stage {
		if err := recordStage(tx, after, "", after.StageSince); err != nil {
			return err
		}
		if err := s.emitClient(tx, HookClientStageChanged, after, &before.Stage); err != nil {
			return err
		}
	}
	if err := s.emitHealth(tx, after, before.ClientHealth); err != nil {
		return err
	}
	if after.ParkedReason != "" && before.ParkedReason == "" {
		return s.emit(tx, after.OrganisationID, after.ID, HookClientNeedsAttention, "",
			hookClientData{Client: hookClient(after), Reason: after.ParkedReason})
	}
	return nil
}

func addEvents(tx *gorm.DB, tenantID, clientID int64, senderID *int64, now time.Time, events []Event) error {
	for _, e := range events {
		e.OrganisationID, e.ClientID = tenantID, clientID
		if e.SenderID == nil {
			e.SenderID = senderID
		}
		if e.At.IsZero() {
			e.At = now
		}
		if err := addEvent(tx, e); err != nil {
			return err
		}
	}
	return nil
}

// forUpdate locks the row read in a read-modify-write transaction, so two
// writers (a webhook and the worker) cannot undo each other's change. On
// PostgreSQL that is SELECT … FOR UPDATE; SQLite already serialises write
// transactions (IMMEDIATE), and has no such clause.
func forUpdate(tx *gorm.DB) *gorm.DB {
	if tx.Dialector.Name() == "postgres" {
		return tx.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	return tx
}
