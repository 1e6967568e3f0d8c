package onboarding

import (
	"net/http"
	"strings"
	"testing"

	"wabadesk/provisioning"
)

// Sinch's class-validator messages come back keyed by request path; each
// must land next to the form field that produced it, with the resolution.
func TestFieldErrorsMapSinchPathsToFormFields(t *testing.T) {
	err := &provisioning.APIError{StatusCode: 400, ErrorCode: "invalid_input", Message: "Invalid input.",
		Resolution: "Correct the validation errors and submit again.",
		FieldErrors: map[string]string{
			"wabaName":                  "wabaName must be shorter than or equal to 255 characters",
			"senderDetails.displayName": "senderDetails.displayName must be a string",
			"somethingNew":              "somethingNew must be set",
		}}
	v := fieldErrors(err, accountFields)
	for field, want := range map[string]string{"waba_name": "255 characters", "sender_display_name": "must be a string", "": "somethingNew"} {
		if !strings.Contains(v[field], want) || !strings.Contains(v[field], "Correct the validation errors") {
			t.Errorf("%q = %q, want %q and the resolution", field, v[field], want)
		}
	}
	sv := fieldErrors(&provisioning.APIError{StatusCode: 400, ErrorCode: "invalid_input",
		FieldErrors: map[string]string{"details.websiteOne": "details.websiteOne must be a URL address"}}, senderFields)
	if !strings.Contains(sv["website_one"], "URL") {
		t.Errorf("sender website error = %q", sv["website_one"])
	}
	if fieldErrors(&provisioning.APIError{StatusCode: http.StatusServiceUnavailable}, accountFields) != nil {
		t.Error("a 503 must not become a field error")
	}
	if v := fieldErrors(&provisioning.APIError{StatusCode: 404, ErrorCode: "project_not_found"}, accountFields); v["project_id"] == "" {
		t.Errorf("project_not_found not at the project field: %v", v)
	}
}
