package handlers

import (
	"strings"
	"testing"
)

// Each known reason or code finds its guide and opens the right form at
// the right field; an unknown reason finds none.
func TestFixGuidesMatchReasonsAndFields(t *testing.T) {
	const client, sender = "/clients/1/edit", "/clients/1/senders/2/edit"
	for _, tc := range []struct {
		reason, code, clientEdit, senderEdit string
		title, edit                          string
		rules                                bool
	}{
		{"Display name does not comply with WhatsApp's display name guidelines", "", "", sender, "display name", sender + "#f-display_name", true},
		{"The display name was rejected", "", client, "", "display name", client + "#f-sender_display_name", true},
		{"Business category does not match", "", "", sender, "category", sender + "#f-vertical", false},
		{"Business category does not match", "", client, "", "category", client + "#f-business_category", false},
		{"", "DUPLICATES_ON_SENDER_PHONE_NUMBER", "", sender, "already on another", sender + "#f-phone_number", false},
		{"", "CANNOT_GET_WABA_DETAILS", "", sender, "cannot read", "", false},
		{"The client declined the request at Meta", "", client, "", "declined", client + "#f-business_manager_id", false},
		{"The request expired at Meta", "", client, "", "expired", "", false},
		{"The client declined the request at Meta", "", "", "", "declined", "", false}, // may not edit: no link
	} {
		g := fixGuideFor(tc.reason, tc.code, tc.clientEdit, tc.senderEdit)
		if g == nil || !strings.Contains(g.Title, tc.title) || g.EditURL != tc.edit || (len(g.Rules) > 0) != tc.rules || len(g.Steps) == 0 {
			t.Errorf("%q/%q: %+v, want title with %q, edit %q, rules %v", tc.reason, tc.code, g, tc.title, tc.edit, tc.rules)
		}
	}
	if g := fixGuideFor("Something else happened", "UNKNOWN_ERROR", client, sender); g != nil {
		t.Errorf("an unknown reason got %+v", g)
	}
}
