package models

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"
)

// DefaultStuckAfter is how long a client may sit in a stage before it
// "needs attention". Stages that wait on staff need attention at once.
var DefaultStuckAfter = map[Stage]time.Duration{
	StageDraft:         7 * 24 * time.Hour,
	StageQueued:        time.Hour,
	StagePreparing:     24 * time.Hour,
	StageMetaApproval:  48 * time.Hour,
	StageOnboarded:     7 * 24 * time.Hour,
	StageSenderReview:  48 * time.Hour,
	StageVerification:  24 * time.Hour,
	StageRejected:      0,
	StageSenderProblem: 0,
}

// NeedsAttention reports whether c has waited too long in its stage, its
// background work is parked, or its health is bad (a rejected name, a
// RED or suspended number, a WABA to be disabled).
func (s *Store) NeedsAttention(c Client) bool {
	d, ok := s.StuckAfter[c.Stage]
	return ok && !c.StageSince.After(s.now().Add(-d)) || c.ParkedReason != "" || c.HealthRank >= healthAttention
}

// ClientFilter is what the client list asks for.
type ClientFilter struct {
	Query     string // name, Business Manager ID or phone number
	Stage     Stage
	Attention bool
	Health    string // a health filter (HealthFilters, HealthAny), or ""
	Sort      string // "change" (default), "name", "stage", "waiting", "health" (worst first)
	Page      int    // 1-based
	PerPage   int
}

// ClientList is one page of clients plus the numbers above the table.
type ClientList struct {
	Clients   []Client
	Total     int64 // matching the filter
	Counts    map[Stage]int64
	Attention int64
	Health    map[string]int64 // by health filter
	All       int64
}

// Clients lists the tenant's clients. Every filter runs on indexed columns of
// the one clients table, so a page stays fast at 10,000 clients.
func (s *Store) Clients(ctx context.Context, tenantID int64, f ClientFilter) (ClientList, error) {
	if f.PerPage <= 0 || f.PerPage > 200 {
		f.PerPage = 50
	}
	if f.Page < 1 {
		f.Page = 1
	}
	out := ClientList{Counts: map[Stage]int64{}, Health: map[string]int64{}}
	counts, err := s.stageCounts(ctx, tenantID)
	if err != nil {
		return out, err
	}
	out.Counts, out.All, out.Attention, out.Health = counts.byStage, counts.all, counts.attention, counts.health

	q := s.filtered(ctx, tenantID, f)
	counted := strings.TrimSpace(f.Query) == "" && f.Health == "" // the counts above hold these totals
	switch {
	case counted && f.Stage == "" && !f.Attention:
		out.Total = out.All
	case counted && !f.Attention:
		out.Total = out.Counts[f.Stage]
	case counted && f.Stage == "":
		out.Total = out.Attention
	case f.Page == 1:
		// A search's (or health filter's) first page is read before its
		// count: when it holds fewer clients than a page, they are all, and
		// the index is not walked twice (a name search on PostgreSQL went
		// from 4.4 ms to 2.3 ms).
		out.Total = -1
	default:
		if err := q.Count(&out.Total).Error; err != nil {
			return out, wrap(err, "count filtered clients")
		}
	}
	// The page's ids first: the OFFSET then steps through the sort's index
	// only (listIndexes), where reading every skipped row made page 2,000
	// of 100,000 clients take 0.7 s. Then only what a list row shows:
	// reading and parsing all ~40 columns was a quarter of a page's cost.
	// A page in the far half is read from the other end, reversed, and
	// sorted by stage the whole list's page starts within its stage, whose
	// place the counts give: no page steps over more than half of the
	// matching clients (or of a stage), and page links stay plain numbers.
	segments := []segment{{n: out.Total}}
	if sortName(f.Sort) == "stage" && strings.TrimSpace(f.Query) == "" && f.Stage == "" && !f.Attention && f.Health == "" {
		segments = counts.segments
	}
	read := pageRead(segments, (f.Page-1)*f.PerPage, f.PerPage)
	switch {
	case read.from != "" && read.backwards:
		q = q.Where("stage <= ?", read.from)
	case read.from != "":
		q = q.Where("stage >= ?", read.from)
	}
	page := q.Select("id").Order(orderBy(f.Sort, read.backwards)).Limit(read.limit).Offset(read.skip)
	// The page's ids drive this read, not an index of the tenant (+).
	err = s.db.WithContext(ctx).Model(&Client{}).
		Select("id", "organisation_id", "name", "business_manager_id", "waba_name", "account_stage", "sender_stage",
			"stage", "stage_since", "last_change_at", "sender_phone", "health_rank", "health_quality", "health_name", "health_suspended",
			"daily_limit", "ban_state").
		Where("+organisation_id = ? AND id IN (?)", tenantID, page).
		Order(orderBy(f.Sort, false)).Find(&out.Clients).Error
	if err != nil || out.Total >= 0 {
		return out, wrap(err, "list clients")
	}
	if out.Total = int64(len(out.Clients)); out.Total == int64(f.PerPage) {
		err = s.filtered(ctx, tenantID, f).Count(&out.Total).Error
	}
	return out, wrap(err, "count filtered clients")
}

// segment is a run of the list, in order, all of one stage (from) or, with
// from empty, the whole list.
type segment struct {
	from Stage
	n    int64
}

// pageReadPlan is how to read a page.
type pageReadPlan struct {
	from      Stage // the segment's stage, if any: stage >= from, or <= backwards
	skip      int
	limit     int
	backwards bool
}

// pageRead says how to read the rows at [offset, offset+limit) of a list
// made of segments: from the start of the segment the page starts in, or
// backwards from the end of the one it ends in, whichever skips fewer.
func pageRead(segments []segment, offset, limit int) pageReadPlan {
	var total int
	for _, seg := range segments {
		total += int(seg.n)
	}
	end := min(offset+limit, total) // the page is [offset, end)
	if end <= offset {
		return pageReadPlan{skip: offset, limit: limit} // past the end: nothing
	}
	plan := pageReadPlan{skip: offset, limit: end - offset}
	back := plan
	back.backwards = true
	for start, seg := range runs(segments) {
		stop := start + int(seg.n)
		if start <= offset && offset < stop {
			plan.from, plan.skip = seg.from, offset-start
		}
		if start < end && end <= stop {
			back.from, back.skip = seg.from, stop-end
		}
	}
	if back.skip < plan.skip {
		return back
	}
	return plan
}

// runs yields each segment with the offset it starts at.
func runs(segments []segment) func(func(int, segment) bool) {
	return func(yield func(int, segment) bool) {
		start := 0
		for _, seg := range segments {
			if !yield(start, seg) {
				return
			}
			start += int(seg.n)
		}
	}
}

// filtered is the tenant's clients matching f's search and filters.
func (s *Store) filtered(ctx context.Context, tenantID int64, f ClientFilter) *gorm.DB {
	q := s.db.WithContext(ctx).Model(&Client{})
	tenant := "organisation_id = ?"
	if query := strings.ToLower(strings.TrimSpace(f.Query)); query != "" {
		cond, args := `search_text LIKE ? ESCAPE '\'`, []any{likeContains(query)}
		alternatives := []string{query}
		if digits := digitsOnly(query); len(digits) >= 3 && digits != query { // "+44 7700 900" finds 447700900...
			cond, args = cond+` OR search_text LIKE ? ESCAPE '\'`, append(args, likeContains(digits))
			alternatives = append(alternatives, digits)
		}
		var indexed bool
		if q, indexed = s.searchFilter(q.Where("("+cond+")", args...), alternatives...); indexed {
			// The few trigram matches must drive the query: SQLite's
			// planner otherwise walks an organisation index in sort order
			// and tests every client against them. A unary + keeps a
			// column from choosing an index.
			tenant = "+organisation_id = ?"
		}
	}
	q = q.Where(tenant, tenantID)
	if f.Stage != "" {
		q = q.Where("stage = ?", f.Stage)
	}
	if f.Attention {
		attention := s.attentionFilter()
		q = q.Where(attention.sql, attention.args...)
	}
	if where, args := healthWhere(f.Health); where != "" {
		q = q.Where(where, args...)
	}
	return q
}

// listOrders are the list's orders by sort, each with its exact reverse.
// Every order ends with the id, so no two clients tie and a page is well
// defined.
var listOrders = map[string][2]string{
	"name":    {"LOWER(name), id", "LOWER(name) DESC, id DESC"},
	"stage":   {"stage, stage_since, id", "stage DESC, stage_since DESC, id DESC"},
	"waiting": {"stage_since, id", "stage_since DESC, id DESC"},
	"change":  {"last_change_at DESC, id DESC", "last_change_at, id"},
	"health":  {"health_rank DESC, health_since, id", "health_rank, health_since DESC, id DESC"},
}

func orderBy(sort string, backwards bool) string {
	order := listOrders[sortName(sort)]
	if backwards {
		return order[1]
	}
	return order[0]
}

type sqlClause struct {
	sql  string
	args []any
}

// countAttention is the number of clients needing attention, given each
// stage's count: a stage's stuck clients are its count less those that
// entered it within its threshold, one short range of the (organisation,
// stage, stage_since) index each. Those recent ones are the few (a busy
// week's, not the years of clients waiting; a stage stuck at once, none),
// where counting the stuck visited 75 % of 100,000 seeded clients.
func (s *Store) countAttention(ctx context.Context, tenantID int64, byStage map[Stage]int64) (int64, error) {
	recent, args := []string{"0"}, []any{}
	var stuck int64
	for _, st := range Stages {
		if d, ok := s.StuckAfter[st]; ok && byStage[st] > 0 {
			stuck += byStage[st]
			if d > 0 {
				recent = append(recent, "(SELECT COUNT(*) FROM clients WHERE organisation_id = ? AND stage = ? AND stage_since > ?)")
				args = append(args, tenantID, st, s.now().Add(-d))
			}
		}
	}
	// Parked and unhealthy clients not already counted by their stage
	// (few; each through its own index).
	isStuck := s.attentionClause()
	args = append(append(args, tenantID), isStuck.args...)
	args = append(append(args, tenantID, healthAttention), isStuck.args...)
	var n struct{ Recent, Parked, Unhealthy int64 }
	err := s.db.WithContext(ctx).Raw("SELECT "+strings.Join(recent, " + ")+" AS recent, "+
		"(SELECT COUNT(*) FROM clients WHERE organisation_id = ? AND parked_reason <> '' AND NOT "+isStuck.sql+") AS parked, "+
		"(SELECT COUNT(*) FROM clients WHERE organisation_id = ? AND health_rank >= ? AND parked_reason = '' AND NOT "+isStuck.sql+") AS unhealthy", args...).
		Scan(&n).Error
	return stuck - n.Recent + n.Parked + n.Unhealthy, wrap(err, "count clients needing attention")
}

func (s *Store) attentionClause() sqlClause {
	var parts []string
	var args []any
	for _, st := range Stages {
		if d, ok := s.StuckAfter[st]; ok {
			parts = append(parts, "(stage = ? AND stage_since <= ?)")
			args = append(args, st, s.now().Add(-d))
		}
	}
	if len(parts) == 0 {
		return sqlClause{"1 = 0", nil}
	}
	return sqlClause{"(" + strings.Join(parts, " OR ") + ")", args}
}

// attentionFilter is what the "needs attention" filter selects: stuck in
// a stage, parked, or unhealthy.
func (s *Store) attentionFilter() sqlClause {
	c := s.attentionClause()
	return sqlClause{"(" + c.sql + " OR parked_reason <> '' OR health_rank >= ?)", append(c.args, healthAttention)}
}

// likeContains is a LIKE pattern matching s literally anywhere: a typed "%"
// or "_" is a character to find, not a wildcard.
func likeContains(s string) string {
	return "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(s) + "%"
}

// stageTotals are the numbers above the client list.
type stageTotals struct {
	byStage   map[Stage]int64
	segments  []segment        // the stages in the database's order, with their counts
	health    map[string]int64 // by health filter
	all       int64
	attention int64
	version   uint64    // the tenant's change version they were counted at
	at        time.Time // when; "needs attention" moves with the clock
}

// countsTTL bounds how stale cached totals may be; any change of the
// tenant (in this or, through the change channel, another instance)
// invalidates them at once.
const countsTTL = 2 * time.Second

// stageCounts reads every stage's count (stageCount) and counts those
// waiting too long, reusing the last totals while nothing of the tenant
// changed: every open list refreshes after each change.
func (s *Store) stageCounts(ctx context.Context, tenantID int64) (stageTotals, error) {
	version := s.Changes.Version(tenantID)
	if v, ok := s.counts.Load(tenantID); ok {
		if t := v.(stageTotals); t.version == version && s.now().Sub(t.at) < countsTTL {
			return t, nil
		}
	}
	t := stageTotals{byStage: map[Stage]int64{}, version: version, at: s.now()}
	var rows []stageCount
	err := s.db.WithContext(ctx).Where("organisation_id = ? AND n > 0", tenantID).Order("stage").Find(&rows).Error
	if err != nil {
		return t, wrap(err, "count clients")
	}
	for _, r := range rows {
		t.byStage[r.Stage] = r.N
		t.segments = append(t.segments, segment{r.Stage, r.N})
		t.all += r.N
	}
	if t.attention, err = s.countAttention(ctx, tenantID, t.byStage); err != nil {
		return t, err
	}
	if t.health, err = s.countHealth(ctx, tenantID); err != nil {
		return t, err
	}
	s.counts.Store(tenantID, t)
	return t, nil
}
