package handlers

import (
	"slices"
	"strings"

	"wabadesk/views"
)

// Fix guides: a rejection's reason or a sender's error code, matched to
// plain steps for staff, the display-name rules it is about, and the form
// field to change (the edit form opens there).

type fixGuide struct {
	codes    []string // Sinch error codes
	words    []string // any of these in the reason, lower case
	title    string
	steps    []string
	rules    bool   // about the display name: list its rules
	field    string // the form field to change; "" when nothing is to be edited
	onSender bool   // the field is on the sender form, not the client form
}

var fixGuides = []fixGuide{
	{words: []string{"display name"}, rules: true, field: "display_name", onSender: true,
		title: "Meta did not accept the display name",
		steps: []string{"Compare the name with the client's shop front and website: it must be the brand exactly as customers know it.",
			"Fix what the display-name check lists below the field (capitals, punctuation, emoji, generic words…).",
			"Save and resubmit; Meta reviews the new name."}},
	{words: []string{"category", "vertical"}, field: "vertical", onSender: true,
		title: "The business category does not match the business",
		steps: []string{"Pick the category of what the client mainly sells or does, as on its website.", "Save and resubmit."}},
	{codes: []string{"DUPLICATES_ON_SENDER_PHONE_NUMBER"}, words: []string{"already registered", "already in use", "duplicate"}, field: "phone_number", onSender: true,
		title: "The number is already on another WhatsApp account",
		steps: []string{"Ask the client whether the number is in the WhatsApp or WhatsApp Business app, or with another provider.",
			"In the app: WhatsApp → Settings → Account → Delete my account (this frees the number); with another provider: ask them to release it.",
			"Then resubmit, or use another number."}},
	{codes: []string{"REQUESTED_PHONE_NUMBER_OR_COUNTRY_CODE_CONFLICT"}, field: "country_code", onSender: true,
		title: "The number or its country code does not match Meta's",
		steps: []string{"Check the country code (digits, without +) and the number without it.", "Save and resubmit."}},
	{codes: []string{"NOT_VERIFIED_REQUESTED_PHONE_NUMBER", "NO_VERIFIED_PHONE_NUMBER"},
		title: "The number was not verified",
		steps: []string{"Request a new code (text message or phone call) and have the client enter it on their page.",
			"If no code arrives, check the number can receive texts or calls from abroad."}},
	{codes: []string{"CANNOT_GET_WABA_DETAILS", "WABA_CONNECTED_TO_ANOTHER_PROJECT"},
		title: "Sinch cannot read the WhatsApp account at Meta",
		steps: []string{"Ask the client's portfolio admin to open Meta Business Settings → Accounts → WhatsApp accounts → Partners and check Sinch is there with full access.",
			"Then press \"Check Sinch now\". If it stays, write to Sinch with a comment below."}},
	{words: []string{"declined"}, field: "business_manager_id",
		title: "The client declined the request at Meta",
		steps: []string{"Ask the client why: a request from an unknown partner, or the wrong Business Portfolio?",
			"Check the Business Manager ID is their portfolio's (Meta Business Settings → Business info).",
			"Resubmit to send a new request, and tell them it comes from Sinch on your behalf."}},
	{words: []string{"expired"},
		title: "The request expired at Meta",
		steps: []string{"Meta cancels requests not approved within 90 days.", "Resubmit to send a new request, and send the approval link to a portfolio admin at once."}},
	{words: []string{"business manager", "business id", "portfolio"}, field: "business_manager_id",
		title: "Meta could not use this Business Portfolio",
		steps: []string{"Check the Business Manager ID: digits only, from Meta Business Settings → Business info.", "Save and resubmit."}},
}

// fixGuideFor is the guide for a reason or error code, or nil; the edit
// URLs are the forms that can change it ("" where none can).
func fixGuideFor(reason, code, clientEdit, senderEdit string) *views.FixGuide {
	r := strings.ToLower(reason)
	for _, g := range fixGuides {
		match := code != "" && slices.Contains(g.codes, code)
		for _, w := range g.words {
			match = match || strings.Contains(r, w)
		}
		if !match {
			continue
		}
		out := &views.FixGuide{Title: g.title, Steps: g.steps}
		if g.rules {
			out.Rules = displayNameRules
		}
		// The client form holds the first number's name and the category
		// under other names; the number itself only the sender form.
		onClient := map[string]string{"display_name": "sender_display_name", "vertical": "business_category", "business_manager_id": "business_manager_id"}
		switch {
		case g.field == "":
		case g.onSender && senderEdit != "":
			out.EditURL = senderEdit + "#f-" + g.field
		case clientEdit != "" && onClient[g.field] != "":
			out.EditURL = clientEdit + "#f-" + onClient[g.field]
		}
		return out
	}
	return nil
}

// displayNameRules are Meta's rules a fix guide lists, by id.
var displayNameRules = []string{
	"DN-CAPS normal capitals", "DN-SPACE single spaces", "DN-PUNCT no repeated or decorative punctuation", "DN-EMOJI no emoji",
	"DN-SYMBOL no symbols such as ™", "DN-URL no web address unless it is the brand", "DN-META no WhatsApp, Facebook or Meta",
	"DN-GENERIC not a generic word alone", "DN-PLACE not a place alone", "DN-AGENCY the client's brand, not yours",
}
