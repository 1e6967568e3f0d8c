package models

import (
	"context"
	"math"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// StageDeleted marks, in the stage history only, a draft that was deleted.
const StageDeleted Stage = "deleted"

// StageChange is one stay of a client in a stage: the history analytics
// are computed from. The cohort fields (the client's creation, by whom)
// are copied onto every row, so the history outlives a deleted client.
// Each row also moves two rollups in the same transaction (stageStat,
// cohortStat), which the analytics read: a year of 100,000 clients is a
// few thousand rollup rows instead of 600,000 stays.
type StageChange struct {
	ID             int64     `gorm:"primaryKey"`
	OrganisationID int64     `gorm:"not null;index:idx_stage_changes_stage,priority:1"`
	ClientID       int64     `gorm:"not null;index:idx_stage_changes_client"`
	Stage          Stage     `gorm:"size:20;not null;index:idx_stage_changes_stage,priority:2"`
	CohortAt       time.Time `gorm:"not null;index:idx_stage_changes_stage,priority:3"` // the client's creation
	CohortDay      string    `gorm:"size:10;not null"`                                  // its UTC date, 2026-12-02
	CreatedBy      string    `gorm:"size:120;not null;default:''"`
	// FirstStay marks the client's first stay in this stage; Opening its
	// very first row. Counting them counts clients without DISTINCT.
	FirstStay bool      `gorm:"not null;default:false"`
	Opening   bool      `gorm:"not null;default:false"`
	At        time.Time `gorm:"not null"`
	LeftAt    *time.Time
	// Bucket is the stay's length on a log scale (DurationBucket), set when
	// it ends, so percentiles are counted rather than sorted.
	Bucket *int
	Reason string `gorm:"size:300;not null;default:''"` // a rejection's
}

// stageStat counts, per cohort day and stage: first stays and openings
// (Bucket -1), and finished stays by length bucket.
type stageStat struct {
	OrganisationID int64  `gorm:"primaryKey;autoIncrement:false"`
	CohortDay      string `gorm:"primaryKey;size:10"`
	Stage          Stage  `gorm:"primaryKey;size:20"`
	Bucket         int    `gorm:"primaryKey;autoIncrement:false"`
	Firsts         int    `gorm:"not null;default:0"`
	Openings       int    `gorm:"not null;default:0"`
	Stays          int    `gorm:"not null;default:0"`
}

func (stageStat) TableName() string { return "stage_stats" }

// cohortStat counts, per cohort day and creator, the clients created and
// how many of them ever reached onboarded, active and rejected.
type cohortStat struct {
	OrganisationID int64  `gorm:"primaryKey;autoIncrement:false"`
	CohortDay      string `gorm:"primaryKey;size:10"`
	CreatedBy      string `gorm:"primaryKey;size:120"`
	Created        int    `gorm:"not null;default:0"`
	Onboarded      int    `gorm:"not null;default:0"`
	Active         int    `gorm:"not null;default:0"`
	Rejected       int    `gorm:"not null;default:0"`
}

func (cohortStat) TableName() string { return "cohort_stats" }

// bump adds the counts of row to its rollup row, creating it if need be.
func bump(tx *gorm.DB, row any, table string, counts map[string]int, keys ...string) error {
	set := map[string]any{}
	for col, n := range counts {
		set[col] = gorm.Expr(table+"."+col+" + ?", n)
	}
	cols := make([]clause.Column, len(keys))
	for i, k := range keys {
		cols[i] = clause.Column{Name: k}
	}
	return tx.Clauses(clause.OnConflict{Columns: cols, DoUpdates: clause.Assignments(set)}).Create(row).Error
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// rollUp moves the rollups for a new stay (and, when ended, the one it ends).
func rollUp(tx *gorm.DB, row StageChange, ended *StageChange, bucket int) error {
	if ended != nil {
		if err := bump(tx, &stageStat{OrganisationID: ended.OrganisationID, CohortDay: ended.CohortDay, Stage: ended.Stage, Bucket: bucket, Stays: 1},
			"stage_stats", map[string]int{"stays": 1}, "organisation_id", "cohort_day", "stage", "bucket"); err != nil {
			return err
		}
	}
	if row.Stage == "" {
		return nil
	}
	st := stageStat{OrganisationID: row.OrganisationID, CohortDay: row.CohortDay, Stage: row.Stage, Bucket: -1,
		Firsts: b2i(row.FirstStay), Openings: b2i(row.Opening)}
	if err := bump(tx, &st, "stage_stats", map[string]int{"firsts": st.Firsts, "openings": st.Openings},
		"organisation_id", "cohort_day", "stage", "bucket"); err != nil {
		return err
	}
	if !row.FirstStay {
		return nil
	}
	cs := cohortStat{OrganisationID: row.OrganisationID, CohortDay: row.CohortDay, CreatedBy: row.CreatedBy, Created: b2i(row.Opening),
		Onboarded: b2i(row.Stage == StageOnboarded), Active: b2i(row.Stage == StageActive), Rejected: b2i(row.Stage == StageRejected)}
	return bump(tx, &cs, "cohort_stats", map[string]int{"created": cs.Created, "onboarded": cs.Onboarded, "active": cs.Active,
		"rejected": cs.Rejected}, "organisation_id", "cohort_day", "created_by")
}

// RebuildStageStats recounts both rollups from the history, and the stage
// counts from the clients (after a backfill, or rows written directly, as
// benchmarks do).
func (s *Store) RebuildStageStats(ctx context.Context) error {
	return wrap(s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := recountStages(tx); err != nil {
			return err
		}
		for _, q := range []string{
			"DELETE FROM stage_stats",
			"DELETE FROM cohort_stats",
			`INSERT INTO stage_stats (organisation_id, cohort_day, stage, bucket, firsts, openings, stays)
				SELECT organisation_id, cohort_day, stage, -1, SUM(CASE WHEN first_stay THEN 1 ELSE 0 END), SUM(CASE WHEN opening THEN 1 ELSE 0 END), 0
				FROM stage_changes GROUP BY organisation_id, cohort_day, stage`,
			`INSERT INTO stage_stats (organisation_id, cohort_day, stage, bucket, firsts, openings, stays)
				SELECT organisation_id, cohort_day, stage, bucket, 0, 0, COUNT(*)
				FROM stage_changes WHERE bucket IS NOT NULL GROUP BY organisation_id, cohort_day, stage, bucket`,
			`INSERT INTO cohort_stats (organisation_id, cohort_day, created_by, created, onboarded, active, rejected)
				SELECT organisation_id, cohort_day, created_by, SUM(CASE WHEN opening THEN 1 ELSE 0 END),
				SUM(CASE WHEN stage = 'onboarded' THEN 1 ELSE 0 END), SUM(CASE WHEN stage = 'active' THEN 1 ELSE 0 END),
				SUM(CASE WHEN stage = 'rejected' THEN 1 ELSE 0 END)
				FROM stage_changes WHERE first_stay GROUP BY organisation_id, cohort_day, created_by`,
		} {
			if err := tx.Exec(q).Error; err != nil {
				return err
			}
		}
		return nil
	}), "rebuild stage stats")
}

// WeekOf is the Monday (UTC) of t's week.
func WeekOf(t time.Time) string {
	t = t.UTC()
	return t.AddDate(0, 0, -((int(t.Weekday()) + 6) % 7)).Format(time.DateOnly)
}

// Buckets per factor of ten: percentiles are good to about 12 %.
const bucketsPerDecade = 10

// DurationBucket is the length bucket of a stay of d.
func DurationBucket(d time.Duration) int {
	s := max(d.Seconds(), 1)
	return int(math.Floor(math.Log10(s) * bucketsPerDecade))
}

// bucketMiddle is a bucket's typical length (its geometric middle).
func bucketMiddle(b int) time.Duration {
	return time.Duration(math.Pow(10, (float64(b)+0.5)/bucketsPerDecade) * float64(time.Second))
}

// recordStage ends the client's open stay and opens one in c.Stage, in
// the transaction of the change.
func recordStage(tx *gorm.DB, c Client, createdBy string, now time.Time) error {
	var open StageChange
	err := tx.Where("client_id = ? AND left_at IS NULL", c.ID).Order("id DESC").Limit(1).Find(&open).Error
	if err != nil {
		return err
	}
	if open.ID != 0 {
		createdBy = open.CreatedBy
	}
	b := DurationBucket(now.Sub(open.At))
	var ended *StageChange
	if open.ID != 0 {
		if err := tx.Model(&StageChange{}).Where("id = ?", open.ID).Updates(map[string]any{"left_at": now, "bucket": b}).Error; err != nil {
			return err
		}
		ended = &open
	}
	var seen int64
	if err := tx.Model(&StageChange{}).Where("client_id = ? AND stage = ?", c.ID, c.Stage).Limit(1).Count(&seen).Error; err != nil {
		return err
	}
	row := StageChange{OrganisationID: c.OrganisationID, ClientID: c.ID, CohortAt: c.CreatedAt.UTC(), CohortDay: c.CreatedAt.UTC().Format(time.DateOnly),
		CreatedBy: createdBy, Stage: c.Stage, At: now, FirstStay: seen == 0, Opening: open.ID == 0}
	if c.Stage == StageRejected {
		row.Reason = truncate(c.RejectionReason, 300)
	}
	if err := tx.Create(&row).Error; err != nil {
		return err
	}
	if err := moveStageCount(tx, c.OrganisationID, open.Stage, c.Stage); err != nil {
		return err
	}
	return rollUp(tx, row, ended, b)
}

// backfillStages gives clients from before the history began one open
// stay, in the stage they are in, since they entered it.
func (s *Store) backfillStages(ctx context.Context) error {
	var missing int64
	err := s.db.WithContext(ctx).Model(&Client{}).
		Where("NOT EXISTS (SELECT 1 FROM stage_changes h WHERE h.client_id = clients.id)").Limit(1).Count(&missing).Error
	if err != nil || missing == 0 {
		return err
	}
	var cs []Client
	if err := s.db.WithContext(ctx).Select("id, organisation_id, created_at, stage, stage_since, rejection_reason").
		Where("NOT EXISTS (SELECT 1 FROM stage_changes h WHERE h.client_id = clients.id)").
		FindInBatches(&cs, 1000, func(tx *gorm.DB, _ int) error {
			rows := make([]StageChange, len(cs))
			for i, c := range cs {
				rows[i] = StageChange{OrganisationID: c.OrganisationID, ClientID: c.ID, CohortAt: c.CreatedAt.UTC(), CohortDay: c.CreatedAt.UTC().Format(time.DateOnly),
					Stage: c.Stage, At: c.StageSince, FirstStay: true, Opening: true}
				if c.Stage == StageRejected {
					rows[i].Reason = truncate(c.RejectionReason, 300)
				}
			}
			return s.db.WithContext(ctx).CreateInBatches(rows, 100).Error
		}).Error; err != nil {
		return err
	}
	return s.RebuildStageStats(ctx)
}
