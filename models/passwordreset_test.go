package models_test

import (
	"errors"
	"testing"
	"time"

	"wabadesk/models"
)

func TestPasswordResetIsSingleUseExpiresAndEndsSessions(t *testing.T) {
	store, _, owner := mustStore(t)
	mustCipher(t, store)
	now := time.Now().UTC()
	store.Now = func() time.Time { return now }
	ctx := t.Context()
	sess, _, err := store.StartSession(ctx, owner, "test", "127.0.0.1", false)
	if err != nil {
		t.Fatal(err)
	}
	// Unknown addresses answer the same and queue nothing.
	if err := store.RequestPasswordReset(ctx, "nobody@acme.test"); err != nil {
		t.Fatal(err)
	}
	if err := store.RequestPasswordReset(ctx, "OLGA@example.com "); err != nil {
		t.Fatal(err)
	}
	msgs, _ := store.Mails(ctx, owner.OrganisationID, []string{models.MailPasswordReset}, 10)
	if len(msgs) != 1 || msgs[0].To != "olga@example.com" {
		t.Fatalf("reset mails: %+v", msgs)
	}
	data, err := store.MailData(msgs[0])
	if err != nil || data.Token == "" {
		t.Fatalf("token: %v", err)
	}
	if _, err := store.ResetPassword(ctx, data.Token, "password"); err == nil {
		t.Fatalf("weak password: %v", err)
	}
	if _, err := store.ResetPassword(ctx, data.Token, "a brand new sentence for Olga"); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Authenticate(ctx, "olga@example.com", "a brand new sentence for Olga"); err != nil {
		t.Fatalf("new password refused: %v", err)
	}
	if _, err := store.SessionByToken(ctx, sess); err == nil {
		t.Fatal("the session outlived the reset")
	}
	if _, err := store.ResetPassword(ctx, data.Token, "yet another sentence for Olga"); !errors.Is(err, models.ErrResetGone) {
		t.Fatalf("second use: %v", err)
	}

	// A new link expires after an hour.
	if err := store.RequestPasswordReset(ctx, "olga@example.com"); err != nil {
		t.Fatal(err)
	}
	msgs, _ = store.Mails(ctx, owner.OrganisationID, []string{models.MailPasswordReset}, 10)
	data, _ = store.MailData(msgs[0])
	now = now.Add(time.Hour + time.Second)
	if _, err := store.ResetPassword(ctx, data.Token, "yet another sentence for Olga"); !errors.Is(err, models.ErrResetGone) {
		t.Fatalf("expired link: %v", err)
	}
}
