package sandbox

import (
	"encoding/json"
	"time"

	pv "wabadesk/provisioning"
)

// Transition steps of accounts and senders.
const (
	stepPrepare  = "prepare"  // account: Sinch files the request at Meta
	stepExpire   = "expire"   // account: Meta cancels an unanswered request
	stepApprove  = "approve"  // account: Meta approves it by itself (Options.AutoApprove)
	stepReview   = "review"   // sender: Sinch/Meta review the submitted sender
	stepActivate = "activate" // sender: number registered, becomes ACTIVE
	stepPurge    = "purge"    // sender: 30 days after delete, it disappears
)

func (a *account) log(now time.Time, t pv.ActivityType, author, comment string) {
	a.Activities = append(a.Activities, pv.Activity{Type: t, Created: now, Author: author, Comment: comment})
}

// rejected: only rejected accounts may be updated.
func (a *account) rejected() bool {
	return a.DTO.State == pv.AccountRejected || (a.DTO.Changes != nil && a.DTO.Changes.Status == pv.AccountChangeRejected)
}

// pending: the request waits for the client at Meta.
func (a *account) pending() bool {
	return a.DTO.Changes != nil && a.DTO.Changes.Status == pv.AccountChangePendingFacebookVerification
}

// resubmit applies a PATCH to a rejected account: the merged data goes into
// changes, IN_PROGRESS again, and Sinch files a new request.
func (a *account) resubmit(in pv.UpdateAccountRequest, now time.Time, prepare time.Duration) {
	base := a.DTO.Details
	if a.DTO.Changes != nil && a.DTO.Changes.Details != nil {
		base = a.DTO.Changes.Details
	}
	d := clone(*base)
	if in.CompanyLegalName != "" {
		d.CompanyLegalName = in.CompanyLegalName
	}
	if in.WabaName != "" {
		d.WabaName = in.WabaName
	}
	if in.ClientBusinessManagerID != "" {
		d.ClientBusinessManagerID = in.ClientBusinessManagerID
	}
	if in.SenderDetails != nil {
		d.SenderDetails = mergeAccountSender(d.SenderDetails, *in.SenderDetails)
	}
	a.DTO.Changes = &pv.AccountChanges{Status: pv.AccountChangeInProgress, Details: &d}
	a.DTO.PartnerInitiatedRequestID, a.RequestID = "", ""
	a.log(now, pv.ActivityEdited, authorAPI, "")
	a.log(now, pv.ActivityInProgress, authorSinch, "")
	a.Next = &due{At: now.Add(prepare), Step: stepPrepare}
}

func mergeAccountSender(old *pv.AccountSenderDetails, in pv.AccountSenderDetails) *pv.AccountSenderDetails {
	out := pv.AccountSenderDetails{}
	if old != nil {
		out = *old
	}
	if in.DisplayName != "" {
		out.DisplayName = in.DisplayName
	}
	if in.BusinessCategory != "" {
		out.BusinessCategory = in.BusinessCategory
	}
	if in.Region != "" {
		out.Region = in.Region
	}
	if in.MetaLocalStorage != "" {
		out.MetaLocalStorage = in.MetaLocalStorage
	}
	return &out
}

func regionOf(d *pv.AccountDetails) pv.Region {
	if d != nil && d.SenderDetails != nil {
		return d.SenderDetails.Region
	}
	return ""
}

// pickBusinessManager applies Sinch's region/business-manager table (§7).
func pickBusinessManager(bm pv.BusinessManager, region pv.Region) (pv.BusinessManager, *apiError) {
	if bm == "" {
		if region == pv.RegionBR {
			return pv.SinchBR, nil
		}
		return pv.SinchUK, nil
	}
	brOnly := bm == pv.SinchBR || bm == pv.SinchMX
	if (region == pv.RegionEU && brOnly) || (region == pv.RegionBR && bm == pv.SinchUK) {
		return "", fail("invalid_business_manager")
	}
	return bm, nil
}

// fillSenderDefaults fills what Sinch fills: the billing region (EU here)
// and an unspecified local storage.
func fillSenderDefaults(d *pv.AccountDetails, bm pv.BusinessManager) {
	if d.SenderDetails == nil {
		return
	}
	if d.SenderDetails.Region == "" {
		d.SenderDetails.Region = pv.RegionEU
		if bm == pv.SinchBR || bm == pv.SinchMX {
			d.SenderDetails.Region = pv.RegionBR
		}
	}
	if d.SenderDetails.MetaLocalStorage == "" {
		d.SenderDetails.MetaLocalStorage = "UNSPECIFIED"
	}
}

// compatibleRegions mirrors the examples: SINCH_UK gives eu+us, SINCH_BR br.
func compatibleRegions(bm pv.BusinessManager, region pv.Region) []string {
	switch bm {
	case pv.SinchBR, pv.SinchMX:
		if region == pv.RegionUS {
			return []string{"br", "us"}
		}
		return []string{"br"}
	case pv.SinchAmerica:
		return []string{"us"}
	default:
		return []string{"eu", "us"}
	}
}

// clone deep-copies a value through JSON, so nothing handed out after the
// lock is released aliases the state.
func clone[T any](v T) T {
	var out T
	b, _ := json.Marshal(v)
	_ = json.Unmarshal(b, &out)
	return out
}

// remarshal decodes an already validated generic object into a typed one.
func remarshal(m map[string]any, v any) {
	b, _ := json.Marshal(m)
	_ = json.Unmarshal(b, v)
}
