package models_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// Webhook signing secrets are sealed like Sinch key secrets: no column
// holds them in plain text, and they open to the same value on every read.
func TestWebhookSecretIsSealedAtRest(t *testing.T) {
	ctx := context.Background()
	store, org, _ := mustStore(t)
	mustCipher(t, store)
	h, err := store.WebhookFor(ctx, org.ID, "1c8f5a2e-8d7b-4f0e-9a3b-2d6c5e4f7a81")
	if err != nil || len(h.Secret) < 32 {
		t.Fatalf("webhook %+v, %v", h, err)
	}
	again, err := store.WebhookByToken(ctx, h.Token)
	if err != nil || again.Secret != h.Secret {
		t.Fatalf("read back %q, %v; want %q", again.Secret, err, h.Secret)
	}
	var row map[string]any
	if err := store.DB().Table("project_hooks").Where("id = ?", h.ID).Take(&row).Error; err != nil {
		t.Fatal(err)
	}
	for col, v := range row {
		if strings.Contains(fmt.Sprint(v), h.Secret) || strings.Contains(string(fmt.Append(nil, v)), h.Secret) {
			t.Fatalf("column %s holds the plain secret", col)
		}
	}
}

// A webhook stored before secrets were sealed is sealed by Migrate, and its
// callbacks still verify with the same secret.
func TestMigrateSealsPlainWebhookSecrets(t *testing.T) {
	ctx := context.Background()
	store, org, _ := mustStore(t)
	mustCipher(t, store)
	const plain = "a-plain-secret-from-before-2026-12-02"
	if err := store.DB().Exec(`INSERT INTO project_hooks (organisation_id, project_id, token, secret, target, webhook_id, problem, created_at, updated_at)
		VALUES (?, 'p-1', 'tok-1', ?, '', '', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)`, org.ID, plain).Error; err != nil {
		t.Fatal(err)
	}
	if err := store.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	h, err := store.WebhookByToken(ctx, "tok-1")
	if err != nil || h.Secret != plain {
		t.Fatalf("after migrating: %q, %v; want the same secret", h.Secret, err)
	}
	var left int64
	store.DB().Table("project_hooks").Where("secret <> ''").Count(&left)
	if left != 0 {
		t.Fatalf("%d plain secrets left", left)
	}
	// A sealed secret moved to another organisation's row does not open.
	var sealed []byte
	store.DB().Table("project_hooks").Where("id = ?", h.ID).Select("secret_sealed").Row().Scan(&sealed)
	if _, err := store.Cipher.Open(sealed, fmt.Sprintf("hook|%d|p-1", org.ID+1)); err == nil {
		t.Fatal("a webhook secret opened for another organisation")
	}
}
