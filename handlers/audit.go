package handlers

import (
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"wabadesk/models"
	"wabadesk/views"
)

const keyAuditDetail = "wabadesk.audit.detail" // echo context key: extra words for the entry

// audited records action in the audit log once next has answered with
// success (2xx or 3xx). The actor is the user after the handler ran, so a
// log-in or sign-up is recorded for the person who just got in.
func (h *Handler) audited(action string, next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := next(c); err != nil {
			return err
		}
		if st := c.Response().Status; st >= 400 {
			return nil
		}
		u := currentUser(c)
		if u == nil {
			return nil
		}
		detail, _ := c.Get(keyAuditDetail).(string)
		h.record(c, models.AuditEntry{OrganisationID: u.OrganisationID, Action: action, Subject: auditSubject(c), Detail: detail})
		return nil
	}
}

// auditDetail adds a few words (what was typed, what was chosen) to the
// entry the route's audit records.
func auditDetail(c echo.Context, detail string) { c.Set(keyAuditDetail, detail) }

// auditSubject is what the action was about: the path, or for a create the
// page it redirected to (/clients/12).
func auditSubject(c echo.Context) string {
	path := c.Request().URL.Path
	if strings.Contains(c.Path(), ":") {
		if strings.Contains(c.Path(), ":token") {
			return "" // tokens are secrets; never write them down
		}
		return path
	}
	loc := c.Response().Header().Get(echo.HeaderLocation)
	if strings.HasPrefix(loc, path+"/") {
		return strings.SplitN(loc, "?", 2)[0]
	}
	return ""
}

// record writes e with where it came from; the actor defaults to the
// logged-in user. A failure is logged, never shown: the action itself
// already happened.
func (h *Handler) record(c echo.Context, e models.AuditEntry) {
	if u := currentUser(c); u != nil && e.ActorKind == "" {
		e.ActorKind, e.ActorID, e.ActorName = models.ActorStaff, u.ID, u.Name
	}
	e.IP, e.UserAgent = c.RealIP(), c.Request().UserAgent()
	if err := h.store.Audit(c.Request().Context(), e); err != nil {
		h.log.Error("audit failed", "request_id", requestID(c), "action", e.Action, "error", err.Error())
	}
}

// auditFilter reads the page's filters: action, actor, from and to (dates,
// to inclusive).
func auditFilter(c echo.Context) (models.AuditFilter, views.Form) {
	f := models.AuditFilter{Action: c.QueryParam("action"), Actor: c.QueryParam("actor")}
	form := views.Form{Values: map[string]string{"action": f.Action, "actor": f.Actor,
		"from": c.QueryParam("from"), "to": c.QueryParam("to")}, Errors: map[string]string{}}
	if d, err := time.Parse(time.DateOnly, c.QueryParam("from")); err == nil {
		f.From = d
	} else if c.QueryParam("from") != "" {
		form.Errors["from"] = "Use a date like 2026-01-31."
	}
	if d, err := time.Parse(time.DateOnly, c.QueryParam("to")); err == nil {
		f.To = d.AddDate(0, 0, 1)
	} else if c.QueryParam("to") != "" {
		form.Errors["to"] = "Use a date like 2026-01-31."
	}
	return f, form
}

func (h *Handler) listAudit(c echo.Context) error {
	ctx, u := c.Request().Context(), currentUser(c)
	f, form := auditFilter(c)
	entries, err := h.store.AuditEntries(ctx, u.OrganisationID, f)
	if err != nil {
		return err
	}
	actions, err := h.store.AuditActions(ctx, u.OrganisationID)
	if err != nil {
		return err
	}
	v := views.AuditView{Form: form, Export: "/audit.csv?" + c.QueryString()}
	v.Actions = append(v.Actions, views.Option{Value: "", Label: "Any action"})
	for _, a := range actions {
		v.Actions = append(v.Actions, views.Option{Value: a, Label: a})
	}
	for _, e := range entries {
		row := views.AuditRow{At: e.At.Format("2 Jan 2006 15:04:05"), ISO: e.At.Format(time.RFC3339),
			Actor: e.ActorName, Kind: e.ActorKind, Action: e.Action, Subject: e.Subject, Detail: e.Detail,
			From: strings.TrimSpace(e.IP + " · " + shortAgent(e.UserAgent))}
		if strings.HasPrefix(e.Subject, "/clients/") {
			row.Link = strings.Join(strings.Split(e.Subject, "/")[:3], "/")
		}
		v.Rows = append(v.Rows, row)
	}
	return render(c, http.StatusOK, views.AuditPage(h.page(c, "Audit log", "audit"), v))
}

// exportAudit sends the filtered log as CSV (up to 10,000 rows).
func (h *Handler) exportAudit(c echo.Context) error {
	f, _ := auditFilter(c)
	f.Limit = 10000
	entries, err := h.store.AuditEntries(c.Request().Context(), currentUser(c).OrganisationID, f)
	if err != nil {
		return err
	}
	res := c.Response()
	res.Header().Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	res.Header().Set(echo.HeaderContentDisposition, `attachment; filename="audit-`+time.Now().UTC().Format("2006-01-02")+`.csv"`)
	res.Header().Set("Cache-Control", "no-store")
	res.WriteHeader(http.StatusOK)
	w := csv.NewWriter(res)
	_ = w.Write([]string{"time", "actor_kind", "actor_id", "actor", "action", "subject", "detail", "ip", "user_agent"})
	for _, e := range entries {
		_ = w.Write([]string{e.At.UTC().Format(time.RFC3339), e.ActorKind, strconv.FormatInt(e.ActorID, 10),
			csvSafe(e.ActorName), e.Action, csvSafe(e.Subject), csvSafe(e.Detail), e.IP, csvSafe(e.UserAgent)})
	}
	w.Flush()
	return w.Error()
}

// csvSafe stops spreadsheet programs from running a cell as a formula.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// shortAgent names the browser in a few words.
func shortAgent(ua string) string {
	for _, b := range []string{"Edg", "Firefox", "Chrome", "Safari", "curl"} {
		if strings.Contains(ua, b+"/") {
			if b == "Edg" {
				b = "Edge"
			}
			return b
		}
	}
	if len(ua) > 40 {
		return ua[:40] + "…"
	}
	return ua
}
