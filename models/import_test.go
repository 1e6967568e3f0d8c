package models_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"wabadesk/models"
)

const importHeader = "name,project_id,business_manager_id,mode,waba_name,company_legal_name,display_name,business_category,business_manager,region,meta_local_storage,contact_name,contact_email,language\n"

// importLine is a complete, valid row for client i.
func importLine(i int) string {
	return fmt.Sprintf("Cliente %d,%08x-8d7b-4f0e-9a3b-2d6c5e4f7a81,%d,partner,Cliente %d Ltda,,Cliente %d,FOOD_AND_GROCERY,SINCH_UK,EU,DE,Maria,maria%d@example.com,pt\n",
		i, i, 100000000000+i, i, i, i)
}

func TestImportChecksEveryCellAndCreatesEachRowOnce(t *testing.T) {
	store, org, owner := mustStore(t)
	ctx := context.Background()
	_, err := store.CreateClient(ctx, org.ID, owner, models.ClientInput{Name: "Old", BusinessManagerID: "999"}, false)
	if err != nil {
		t.Fatal(err)
	}
	csv := importHeader +
		importLine(1) + // line 2: ready
		strings.Replace(importLine(2), ",100000000002,", ",12ab,", 1) + // 3: BM not digits
		strings.Replace(importLine(3), "FOOD_AND_GROCERY", "PIZZA", 1) + // 4: unknown category
		strings.Replace(importLine(4), ",maria4@example.com,", ",not-an-email,", 1) + // 5: bad e-mail
		"Cliente 5,,100000000005,partner,Cliente 5 Ltda,,Cliente 5,FOOD_AND_GROCERY,,,,,,en\n" + // 6: no project: draft only
		strings.Replace(importLine(6), ",SINCH_UK,EU,", ",SINCH_UK,BR,", 1) + // 7: region not under that manager
		strings.Replace(importLine(7), ",100000000007,", ",100000000001,", 1) + // 8: BM of line 2
		strings.Replace(importLine(8), ",100000000008,", ",999,", 1) + // 9: BM of an existing client
		"Cliente 9,too,few\n" + // 10: wrong number of cells
		"\n" + // an empty line is skipped
		strings.Replace(importLine(10), ",partner,", ",sideways,", 1) + // 12: unknown mode
		"Cliente \"11\",x,y\n" // 13: a bare quote: not CSV
	im, err := store.CreateImport(ctx, org.ID, owner, "book.csv", strings.NewReader("\xef\xbb\xbf"+csv))
	if err != nil {
		t.Fatal(err)
	}
	if im.Rows != 11 || im.DraftReady != 2 || im.SubmitReady != 1 {
		t.Fatalf("rows %d, draft-ready %d, submit-ready %d; want 11, 2, 1", im.Rows, im.DraftReady, im.SubmitReady)
	}
	rows, _, err := store.ImportRows(ctx, org.ID, im.ID, false, "", 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	want := map[int]struct{ col, says string }{
		3: {"business_manager_id", "digits only"}, 4: {"business_category", "Use one of: ALCOHOL"},
		5: {"contact_email", "e-mail"}, 6: {"project_id", "Enter the client's Sinch project ID"},
		7: {"region", "not available under Sinch UK"}, 8: {"business_manager_id", "as line 2"},
		9: {"business_manager_id", "already has"}, 10: {"name", "has 3 cells"}, 12: {"mode", "partner"}, 13: {"name", "not valid CSV"},
	}
	for _, r := range rows {
		problems, submitOnly := r.CellProblems()
		w, ok := want[r.Line]
		if !ok {
			if len(problems) > 0 {
				t.Errorf("line %d: unexpected problems %v", r.Line, problems)
			}
			continue
		}
		if !strings.Contains(problems[w.col], w.says) {
			t.Errorf("line %d: %s says %q, want %q (all: %v)", r.Line, w.col, problems[w.col], w.says, problems)
		}
		if r.Line == 6 && !submitOnly["project_id"] {
			t.Errorf("line 6: a missing project should block only a submit")
		}
	}

	if _, err := store.StartImport(ctx, org.ID, im.ID, models.ImportDraft); err != nil {
		t.Fatal(err)
	}
	if err := store.RunImport(ctx, owner, im.ID); err != nil {
		t.Fatal(err)
	}
	// Run again, as a recovery pass would: nothing more is created.
	if err := store.ContinueImports(ctx); err != nil {
		t.Fatal(err)
	}
	if err := store.RunImport(ctx, owner, im.ID); err != nil {
		t.Fatal(err)
	}
	im, _ = store.ImportByID(ctx, org.ID, im.ID)
	if im.State != models.ImportDone || im.Created != 2 || im.Skipped != 9 {
		t.Fatalf("import %s: created %d skipped %d, want done 2 and 9", im.State, im.Created, im.Skipped)
	}
	list, err := store.Clients(ctx, org.ID, models.ClientFilter{PerPage: 50})
	if err != nil {
		t.Fatal(err)
	}
	if list.All != 3 {
		t.Fatalf("%d clients, want the old one and two imported", list.All)
	}
	for _, r := range rows {
		if r.Line != 2 {
			continue
		}
		r2, _, _ := store.ImportRows(ctx, org.ID, im.ID, false, "", 0, 1)
		if r2[0].ClientID == nil {
			t.Fatal("line 2 has no client")
		}
		c, err := store.ClientByID(ctx, org.ID, *r2[0].ClientID)
		if err != nil {
			t.Fatal(err)
		}
		if c.Stage != models.StageDraft || c.ContactLanguage != "pt" || c.ContactEmail != "maria1@example.com" || c.SinchBusinessManager != "SINCH_UK" {
			t.Errorf("imported %s: stage %s, contact %q %q, manager %q", c.Name, c.Stage, c.ContactEmail, c.ContactLanguage, c.SinchBusinessManager)
		}
	}
	if _, err := store.StartImport(ctx, org.ID, im.ID, models.ImportSubmit); err != models.ErrConflict {
		t.Errorf("starting a finished import again: %v, want a conflict", err)
	}
}

func TestImportRefusesFilesNotLikeTheTemplate(t *testing.T) {
	store, org, owner := mustStore(t)
	for name, tc := range map[string]struct{ file, says string }{
		"empty":        {"", "empty"},
		"other header": {"name,phone\nA,1\n", "Missing: project_id"},
		"header only":  {importHeader, "no clients"},
		"not UTF-8":    {importHeader + "Caf\xe9,,,,,,,,,,,,,\n", "UTF-8"},
	} {
		_, err := store.CreateImport(context.Background(), org.ID, owner, "x.csv", strings.NewReader(tc.file))
		v, ok := models.AsValidation(err)
		if !ok || !strings.Contains(v["file"], tc.says) {
			t.Errorf("%s: %v, want a file message saying %q", name, err, tc.says)
		}
	}
}

// TestImportOf10000RowsEndsWithExactly10000Clients submits a large book:
// each row becomes one client queued for Sinch, none twice.
func TestImportOf10000RowsEndsWithExactly10000Clients(t *testing.T) {
	if testing.Short() {
		t.Skip("10,000 rows")
	}
	store, org, owner := mustStore(t)
	ctx := context.Background()
	var b strings.Builder
	b.WriteString(importHeader)
	for i := 1; i <= 10000; i++ {
		b.WriteString(importLine(i))
	}
	im, err := store.CreateImport(ctx, org.ID, owner, "book.csv", strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if im.SubmitReady != 10000 {
		t.Fatalf("%d rows ready to submit", im.SubmitReady)
	}
	if _, err := store.StartImport(ctx, org.ID, im.ID, models.ImportSubmit); err != nil {
		t.Fatal(err)
	}
	if err := store.RunImport(ctx, owner, im.ID); err != nil {
		t.Fatal(err)
	}
	list, err := store.Clients(ctx, org.ID, models.ClientFilter{PerPage: 1})
	if err != nil {
		t.Fatal(err)
	}
	if list.All != 10000 || list.Counts[models.StageQueued] != 10000 {
		t.Fatalf("%d clients, %d queued for Sinch; want 10,000 each", list.All, list.Counts[models.StageQueued])
	}
}

// BenchmarkImportCheck10000 is the upload check of a 10,000-row file
// (README, Benchmarks; target under 5 s).
func BenchmarkImportCheck10000(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(importHeader)
	for i := 1; i <= 10000; i++ {
		sb.WriteString(importLine(i))
	}
	file := sb.String()
	store, org, owner := mustStore(b)
	for b.Loop() {
		if _, err := store.CreateImport(context.Background(), org.ID, owner, "book.csv", strings.NewReader(file)); err != nil {
			b.Fatal(err)
		}
	}
}

// A display name that breaks Meta's rules does not stop its row: the
// preview names the rules, and the submitted client has them on its
// timeline; a good name gets neither.
func TestImportNotesDisplayNameRules(t *testing.T) {
	store, org, owner := mustStore(t)
	ctx := context.Background()
	csv := importHeader + strings.Replace(importLine(1), ",Cliente 1,FOOD", ",BEST DEALS!!!,FOOD", 1) + importLine(2)
	im, err := store.CreateImport(ctx, org.ID, owner, "book.csv", strings.NewReader(csv))
	if err != nil {
		t.Fatal(err)
	}
	if im.SubmitReady != 2 {
		t.Fatalf("submit-ready %d, want 2: warnings must not block", im.SubmitReady)
	}
	rows, _, err := store.ImportRows(ctx, org.ID, im.ID, false, "", 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if got := models.RuleIDs(rows[0].NameWarnings(org.Brand())); got != "DN-CAPS, DN-PUNCT" {
		t.Errorf("line 2 notes %q, want DN-CAPS, DN-PUNCT", got)
	}
	if ws := rows[1].NameWarnings(org.Brand()); len(ws) != 0 {
		t.Errorf("line 3 notes %+v, want none", ws)
	}
	if _, err := store.StartImport(ctx, org.ID, im.ID, models.ImportSubmit); err != nil {
		t.Fatal(err)
	}
	if err := store.RunImport(ctx, owner, im.ID); err != nil {
		t.Fatal(err)
	}
	rows, _, _ = store.ImportRows(ctx, org.ID, im.ID, false, "", 0, 10)
	for i, want := range []bool{true, false} {
		if rows[i].ClientID == nil {
			t.Fatalf("line %d not created: %s", rows[i].Line, rows[i].Reason)
		}
		events, err := store.Events(ctx, org.ID, *rows[i].ClientID, 20)
		if err != nil {
			t.Fatal(err)
		}
		var noted bool
		for _, e := range events {
			noted = noted || strings.Contains(e.Title, "submitted despite Meta's rules (DN-CAPS, DN-PUNCT)")
		}
		if noted != want {
			t.Errorf("line %d: timeline notes the rules %v, want %v", rows[i].Line, noted, want)
		}
	}
}
