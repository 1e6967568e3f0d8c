package models

import (
	"cmp"
	"context"
	"maps"
	"slices"
	"strings"
	"time"
)

// FunnelStages are the journey's stages in the order a client passes them.
var FunnelStages = []Stage{StageDraft, StageQueued, StagePreparing, StageMetaApproval, StageOnboarded, StageSenderReview,
	StageVerification, StageActive}

// StageFigure is one stage of a cohort: how many clients reached it, and
// how long finished stays in it lasted.
type StageFigure struct {
	Stage       Stage
	Reached     int
	Stays       int // finished stays measured
	Median, P90 time.Duration
}

// CohortWeek is one week's new clients and how far they got.
type CohortWeek struct {
	Week                                 string // its Monday
	Created, Onboarded, Active, Rejected int
}

// StaffCohort is the clients one member created.
type StaffCohort struct {
	Name                                 string // "" for clients from before the history began
	Created, Onboarded, Active, Rejected int
}

// Count is a label and a number.
type Count struct {
	Label string
	N     int
}

// Analytics is the onboarding of the clients created in a period.
type Analytics struct {
	From, To time.Time
	Cohort   int // clients created in the period, deleted ones included
	Stages   map[Stage]StageFigure
	Weeks    []CohortWeek
	Staff    []StaffCohort
	Reasons  []Count // the most frequent rejection reasons
	// Where the cohort's clients are now: by stage, those needing attention,
	// and the drop-off.
	Now           map[Stage]int
	Stuck         map[Stage]int
	Deleted       int
	ExpiredAtMeta int
	RejectedFinal int // rejected and not resubmitted
}

// Analytics computes the onboarding figures of the clients created in
// [from, to) from the stage history: two scans of its covering index and
// a small look at the clients table.
func (s *Store) Analytics(ctx context.Context, tenantID int64, from, to time.Time) (Analytics, error) {
	a := Analytics{From: from, To: to, Stages: map[Stage]StageFigure{}, Now: map[Stage]int{}, Stuck: map[Stage]int{}}
	db := s.db.WithContext(ctx)
	days := []any{tenantID, from.UTC().Format(time.DateOnly), to.UTC().Format(time.DateOnly)}
	const inPeriod = "organisation_id = ? AND cohort_day >= ? AND cohort_day < ?"

	// Reached and time in stage, from the per-day rollup.
	var byBucket []struct {
		Stage                   Stage
		Bucket                  int
		Firsts, Openings, Stays int
	}
	err := db.Model(&stageStat{}).Select("stage, bucket, SUM(firsts) AS firsts, SUM(openings) AS openings, SUM(stays) AS stays").
		Where(inPeriod, days...).Group("stage, bucket").Scan(&byBucket).Error
	if err != nil {
		return a, wrap(err, "analytics stages")
	}
	hist := map[Stage]map[int]int{}
	for _, r := range byBucket {
		f := a.Stages[r.Stage]
		f.Stage, f.Reached = r.Stage, f.Reached+r.Firsts
		a.Stages[r.Stage] = f
		a.Cohort += r.Openings
		if r.Stays > 0 {
			if hist[r.Stage] == nil {
				hist[r.Stage] = map[int]int{}
			}
			hist[r.Stage][r.Bucket] += r.Stays
		}
	}
	for st, h := range hist {
		f := a.Stages[st]
		f.Stays, f.Median, f.P90 = percentiles(h)
		a.Stages[st] = f
	}
	a.Deleted = a.Stages[StageDeleted].Reached

	// Weeks and staff, from the per-day, per-creator rollup.
	var groups []cohortStat
	if err := db.Where(inPeriod, days...).Find(&groups).Error; err != nil {
		return a, wrap(err, "analytics cohorts")
	}
	weeks, staff := map[string]*CohortWeek{}, map[string]*StaffCohort{}
	for _, g := range groups {
		d, _ := time.Parse(time.DateOnly, g.CohortDay)
		wk := WeekOf(d)
		w := weeks[wk]
		if w == nil {
			w = &CohortWeek{Week: wk}
			weeks[wk] = w
		}
		m := staff[g.CreatedBy]
		if m == nil {
			m = &StaffCohort{Name: g.CreatedBy}
			staff[g.CreatedBy] = m
		}
		w.Created, w.Onboarded, w.Active, w.Rejected = w.Created+g.Created, w.Onboarded+g.Onboarded, w.Active+g.Active, w.Rejected+g.Rejected
		m.Created, m.Onboarded, m.Active, m.Rejected = m.Created+g.Created, m.Onboarded+g.Onboarded, m.Active+g.Active, m.Rejected+g.Rejected
	}
	for _, w := range weeks {
		a.Weeks = append(a.Weeks, *w)
	}
	slices.SortFunc(a.Weeks, func(x, y CohortWeek) int { return strings.Compare(x.Week, y.Week) })
	for _, m := range staff {
		a.Staff = append(a.Staff, *m)
	}
	slices.SortFunc(a.Staff, func(x, y StaffCohort) int {
		return cmp.Or(cmp.Compare(y.Created, x.Created), strings.Compare(x.Name, y.Name))
	})

	// Rejections: their reasons, and which are still where they ended
	// (expired at Meta, or rejected and not resubmitted).
	var reasons []struct {
		Reason   string
		N, Still int
	}
	err = db.Model(&StageChange{}).Select("reason, COUNT(*) AS n, SUM(CASE WHEN left_at IS NULL THEN 1 ELSE 0 END) AS still").
		Where("organisation_id = ? AND stage = ? AND cohort_at >= ? AND cohort_at < ?", tenantID, StageRejected, from.UTC(), to.UTC()).
		Group("reason").Order("n DESC, reason").Scan(&reasons).Error
	if err != nil {
		return a, wrap(err, "analytics reasons")
	}
	for _, r := range reasons {
		if r.Reason != "" && len(a.Reasons) < 5 {
			a.Reasons = append(a.Reasons, Count{r.Reason, r.N})
		}
		if strings.Contains(strings.ToLower(r.Reason), "expire") {
			a.ExpiredAtMeta += r.Still
		} else {
			a.RejectedFinal += r.Still
		}
	}

	// Now: the cohort's clients as they stand (an index-only scan).
	stuck := s.attentionFilter()
	var now []struct {
		Stage    Stage
		N, Stuck int
	}
	err = db.Model(&Client{}).Select("stage, COUNT(*) AS n, SUM(CASE WHEN "+stuck.sql+" THEN 1 ELSE 0 END) AS stuck", stuck.args...).
		Where("organisation_id = ? AND created_at >= ? AND created_at < ?", tenantID, from.UTC(), to.UTC()).
		Group("stage").Scan(&now).Error
	if err != nil {
		return a, wrap(err, "analytics now")
	}
	for _, r := range now {
		a.Now[r.Stage], a.Stuck[r.Stage] = r.N, r.Stuck
	}
	return a, nil
}

// percentiles reads the median and 90th percentile off a histogram of
// length buckets.
func percentiles(h map[int]int) (n int, median, p90 time.Duration) {
	keys := slices.Sorted(maps.Keys(h))
	for _, k := range keys {
		n += h[k]
	}
	at := func(q float64) time.Duration {
		want, seen := int(q*float64(n)+0.5), 0
		for _, k := range keys {
			if seen += h[k]; seen >= max(want, 1) {
				return bucketMiddle(k)
			}
		}
		return 0
	}
	return n, at(0.5), at(0.9)
}
