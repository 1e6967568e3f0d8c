package models

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
)

// ImportColumns is the CSV header of a client import, in the template's order.
var ImportColumns = []string{"name", "project_id", "business_manager_id", "mode", "waba_name", "company_legal_name",
	"display_name", "business_category", "business_manager", "region", "meta_local_storage", "contact_name",
	"contact_email", "language"}

// importColumnOf names the CSV column of each form field, so a field's
// message lands in its cell.
var importColumnOf = map[string]string{"name": "name", "project_id": "project_id", "business_manager_id": "business_manager_id",
	"legacy": "mode", "waba_name": "waba_name", "company_legal_name": "company_legal_name", "sender_display_name": "display_name",
	"business_category": "business_category", "sinch_business_manager": "business_manager", "region": "region",
	"meta_local_storage": "meta_local_storage", "contact_name": "contact_name", "contact_email": "contact_email",
	"contact_language": "language"}

// importChoices are the codes a column takes, named in its message.
var importChoices = map[string][]Choice{"business_category": BusinessCategories, "business_manager": SinchBusinessManagers,
	"region": Regions, "meta_local_storage": MetaLocalStorages}

// ImportMaxRows bounds one file; ImportMaxBytes its size.
const (
	ImportMaxRows  = 20000 // the upload page says "20,000"
	ImportMaxBytes = 16 << 20
)

// Import modes and states.
const (
	ImportDraft  = "draft"  // save valid rows as drafts
	ImportSubmit = "submit" // create and submit to Sinch

	ImportPreview   = "preview"  // checked, waiting for staff to choose
	ImportCreating  = "creating" // clients being created, in chunks
	ImportDone      = "done"
	ImportCancelled = "cancelled"
)

// Row outcomes.
const (
	RowCreated = "created"
	RowSkipped = "skipped" // had problems for the chosen mode
	RowFailed  = "failed"  // refused when created (a duplicate made since the preview)
)

// Import is one uploaded CSV of clients: checked on upload, then, once
// staff choose drafts or submit, created in chunks whose progress
// (NextLine) is committed with the clients, so an interrupted import
// resumes where it stopped and creates nothing twice.
type Import struct {
	ID             int64  `gorm:"primaryKey"`
	OrganisationID int64  `gorm:"not null;index"`
	FileName       string `gorm:"size:255;not null"`
	CreatedByName  string `gorm:"size:120;not null"`
	Rows           int    `gorm:"not null"`
	DraftReady     int    `gorm:"not null"` // rows without problems for a draft
	SubmitReady    int    `gorm:"not null"` // rows complete enough to submit
	Mode           string `gorm:"size:10;not null;default:''"`
	State          string `gorm:"size:12;not null;index"`
	NextLine       int    `gorm:"not null;default:0"` // rows before it are done
	Created        int    `gorm:"not null;default:0"`
	Skipped        int    `gorm:"not null;default:0"`
	Failed         int    `gorm:"not null;default:0"`
	// LeaseOwner and LeaseUntil claim a running import for one process.
	LeaseOwner string `gorm:"size:40;not null;default:''"`
	LeaseUntil *time.Time
	CreatedAt  time.Time
	FinishedAt *time.Time
}

// Ready is how many rows the chosen (or a given) mode creates.
func (im Import) Ready(mode string) int {
	if mode == ImportSubmit {
		return im.SubmitReady
	}
	return im.DraftReady
}

// ImportRow is one line of the file, with its problems by column.
type ImportRow struct {
	ID             int64  `gorm:"primaryKey"`
	ImportID       int64  `gorm:"not null;index:idx_import_rows_line,priority:1"`
	OrganisationID int64  `gorm:"not null"`
	Line           int    `gorm:"not null;index:idx_import_rows_line,priority:2"` // in the file, the header being line 1
	Values         string `gorm:"type:text;not null"`                             // the cells as typed (JSON array)
	// Problems block any import of the row; SubmitProblems only a submit
	// (JSON objects, column → message).
	Problems       string `gorm:"type:text;not null;default:''"`
	SubmitProblems string `gorm:"type:text;not null;default:''"`
	Outcome        string `gorm:"size:10;not null;default:''"`
	ClientID       *int64
	Reason         string `gorm:"size:500;not null;default:''"`
}

// Cells returns the row's values, one per ImportColumns entry.
func (r ImportRow) Cells() []string {
	var out []string
	_ = json.Unmarshal([]byte(r.Values), &out)
	return out
}

// NameWarnings are Meta's display-name rules the row's display name seems
// to break (models.LintDisplayName); reseller is the organisation's brand.
// They never block a row: a submitted one gets them on its timeline.
func (r ImportRow) NameWarnings(reseller string) []NameWarning {
	rec, _ := recordOf(r.Cells())
	if rec.in.Legacy {
		return nil
	}
	return LintDisplayName(rec.in.SenderDisplayName, NameContext{MaxLength: 255, Reseller: reseller, Brand: rec.in.Name})
}

// CellProblems merges both kinds of problem, by column; submitOnly tells
// which only block a submit.
func (r ImportRow) CellProblems() (all map[string]string, submitOnly map[string]bool) {
	all, submitOnly = decodeErrors(r.Problems), map[string]bool{}
	if all == nil {
		all = map[string]string{}
	}
	for k, v := range decodeErrors(r.SubmitProblems) {
		if _, ok := all[k]; !ok {
			all[k], submitOnly[k] = v, true
		}
	}
	return all, submitOnly
}

// importRecord is a parsed row.
type importRecord struct {
	in      ClientInput
	contact Contact
}

func recordOf(cells []string) (importRecord, ValidationError) {
	get := func(col string) string { return strings.TrimSpace(cells[slices.Index(ImportColumns, col)]) }
	v := ValidationError{}
	r := importRecord{in: ClientInput{Name: get("name"), ProjectID: get("project_id"), BusinessManagerID: get("business_manager_id"),
		WabaName: get("waba_name"), CompanyLegalName: get("company_legal_name"), SenderDisplayName: get("display_name"),
		BusinessCategory: strings.ToUpper(get("business_category")), SinchBusinessManager: strings.ToUpper(get("business_manager")),
		Region: strings.ToUpper(get("region")), MetaLocalStorage: strings.ToUpper(get("meta_local_storage"))},
		contact: Contact{ContactName: get("contact_name"), ContactEmail: get("contact_email"), ContactLanguage: strings.ToLower(get("language"))}}
	switch strings.ToLower(get("mode")) {
	case "", "partner":
	case "legacy", "obo":
		r.in.Legacy = true
	default:
		v.Add("mode", "Use partner (the default, when empty) or legacy (On-Behalf-Of).")
	}
	return r, v
}

// byColumn renames field messages to their columns, and says which codes
// a choice column takes.
func byColumn(v ValidationError) map[string]string {
	out := map[string]string{}
	for f, msg := range v {
		col := importColumnOf[f]
		if col == "" {
			col = f
		}
		if cs, ok := importChoices[col]; ok && msg == "Choose one of the listed options." {
			codes := make([]string, len(cs))
			for i, c := range cs {
				codes[i] = c.Value
			}
			msg = "Use one of: " + strings.Join(codes, ", ") + "."
		}
		out[col] = msg
	}
	return out
}

// checkRecord applies the form's rules: problems for any import, and the
// further ones of a submission.
func checkRecord(r *importRecord, v ValidationError) (problems, submitOnly map[string]string) {
	for k, msg := range r.in.Validate(false) {
		v.Add(k, msg)
	}
	if cv, ok := AsValidation(r.contact.Validate()); ok {
		for k, msg := range cv {
			v.Add(k, msg)
		}
	}
	problems = byColumn(v)
	submitOnly = map[string]string{}
	for col, msg := range byColumn(r.in.Validate(true)) {
		if _, ok := problems[col]; !ok {
			submitOnly[col] = msg
		}
	}
	return problems, submitOnly
}

func encodeProblems(m map[string]string) string {
	if len(m) == 0 {
		return ""
	}
	b, _ := json.Marshal(m)
	return string(b)
}

// CreateImport reads a CSV of clients and checks every row against the
// form's rules, the rows above it and the organisation's clients; the
// result waits as a preview. A file that cannot be read as the template
// is refused with a message for the "file" field.
func (s *Store) CreateImport(ctx context.Context, tenantID int64, actor User, fileName string, file io.Reader) (Import, error) {
	raw, err := io.ReadAll(io.LimitReader(file, ImportMaxBytes+1))
	if err != nil {
		return Import{}, ValidationError{"file": "The file could not be read; try uploading it again."}
	}
	if len(raw) > ImportMaxBytes {
		return Import{}, ValidationError{"file": "The file is larger than 16 MB: split it into several."}
	}
	raw = bytes.TrimPrefix(raw, []byte("\xef\xbb\xbf")) // the BOM spreadsheets write
	if !utf8.Valid(raw) {
		return Import{}, ValidationError{"file": "The file is not UTF-8 text: in your spreadsheet, save it as \"CSV UTF-8\"."}
	}
	rd := csv.NewReader(bytes.NewReader(raw))
	rd.FieldsPerRecord = -1
	header, err := rd.Read()
	if err != nil {
		return Import{}, ValidationError{"file": "The file is empty or not CSV: start from the template."}
	}
	for i := range header {
		header[i] = strings.ToLower(strings.TrimSpace(header[i]))
	}
	if !slices.Equal(header, ImportColumns) {
		var missing, unknown []string
		for _, c := range ImportColumns {
			if !slices.Contains(header, c) {
				missing = append(missing, c)
			}
		}
		for _, c := range header {
			if !slices.Contains(ImportColumns, c) {
				unknown = append(unknown, c)
			}
		}
		msg := "The first line must be the template's header, in its order: " + strings.Join(ImportColumns, ",") + "."
		if len(missing) > 0 {
			msg += " Missing: " + strings.Join(missing, ", ") + "."
		}
		if len(unknown) > 0 {
			msg += " Not known: " + strings.Join(unknown, ", ") + "."
		}
		return Import{}, ValidationError{"file": msg}
	}

	projects, bms, err := s.clientKeys(ctx, tenantID)
	if err != nil {
		return Import{}, err
	}
	seenProject, seenBM := map[string]int{}, map[string]int{}
	im := Import{OrganisationID: tenantID, FileName: truncate(fileName, 255), CreatedByName: actor.Name, State: ImportPreview, CreatedAt: s.now()}
	var rows []ImportRow
	for {
		cells, err := rd.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if len(rows) == ImportMaxRows {
			return Import{}, ValidationError{"file": "The file has more than " + strconv.Itoa(ImportMaxRows) + " clients: split it into several."}
		}
		row := ImportRow{OrganisationID: tenantID}
		if err == nil {
			row.Line, _ = rd.FieldPos(0) // the file's line, empty lines counted
		}
		line := row.Line
		var problems, submitOnly map[string]string
		switch {
		case err != nil:
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				row.Line = pe.StartLine
			}
			problems = map[string]string{"name": "This line is not valid CSV (a quote is not closed?)."}
			cells = make([]string, len(ImportColumns))
		case len(cells) == 1 && strings.TrimSpace(cells[0]) == "":
			continue // an empty line
		case len(cells) != len(ImportColumns):
			problems = map[string]string{"name": "This line has " + strconv.Itoa(len(cells)) + " cells; the header has " + strconv.Itoa(len(ImportColumns)) + "."}
			cells = append(cells, make([]string, max(0, len(ImportColumns)-len(cells)))...)[:len(ImportColumns)]
		default:
			rec, v := recordOf(cells)
			problems, submitOnly = checkRecord(&rec, v)
			dup := func(col, key string, seen map[string]int, existing map[string]bool, what string) {
				if key == "" {
					return
				}
				if first, ok := seen[key]; ok {
					problems[col] = "The same " + what + " as line " + strconv.Itoa(first) + " of this file."
				} else if existing[key] {
					problems[col] = "One of your clients already has this " + what + "."
				} else {
					seen[key] = line
				}
			}
			dup("project_id", rec.in.ProjectID, seenProject, projects, "Sinch project ID")
			dup("business_manager_id", rec.in.BusinessManagerID, seenBM, bms, "Business Manager ID")
		}
		vals, _ := json.Marshal(cells)
		row.Values, row.Problems, row.SubmitProblems = string(vals), encodeProblems(problems), encodeProblems(submitOnly)
		if len(problems) == 0 {
			im.DraftReady++
			if len(submitOnly) == 0 {
				im.SubmitReady++
			}
		}
		rows = append(rows, row)
	}
	if len(rows) == 0 {
		return Import{}, ValidationError{"file": "The file has the header but no clients."}
	}
	im.Rows = len(rows)
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&im).Error; err != nil {
			return err
		}
		for i := range rows {
			rows[i].ImportID = im.ID
		}
		// Batches of one size, the rest one by one: each statement shape is
		// prepared and kept per connection (OpenSQLite), so the shapes must
		// not vary with the file.
		const batch = 100
		full := len(rows) / batch * batch
		for i := 0; i < full; i += batch {
			if err := tx.Create(rows[i : i+batch]).Error; err != nil {
				return err
			}
		}
		for i := full; i < len(rows); i++ {
			if err := tx.Create(&rows[i]).Error; err != nil {
				return err
			}
		}
		return nil
	})
	return im, wrap(err, "create import")
}

// clientKeys returns the project and Business Manager IDs the tenant's
// clients already use.
func (s *Store) clientKeys(ctx context.Context, tenantID int64) (projects, bms map[string]bool, err error) {
	var keys []struct{ ProjectID, BusinessManagerID string }
	err = s.db.WithContext(ctx).Model(&Client{}).Select("project_id, business_manager_id").
		Where("organisation_id = ?", tenantID).Scan(&keys).Error
	projects, bms = map[string]bool{}, map[string]bool{}
	for _, k := range keys {
		projects[k.ProjectID], bms[k.BusinessManagerID] = k.ProjectID != "", k.BusinessManagerID != ""
	}
	return projects, bms, wrap(err, "client keys")
}

// ImportByID returns one import of the tenant.
func (s *Store) ImportByID(ctx context.Context, tenantID, id int64) (Import, error) {
	var im Import
	err := s.db.WithContext(ctx).Where("organisation_id = ?", tenantID).First(&im, id).Error
	return im, wrap(err, "import")
}

// ImportRows returns a page of an import's rows in file order; problems
// keeps only rows with a problem for mode.
func (s *Store) ImportRows(ctx context.Context, tenantID, id int64, problems bool, mode string, offset, limit int) ([]ImportRow, int64, error) {
	q := s.db.WithContext(ctx).Model(&ImportRow{}).Where("organisation_id = ? AND import_id = ?", tenantID, id)
	if problems {
		if mode == ImportSubmit {
			q = q.Where("(problems <> '' OR submit_problems <> '')")
		} else {
			q = q.Where("problems <> ''")
		}
	}
	var n int64
	if err := q.Count(&n).Error; err != nil {
		return nil, 0, wrap(err, "count import rows")
	}
	var rows []ImportRow
	err := q.Order("line").Offset(offset).Limit(limit).Find(&rows).Error
	return rows, n, wrap(err, "import rows")
}

// StartImport records the staff's choice and hands the import to RunImport.
func (s *Store) StartImport(ctx context.Context, tenantID, id int64, mode string) (Import, error) {
	if mode != ImportDraft && mode != ImportSubmit {
		return Import{}, ValidationError{"mode": "Choose drafts or submit."}
	}
	res := s.db.WithContext(ctx).Model(&Import{}).Where("organisation_id = ? AND id = ? AND state = ?", tenantID, id, ImportPreview).
		Updates(map[string]any{"mode": mode, "state": ImportCreating})
	if res.Error != nil {
		return Import{}, wrap(res.Error, "start import")
	}
	if res.RowsAffected == 0 {
		if _, err := s.ImportByID(ctx, tenantID, id); err != nil {
			return Import{}, err
		}
		return Import{}, ErrConflict // started already, or cancelled
	}
	return s.ImportByID(ctx, tenantID, id)
}

// CancelImport drops a preview.
func (s *Store) CancelImport(ctx context.Context, tenantID, id int64) error {
	res := s.db.WithContext(ctx).Model(&Import{}).Where("organisation_id = ? AND id = ? AND state = ?", tenantID, id, ImportPreview).
		Update("state", ImportCancelled)
	if res.Error == nil && res.RowsAffected == 0 {
		return ErrConflict
	}
	return wrap(res.Error, "cancel import")
}

// importChunk is how many rows one transaction creates: small enough that
// other writers (webhooks, the engine) wait little on SQLite.
const importChunk = 200

// importLease is how long an instance owns a running import between chunks.
const importLease = time.Minute

// RunImport creates the clients of a started import, chunk by chunk, if
// no other process is doing so; it returns when the import is done.
func (s *Store) RunImport(ctx context.Context, actor User, id int64) error {
	owner := newEventID() // any unique token
	for {
		more, err := s.importChunk(ctx, actor, id, owner)
		if err != nil || !more {
			return err
		}
	}
}

// ContinueImports finishes imports a stopped process left half-done.
func (s *Store) ContinueImports(ctx context.Context) error {
	var ims []Import
	err := s.db.WithContext(ctx).Where("state = ? AND (lease_until IS NULL OR lease_until < ?)", ImportCreating, s.now()).Find(&ims).Error
	if err != nil {
		return wrap(err, "interrupted imports")
	}
	for _, im := range ims {
		if err := s.RunImport(ctx, User{Name: im.CreatedByName, OrganisationID: im.OrganisationID}, im.ID); err != nil {
			return err
		}
	}
	return nil
}

// importChunk creates the next chunk's clients and moves NextLine past
// them, all in one transaction; more says whether rows remain.
func (s *Store) importChunk(ctx context.Context, actor User, id int64, owner string) (more bool, err error) {
	now := s.now()
	var im Import
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		// Claim (or keep) the import: one process at a time.
		res := tx.Model(&Import{}).Where("id = ? AND state = ? AND (lease_until IS NULL OR lease_until < ? OR lease_owner = ?)",
			id, ImportCreating, now, owner).Updates(map[string]any{"lease_owner": owner, "lease_until": now.Add(importLease)})
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error
		}
		if err := tx.First(&im, id).Error; err != nil {
			return err
		}
		var rows []ImportRow
		if err := tx.Where("import_id = ? AND line >= ?", id, im.NextLine).Order("line").Limit(importChunk).Find(&rows).Error; err != nil {
			return err
		}
		title := "Client created by the import of " + im.FileName
		var org Organisation
		if err := tx.First(&org, im.OrganisationID).Error; err != nil {
			return err
		}
		for i := range rows {
			r := &rows[i]
			problems, submitOnly := r.CellProblems()
			if len(problems) > 0 && (im.Mode == ImportSubmit || len(submitOnly) < len(problems)) {
				r.Outcome, r.Reason = RowSkipped, ProblemLine(problems)
				im.Skipped++
			} else {
				rec, _ := recordOf(r.Cells())
				_ = rec.contact.Validate() // normalises; checked at upload
				var c Client
				err := tx.Transaction(func(tx *gorm.DB) error { // a savepoint: a refused row leaves the chunk
					var err error
					c, err = s.createClientTx(tx, im.OrganisationID, actor, rec.in, rec.contact, im.Mode == ImportSubmit,
						title+" (line "+strconv.Itoa(r.Line)+")")
					if ws := Warnings(r.NameWarnings(org.Brand())); err == nil && im.Mode == ImportSubmit && len(ws) > 0 {
						err = addEvent(tx, Event{OrganisationID: im.OrganisationID, ClientID: c.ID, At: s.now(), Source: SourceStaff, Actor: actor.Name,
							Title:  fmt.Sprintf("Display name %q submitted despite Meta's rules (%s)", rec.in.SenderDisplayName, RuleIDs(ws)),
							Detail: "Imported from " + im.FileName + " (line " + strconv.Itoa(r.Line) + "); an import does not ask why."})
					}
					return err
				})
				if v, ok := AsValidation(err); ok {
					r.Outcome, r.Reason = RowFailed, ProblemLine(byColumn(v))
					im.Failed++
				} else if err != nil {
					return err
				} else {
					r.Outcome, r.ClientID = RowCreated, &c.ID
					im.Created++
				}
			}
			if err := tx.Model(r).Select("outcome", "client_id", "reason").Updates(r).Error; err != nil {
				return err
			}
			im.NextLine = r.Line + 1
		}
		more = len(rows) == importChunk
		up := map[string]any{"next_line": im.NextLine, "created": im.Created, "skipped": im.Skipped, "failed": im.Failed}
		if !more {
			im.State = ImportDone
			up["state"], up["finished_at"], up["lease_until"] = ImportDone, now, nil
		}
		return tx.Model(&Import{}).Where("id = ?", id).Updates(up).Error
	})
	if err == nil && im.ID != 0 {
		s.notify(im.OrganisationID, 0, nil)
	}
	return more, wrap(err, "import clients")
}

// ProblemLine joins a row's problems for the result file.
func ProblemLine(m map[string]string) string {
	var parts []string
	for _, col := range ImportColumns {
		if msg, ok := m[col]; ok {
			parts = append(parts, col+": "+msg)
		}
	}
	return truncate(strings.Join(parts, " "), 500)
}

// ImportProgress counts the import's clients by stage.
func (s *Store) ImportProgress(ctx context.Context, tenantID, id int64) (map[Stage]int, error) {
	var rows []struct {
		Stage Stage
		N     int
	}
	err := s.db.WithContext(ctx).Model(&Client{}).Select("stage, COUNT(*) AS n").
		Where("organisation_id = ? AND id IN (SELECT client_id FROM import_rows WHERE import_id = ? AND client_id IS NOT NULL)", tenantID, id).
		Group("stage").Scan(&rows).Error
	out := map[Stage]int{}
	for _, r := range rows {
		out[r.Stage] = r.N
	}
	return out, wrap(err, "import progress")
}

// RecentImports lists the tenant's latest imports.
func (s *Store) RecentImports(ctx context.Context, tenantID int64, limit int) ([]Import, error) {
	var out []Import
	err := s.db.WithContext(ctx).Where("organisation_id = ? AND state <> ?", tenantID, ImportCancelled).
		Order("id DESC").Limit(limit).Find(&out).Error
	return out, wrap(err, "recent imports")
}

// ImportStages returns the stage of the clients an import created from
// the lines in [from, to].
func (s *Store) ImportStages(ctx context.Context, tenantID, importID int64, from, to int) (map[int64]Stage, error) {
	out := map[int64]Stage{}
	var rows []struct {
		ID    int64
		Stage Stage
	}
	err := s.db.WithContext(ctx).Model(&Client{}).Select("clients.id, clients.stage").
		Joins("JOIN import_rows ON import_rows.client_id = clients.id").
		Where("clients.organisation_id = ? AND import_rows.import_id = ? AND import_rows.line BETWEEN ? AND ?", tenantID, importID, from, to).
		Scan(&rows).Error
	for _, r := range rows {
		out[r.ID] = r.Stage
	}
	return out, wrap(err, "client stages")
}
