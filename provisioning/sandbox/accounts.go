package sandbox

import (
	"net/http"
	"slices"
	"strings"

	pv "wabadesk/provisioning"
)

// Activity authors: API callers, and the simulated Sinch back office.
const (
	authorAPI   = "Provisioning API user"
	authorSinch = "Sinch"
)

func (s *Sandbox) getAccount(q *call) (int, any, *apiError) {
	if q.p.Account == nil {
		return 0, nil, fail("account_not_found")
	}
	return http.StatusOK, clone(q.p.Account.DTO), nil
}

func (s *Sandbox) createAccount(q *call) (int, any, *apiError) {
	s.stats.CreatesReceived++
	if q.p.Account != nil {
		s.stats.CreatesRefusedExisting++
		return 0, nil, fail("account_exists")
	}
	m, aerr := decodeObject(q.body)
	if aerr != nil {
		return 0, nil, aerr
	}
	details, bm, aerr := checkAccountInput(m)
	if aerr == nil {
		aerr = s.checkEnvironment(bm)
	}
	if aerr != nil {
		return 0, nil, aerr
	}
	a := &account{DTO: pv.Account{
		BusinessManager:   bm,
		Changes:           &pv.AccountChanges{Status: pv.AccountChangeInProgress, Details: details},
		CompatibleRegions: compatibleRegions(bm, regionOf(details)),
	}}
	a.log(q.now, pv.ActivityCreated, authorAPI, "")
	a.log(q.now, pv.ActivityInProgress, authorSinch, "")
	a.Next = &due{At: q.now.Add(s.opts.Delays.Prepare), Step: stepPrepare}
	q.p.Account = a
	s.stats.AccountsCreated++
	s.changed()
	return http.StatusCreated, clone(a.DTO), nil
}

// checkAccountInput validates either creation body; the shape tells them
// apart, as Sinch documents no discriminator.
func checkAccountInput(m map[string]any) (*pv.AccountDetails, pv.BusinessManager, *apiError) {
	var c checker
	_, hasWaba := m["wabaName"]
	_, hasSender := m["senderDetails"]
	_, hasLegal := m["companyLegalName"]
	obo := hasLegal && !hasWaba && !hasSender
	c.str(m, "clientBusinessManagerId", rule{required: true, min: 1, max: 255})
	c.str(m, "businessManager", rule{enum: inputBMs})
	if obo {
		c.str(m, "companyLegalName", rule{required: true, min: 1, max: 255})
	} else {
		c.str(m, "wabaName", rule{required: true, min: 1, max: 255})
		if sd := c.object(m, "senderDetails", true); sd != nil {
			checkAccountSender(&c, sd, true)
		}
	}
	if err := c.result(); err != nil {
		return nil, "", err
	}
	var in struct {
		pv.CreateAccountRequest
		CompanyLegalName string `json:"companyLegalName"`
	}
	remarshal(m, &in)
	d := &pv.AccountDetails{ClientBusinessManagerID: in.ClientBusinessManagerID, WabaName: in.WabaName}
	if obo {
		d.CompanyLegalName, d.WabaName = in.CompanyLegalName, in.CompanyLegalName
	} else {
		sd := in.SenderDetails
		d.SenderDetails = &sd
	}
	bm, aerr := pickBusinessManager(in.BusinessManager, regionOf(d))
	if aerr != nil {
		return nil, "", aerr
	}
	fillSenderDefaults(d, bm)
	return d, bm, nil
}

func checkAccountSender(c *checker, sd map[string]any, create bool) {
	c.str(sd, "senderDetails.displayName", rule{required: create, min: 1, max: 255})
	c.str(sd, "senderDetails.businessCategory", rule{required: create, enum: accountVerticals})
	c.str(sd, "senderDetails.region", rule{enum: inputRegions})
	c.str(sd, "senderDetails.metaLocalStorage", rule{enum: inputStorages})
}

func (s *Sandbox) updateAccount(q *call) (int, any, *apiError) {
	a := q.p.Account
	if a == nil {
		return 0, nil, fail("account_not_found")
	}
	m, aerr := decodeObject(q.body)
	if aerr != nil {
		return 0, nil, aerr
	}
	var c checker
	for _, f := range []string{"companyLegalName", "wabaName", "clientBusinessManagerId"} {
		c.str(m, f, rule{min: 1, max: 255})
	}
	sd := c.object(m, "senderDetails", false)
	if sd != nil {
		checkAccountSender(&c, sd, false)
	}
	if err := c.result(); err != nil {
		return 0, nil, err
	}
	if len(m) == 0 || (sd != nil && len(sd) == 0 && len(m) == 1) {
		return 0, nil, fail("no_fields_to_update")
	}
	if !a.rejected() {
		return 0, nil, fail("account_not_updatable")
	}
	var in pv.UpdateAccountRequest
	remarshal(m, &in)
	a.resubmit(in, q.now, s.opts.Delays.Prepare)
	s.changed()
	return http.StatusOK, clone(a.DTO), nil
}

func (s *Sandbox) deleteAccount(q *call) (int, any, *apiError) {
	if q.p.Account == nil {
		return 0, nil, fail("project_not_initialized")
	}
	if len(q.p.Senders) > 0 {
		ids := []string{}
		for _, sn := range q.p.Senders {
			ids = append(ids, sn.DTO.ID)
		}
		return 0, nil, failWith("account_has_senders", map[string]any{"projectId": q.p.ID, "senderIds": ids})
	}
	q.p.Account = nil
	s.changed()
	return http.StatusNoContent, nil, nil
}

func (s *Sandbox) listAccountActivities(q *call) (int, any, *apiError) {
	if q.p.Account == nil {
		return 0, nil, fail("account_not_found")
	}
	items, pg, aerr := activityPage(q, q.p.Account.Activities)
	if aerr != nil {
		return 0, nil, aerr
	}
	return http.StatusOK, pv.ActivityList{TotalSize: len(q.p.Account.Activities), PageSize: pg.size,
		PreviousPageToken: pg.prev, NextPageToken: pg.next, Notifications: items}, nil
}

func (s *Sandbox) addAccountComment(q *call) (int, any, *apiError) {
	a := q.p.Account
	if a == nil {
		return 0, nil, fail("account_not_found")
	}
	text, aerr := checkComment(q.body)
	if aerr != nil {
		return 0, nil, aerr
	}
	a.log(q.now, pv.ActivityCommentAdded, authorAPI, text)
	s.emit(q.p, pv.TriggerAccountCommentAdded, a.DTO, text)
	s.changed()
	return http.StatusCreated, pv.Comment{Type: "CREATED", Comment: text, Created: q.now}, nil
}

func checkComment(body []byte) (string, *apiError) {
	m, aerr := decodeObject(body)
	if aerr != nil {
		return "", aerr
	}
	var c checker
	c.str(m, "comment", rule{required: true, min: 1, max: 65535})
	if err := c.result(); err != nil {
		return "", err
	}
	return m["comment"].(string), nil
}

// activityPage returns a page of activities, newest first.
func activityPage(q *call, all []pv.Activity) ([]pv.Activity, page, *apiError) {
	pg, aerr := paginate(q.r.URL.Query(), len(all), 50, 100)
	if aerr != nil {
		return nil, pg, aerr
	}
	out := make([]pv.Activity, 0, pg.end-pg.start)
	for i := pg.start; i < pg.end; i++ {
		out = append(out, all[len(all)-1-i])
	}
	return out, pg, nil
}

// checkEnvironment refuses a business manager the reseller's Sinch
// environment does not offer (Options.AllowedBusinessManagers), as Sinch does
// with invalid_business_manager_for_environment.
func (s *Sandbox) checkEnvironment(bm pv.BusinessManager) *apiError {
	allowed := s.opts.AllowedBusinessManagers
	if len(allowed) == 0 || slices.Contains(allowed, string(bm)) {
		return nil
	}
	return &apiError{code: "invalid_business_manager_for_environment",
		resolution: "Verify that business manager is valid for environment. Allowed business managers for environment " +
			strings.Join(allowed, ", ") + "."}
}
