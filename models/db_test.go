package models_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm"

	"wabadesk/models"
	"wabadesk/models/modelstest"
)

// These tests run on SQLite and, with WABADESK_TEST_DATABASE_URL, on
// PostgreSQL; they pin down where the two databases differ.

func mustStore(t testing.TB) (*models.Store, models.Organisation, models.User) {
	t.Helper()
	store := models.NewStore(modelstest.Open(t))
	store.PasswordCost = bcrypt.MinCost
	if err := store.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	org, owner, err := store.CreateOrganisation(context.Background(), models.SignUp{
		OrganisationName: "Reseller", Name: "Olga Owner", Email: "olga@example.com", Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	return store, org, owner
}

func TestLongOrInvalidTextIsStoredOnBothDatabases(t *testing.T) {
	ctx := context.Background()
	store, org, owner := mustStore(t)
	c, err := store.CreateClient(ctx, org.ID, owner, models.ClientInput{Name: "Acme"}, false)
	if err != nil {
		t.Fatal(err)
	}
	// Text from Sinch can exceed the column: PostgreSQL refuses what SQLite keeps.
	long := strings.Repeat("é", 600)
	c, err = store.ChangeClient(ctx, org.ID, c.ID, func(c *models.Client) ([]models.Event, error) {
		c.LastError = long
		c.RejectionReason = "bad\x00byte \xff here"
		return []models.Event{{Source: models.SourceSinch, Title: strings.Repeat("t", 400), Detail: long + long + long + long}}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := store.ClientByID(ctx, org.ID, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.LastError != strings.Repeat("é", 500) {
		t.Errorf("last error kept %d characters, want the column's 500", utf8.RuneCountInString(got.LastError))
	}
	if got.RejectionReason != "badbyte \uFFFD here" {
		t.Errorf("rejection reason = %q", got.RejectionReason)
	}
	evs, err := store.Events(ctx, org.ID, c.ID, 10)
	if err != nil || len(evs) != 2 || len([]rune(evs[0].Title)) != 300 || len([]rune(evs[0].Detail)) != 2400 {
		t.Fatalf("events %d, err %v", len(evs), err)
	}
}

func TestDuplicateEventIsIgnoredInsideTheTransaction(t *testing.T) {
	ctx := context.Background()
	store, org, owner := mustStore(t)
	c, err := store.CreateClient(ctx, org.ID, owner, models.ClientInput{Name: "Acme"}, false)
	if err != nil {
		t.Fatal(err)
	}
	// The webhook and the poller may record the same Sinch activity at once:
	// both see no copy yet, one INSERT loses, and its transaction must still
	// commit (on PostgreSQL a caught unique violation would abort it).
	e := models.Event{ClientID: c.ID, Source: models.SourceSinch, Title: "Approved at Meta", DedupeKey: "activity-1"}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() { errs <- store.AddEvent(ctx, org.ID, e) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	evs, _ := store.Events(ctx, org.ID, c.ID, 10)
	if len(evs) != 2 { // "created as a draft" and one copy
		t.Fatalf("%d events, want 2", len(evs))
	}
}

func TestUniqueViolationIsConflict(t *testing.T) {
	store, org, _ := mustStore(t)
	err := store.DB().Create(&models.User{OrganisationID: org.ID, Name: "Again", Email: "olga@example.com",
		PasswordHash: "x", Role: models.RoleAgent}).Error
	if err == nil {
		t.Fatal("duplicate e-mail stored")
	}
	// The store's own paths wrap it as ErrConflict; here we check the driver
	// translates it, on SQLite and PostgreSQL alike.
	if !errors.Is(err, gorm.ErrDuplicatedKey) {
		t.Fatalf("err = %v, want gorm.ErrDuplicatedKey", err)
	}
}

func TestSearchIsCaseInsensitiveAndLiteral(t *testing.T) {
	ctx := context.Background()
	store, org, owner := mustStore(t)
	for _, name := range []string{"ACME Ltd", "Fifty 50% Off", "under_score", "underXscore", `back\slash`} {
		if _, err := store.CreateClient(ctx, org.ID, owner, models.ClientInput{Name: name}, false); err != nil {
			t.Fatal(err)
		}
	}
	for query, want := range map[string]int64{"acme": 1, "ACME": 1, "50%": 1, "r_s": 1, `k\s`: 1, "%": 1, "_": 1} {
		list, err := store.Clients(ctx, org.ID, models.ClientFilter{Query: query})
		if err != nil || list.Total != want {
			t.Errorf("search %q: %d clients, err %v; want %d", query, list.Total, err, want)
		}
	}
}

// The list's totals are cached, but never across a change of the tenant,
// and "needs attention" follows the clock.
func TestListTotalsFollowChangesAndTime(t *testing.T) {
	ctx := context.Background()
	store, org, owner := mustStore(t)
	total := func() (all, attention int64) {
		l, err := store.Clients(ctx, org.ID, models.ClientFilter{})
		if err != nil {
			t.Fatal(err)
		}
		return l.All, l.Attention
	}
	store.CreateClient(ctx, org.ID, owner, models.ClientInput{Name: "One"}, false)
	if all, att := total(); all != 1 || att != 0 {
		t.Fatalf("after one draft: all %d, attention %d", all, att)
	}
	store.CreateClient(ctx, org.ID, owner, models.ClientInput{Name: "Two"}, false)
	if all, _ := total(); all != 2 {
		t.Fatalf("a new client is not counted at once: %d", all)
	}
	store.Now = func() time.Time { return time.Now().Add(8 * 24 * time.Hour) } // drafts older than 7 days need attention
	if _, att := total(); att != 2 {
		t.Fatalf("attention after 8 days = %d, want 2", att)
	}
}

// The search index follows every write (create, rename, a sender's number,
// delete) and finds exactly what a scan finds, on both databases.
func TestSearchIndexFollowsWritesAndMatchesAScan(t *testing.T) {
	ctx := context.Background()
	store, org, owner := mustStore(t)
	names := []string{"Padaria Estrela", "Pão de Açúcar", "Café Lisboa", "padaria-norte", "Estrela do Mar", "ÁGUA Viva"}
	var ids []int64
	for i, name := range names {
		c, err := store.CreateClient(ctx, org.ID, owner, models.ClientInput{Name: name, BusinessManagerID: strconv.Itoa(900100200 + i)}, false)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
	}
	other, otherOwner, _ := store.CreateOrganisation(ctx, models.SignUp{OrganisationName: "Other", Name: "O", Email: "o@other.test", Password: "correct horse battery"})
	if _, err := store.CreateClient(ctx, other.ID, otherOwner, models.ClientInput{Name: "Padaria Alheia"}, false); err != nil {
		t.Fatal(err)
	}
	if _, err := store.UpdateClient(ctx, org.ID, ids[2], owner, models.ClientInput{Name: "Café Porto"}, false); err != nil {
		t.Fatal(err)
	}
	if _, err := store.DeleteClient(ctx, org.ID, ids[4]); err != nil {
		t.Fatal(err)
	}
	// A sender's number reaches search_text through syncClientSender.
	store.DB().Model(&models.Client{}).Where("id = ?", ids[0]).Update("account_stage", models.AccountOnboarded)
	if _, err := store.CreateSender(ctx, org.ID, ids[0], owner, models.SenderInput{Provider: models.ProviderCustomer, CountryCode: "351", PhoneNumber: "912345678",
		DisplayName: "Padaria Estrela", Vertical: "RESTAURANT"}); err != nil {
		t.Fatal(err)
	}
	for query, want := range map[string]int64{
		"padaria": 2, "PADARIA": 2, "estrela": 1, "açúcar": 1, "AÇÚCAR": 1, "água": 1, "café lisboa": 0, "café porto": 1,
		"do mar": 0, "900100201": 1, "0100": 4, // Café Porto lost its BM ID in the update
		"+351 912 345": 1, "912345678": 1, "ia-n": 1, "ab": 0, "pa": 2, "zzz": 0,
	} {
		list, err := store.Clients(ctx, org.ID, models.ClientFilter{Query: query})
		if err != nil || list.Total != want || int64(len(list.Clients)) != want {
			t.Errorf("search %q: %d clients (%d rows), err %v; want %d", query, list.Total, len(list.Clients), err, want)
		}
	}
}
