package handlers

import (
	"context"
	"encoding/csv"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"wabadesk/models"
	"wabadesk/views"
)

// importPrefix is the import pages' path; the route table has each one.
const importPrefix = "/clients/import"

// importPageSize is how many rows the preview shows at once.
const importPageSize = 100

// importTemplate is the downloadable template: the header and one example.
func (h *Handler) importTemplate(c echo.Context) error {
	res := c.Response()
	res.Header().Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	res.Header().Set(echo.HeaderContentDisposition, `attachment; filename="wabadesk-clients-template.csv"`)
	w := csv.NewWriter(res)
	_ = w.Write(models.ImportColumns)
	_ = w.Write([]string{"Padaria Estrela", "1c8f5a2e-8d7b-4f0e-9a3b-2d6c5e4f7a81", "123456789012345", "partner", "Padaria Estrela Ltda", "",
		"Padaria Estrela", "FOOD_AND_GROCERY", "SINCH_UK", "EU", "DE", "Maria Souza", "maria@padaria.example", "pt"})
	w.Flush()
	return w.Error()
}

func (h *Handler) newImport(c echo.Context) error {
	return h.renderImportUpload(c, http.StatusOK, views.Form{})
}

func (h *Handler) renderImportUpload(c echo.Context, status int, form views.Form) error {
	u := currentUser(c)
	recent, err := h.store.RecentImports(c.Request().Context(), u.OrganisationID, 10)
	if err != nil {
		return err
	}
	v := views.ImportUploadView{Form: form, Template: importPrefix + "/template.csv", Columns: models.ImportColumns, MaxRows: "20,000"}
	for _, im := range recent {
		v.Recent = append(v.Recent, views.ImportSummary{URL: importPath(im.ID), FileName: im.FileName, By: im.CreatedByName,
			Created: im.CreatedAt.UTC().Format("2 Jan 2006 15:04"), Rows: im.Rows, State: importStateLabel(im)})
	}
	return render(c, status, views.ImportUploadPage(h.page(c, "Import clients", "clients"), v))
}

func importPath(id int64) string { return importPrefix + "/" + strconv.FormatInt(id, 10) }

func importStateLabel(im models.Import) string {
	switch im.State {
	case models.ImportPreview:
		return "Checked, not imported"
	case models.ImportCreating:
		return "Creating clients"
	case models.ImportCancelled:
		return "Cancelled"
	}
	return strconv.Itoa(im.Created) + " created, " + strconv.Itoa(im.Skipped+im.Failed) + " not"
}

func (h *Handler) createImport(c echo.Context) error {
	c.Request().Body = http.MaxBytesReader(c.Response(), c.Request().Body, models.ImportMaxBytes+1<<20)
	fh, err := c.FormFile("file")
	if mbe := new(http.MaxBytesError); errors.As(err, &mbe) {
		return h.renderImportUpload(c, http.StatusRequestEntityTooLarge, views.Form{Errors: map[string]string{"file": "The file is larger than 16 MB: split it into several."}})
	}
	if err != nil {
		return h.renderImportUpload(c, http.StatusUnprocessableEntity, views.Form{Errors: map[string]string{"file": "Choose the CSV file to import."}})
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	u := currentUser(c)
	im, err := h.store.CreateImport(c.Request().Context(), u.OrganisationID, *u, fh.Filename, f)
	if v, ok := models.AsValidation(err); ok {
		v["file"] += " Choose the file again once it is fixed."
		return h.renderImportUpload(c, http.StatusUnprocessableEntity, views.Form{Errors: v})
	}
	if err != nil {
		return err
	}
	auditDetail(c, im.FileName+", "+strconv.Itoa(im.Rows)+" rows")
	return redirect(c, importPath(im.ID))
}

func (h *Handler) importParam(c echo.Context) (models.Import, error) {
	id, err := pathID(c)
	if err != nil {
		return models.Import{}, err
	}
	return h.store.ImportByID(c.Request().Context(), currentUser(c).OrganisationID, id)
}

func (h *Handler) showImport(c echo.Context) error {
	im, err := h.importParam(c)
	if err != nil {
		return err
	}
	return h.renderImport(c, http.StatusOK, im, views.Form{Values: map[string]string{"mode": models.ImportSubmit}})
}

func (h *Handler) renderImport(c echo.Context, status int, im models.Import, form views.Form) error {
	ctx := c.Request().Context()
	onlyProblems := c.QueryParam("problems") == "1"
	page, _ := strconv.Atoi(c.QueryParam("page"))
	page = max(page, 1)
	rows, total, err := h.store.ImportRows(ctx, im.OrganisationID, im.ID, onlyProblems, im.Mode, (page-1)*importPageSize, importPageSize)
	if err != nil {
		return err
	}
	progress, err := h.importProgress(ctx, im)
	if err != nil {
		return err
	}
	v := views.ImportView{ID: im.ID, URL: importPath(im.ID), Self: c.Request().URL.RequestURI(), FileName: im.FileName, CreatedBy: im.CreatedByName,
		Created: im.CreatedAt.UTC().Format("2 Jan 2006 15:04 UTC"), State: im.State, Rows: im.Rows, DraftReady: im.DraftReady,
		SubmitReady: im.SubmitReady, Columns: models.ImportColumns, OnlyProblems: onlyProblems, Form: form, Progress: progress,
		Shown: int(total), Page: page, Pages: max(1, int((total+importPageSize-1)/importPageSize))}
	link := func(p int, problems bool) string {
		q := url.Values{}
		if p > 1 {
			q.Set("page", strconv.Itoa(p))
		}
		if problems {
			q.Set("problems", "1")
		}
		if len(q) == 0 {
			return v.URL
		}
		return v.URL + "?" + q.Encode()
	}
	v.AllURL, v.ProblemsURL = link(1, false), link(1, true)
	if page > 1 {
		v.PrevURL = link(page-1, onlyProblems)
	}
	if page < v.Pages {
		v.NextURL = link(page+1, onlyProblems)
	}
	for _, r := range rows {
		problems, submitOnly := r.CellProblems()
		line := views.ImportLine{Line: r.Line}
		for i, val := range r.Cells() {
			col := models.ImportColumns[i]
			cell := views.ImportCell{Value: val, Problem: problems[col], SubmitOnly: submitOnly[col]}
			if col == "display_name" {
				cell.Names = nameNotes(r.NameWarnings(currentUser(c).Organisation.Brand()))
			}
			line.Cells = append(line.Cells, cell)
		}
		switch {
		case r.Outcome == models.RowCreated:
			line.Status, line.OK = "Created", true
		case r.Outcome != "":
			line.Status, line.Problem = "Not imported: "+r.Reason, true
		case len(problems) > len(submitOnly):
			line.Status, line.Problem = "Not importable", true
		case len(submitOnly) > 0:
			line.Status = "Draft only"
		default:
			line.Status, line.OK = "Ready", true
		}
		v.Lines = append(v.Lines, line)
	}
	p := h.page(c, "Import "+im.FileName, "clients")
	p.Live = "" // the progress region polls on its own while work goes on
	return render(c, status, views.ImportPage(p, v))
}

func (h *Handler) importProgress(ctx context.Context, im models.Import) (views.ImportProgress, error) {
	p := views.ImportProgress{Mode: im.Mode, Ready: im.Ready(im.Mode), Done: im.Created + im.Skipped + im.Failed, Created: im.Created,
		NotImported: im.Skipped + im.Failed, Creating: im.State == models.ImportCreating, Result: importPath(im.ID) + "/result.csv"}
	if im.State == models.ImportPreview || im.State == models.ImportCancelled {
		return p, nil
	}
	stages, err := h.store.ImportProgress(ctx, im.OrganisationID, im.ID)
	if err != nil {
		return p, err
	}
	p.Rows = im.Rows
	p.Waiting = stages[models.StageQueued]
	p.AtSinch = im.Created - p.Waiting - stages[models.StageDraft]
	p.Rejected = stages[models.StageRejected]
	p.Live = p.Creating || (im.Mode == models.ImportSubmit && p.Waiting > 0)
	return p, nil
}

func (h *Handler) startImport(c echo.Context) error {
	im, err := h.importParam(c)
	if err != nil {
		return err
	}
	mode := c.FormValue("mode")
	u := currentUser(c)
	started, err := h.store.StartImport(c.Request().Context(), im.OrganisationID, im.ID, mode)
	if v, ok := models.AsValidation(err); ok {
		return h.renderImport(c, http.StatusUnprocessableEntity, im, views.Form{Errors: v, Values: map[string]string{"mode": mode}})
	}
	if errors.Is(err, models.ErrConflict) {
		h.flash(c, "info", "This import was started or cancelled already.")
		return redirect(c, importPath(im.ID))
	}
	if err != nil {
		return err
	}
	auditDetail(c, started.FileName+", "+mode)
	h.runImport(*u, started.ID)
	return redirect(c, importPath(im.ID))
}

// runImport creates the clients after the answer has gone: the page
// follows the progress, and the engine's recovery pass finishes an import
// this process could not (models.ContinueImports).
func (h *Handler) runImport(u models.User, id int64) {
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
		defer cancel()
		if err := h.store.RunImport(ctx, u, id); err != nil {
			h.log.Error("import: creating clients failed; it resumes on the next recovery pass", "import", id, "error", err)
		}
	}()
}

func (h *Handler) cancelImport(c echo.Context) error {
	im, err := h.importParam(c)
	if err != nil {
		return err
	}
	if err := h.store.CancelImport(c.Request().Context(), im.OrganisationID, im.ID); errors.Is(err, models.ErrConflict) {
		h.flash(c, "info", "This import was started already: its clients are being created.")
		return redirect(c, importPath(im.ID))
	} else if err != nil {
		return err
	}
	auditDetail(c, im.FileName)
	h.flash(c, "success", "Import cancelled: no client was created from "+im.FileName+".")
	return redirect(c, importPrefix)
}

// importResult is the downloadable outcome: one line per row of the file.
func (h *Handler) importResult(c echo.Context) error {
	im, err := h.importParam(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	res := c.Response()
	res.Header().Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	res.Header().Set(echo.HeaderContentDisposition, `attachment; filename="import-`+itoa(im.ID)+`-result.csv"`)
	res.Header().Set("Cache-Control", "no-store")
	w := csv.NewWriter(res)
	_ = w.Write([]string{"line", "name", "outcome", "client_id", "stage", "reason", "url"})
	for offset := 0; offset < im.Rows; offset += 1000 {
		rows, _, err := h.store.ImportRows(ctx, im.OrganisationID, im.ID, false, "", offset, 1000)
		if err != nil {
			return err
		}
		if len(rows) == 0 {
			break
		}
		stages, err := h.store.ImportStages(ctx, im.OrganisationID, im.ID, rows[0].Line, rows[len(rows)-1].Line)
		if err != nil {
			return err
		}
		for _, r := range rows {
			outcome, id, stage, link := r.Outcome, "", "", ""
			if outcome == "" {
				outcome = "not imported yet"
			}
			if r.ClientID != nil {
				id, stage, link = itoa(*r.ClientID), stages[*r.ClientID].Label(), h.link(clientURL(*r.ClientID))
			}
			reason := r.Reason
			if r.Outcome == "" {
				problems, _ := r.CellProblems()
				reason = models.ProblemLine(problems)
			}
			_ = w.Write([]string{strconv.Itoa(r.Line), csvSafe(r.Cells()[0]), outcome, id, stage, csvSafe(reason), link})
		}
	}
	w.Flush()
	return w.Error()
}
