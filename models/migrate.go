package models

import (
	"context"
	"fmt"
)

// Migrate creates or updates every table. GORM's AutoMigrate only adds
// (tables, columns, indexes), which is what we want on every start-up.
func (s *Store) Migrate(ctx context.Context) error {
	err := s.db.WithContext(ctx).AutoMigrate(
		&Organisation{},
		&User{},
		&Invite{},
		&Client{},
		&Sender{},
		&Event{},
		&Webhook{},
		&Callback{},
		&Link{},
		&SinchSettings{},
		&AuditEntry{},
		&Logo{},
		&PendingCall{},
		&Session{},
		&RateCounter{},
		&RecoveryCode{},
		&Message{},
		&PasswordReset{},
		&APIKey{},
		&IdempotentRequest{},
		&Endpoint{},
		&Delivery{},
		&DeliveryAttempt{},
		&Import{},
		&ImportRow{},
		&WriteCheck{},
		&StageChange{},
		&stageStat{},
		&cohortStat{},
		&stageCount{},
	)
	if err == nil {
		err = s.sealWebhookSecrets(ctx)
	}
	if err == nil {
		err = s.migrateStageCounts(ctx)
	}
	if err == nil {
		err = s.backfillStages(ctx)
	}
	if err == nil {
		err = s.migrateSearch(ctx)
	}
	if err == nil {
		err = s.migrateListIndexes(ctx)
	}
	if err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	return nil
}
