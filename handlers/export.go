package handlers

import (
	"encoding/csv"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"wabadesk/models"
)

// exportClients writes the client list with the page's current search,
// filter and sort as CSV, every matching client (500 at a time).
func (h *Handler) exportClients(c echo.Context) error {
	u := currentUser(c)
	ctx := c.Request().Context()
	f := models.ClientFilter{Query: c.QueryParam("q"), Stage: models.Stage(c.QueryParam("stage")), Sort: c.QueryParam("sort"),
		Attention: c.QueryParam("attention") == "1" || c.QueryParam("attention") == "true", Health: healthParam(c.QueryParam("health"))}
	if !slices.Contains(models.Stages, f.Stage) {
		f.Stage = ""
	}
	res := c.Response()
	res.Header().Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	res.Header().Set(echo.HeaderContentDisposition, `attachment; filename="clients-`+h.store.Now().UTC().Format("2006-01-02")+`.csv"`)
	res.Header().Set("Cache-Control", "no-store")
	res.WriteHeader(http.StatusOK)
	w := csv.NewWriter(res)
	_ = w.Write([]string{"id", "name", "business_manager_id", "waba_name", "stage", "waiting_on", "in_stage_since", "hours_in_stage",
		"needs_attention", "account_stage", "sender_phone", "sender_stage", "active_links", "link_opens", "contact_email", "last_change", "url",
		"health", "health_issues", "quality_rating", "messaging_limit", "waba_ban_state"})
	now := h.store.Now()
	var after *models.ClientCursor
	for {
		clients, next, err := h.store.ClientsAfter(ctx, u.OrganisationID, f, after, 500)
		if err != nil {
			return err // answered already: the request log records it, and the download ends short
		}
		ids := make([]int64, len(clients))
		for i, cl := range clients {
			ids[i] = cl.ID
		}
		links, err := h.store.LinkSummaries(ctx, u.OrganisationID, ids)
		if err != nil {
			return err
		}
		for _, cl := range clients {
			l := links[cl.ID]
			health, _ := healthBadge(cl)
			_ = w.Write([]string{itoa(cl.ID), csvSafe(cl.Name), csvSafe(cl.BusinessManagerID), csvSafe(cl.WabaName), cl.Stage.Label(),
				cl.Stage.WaitingOn(), cl.StageSince.UTC().Format(time.RFC3339), strconv.FormatFloat(now.Sub(cl.StageSince).Hours(), 'f', 1, 64),
				strconv.FormatBool(h.store.NeedsAttention(cl)), cl.AccountStage.Label(), csvSafe(cl.SenderPhone), cl.SenderStage.Label(),
				strconv.Itoa(l.Active), strconv.FormatInt(l.Opens, 10), csvSafe(cl.ContactEmail), cl.LastChangeAt.UTC().Format(time.RFC3339),
				h.link(clientURL(cl.ID)), health, strings.Join(cl.Issues(), " "), cl.HealthQuality, cl.DailyLimit, cl.BanState})
		}
		if next == nil {
			break
		}
		after = next
	}
	w.Flush()
	return w.Error()
}
