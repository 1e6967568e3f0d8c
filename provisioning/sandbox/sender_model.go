package sandbox

import (
	"crypto/rand"
	"fmt"
	"math/big"
	"strings"
	"time"

	pv "wabadesk/provisioning"
)

func (sn *sender) log(now time.Time, t pv.ActivityType, author, comment string) {
	sn.Activities = append(sn.Activities, pv.Activity{Type: t, Created: now, Author: author, Comment: comment})
}

// newSender builds a partner-initiated sender; region, storage and business
// manager default to the account's, as Sinch documents.
func newSender(a *account, in pv.CreateSenderRequest, now time.Time) *sender {
	acct := a.DTO.Details
	if acct == nil && a.DTO.Changes != nil {
		acct = a.DTO.Changes.Details
	}
	region, storage := in.Region, in.MetaLocalStorage
	if acct != nil && acct.SenderDetails != nil {
		region = cmpOr(region, acct.SenderDetails.Region)
		storage = cmpOr(storage, acct.SenderDetails.MetaLocalStorage)
	}
	d := in.Details
	number := d.PhoneNumber
	if number == "" {
		number = randomDigits(9) // Sinch picks the number it provides
	}
	status := pv.SenderChangeInProgress
	if in.Status == pv.ActionDraft {
		status = pv.SenderChangeDraft
	}
	sn := &sender{SaveDraft: in.SaveDraftOnFailure, DTO: pv.Sender{
		ID: newUUID(), Region: cmpOr(region, pv.RegionEU), MetaLocalStorage: cmpOr(storage, "UNSPECIFIED"),
		BusinessManager: a.DTO.BusinessManager, CompatibleRegions: a.DTO.CompatibleRegions, CloudAPI: true,
		Created: now, Modified: now, CountryCode: d.CountryCode, PhoneNumber: number, NumberProvider: in.PhoneNumberProvider,
		Changes: &pv.SenderChanges{Status: status, Details: &pv.SenderDetails{
			DisplayName: d.DisplayName, Vertical: d.Vertical, Description: d.Description, Email: d.Email,
			Address: d.Address, WebsiteOne: d.WebsiteOne, WebsiteTwo: d.WebsiteTwo, About: d.About, PhotoURL: d.PhotoURL,
		}},
		Metadata: &pv.SenderMetadata{DisplayName: &pv.MetadataField{Value: d.DisplayName, Status: "PENDING"}},
	}}
	sn.log(now, pv.ActivityCreated, authorAPI, "")
	if status == pv.SenderChangeDraft {
		sn.log(now, pv.ActivityDraft, authorAPI, "")
	} else {
		sn.log(now, pv.ActivityInProgress, authorSinch, "")
	}
	return sn
}

// phone is the E.164 number without "+", the sandbox inbox's key.
func (sn *sender) phone() string { return sn.DTO.CountryCode + sn.DTO.PhoneNumber }

func (sn *sender) displayName() string {
	if sn.DTO.Changes != nil && sn.DTO.Changes.Details != nil {
		return sn.DTO.Changes.Details.DisplayName
	}
	if sn.DTO.Details != nil {
		return sn.DTO.Details.DisplayName
	}
	return ""
}

// applyChanges moves pending details into the sender's details.
func (sn *sender) applyChanges(now time.Time) {
	if sn.DTO.Changes != nil && sn.DTO.Changes.Details != nil {
		d := *sn.DTO.Changes.Details
		sn.DTO.Details = &d
	}
	sn.DTO.Changes = nil
	sn.DTO.Modified = now
}

// outcome of a review: ok, rejected with a comment, or failed with a code.
type outcome struct {
	reject string
	code   pv.SenderErrorCode
	reason string
}

// reviewOutcome is the simulated Sinch and Meta review of a sender.
func (p *project) reviewOutcome(sn *sender, all map[string]*project) outcome {
	if sn.ForceReject != "" || sn.ForceError != "" {
		o := outcome{reject: sn.ForceReject, code: pv.SenderErrorCode(sn.ForceError), reason: "Failed in the sandbox on request."}
		sn.ForceReject, sn.ForceError = "", ""
		return o
	}
	if p.Account == nil || p.Account.DTO.State != pv.AccountOnboarded {
		return outcome{code: "CANNOT_GET_WABA_DETAILS", reason: "The WhatsApp Business Account of the project is not onboarded yet."}
	}
	if name := sn.displayName(); strings.Contains(strings.ToLower(name), "whatsapp") {
		return outcome{reject: fmt.Sprintf("Display name %q does not follow Meta's display name guidelines: it must not contain \"WhatsApp\".", name)}
	}
	for _, other := range all {
		for _, o := range other.Senders {
			if o != sn && o.DTO.State != "" && o.DeletedAt.IsZero() && o.phone() == sn.phone() {
				return outcome{code: "DUPLICATES_ON_SENDER_PHONE_NUMBER", reason: "Another sender already uses +" + sn.phone() + "."}
			}
		}
	}
	return outcome{}
}

func cmpOr[T comparable](a, b T) T {
	var zero T
	if a != zero {
		return a
	}
	return b
}

func randomDigits(n int) string {
	var b strings.Builder
	for range n {
		d, _ := rand.Int(rand.Reader, big.NewInt(10))
		b.WriteByte(byte('0' + d.Int64()))
	}
	s := b.String()
	if s[0] == '0' {
		s = "7" + s[1:]
	}
	return s
}

func randomOTP() string { return randomDigits(6) }

func newUUID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}
