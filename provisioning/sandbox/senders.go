package sandbox

import (
	"net/http"
	"slices"
	"strings"

	pv "wabadesk/provisioning"
)

func (s *Sandbox) listSenders(q *call) (int, any, *apiError) {
	if q.p.Account == nil {
		return 0, nil, fail("project_not_initialized")
	}
	qs := q.r.URL.Query()
	states, ok := filterValues(qs["filterStates"], senderStates)
	if !ok {
		return 0, nil, failWith("invalid_filter_states", map[string]any{"supportedCodes": strings.Join(senderStates, ", ")})
	}
	statuses, ok := filterValues(qs["filterStatuses"], senderStatuses)
	if !ok {
		return 0, nil, failWith("invalid_filter_statuses", map[string]any{"supportedCodes": "DRAFT, ERROR, IN_PROGRESS, REJECTED"})
	}
	var match []pv.Sender
	for _, sn := range q.p.Senders {
		st, cs := string(sn.DTO.State), ""
		if sn.DTO.Changes != nil {
			cs = string(sn.DTO.Changes.Status)
		}
		if (len(states) == 0 || slices.Contains(states, st)) && (len(statuses) == 0 || slices.Contains(statuses, cs)) {
			match = append(match, sn.DTO)
		}
	}
	pg, aerr := paginate(qs, len(match), 50, 100)
	if aerr != nil {
		return 0, nil, aerr
	}
	return http.StatusOK, pv.SenderList{TotalSize: len(match), PageSize: pg.size, PreviousPageToken: pg.prev,
		NextPageToken: pg.next, Senders: clone(append([]pv.Sender{}, match[pg.start:pg.end]...))}, nil
}

// filterValues accepts repeated keys and comma-separated lists, as the
// wire format of array filters is not documented.
func filterValues(raw []string, allowed []string) ([]string, bool) {
	var out []string
	for _, r := range raw {
		for _, v := range strings.Split(r, ",") {
			if v = strings.TrimSpace(v); v == "" {
				continue
			}
			if !slices.Contains(allowed, v) {
				return nil, false
			}
			out = append(out, v)
		}
	}
	return out, true
}

func (s *Sandbox) getSender(q *call) (int, any, *apiError) {
	sn, aerr := findSender(q)
	if aerr != nil {
		return 0, nil, aerr
	}
	return http.StatusOK, clone(sn.DTO), nil
}

func findSender(q *call) (*sender, *apiError) {
	if q.p.Account == nil {
		return nil, fail("project_not_initialized")
	}
	sn := q.p.sender(q.r.PathValue("senderId"))
	if sn == nil {
		return nil, fail("sender_not_found")
	}
	return sn, nil
}

func (s *Sandbox) createSender(q *call) (int, any, *apiError) {
	if q.p.Account == nil {
		return 0, nil, fail("project_not_initialized")
	}
	m, aerr := decodeObject(q.body)
	if aerr != nil {
		return 0, nil, aerr
	}
	if aerr := checkSenderInput(m); aerr != nil {
		return 0, nil, aerr
	}
	var in pv.CreateSenderRequest
	remarshal(m, &in)
	sn := newSender(q.p.Account, in, q.now)
	q.p.Senders = append(q.p.Senders, sn)
	if sn.DTO.Changes.Status == pv.SenderChangeInProgress {
		sn.Next = &due{At: q.now.Add(s.opts.Delays.Review), Step: stepReview}
	}
	s.changed()
	return http.StatusCreated, clone(sn.DTO), nil
}

func checkSenderInput(m map[string]any) *apiError {
	var c checker
	c.str(m, "status", rule{enum: actions})
	c.str(m, "region", rule{enum: inputRegions})
	c.str(m, "metaLocalStorage", rule{enum: inputStorages})
	c.str(m, "phoneNumberProvider", rule{required: true, enum: providers})
	c.boolean(m, "saveDraftOnFailure")
	d := c.object(m, "details", true)
	if d == nil {
		return c.result()
	}
	c.str(d, "details.displayName", rule{required: true, min: 1, max: 128})
	c.str(d, "details.vertical", rule{required: true, enum: senderVerticals})
	c.str(d, "details.countryCode", rule{required: true, max: 4, format: "digits"})
	c.str(d, "details.phoneNumber", rule{required: m["phoneNumberProvider"] == "CUSTOMER", max: 32, format: "digits"})
	checkProfile(&c, d, false)
	return c.result()
}

// checkProfile validates the optional profile fields of create and update.
func checkProfile(c *checker, d map[string]any, nullable bool) {
	c.str(d, "details.description", rule{nullable: nullable, min: 1, max: 512})
	c.str(d, "details.email", rule{nullable: nullable, max: 128, format: "email"})
	c.str(d, "details.address", rule{nullable: nullable, min: 1, max: 256})
	c.str(d, "details.websiteOne", rule{nullable: nullable, max: 256, format: "url"})
	c.str(d, "details.websiteTwo", rule{nullable: nullable, max: 256, format: "url"})
	c.str(d, "details.about", rule{nullable: nullable, min: 1, max: 139})
	c.str(d, "details.photoUrl", rule{nullable: nullable, max: 256, format: "url"})
}

func (s *Sandbox) listSenderActivities(q *call) (int, any, *apiError) {
	sn, aerr := findSender(q)
	if aerr != nil {
		return 0, nil, aerr
	}
	items, pg, aerr := activityPage(q, sn.Activities)
	if aerr != nil {
		return 0, nil, aerr
	}
	return http.StatusOK, pv.ActivityList{TotalSize: len(sn.Activities), PageSize: pg.size,
		PreviousPageToken: pg.prev, NextPageToken: pg.next, Notifications: items}, nil
}

func (s *Sandbox) addSenderComment(q *call) (int, any, *apiError) {
	sn, aerr := findSender(q)
	if aerr != nil {
		return 0, nil, aerr
	}
	text, aerr := checkComment(q.body)
	if aerr != nil {
		return 0, nil, aerr
	}
	sn.log(q.now, pv.ActivityCommentAdded, authorAPI, text)
	s.emit(q.p, pv.TriggerSenderCommentAdded, sn.DTO, text)
	s.changed()
	return http.StatusCreated, pv.Comment{Type: "CREATED", Comment: text, Created: q.now}, nil
}
