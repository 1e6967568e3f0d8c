package onboarding

import (
	"errors"
	"strings"

	"wabadesk/models"
	"wabadesk/provisioning"
)

// ErrUnavailable means Sinch could not be reached (timeout, 429, 5xx). For a
// submission the work is queued and retried; other actions ask to try again.
var ErrUnavailable = errors.New("sinch is unavailable")

// plainByCode rewrites the Sinch errors people meet into what to do next.
// Codes not listed show Sinch's own message and resolution.
var plainByCode = map[string]string{
	"unauthorized_error":                     "Sinch refused this organisation's credentials. An owner should check the Sinch connection in Settings.",
	"project_not_found":                      "Sinch does not know this project ID. Copy it again from the Sinch dashboard (Projects).",
	"project_not_initialized":                "This Sinch project has no WhatsApp account yet.",
	"account_not_updatable":                  "Sinch accepts changes only while the account is rejected.",
	"account_not_found":                      "Sinch has no WhatsApp account for this project.",
	"wrong_otp":                              "That code is not right. Check the latest message and type the 6 digits again.",
	"sender-register-too-many-requests":      "Too many codes were requested for this number. Wait a few minutes before asking again.",
	"too_many_invalid_verification_codes":    "Too many wrong codes were entered. Wait a while, then request a new code.",
	"sender-already-registered":              "This number is already registered with WhatsApp.",
	"not_allowed_register":                   "The number is not waiting for verification right now.",
	"not_allowed_verify":                     "The number is not waiting for verification right now.",
	"sender_request_code_failed":             "Meta could not send the code. Try again in a little while, or choose a voice call.",
	"sender_not_updatable":                   "Sinch accepts profile changes only while the sender is active.",
	"sender_changes_not_updatable":           "Sinch accepts these changes only for a draft or rejected sender.",
	"sender_changes_not_deletable":           "Only draft, rejected or failed changes can be discarded.",
	"sender_changes_not_found":               "This sender has no pending changes to discard.",
	"sender_already_deleted":                 "This sender was already deleted in the last 30 days.",
	"sender_display_name_update_not_allowed": "The display name is still under review at Meta; change it once the review ends.",
}

// Plain is a one-sentence explanation of err for staff: our words for the
// codes people meet, a generic line for temporary failures, else Sinch's own
// message and resolution.
func Plain(err error) string {
	var ae *provisioning.APIError
	hasCode := errors.As(err, &ae) && ae.ErrorCode != ""
	switch {
	case hasCode && plainByCode[ae.ErrorCode] != "":
		return plainByCode[ae.ErrorCode]
	case provisioning.IsRetryable(err) || errors.Is(err, ErrUnavailable) || errors.Is(err, provisioning.ErrOutcomeUnknown):
		return "Sinch could not be reached or answered with a temporary error."
	case hasCode:
		return strings.TrimSpace(ae.Message + " " + ae.Resolution)
	}
	return "Sinch did not accept this request."
}

// Field maps for the two forms: request field path at Sinch → our form field.
var (
	accountFields = map[string]string{
		"wabaName": "waba_name", "clientBusinessManagerId": "business_manager_id", "companyLegalName": "company_legal_name",
		"businessManager": "sinch_business_manager", "senderDetails.displayName": "sender_display_name",
		"senderDetails.businessCategory": "business_category", "senderDetails.region": "region",
		"senderDetails.metaLocalStorage": "meta_local_storage",
	}
	senderFields = map[string]string{
		"phoneNumberProvider": "provider", "region": "region", "metaLocalStorage": "meta_local_storage",
		"details.displayName": "display_name", "details.vertical": "vertical", "details.countryCode": "country_code",
		"details.phoneNumber": "phone_number", "details.description": "description", "details.email": "email",
		"details.address": "address", "details.websiteOne": "website_one", "details.websiteTwo": "website_two",
		"details.about": "about", "details.photoUrl": "photo_url",
	}
	// codeFields puts whole-request errors next to the field they are about.
	codeFields = map[string]string{
		"project_not_found": "project_id", "invalid_business_manager_for_environment": "sinch_business_manager",
		"invalid_business_manager": "sinch_business_manager", "wrong_otp": "code",
	}
)

// fieldErrors turns a Sinch 4xx into messages next to our form fields, with
// Sinch's resolution text; what maps to no field goes under "" (the form).
// It returns nil when err is not a client error Sinch explained.
func fieldErrors(err error, fields map[string]string) models.ValidationError {
	var ae *provisioning.APIError
	if !errors.As(err, &ae) || ae.StatusCode >= 500 || ae.StatusCode == 429 {
		return nil
	}
	v := models.ValidationError{}
	for path, msg := range ae.FieldErrors {
		text := "Sinch: " + msg + "."
		if ae.Resolution != "" {
			text += " " + ae.Resolution
		}
		if f, ok := fields[path]; ok {
			v.Add(f, text)
		} else {
			v.Add("", text)
		}
	}
	if len(v) == 0 {
		if f, ok := codeFields[ae.ErrorCode]; ok {
			v.Add(f, Plain(err))
		} else {
			v.Add("", Plain(err))
		}
	}
	return v
}
