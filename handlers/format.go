package handlers

import (
	"fmt"
	"strconv"
	"time"
)

// when formats an optional moment for tables: "Never" or a short date.
func when(t *time.Time) string {
	if t == nil || t.IsZero() {
		return "Never"
	}
	return t.Format("2 Jan 2006, 15:04")
}

// ago says when t was: "just now", "5 minutes ago".
func ago(t, now time.Time) string {
	if now.Sub(t) < time.Minute {
		return "just now"
	}
	return since(t, now) + " ago"
}

// since says how long it has been since t, in the largest sensible unit.
func since(t, now time.Time) string {
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return "less than a minute"
	case d < time.Hour:
		return plural(int(d/time.Minute), "minute")
	case d < 48*time.Hour:
		return plural(int(d/time.Hour), "hour")
	default:
		return plural(int(d/(24*time.Hour)), "day")
	}
}

func plural(n int, unit string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", unit)
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
