package models_test

import (
	"errors"
	"testing"

	"wabadesk/models"
)

func TestIdempotencyKeyClaims(t *testing.T) {
	store, org, _ := mustStore(t)
	mustCipher(t, store)
	ctx := t.Context()
	if prev, err := store.ClaimIdempotencyKey(ctx, org.ID, 1, "k", "fp"); prev != nil || err != nil {
		t.Fatalf("first claim: %v %v", prev, err)
	}
	if _, err := store.ClaimIdempotencyKey(ctx, org.ID, 1, "k", "fp"); !errors.Is(err, models.ErrIdempotencyInFlight) {
		t.Fatalf("while running: %v", err)
	}
	if _, err := store.ClaimIdempotencyKey(ctx, org.ID, 1, "k", "other"); !errors.Is(err, models.ErrIdempotencyMismatch) {
		t.Fatalf("other request: %v", err)
	}
	// Another key of the same organisation has its own keys.
	if prev, err := store.ClaimIdempotencyKey(ctx, org.ID, 2, "k", "other"); prev != nil || err != nil {
		t.Fatalf("another API key: %v %v", prev, err)
	}
	if err := store.FinishIdempotencyKey(ctx, org.ID, 1, "k", 201, "/api/v1/clients/7", []byte(`{"id":7}`)); err != nil {
		t.Fatal(err)
	}
	prev, err := store.ClaimIdempotencyKey(ctx, org.ID, 1, "k", "fp")
	if err != nil || prev == nil || prev.Status != 201 || string(prev.Body) != `{"id":7}` || prev.Location != "/api/v1/clients/7" {
		t.Fatalf("replay: %+v %v", prev, err)
	}
	// A server error frees the key: the retry runs again.
	store.ClaimIdempotencyKey(ctx, org.ID, 1, "boom", "fp")
	if err := store.FinishIdempotencyKey(ctx, org.ID, 1, "boom", 500, "", nil); err != nil {
		t.Fatal(err)
	}
	if prev, err := store.ClaimIdempotencyKey(ctx, org.ID, 1, "boom", "fp"); prev != nil || err != nil {
		t.Fatalf("after a 500: %v %v", prev, err)
	}
}
