package models

import (
	"context"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// stageCount is how many of a tenant's clients are in a stage, kept in
// step with the clients table by the transaction that moves a client
// (recordStage), so the numbers above the client list are read, not
// counted: counting 100,000 clients took 14-18 ms on PostgreSQL after
// every change.
type stageCount struct {
	OrganisationID int64 `gorm:"primaryKey;autoIncrement:false"`
	Stage          Stage `gorm:"primaryKey;size:20"`
	N              int64 `gorm:"not null;default:0"`
}

func (stageCount) TableName() string { return "stage_counts" }

// moveStageCount moves one client from one stage to another; either may
// be empty (created, deleted). Rows are touched in the stages' order, so
// two transactions moving clients in opposite directions cannot deadlock
// on PostgreSQL.
func moveStageCount(tx *gorm.DB, tenantID int64, from, to Stage) error {
	if from == to {
		return nil
	}
	moves := []struct {
		stage Stage
		by    int64
	}{{from, -1}, {to, 1}}
	if to < from {
		moves[0], moves[1] = moves[1], moves[0]
	}
	for _, m := range moves {
		if m.stage == "" || m.stage == StageDeleted {
			continue
		}
		err := tx.Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "organisation_id"}, {Name: "stage"}},
			DoUpdates: clause.Assignments(map[string]any{"n": gorm.Expr("stage_counts.n + ?", m.by)}),
		}).Create(&stageCount{OrganisationID: tenantID, Stage: m.stage, N: m.by}).Error
		if err != nil {
			return err
		}
	}
	return nil
}

// recountStages counts the stages afresh from the clients table: on the
// first start with the counts table, and after rows were written directly
// (RebuildStageStats).
func recountStages(tx *gorm.DB) error {
	for _, q := range []string{
		"DELETE FROM stage_counts",
		`INSERT INTO stage_counts (organisation_id, stage, n)
			SELECT organisation_id, stage, COUNT(*) FROM clients GROUP BY organisation_id, stage`,
	} {
		if err := tx.Exec(q).Error; err != nil {
			return err
		}
	}
	return nil
}

// migrateStageCounts fills the counts table the first time it exists: an
// empty table beside clients means it was just made.
func (s *Store) migrateStageCounts(ctx context.Context) error {
	db := s.db.WithContext(ctx)
	var counted, clients []int64
	if err := db.Model(&stageCount{}).Limit(1).Pluck("organisation_id", &counted).Error; err != nil || len(counted) > 0 {
		return err
	}
	if err := db.Model(&Client{}).Limit(1).Pluck("id", &clients).Error; err != nil || len(clients) == 0 {
		return err
	}
	return db.Transaction(recountStages)
}
