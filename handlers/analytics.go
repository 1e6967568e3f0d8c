package handlers

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"wabadesk/models"
	"wabadesk/views"
)

// analyticsPeriod reads ?from=&to= (dates, to inclusive); the default is
// the last 90 days. A date that does not parse gets its message and the
// default.
func (h *Handler) analyticsPeriod(c echo.Context) (from, to time.Time, form views.Form) {
	today := h.store.Now().UTC().Truncate(24 * time.Hour)
	to, from = today.AddDate(0, 0, 1), today.AddDate(0, 0, -89)
	form = views.Form{Values: map[string]string{"from": c.QueryParam("from"), "to": c.QueryParam("to")}, Errors: map[string]string{}}
	if v := c.QueryParam("from"); v != "" {
		if d, err := time.Parse(time.DateOnly, v); err == nil {
			from = d
		} else {
			form.Errors["from"] = "Use a date like 2026-09-01."
		}
	}
	if v := c.QueryParam("to"); v != "" {
		if d, err := time.Parse(time.DateOnly, v); err == nil {
			to = d.AddDate(0, 0, 1)
		} else {
			form.Errors["to"] = "Use a date like 2026-11-30."
		}
	}
	if !to.After(from) && len(form.Errors) == 0 {
		form.Errors["to"] = "The end must be on or after the start."
		to, from = today.AddDate(0, 0, 1), today.AddDate(0, 0, -89)
	}
	if to.Sub(from) > 3*366*24*time.Hour {
		form.Errors["from"] = "Choose at most three years."
		from = to.AddDate(-3, 0, 0)
	}
	form.Values["from"], form.Values["to"] = cmpOr(form.Values["from"], from), cmpOr(form.Values["to"], to.AddDate(0, 0, -1))
	return from, to, form
}

// cmpOr keeps what was typed, or shows the date used.
func cmpOr(typed string, d time.Time) string {
	if typed != "" {
		return typed
	}
	return d.Format(time.DateOnly)
}

func (h *Handler) showAnalytics(c echo.Context) error {
	from, to, form := h.analyticsPeriod(c)
	a, err := h.store.Analytics(c.Request().Context(), currentUser(c).OrganisationID, from, to)
	if err != nil {
		return err
	}
	v := analyticsView(a, form)
	q := url.Values{"from": {from.Format(time.DateOnly)}, "to": {to.AddDate(0, 0, -1).Format(time.DateOnly)}}
	v.CSV = "/analytics.csv?" + q.Encode()
	today := h.store.Now().UTC().Truncate(24 * time.Hour)
	for _, days := range []int{30, 90, 365} {
		p := url.Values{"from": {today.AddDate(0, 0, 1-days).Format(time.DateOnly)}, "to": {today.Format(time.DateOnly)}}
		v.Presets = append(v.Presets, views.Option{Value: "/analytics?" + p.Encode(), Label: "Last " + strconv.Itoa(days) + " days"})
	}
	status := http.StatusOK
	if len(form.Errors) > 0 {
		status = http.StatusUnprocessableEntity
	}
	return render(c, status, views.AnalyticsPage(h.page(c, "Onboarding analytics", "analytics"), v))
}

func analyticsView(a models.Analytics, form views.Form) views.AnalyticsView {
	v := views.AnalyticsView{Form: form, Cohort: a.Cohort, Period: a.From.Format("2 Jan 2006") + " – " + a.To.AddDate(0, 0, -1).Format("2 Jan 2006")}
	for _, st := range models.FunnelStages {
		f := a.Stages[st]
		v.Funnel = append(v.Funnel, views.Bar{Label: st.Label(), N: f.Reached, Of: a.Cohort})
		if f.Stays > 0 {
			v.Times = append(v.Times, views.TimeBar{Label: st.Label(), Stays: f.Stays, Median: f.Median, P90: f.P90})
		}
	}
	if f := a.Stages[models.StageRejected]; f.Reached > 0 {
		v.Funnel = append(v.Funnel, views.Bar{Label: "Rejected at some point", N: f.Reached, Of: a.Cohort, Bad: true})
	}
	for _, w := range a.Weeks {
		d, _ := time.Parse(time.DateOnly, w.Week)
		v.Weeks = append(v.Weeks, views.WeekBar{Label: d.Format("2 Jan"), Created: w.Created, Onboarded: w.Onboarded, Active: w.Active})
	}
	for _, st := range models.Stages {
		if n := a.Now[st]; n > 0 {
			v.Now = append(v.Now, views.NowRow{Stage: st.Label(), N: n, Stuck: a.Stuck[st], WaitingOn: st.WaitingOn()})
		}
	}
	v.Dropoff = []views.KV{{Label: "Expired at Meta (not approved in time)", Value: strconv.Itoa(a.ExpiredAtMeta)},
		{Label: "Rejected and not resubmitted", Value: strconv.Itoa(a.RejectedFinal)}, {Label: "Deleted as drafts", Value: strconv.Itoa(a.Deleted)}}
	for _, r := range a.Reasons {
		v.Reasons = append(v.Reasons, views.KV{Label: r.Label, Value: strconv.Itoa(r.N)})
	}
	for _, s := range a.Staff {
		name := s.Name
		if name == "" {
			name = "Created before the history began"
		}
		v.Staff = append(v.Staff, views.MemberCohort{Name: name, Created: s.Created, Onboarded: s.Onboarded, Active: s.Active, Rejected: s.Rejected})
	}
	return v
}

// exportAnalytics is the page's numbers as CSV: one line per figure.
func (h *Handler) exportAnalytics(c echo.Context) error {
	from, to, form := h.analyticsPeriod(c)
	if len(form.Errors) > 0 {
		return models.ValidationError(form.Errors)
	}
	a, err := h.store.Analytics(c.Request().Context(), currentUser(c).OrganisationID, from, to)
	if err != nil {
		return err
	}
	res := c.Response()
	res.Header().Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	res.Header().Set(echo.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="analytics-%s-%s.csv"`,
		from.Format(time.DateOnly), to.AddDate(0, 0, -1).Format(time.DateOnly)))
	w := csv.NewWriter(res)
	row := func(cells ...string) { _ = w.Write(cells) }
	row("section", "item", "value", "median_hours", "p90_hours", "measured_stays")
	row("cohort", "clients created", strconv.Itoa(a.Cohort))
	hours := func(d time.Duration) string { return strconv.FormatFloat(d.Hours(), 'f', 1, 64) }
	for _, st := range append(models.FunnelStages, models.StageRejected) {
		f := a.Stages[st]
		row("stage", string(st), strconv.Itoa(f.Reached), hours(f.Median), hours(f.P90), strconv.Itoa(f.Stays))
	}
	for _, wk := range a.Weeks {
		row("week_created", wk.Week, strconv.Itoa(wk.Created))
		row("week_active", wk.Week, strconv.Itoa(wk.Active))
	}
	for _, st := range models.Stages {
		if a.Now[st] > 0 {
			row("now", string(st), strconv.Itoa(a.Now[st]))
			row("now_needs_attention", string(st), strconv.Itoa(a.Stuck[st]))
		}
	}
	row("dropoff", "expired_at_meta", strconv.Itoa(a.ExpiredAtMeta))
	row("dropoff", "rejected_not_resubmitted", strconv.Itoa(a.RejectedFinal))
	row("dropoff", "deleted", strconv.Itoa(a.Deleted))
	for _, r := range a.Reasons {
		row("rejection_reason", csvSafe(r.Label), strconv.Itoa(r.N))
	}
	for _, s := range a.Staff {
		row("staff_created", csvSafe(s.Name), strconv.Itoa(s.Created))
		row("staff_active", csvSafe(s.Name), strconv.Itoa(s.Active))
		row("staff_rejected", csvSafe(s.Name), strconv.Itoa(s.Rejected))
	}
	w.Flush()
	return w.Error()
}
