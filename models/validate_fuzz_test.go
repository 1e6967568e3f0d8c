package models_test

import (
	"maps"
	"reflect"
	"strings"
	"testing"

	"wabadesk/models"
)

// Fuzz tests for the validation of everything staff type into forms. Seed
// corpora live in testdata/fuzz/<FuzzName>; run one target with
//
//	go test -run '^$' -fuzz '^FuzzClientInputValidate$' -fuzztime 30s ./models
//
// Every target checks that validation never panics, that every message
// names a field the form shows, and that validation is idempotent:
// validating the normalised input again changes nothing and adds no error.

func FuzzClientInputValidate(f *testing.F) {
	fields := formFields(models.ClientInput{})
	f.Fuzz(func(t *testing.T, name, projectID string, legacy bool, bmID, wabaName, legalName, displayName,
		category, sinchBM, region, storage string, submit bool) {
		in := models.ClientInput{
			Name: name, ProjectID: projectID, Legacy: legacy, BusinessManagerID: bmID,
			WabaName: wabaName, CompanyLegalName: legalName, SenderDisplayName: displayName,
			BusinessCategory: category, SinchBusinessManager: sinchBM, Region: region, MetaLocalStorage: storage,
		}
		first := in.Validate(submit)
		checkMessages(t, first, fields)
		normalised := in
		second := in.Validate(submit)
		checkIdempotent(t, normalised, in, first, second)
		if submit && len(first) == 0 {
			// A valid submission is also a valid draft.
			if v := normalised.Validate(false); len(v) != 0 {
				t.Fatalf("valid submission %+v is an invalid draft: %v", normalised, v)
			}
		}
	})
}

func FuzzSenderInputValidate(f *testing.F) {
	fields := formFields(models.SenderInput{})
	f.Fuzz(func(t *testing.T, provider, countryCode, phone, displayName, vertical, description, email,
		address, website1, website2, about, photo, region, storage string) {
		in := models.SenderInput{
			Provider: provider, CountryCode: countryCode, PhoneNumber: phone, DisplayName: displayName,
			Vertical: vertical, Description: description, Email: email, Address: address,
			WebsiteOne: website1, WebsiteTwo: website2, About: about, PhotoURL: photo,
			Region: region, MetaLocalStorage: storage,
		}
		first := in.Validate()
		checkMessages(t, first, fields)
		normalised := in
		second := in.Validate()
		checkIdempotent(t, normalised, in, first, second)
	})
}

func FuzzSignUpValidate(f *testing.F) {
	fields := map[string]bool{"organisation_name": true, "name": true, "email": true, "password": true}
	f.Fuzz(func(t *testing.T, organisation, name, email, password string) {
		in := models.SignUp{OrganisationName: organisation, Name: name, Email: email, Password: password}
		first := validation(t, in.Validate())
		checkMessages(t, first, fields)
		normalised := in
		second := validation(t, in.Validate())
		checkIdempotent(t, normalised, in, first, second)
	})
}

// validation turns Validate's error into its field messages; any other kind
// of error is a bug.
func validation(t *testing.T, err error) models.ValidationError {
	t.Helper()
	if err == nil {
		return nil
	}
	v, ok := models.AsValidation(err)
	if !ok || len(v) == 0 {
		t.Fatalf("Validate returned %T %v, want a ValidationError with messages", err, err)
	}
	return v
}

// formFields lists the form names of a form struct (its `form` tags).
func formFields(form any) map[string]bool {
	out := map[string]bool{}
	typ := reflect.TypeOf(form)
	for i := range typ.NumField() {
		if name := typ.Field(i).Tag.Get("form"); name != "" {
			out[name] = true
		}
	}
	return out
}

// checkMessages: each message belongs to a field of the form and says something.
func checkMessages(t *testing.T, v models.ValidationError, fields map[string]bool) {
	t.Helper()
	for field, msg := range v {
		if !fields[field] {
			t.Errorf("message for %q, which is not a field of the form: %q", field, msg)
		}
		if msg == "" {
			t.Errorf("empty message for %q", field)
		}
	}
}

// checkIdempotent: normalising twice gives what normalising once gave, and
// the second validation finds exactly the problems the first one found.
func checkIdempotent[T any](t *testing.T, once, twice T, first, second models.ValidationError) {
	t.Helper()
	if !reflect.DeepEqual(once, twice) {
		t.Fatalf("normalisation is not idempotent:\nonce:  %#v\ntwice: %#v", once, twice)
	}
	for field, msg := range second {
		if _, ok := first[field]; !ok {
			t.Fatalf("new error on the normalised input: %s: %s (first pass: %v)", field, msg, first)
		}
	}
	if !maps.Equal(first, second) {
		t.Fatalf("validation of the normalised input differs:\nfirst:  %v\nsecond: %v", first, second)
	}
}

// FuzzLintDisplayName: any name, however odd, gets warnings with a rule id
// and a message and never a panic; a hint is never a warning, and linting
// is the same for the name as saved (trimmed).
func FuzzLintDisplayName(f *testing.F) {
	for _, s := range []string{"BEST DEALS!!! 🎉", "Luna Pizza", "www.x.com", "  ", "\xff\xfe", "São Paulo", "A"} {
		f.Add(s, "Vozes Digitais")
	}
	f.Fuzz(func(t *testing.T, name, reseller string) {
		ctx := models.NameContext{MaxLength: 128, Reseller: reseller, Brand: name}
		ws := models.LintDisplayName(name, ctx)
		for _, w := range ws {
			if !strings.HasPrefix(w.Rule, "DN-") || w.Message == "" {
				t.Fatalf("%q: warning %+v lacks a rule id or a message", name, w)
			}
		}
		if got := models.LintDisplayName(strings.TrimSpace(name), ctx); !reflect.DeepEqual(got, ws) {
			t.Fatalf("%q: %+v as typed, %+v trimmed", name, ws, got)
		}
		for _, w := range models.Warnings(ws) {
			if w.Hint {
				t.Fatalf("%q: hint %s among the warnings", name, w.Rule)
			}
		}
	})
}
