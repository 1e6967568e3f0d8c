package sandbox

import (
	"bytes"
	"html/template"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	pv "wabadesk/provisioning"
)

// wantsJSON lets curl and tests use the pages as an API.
func wantsJSON(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "application/json") || r.URL.Query().Get("format") == "json"
}

// metaRequest is one WABA creation request as the Meta stand-in shows it.
type metaRequest struct {
	RequestID, ProjectID, BusinessID, WabaName, DisplayName, BusinessManager, Status string
	Requested, Expires                                                               time.Time
	Selected, Pending                                                                bool
}

func (s *Sandbox) metaRequests(r *http.Request, businessID, selected string) []metaRequest {
	s.lock()
	defer s.unlock()
	var out []metaRequest
	for _, id := range slices.Sorted(maps.Keys(s.st.Projects)) {
		if !visible(r, id) {
			continue
		}
		a := s.st.Projects[id].Account
		if a == nil || a.RequestID == "" || a.DTO.Changes == nil || a.DTO.Changes.Details == nil {
			continue
		}
		d := a.DTO.Changes.Details
		if businessID != "" && d.ClientBusinessManagerID != businessID {
			continue
		}
		mr := metaRequest{RequestID: a.RequestID, ProjectID: id, BusinessID: d.ClientBusinessManagerID, WabaName: d.WabaName,
			BusinessManager: string(a.DTO.BusinessManager), Status: a.DTO.Status(), Pending: a.pending(), Selected: a.RequestID == selected}
		if d.SenderDetails != nil {
			mr.DisplayName = d.SenderDetails.DisplayName
		}
		if a.Next != nil && a.Next.Step == stepExpire {
			mr.Expires, mr.Requested = a.Next.At, a.Next.At.Add(-RequestExpiry)
		}
		out = append(out, mr)
	}
	return out
}

func (s *Sandbox) metaPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	reqs := s.metaRequests(r, q.Get("business_id"), q.Get("selected_request_id"))
	if wantsJSON(r) {
		writeJSON(w, http.StatusOK, map[string]any{"requests": reqs})
		return
	}
	s.render(w, r, "meta", map[string]any{"BusinessID": q.Get("business_id"), "Requests": reqs, "Done": q.Get("done"),
		"Access": q.Get(AccessParam), "Back": backPath(r)})
}

// metaDecide is the Approve/Decline button: POST .../{requestId}/approve|decline.
func (s *Sandbox) metaDecide(w http.ResponseWriter, r *http.Request) {
	decision := r.PathValue("decision")
	if decision != "approve" && decision != "decline" {
		http.NotFound(w, r)
		return
	}
	projectID, err := s.decideRequest(r, r.PathValue("requestId"), decision == "approve")
	if wantsJSON(r) {
		if err != nil {
			writeJSON(w, http.StatusConflict, map[string]string{"error": err.Error()})
			return
		}
		a, _ := s.Account(projectID)
		writeJSON(w, http.StatusOK, map[string]any{"projectId": projectID, "decision": decision, "status": a.Status()})
		return
	}
	done := decision + "d"
	if err != nil {
		done = "none"
	}
	back := url.Values{"business_id": {r.FormValue("business_id")}, "done": {done}}
	if access := r.FormValue(AccessParam); access != "" {
		back.Set(AccessParam, access)
	}
	if b := backPath(r); b != "" {
		back.Set(BackParam, b)
	}
	http.Redirect(w, r, s.publicURL(r)+"/meta/latest/settings/requests?"+back.Encode(), http.StatusSeeOther)
}

func (s *Sandbox) inboxPage(w http.ResponseWriter, r *http.Request) {
	phone := r.URL.Query().Get("phone")
	msgs := slices.DeleteFunc(s.Inbox(phone), func(m Message) bool { return !visible(r, m.ProjectID) })
	slices.Reverse(msgs) // newest first, like a phone
	if wantsJSON(r) {
		writeJSON(w, http.StatusOK, map[string]any{"messages": msgs})
		return
	}
	byPhone := map[string][]Message{}
	for _, m := range msgs {
		byPhone[m.Phone] = append(byPhone[m.Phone], m)
	}
	s.render(w, r, "inbox", map[string]any{"Phone": phone, "Phones": slices.Sorted(maps.Keys(byPhone)), "ByPhone": byPhone})
}

// overview is one project on the index page.
type overview struct {
	ID, AccountStatus, MetaLink string
	Senders                     []senderRow
	Webhooks                    int
	Selected                    bool // the project a control just changed
	// The health of an onboarded account.
	Onboarded                     bool
	DailyLimit, BanState, BanDate string
	BanActions                    []choice // the ban states it may move to
}

// senderRow is one sender on the index page, display-ready.
type senderRow struct {
	ID, Number, Status, State, Quality string
	Name, NameStatus, NameReason       string
	Live                               bool     // Meta's controls apply
	StateActions                       []choice // the states it may move to
}

func (s *Sandbox) indexPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s.showIndex(w, r, http.StatusOK, q.Get("project"), doneMessages[q.Get("done")], "")
}

// showIndex renders the overview with a flash or an error message, the
// selected project outlined.
func (s *Sandbox) showIndex(w http.ResponseWriter, r *http.Request, status int, selected, flash, errMsg string) {
	base := s.publicURL(r)
	s.lock()
	var projects []overview
	for _, id := range slices.Sorted(maps.Keys(s.st.Projects)) {
		if !visible(r, id) {
			continue
		}
		p := s.st.Projects[id]
		o := overview{ID: id, Webhooks: len(p.Webhooks), Selected: id == selected}
		if a := p.Account; a != nil {
			o.AccountStatus = a.DTO.Status()
			if a.pending() {
				o.MetaLink = pv.MetaApprovalLink(base+"/meta/latest/settings/requests", a.DTO.Changes.Details.ClientBusinessManagerID, a.RequestID)
			}
			o.Onboarded = a.DTO.State == pv.AccountOnboarded
			o.DailyLimit, o.BanState, o.BanDate = string(a.DTO.BusinessDailyLimit), a.DTO.WabaBanState, a.DTO.WabaBanDate
			banned := o.BanState == string(pv.BanScheduleForDisable) || o.BanState == string(pv.BanDisable)
			o.BanActions = except(choices.BanStates, func(c choice) bool {
				return c.Value == o.BanState || (c.Value == string(pv.BanReinstate) && !banned)
			})
		}
		for _, sn := range p.Senders {
			o.Senders = append(o.Senders, newSenderRow(sn))
		}
		projects = append(projects, o)
	}
	s.unlock()
	deliveries := slices.DeleteFunc(s.SentCallbacks(), func(d SentCallback) bool { return !visible(r, d.ProjectID) })
	slices.Reverse(deliveries)
	s.renderStatus(w, r, status, "index", map[string]any{"Projects": projects, "Callbacks": deliveries[:min(len(deliveries), 20)],
		"Flash": flash, "Error": errMsg, "Access": r.FormValue(AccessParam), "Choices": choices,
		"DefaultReason": DefaultNameRejection})
}

func newSenderRow(sn *sender) senderRow {
	d := sn.DTO
	row := senderRow{ID: d.ID, Number: "+" + d.CountryCode + " " + d.PhoneNumber, Status: d.Status(), State: string(d.State),
		Quality: string(d.QualityRating), Name: sn.displayName(), Live: sn.live()}
	row.StateActions = except(choices.SenderStates, func(c choice) bool { return c.Value == row.State })
	if d.Details != nil {
		row.Name = d.Details.DisplayName
	}
	if m := d.Metadata; m != nil && m.DisplayName != nil {
		row.NameStatus, row.NameReason = string(m.DisplayName.Status), m.DisplayName.RejectionReason
		if v := m.DisplayName.Value; v != "" && v != row.Name {
			row.Name += " → " + v
		}
	}
	return row
}

func except(cs []choice, drop func(choice) bool) []choice {
	return slices.DeleteFunc(slices.Clone(cs), drop)
}

// render buffers the page so a template error never sends half a page.
func (s *Sandbox) render(w http.ResponseWriter, r *http.Request, name string, data map[string]any) {
	s.renderStatus(w, r, http.StatusOK, name, data)
}

func (s *Sandbox) renderStatus(w http.ResponseWriter, r *http.Request, status int, name string, data map[string]any) {
	data["Base"] = s.publicURL(r)
	var buf bytes.Buffer
	if err := pages.ExecuteTemplate(&buf, name, data); err != nil {
		http.Error(w, "sandbox: render "+name+": "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

var pages = template.Must(template.New("").Funcs(template.FuncMap{
	"date": func(t time.Time) string {
		if t.IsZero() {
			return "-"
		}
		return t.UTC().Format("2006-01-02 15:04 UTC")
	},
	// statusWords says where a request stands the way Meta's page would,
	// not in Sinch's codes.
	"statusWords": func(status string) string {
		switch status {
		case "PENDING_FACEBOOK_VERIFICATION":
			return "Waiting for your decision"
		case "ONBOARDED":
			return "Approved"
		case "REJECTED":
			return "Declined or expired"
		case "IN_PROGRESS":
			return "Being prepared"
		}
		return status
	},
}).Parse(pageTemplates))
