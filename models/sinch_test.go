package models_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"wabadesk/models"
)

func mustCipher(t *testing.T, store *models.Store) {
	t.Helper()
	key, err := models.ParseKey(strings.Repeat("ab", 32))
	if err != nil {
		t.Fatal(err)
	}
	if store.Cipher, err = models.NewCipher(key); err != nil {
		t.Fatal(err)
	}
}

func TestParseKey(t *testing.T) {
	for _, tc := range []struct {
		in string
		ok bool
	}{
		{strings.Repeat("0f", 32), true},
		{"q83vEjRWeJASNFZ4kBI0VniQEjRWeJASNFZ4kBI0Vng=", true},
		{"q83vEjRWeJASNFZ4kBI0VniQEjRWeJASNFZ4kBI0Vng", true},
		{strings.Repeat("0f", 16), false},
		{"not a key", false},
		{"", false},
	} {
		if _, err := models.ParseKey(tc.in); (err == nil) != tc.ok {
			t.Errorf("ParseKey(%q): err %v, want ok=%v", tc.in, err, tc.ok)
		}
	}
}

// The key secret goes in, comes back out, and is nowhere in the database
// in plain text: not in any column, not in the SQLite file.
func TestSinchSecretIsSealedAtRest(t *testing.T) {
	ctx := context.Background()
	store, org, _ := mustStore(t)
	mustCipher(t, store)
	const secret = "s3cr3t-PLAIN-key-secret-9f7e"

	set, err := store.SinchSettings(ctx, org.ID)
	if err != nil || set.Mode != models.SinchSandbox {
		t.Fatalf("new organisation: %+v, %v; want sandbox", set, err)
	}
	set, err = store.SaveSinchSettings(ctx, org.ID, models.SinchInput{Mode: models.SinchLive, Auth: "oauth2",
		KeyID: "key-1", KeySecret: secret}, "Olga")
	if err != nil {
		t.Fatal(err)
	}
	if set.SecretLast4 != "9f7e" || set.BaseURL != models.SinchBaseURL || set.TokenURL != models.SinchTokenURL {
		t.Fatalf("saved %+v", set)
	}
	got, err := store.SinchSettings(ctx, org.ID)
	if err != nil {
		t.Fatal(err)
	}
	if plain, err := store.SinchSecret(got); err != nil || plain != secret {
		t.Fatalf("round trip: %q, %v", plain, err)
	}
	if bytes.Contains(got.SecretSealed, []byte(secret)) {
		t.Fatal("sealed value holds the plain secret")
	}

	// Every column of the row, as the database returns it.
	var row map[string]any
	if err := store.DB().Table("sinch_settings").Where("organisation_id = ?", org.ID).Take(&row).Error; err != nil {
		t.Fatal(err)
	}
	for col, v := range row {
		if strings.Contains(fmt.Sprint(v), secret) || bytes.Contains(fmt.Append(nil, v), []byte(secret)) {
			t.Fatalf("column %s holds the plain secret", col)
		}
	}
	// The SQLite file itself (with its WAL), when on SQLite.
	if store.DB().Dialector.Name() == "sqlite" {
		var files []struct{ File string }
		store.DB().Raw("PRAGMA database_list").Scan(&files)
		// Raw+Scan, not Exec: the pragma returns a row, and an Exec leaves
		// its cached statement unfinished, which fails a later COMMIT on
		// that connection ("SQL statements in progress").
		var checkpoint []struct{ Busy, Log, Checkpointed int }
		store.DB().Raw("PRAGMA wal_checkpoint(TRUNCATE)").Scan(&checkpoint)
		for _, f := range files {
			for _, name := range []string{f.File, f.File + "-wal"} {
				b, _ := os.ReadFile(name)
				if bytes.Contains(b, []byte(secret)) {
					t.Fatalf("%s holds the plain secret", name)
				}
			}
		}
		if len(files) == 0 || files[0].File == "" {
			t.Fatal("no SQLite file found to scan")
		}
	}

	// Saving again without a secret keeps it; another key does not open it.
	if _, err := store.SaveSinchSettings(ctx, org.ID, models.SinchInput{Mode: models.SinchSandbox, Auth: "oauth2", KeyID: "key-1"}, "Olga"); err != nil {
		t.Fatal(err)
	}
	got, _ = store.SinchSettings(ctx, org.ID)
	if plain, _ := store.SinchSecret(got); plain != secret || got.Mode != models.SinchSandbox || got.Version != 2 {
		t.Fatalf("after switching back to sandbox: %+v (secret kept: %v)", got, plain == secret)
	}
	other, _ := models.NewCipher(bytes.Repeat([]byte{7}, 32))
	store.Cipher = other
	if _, err := store.SinchSecret(got); err == nil {
		t.Fatal("a different key opened the secret")
	}
}

func TestSinchInputValidate(t *testing.T) {
	for _, tc := range []struct {
		name      string
		in        models.SinchInput
		hasSecret bool
		fields    []string
	}{
		{"sandbox needs nothing", models.SinchInput{Mode: models.SinchSandbox}, false, nil},
		{"live needs key and secret", models.SinchInput{Mode: models.SinchLive}, false, []string{"key_id", "key_secret"}},
		{"live keeps stored secret", models.SinchInput{Mode: models.SinchLive, KeyID: "k"}, true, nil},
		{"bad mode and auth", models.SinchInput{Mode: "x", Auth: "digest"}, false, []string{"mode", "auth"}},
		{"bad urls", models.SinchInput{Mode: models.SinchSandbox, BaseURL: "ftp://x", TokenURL: "nope"}, false, []string{"base_url", "token_url"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, _ := models.AsValidation(tc.in.Validate(tc.hasSecret))
			if len(v) != len(tc.fields) {
				t.Fatalf("errors %v, want fields %v", v, tc.fields)
			}
			for _, f := range tc.fields {
				if v[f] == "" {
					t.Errorf("no message for %s: %v", f, v)
				}
			}
		})
	}
}

func TestBrandingValidateAndAudit(t *testing.T) {
	ctx := context.Background()
	store, org, owner := mustStore(t)
	_, err := store.UpdateBranding(ctx, org.ID, models.Branding{AccentColor: "red", LogoURL: "javascript:alert(1)"})
	v, _ := models.AsValidation(err)
	if v["accent_color"] == "" || v["logo_url"] == "" {
		t.Fatalf("bad branding accepted: %v", err)
	}
	o, err := store.UpdateBranding(ctx, org.ID, models.Branding{BrandName: " Acme ", AccentColor: "0A7D5A", SupportContact: "help@acme.test"})
	if err != nil || o.BrandName != "Acme" || o.AccentColor != "#0a7d5a" || o.SupportContact != "help@acme.test" {
		t.Fatalf("%+v %v", o, err)
	}
	if _, err := store.SaveLogo(ctx, org.ID, "image/svg+xml", []byte("<svg/>")); err == nil {
		t.Fatal("SVG logo accepted")
	}
	u, err := store.SaveLogo(ctx, org.ID, "image/png", []byte("\x89PNG fake"))
	if o, _ = store.OrganisationByID(ctx, org.ID); err != nil || o.LogoURL != u || !strings.HasPrefix(u, models.LogoPath) {
		t.Fatalf("logo url %q, org %q, %v", u, o.LogoURL, err)
	}

	for _, a := range []string{"client.created", "client.submitted", "login.failed"} {
		if err := store.Audit(ctx, models.AuditEntry{OrganisationID: org.ID, ActorKind: models.ActorStaff, ActorID: owner.ID, ActorName: owner.Name, Action: a}); err != nil {
			t.Fatal(err)
		}
	}
	_ = store.Audit(ctx, models.AuditEntry{OrganisationID: org.ID + 1, Action: "client.created", ActorName: "Other"})
	for _, tc := range []struct {
		f    models.AuditFilter
		want int
	}{{models.AuditFilter{}, 3}, {models.AuditFilter{Action: "client."}, 2}, {models.AuditFilter{Action: "login.failed"}, 1},
		{models.AuditFilter{Actor: "olga"}, 3}, {models.AuditFilter{Actor: "nobody"}, 0}} {
		got, err := store.AuditEntries(ctx, org.ID, tc.f)
		if err != nil || len(got) != tc.want {
			t.Errorf("%+v: %d entries, want %d (%v)", tc.f, len(got), tc.want, err)
		}
	}
}
