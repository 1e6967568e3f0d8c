package handlers

import (
	"errors"
	"fmt"
	"testing"

	"wabadesk/models"
	"wabadesk/provisioning"
	"wabadesk/provisioning/onboarding"
)

// Sinch's troubles are worded for people; anything else (the database, a
// bug) is not passed off as Sinch's and goes to the error handler.
func TestSinchProblemTellsSinchFromEverythingElse(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{fmt.Errorf("sync: %w", onboarding.ErrUnavailable), true},
		{&provisioning.APIError{StatusCode: 400, ErrorCode: "invalid_argument", Message: "Bad."}, true},
		{&provisioning.APIError{StatusCode: 503}, true},
		{fmt.Errorf("store: change client: %w", models.ErrNotFound), false},
		{errors.New("database is locked"), false},
		{nil, false},
	} {
		msg, ok := sinchProblem(tc.err)
		if ok != tc.want || ok && msg == "" {
			t.Errorf("sinchProblem(%v) = %q, %v; want ok %v", tc.err, msg, ok, tc.want)
		}
	}
	if p, _ := classify(onboarding.ErrUnavailable); p.status != 503 {
		t.Errorf("Sinch unavailable answers %d, want 503", p.status)
	}
}
