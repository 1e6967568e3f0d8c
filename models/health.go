package models

import (
	"context"
	"slices"
	"strings"
	"time"
)

// Health after onboarding, from Sinch's callbacks (each one a re-read of
// the account or sender, so a late delivery never moves it back): per
// sender its quality rating, display-name review and state; per client
// (the Business Portfolio's) messaging limit and the WABA's ban state, and
// a roll-up of its senders so the list filters and sorts one table.

// SenderHealth is what Sinch says of a sender after it went live.
type SenderHealth struct {
	QualityRating string     `gorm:"size:12;not null;default:''"` // GREEN, YELLOW, RED, UNKNOWN
	QualitySince  *time.Time // when the rating last changed
	NameStatus    string     `gorm:"size:12;not null;default:''"`  // metadata.displayName.status: PENDING, APPROVED, REJECTED, DEFERRED…
	NameValue     string     `gorm:"size:128;not null;default:''"` // the name under review (a change in flight)
	NameReason    string     `gorm:"size:500;not null;default:''"` // a rejection's reason
	NameSince     *time.Time
	SinchState    string `gorm:"size:24;not null;default:''"` // Sinch's own state: ACTIVE, INACTIVE, SUSPENDED, ERROR…
}

// ClientHealth is the client's account-level signals and the roll-up of
// its senders'.
type ClientHealth struct {
	DailyLimit string     `gorm:"size:16;not null;default:''"` // businessDailyLimit: TIER_250 … TIER_UNLIMITED
	LimitSince *time.Time // when the limit last changed
	BanState   string     `gorm:"size:24;not null;default:''"` // wabaBanState: SCHEDULE_FOR_DISABLE, DISABLE, REINSTATE
	BanDate    string     `gorm:"size:40;not null;default:''"`
	BanSince   *time.Time
	// The worst of the live senders.
	HealthQuality   string `gorm:"size:12;not null;default:''"`
	HealthName      string `gorm:"size:12;not null;default:''"`
	HealthSuspended bool   `gorm:"not null;default:false"`
	// HealthRank is the worst signal's weight (healthRank), for the
	// portfolio's order and the filters; HealthSince is when it changed.
	HealthRank  int       `gorm:"not null;default:0"`
	HealthSince time.Time `gorm:"not null;default:'1970-01-01 00:00:00'"`
}

// The health filters of the client list.
const (
	HealthDropped      = "quality"    // quality dropped: a number is YELLOW or RED
	HealthLimited      = "limited"    // a low messaging limit, or a rejected name capping it at 250
	HealthNameRejected = "name"       // a display name rejected
	HealthRestricted   = "restricted" // the WABA (scheduled to be) disabled, or a number suspended
	HealthAny          = "any"        // any of these
)

// HealthFilters are the filters in the list's order.
var HealthFilters = []string{HealthDropped, HealthLimited, HealthNameRejected, HealthRestricted}

// Signal weights: the portfolio lists the worst first, and from
// healthAttention on a client needs attention.
const (
	healthPending    = 1 // a name change in review
	healthWarn       = 2 // quality YELLOW, a low limit
	healthAttention  = 3 // a rejected name
	healthBad        = 4 // quality RED, a number suspended
	healthScheduled  = 5 // the WABA is to be disabled
	healthDisabled   = 6 // the WABA is disabled
	lowLimitTierMax  = "TIER_250"
	nameRejected     = "REJECTED"
	banScheduled     = "SCHEDULE_FOR_DISABLE"
	banDisabled      = "DISABLE"
	qualityRed       = "RED"
	qualityYellow    = "YELLOW"
	stateSuspended   = "SUSPENDED"
	nameStatusDefer  = "DEFERRED"
	nameStatusReview = "PENDING"
)

// lowLimits cap business-initiated conversations at 250 a day or fewer.
var lowLimits = []string{"TIER_50", lowLimitTierMax}

// LowLimit reports a messaging limit of 250 conversations a day or fewer.
func (h ClientHealth) LowLimit() bool { return slices.Contains(lowLimits, h.DailyLimit) }

// healthRank is the weight of the client's worst signal.
func (h ClientHealth) healthRank() int {
	rank := 0
	up := func(r int, when bool) {
		if when && r > rank {
			rank = r
		}
	}
	up(healthPending, h.HealthName == nameStatusReview || h.HealthName == nameStatusDefer)
	up(healthWarn, h.HealthQuality == qualityYellow || h.LowLimit())
	up(healthAttention, h.HealthName == nameRejected)
	up(healthBad, h.HealthQuality == qualityRed || h.HealthSuspended)
	up(healthScheduled, h.BanState == banScheduled)
	up(healthDisabled, h.BanState == banDisabled)
	return rank
}

// rollUpHealth sets the client's roll-up from its live senders and moves
// HealthSince when the worst signal changes.
func (c *Client) rollUpHealth(senders []Sender, now time.Time) {
	qualities := []string{"", "UNKNOWN", "GREEN", qualityYellow, qualityRed} // better to worse
	names := []string{"", "APPROVED", nameStatusReview, nameStatusDefer, nameRejected}
	c.HealthQuality, c.HealthName, c.HealthSuspended = "", "", false
	for _, snd := range senders {
		if slices.Index(qualities, snd.QualityRating) > slices.Index(qualities, c.HealthQuality) {
			c.HealthQuality = snd.QualityRating
		}
		if slices.Index(names, snd.NameStatus) > slices.Index(names, c.HealthName) {
			c.HealthName = snd.NameStatus
		}
		c.HealthSuspended = c.HealthSuspended || snd.SinchState == stateSuspended
	}
	c.rankHealth(now)
}

// rankHealth recomputes the rank, moving HealthSince when it changes.
func (c *Client) rankHealth(now time.Time) {
	if r := c.healthRank(); r != c.HealthRank {
		c.HealthRank, c.HealthSince = r, now
	}
}

// healthWhere is the SQL of a health filter; every one starts with the
// rank, so the (organisation, rank) index finds the few clients.
func healthWhere(filter string) (string, []any) {
	switch filter {
	case HealthDropped:
		return "health_rank > 0 AND health_quality IN ?", []any{[]string{qualityYellow, qualityRed}}
	case HealthLimited:
		return "health_rank > 0 AND (daily_limit IN ? OR health_name = ?)", []any{lowLimits, nameRejected}
	case HealthNameRejected:
		return "health_rank > 0 AND health_name = ?", []any{nameRejected}
	case HealthRestricted:
		return "health_rank > 0 AND (ban_state IN ? OR health_suspended)", []any{[]string{banScheduled, banDisabled}}
	case HealthAny:
		return "health_rank > 0", nil
	}
	return "", nil
}

// sinceChange stamps *since with now when a signal's value moved.
func sinceChange(before, after string, since **time.Time, now time.Time) {
	if before != after {
		*since = &now
	}
}

// stampSenderHealth dates the sender's signals that changed.
func stampSenderHealth(before Sender, snd *Sender, now time.Time) {
	sinceChange(before.QualityRating, snd.QualityRating, &snd.QualitySince, now)
	sinceChange(before.NameStatus+before.NameValue, snd.NameStatus+snd.NameValue, &snd.NameSince, now)
}

// stampClientHealth dates the client's signals that changed and ranks it.
func stampClientHealth(before Client, c *Client, now time.Time) {
	sinceChange(before.DailyLimit, c.DailyLimit, &c.LimitSince, now)
	sinceChange(before.BanState, c.BanState, &c.BanSince, now)
	c.rankHealth(now)
}

var limitLabels = map[string]string{
	"TIER_50": "50 a day", "TIER_250": "250 a day", "TIER_1K": "1,000 a day", "TIER_2K": "2,000 a day",
	"TIER_10K": "10,000 a day", "TIER_100K": "100,000 a day", "TIER_UNLIMITED": "unlimited", "NOT_SET": "not set yet",
}

// LimitLabel says a messaging tier in words ("1,000 a day").
func LimitLabel(tier string) string {
	if l, ok := limitLabels[tier]; ok {
		return l
	}
	return tier
}

var qualityLabels = map[string]string{"GREEN": "high (green)", "YELLOW": "medium (yellow)", "RED": "low (red)", "UNKNOWN": "not rated yet"}

// QualityLabel says a quality rating in words.
func QualityLabel(q string) string {
	if l, ok := qualityLabels[q]; ok {
		return l
	}
	return q
}

// NameStatusTitle is the timeline's line for a display-name review.
func NameStatusTitle(status, value string) string {
	name := ""
	if value != "" {
		name = " \"" + value + "\""
	}
	switch status {
	case "APPROVED":
		return "Meta approved the display name" + name
	case nameRejected:
		return "Meta rejected the display name" + name
	case nameStatusReview:
		return "Display name" + name + " in review at Meta"
	case nameStatusDefer:
		return "Meta deferred the review of the display name" + name
	}
	return "Display name" + name + ": " + status
}

// countHealth counts the clients of each health filter: one range of the
// (organisation, health rank) index, over the unhealthy few.
func (s *Store) countHealth(ctx context.Context, tenantID int64) (map[string]int64, error) {
	var sums []string
	var args []any
	filters := append(slices.Clone(HealthFilters), HealthAny)
	for _, f := range filters {
		where, a := healthWhere(f)
		sums = append(sums, "COALESCE(SUM(CASE WHEN "+where+" THEN 1 ELSE 0 END), 0)")
		args = append(args, a...)
	}
	args = append(args, tenantID)
	n := make([]int64, len(filters))
	dest := make([]any, len(n))
	for i := range n {
		dest[i] = &n[i]
	}
	row := s.db.WithContext(ctx).Raw("SELECT "+strings.Join(sums, ", ")+" FROM clients WHERE organisation_id = ? AND health_rank > 0", args...).Row()
	if err := row.Scan(dest...); err != nil {
		return nil, wrap(err, "count client health")
	}
	out := map[string]int64{}
	for i, f := range filters {
		out[f] = n[i]
	}
	return out, nil
}

// BanDateLabel is Meta's ban date as a day ("4 Mar 2026"), or as given
// when it is not the ISO 8601 time Sinch documents.
func BanDateLabel(date string) string {
	if t, err := time.Parse(time.RFC3339, date); err == nil {
		return t.UTC().Format("2 Jan 2006")
	}
	return date
}

// HealthReport is a client's health as the API and outgoing events show
// it: the roll-up the list filters on, in Sinch's own values.
type HealthReport struct {
	// Issues are the client list's health filters the client is in:
	// quality, limited, name, restricted.
	Issues            []string   `json:"issues"`
	Since             *time.Time `json:"since"` // when the worst signal last changed
	QualityRating     string     `json:"quality_rating"`
	DisplayNameStatus string     `json:"display_name_status"`
	NumberSuspended   bool       `json:"number_suspended"`
	MessagingLimit    string     `json:"messaging_limit"`
	WabaBanState      string     `json:"waba_ban_state"`
	WabaBanDate       string     `json:"waba_ban_date"`
}

// Report is the client's HealthReport.
func (h ClientHealth) Report() HealthReport {
	r := HealthReport{Issues: h.Issues(), QualityRating: h.HealthQuality, DisplayNameStatus: h.HealthName,
		NumberSuspended: h.HealthSuspended, MessagingLimit: h.DailyLimit, WabaBanState: h.BanState, WabaBanDate: h.BanDate}
	if h.HealthSince.After(time.Unix(0, 0)) { // the column's default: never ranked
		since := h.HealthSince.UTC()
		r.Since = &since
	}
	return r
}

// Issues are the health filters the client is in: the Go side of
// healthWhere (a test holds the two together).
func (h ClientHealth) Issues() []string {
	out := []string{}
	if h.HealthRank == 0 {
		return out
	}
	for _, f := range HealthFilters {
		var in bool
		switch f {
		case HealthDropped:
			in = h.HealthQuality == qualityYellow || h.HealthQuality == qualityRed
		case HealthLimited:
			in = h.LowLimit() || h.HealthName == nameRejected
		case HealthNameRejected:
			in = h.HealthName == nameRejected
		case HealthRestricted:
			in = h.BanState == banScheduled || h.BanState == banDisabled || h.HealthSuspended
		}
		if in {
			out = append(out, f)
		}
	}
	return out
}

// sameSignals says whether two roll-ups show the same signals, their
// dates aside: otherwise client.health_changed goes out.
func (h ClientHealth) sameSignals(o ClientHealth) bool {
	return h.DailyLimit == o.DailyLimit && h.BanState == o.BanState && h.BanDate == o.BanDate &&
		h.HealthQuality == o.HealthQuality && h.HealthName == o.HealthName && h.HealthSuspended == o.HealthSuspended
}

// SenderHealthReport is a sender's health as the API shows it.
type SenderHealthReport struct {
	QualityRating     string     `json:"quality_rating"`
	QualitySince      *time.Time `json:"quality_since"`
	DisplayNameStatus string     `json:"display_name_status"`
	// DisplayNameReviewed is the name the review is about: while a change
	// is in flight, not yet the one the number shows.
	DisplayNameReviewed string     `json:"display_name_reviewed"`
	DisplayNameReason   string     `json:"display_name_rejection_reason"`
	DisplayNameSince    *time.Time `json:"display_name_since"`
	SinchState          string     `json:"sinch_state"`
}

// Report is the sender's SenderHealthReport.
func (h SenderHealth) Report() SenderHealthReport {
	utc := func(t *time.Time) *time.Time {
		if t == nil {
			return nil
		}
		u := t.UTC()
		return &u
	}
	return SenderHealthReport{QualityRating: h.QualityRating, QualitySince: utc(h.QualitySince), DisplayNameStatus: h.NameStatus,
		DisplayNameReviewed: h.NameValue, DisplayNameReason: h.NameReason, DisplayNameSince: utc(h.NameSince), SinchState: h.SinchState}
}
