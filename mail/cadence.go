package mail

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"wabadesk/models"
)

// MetaRequestLife is how long Meta keeps a WABA creation request open
// before cancelling it; reminders about it stop there.
const MetaRequestLife = 90 * 24 * time.Hour

// Cadence is when reminders go out, per stage the client must act in:
// after each wait since the stage began. Waiting at Meta is reminded
// weekly after the last, until the request expires.
type Cadence map[models.Stage][]time.Duration

// RemindStages are the stages in which the business client must act.
var RemindStages = []models.Stage{models.StageMetaApproval, models.StageVerification}

// DefaultCadence: at Meta after 1, 3 and 7 days; verification after 1 hour
// and 1 day.
func DefaultCadence() Cadence {
	return Cadence{
		models.StageMetaApproval: {24 * time.Hour, 72 * time.Hour, 168 * time.Hour},
		models.StageVerification: {time.Hour, 24 * time.Hour},
	}
}

// ParseCadence reads "meta_approval=24h,72h,168h,verification=1h,24h" over
// the defaults: a stage named replaces its waits; "stage=" with nothing
// turns its reminders off.
func ParseCadence(spec string) (Cadence, error) {
	c := DefaultCadence()
	if strings.TrimSpace(spec) == "" {
		return c, nil
	}
	var stage models.Stage
	seen := map[models.Stage]bool{}
	for _, part := range strings.Split(spec, ",") {
		part = strings.TrimSpace(part)
		if name, wait, ok := strings.Cut(part, "="); ok {
			stage = models.Stage(strings.TrimSpace(name))
			if !slices.Contains(RemindStages, stage) {
				return nil, fmt.Errorf("%q: reminders exist for meta_approval and verification only", name)
			}
			if seen[stage] {
				return nil, fmt.Errorf("%s is named twice", stage)
			}
			seen[stage], c[stage] = true, nil
			part = strings.TrimSpace(wait)
			if part == "" {
				continue
			}
		}
		if stage == "" {
			return nil, fmt.Errorf("%q: start with a stage, like meta_approval=24h,72h", part)
		}
		d, err := time.ParseDuration(part)
		if err != nil || d < time.Second {
			return nil, fmt.Errorf("%q: use waits like 1h or 72h", part)
		}
		c[stage] = append(c[stage], d)
	}
	for st := range c {
		sort.Slice(c[st], func(i, j int) bool { return c[st][i] < c[st][j] })
		c[st] = slices.Compact(c[st])
	}
	return c, nil
}

// Step is how many reminders are due after waiting waited in stage: the
// number of the latest one (0 for none yet). Steps missed while wabadesk
// was down are not sent one by one; only the latest is.
func (c Cadence) Step(stage models.Stage, waited time.Duration) int {
	waits := c[stage]
	n := 0
	for _, d := range waits {
		if waited >= d {
			n++
		}
	}
	if stage == models.StageMetaApproval && n == len(waits) && n > 0 {
		last := waits[n-1]
		for next := last + 7*24*time.Hour; next <= waited && next < MetaRequestLife; next += 7 * 24 * time.Hour {
			n++
		}
	}
	return n
}

// scanEvery is how often reminders are looked for: once a minute, or as
// often as the shortest wait when that is shorter (a demo or a test).
func (c Cadence) scanEvery() time.Duration {
	every := time.Minute
	for _, ds := range c {
		if len(ds) > 0 && ds[0] < every {
			every = max(ds[0], time.Second)
		}
	}
	return every
}

// Span says d in words ("3 days", "1 hour"), for pages and events.
func Span(d time.Duration) string {
	plural := func(n int, one string) string {
		if n == 1 {
			return "1 " + one
		}
		return strconv.Itoa(n) + " " + one + "s"
	}
	switch {
	case d >= 24*time.Hour && d%(24*time.Hour) == 0:
		return plural(int(d/(24*time.Hour)), "day")
	case d >= time.Hour && d%time.Hour == 0:
		return plural(int(d/time.Hour), "hour")
	case d >= time.Minute && d%time.Minute == 0:
		return plural(int(d/time.Minute), "minute")
	}
	return d.String()
}
