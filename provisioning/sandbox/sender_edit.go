package sandbox

import (
	"net/http"
	"slices"
	"time"

	pv "wabadesk/provisioning"
)

func (s *Sandbox) updateSender(q *call) (int, any, *apiError) {
	sn, aerr := findSender(q)
	if aerr != nil {
		return 0, nil, aerr
	}
	m, aerr := decodeObject(q.body)
	if aerr != nil {
		return 0, nil, aerr
	}
	var c checker
	c.str(m, "status", rule{enum: actions})
	d := c.object(m, "details", false)
	if d != nil {
		c.str(d, "details.displayName", rule{min: 1, max: 128})
		c.str(d, "details.vertical", rule{enum: senderVerticals})
		c.str(d, "details.username", rule{nullable: true, min: 1})
		checkProfile(&c, d, true)
	}
	if err := c.result(); err != nil {
		return 0, nil, err
	}
	if len(d) == 0 && m["status"] == nil {
		return 0, nil, fail("no_fields_to_update")
	}
	if aerr := sn.updatable(d); aerr != nil {
		return 0, nil, aerr
	}
	var in pv.UpdateSenderRequest
	remarshal(m, &in)
	sn.edit(in, q.now)
	if in.Status == pv.ActionSubmit {
		sn.Next = &due{At: q.now.Add(s.opts.Delays.Review), Step: stepReview}
	}
	s.changed()
	return http.StatusOK, clone(sn.DTO), nil
}

// updatable applies Sinch's rules: ACTIVE senders, or pending changes in
// DRAFT or REJECTED; the display name is frozen while under review.
func (sn *sender) updatable(d map[string]any) *apiError {
	if u, ok := d["username"]; ok && u != nil && sn.DTO.State != pv.SenderActive {
		return fail("sender_username_update_not_available")
	}
	ch := sn.DTO.Changes
	if ch != nil && (ch.Status == pv.SenderChangeDraft || ch.Status == pv.SenderChangeRejected) {
		return nil
	}
	if ch != nil {
		if _, named := d["displayName"]; named && sn.DTO.State == pv.SenderActive {
			return fail("sender_display_name_update_not_allowed")
		}
		return fail("sender_changes_not_updatable")
	}
	if sn.DTO.State != pv.SenderActive {
		return fail("sender_not_updatable")
	}
	return nil
}

// edit stores a PATCH as pending changes; null fields delete the value.
func (sn *sender) edit(in pv.UpdateSenderRequest, now time.Time) {
	base := sn.DTO.Details
	if sn.DTO.Changes != nil && sn.DTO.Changes.Details != nil {
		base = sn.DTO.Changes.Details
	}
	d := pv.SenderDetails{}
	if base != nil {
		d = *base
	}
	if in.Details != nil {
		applyPatch(&d, *in.Details)
	}
	status := pv.SenderChangeDraft
	if in.Status == pv.ActionSubmit {
		status = pv.SenderChangeInProgress
	}
	sn.DTO.Changes = &pv.SenderChanges{Status: status, Details: &d}
	if sn.DTO.Details == nil || d.DisplayName != sn.DTO.Details.DisplayName {
		sn.DTO.Metadata = &pv.SenderMetadata{DisplayName: &pv.MetadataField{Value: d.DisplayName, Status: "PENDING"}}
	}
	sn.DTO.Modified = now
	sn.log(now, pv.ActivityEdited, authorAPI, "")
	if status == pv.SenderChangeInProgress {
		sn.log(now, pv.ActivityInProgress, authorSinch, "")
	}
}

func applyPatch(d *pv.SenderDetails, p pv.UpdateSenderDetails) {
	if p.DisplayName != "" {
		d.DisplayName = p.DisplayName
	}
	if p.Vertical != "" {
		d.Vertical = p.Vertical
	}
	for _, f := range []struct {
		dst *string
		src pv.Nullable[string]
	}{
		{&d.Description, p.Description}, {&d.Email, p.Email}, {&d.Address, p.Address},
		{&d.WebsiteOne, p.WebsiteOne}, {&d.WebsiteTwo, p.WebsiteTwo}, {&d.About, p.About},
		{&d.PhotoURL, p.PhotoURL}, {&d.Username, p.Username},
	} {
		if f.src.IsNull() {
			*f.dst = ""
		} else if v, ok := f.src.Get(); ok {
			*f.dst = v
		}
	}
}

func (s *Sandbox) deleteSender(q *call) (int, any, *apiError) {
	sn, aerr := findSender(q)
	if aerr != nil {
		return 0, nil, aerr
	}
	if !sn.DeletedAt.IsZero() {
		return 0, nil, fail("sender_already_deleted")
	}
	gone := pv.Sender{ID: sn.DTO.ID, Region: "UNRECOGNIZED", MetaLocalStorage: "UNRECOGNIZED",
		BusinessManager: sn.DTO.BusinessManager, CompatibleRegions: []string{}}
	s.emit(q.p, pv.TriggerSenderDeleted, gone, "")
	if sn.DTO.State == "" {
		q.p.removeSender(sn) // never live at Meta: nothing to keep
	} else {
		// A live sender keeps sending for 30 days, then disappears.
		sn.DeletedAt = q.now
		sn.Next = &due{At: q.now.Add(senderRemoval), Step: stepPurge}
	}
	s.changed()
	return http.StatusNoContent, nil, nil
}

func (s *Sandbox) deleteSenderChanges(q *call) (int, any, *apiError) {
	sn, aerr := findSender(q)
	if aerr != nil {
		return 0, nil, aerr
	}
	ch := sn.DTO.Changes
	if ch == nil {
		return 0, nil, fail("sender_changes_not_found")
	}
	if !slices.Contains([]pv.SenderChangeStatus{pv.SenderChangeDraft, pv.SenderChangeRejected, pv.SenderChangeError}, ch.Status) {
		return 0, nil, fail("sender_changes_not_deletable")
	}
	sn.DTO.Changes, sn.Next = nil, nil
	if sn.DTO.State == "" {
		q.p.removeSender(sn) // only changes existed: nothing is left
	} else if sn.DTO.Details != nil {
		sn.DTO.Metadata = &pv.SenderMetadata{DisplayName: &pv.MetadataField{Value: sn.DTO.Details.DisplayName, Status: "APPROVED"}}
	}
	s.changed()
	return http.StatusNoContent, nil, nil
}

func (p *project) removeSender(sn *sender) {
	p.Senders = slices.DeleteFunc(p.Senders, func(x *sender) bool { return x == sn })
}
