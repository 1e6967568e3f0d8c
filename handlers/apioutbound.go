package handlers

import (
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"wabadesk/models"
)

// apiEndpoint is an outgoing webhook endpoint as the API shows it; the
// secret is in the answer to its creation only.
type apiEndpoint struct {
	ID          int64    `json:"id"`
	URL         string   `json:"url"`
	Description string   `json:"description"`
	Events      []string `json:"events"`
	Enabled     bool     `json:"enabled"`
	Status      string   `json:"status"`
	Secret      string   `json:"secret,omitempty"`
}

func (h *Handler) apiEndpointOf(e models.Endpoint) apiEndpoint {
	return apiEndpoint{ID: e.ID, URL: e.URL, Description: e.Description, Events: strings.Split(e.Events, ","),
		Enabled: e.Enabled, Status: h.endpointRow(e).Status}
}

func (h *Handler) apiListEndpoints(c echo.Context) error {
	eps, err := h.store.Endpoints(c.Request().Context(), currentUser(c).OrganisationID)
	if err != nil {
		return err
	}
	out := struct {
		Data []apiEndpoint `json:"data"`
	}{Data: []apiEndpoint{}}
	for _, e := range eps {
		out.Data = append(out.Data, h.apiEndpointOf(e))
	}
	return c.JSON(http.StatusOK, out)
}

func (h *Handler) apiCreateEndpoint(c echo.Context) error {
	var in struct {
		URL         string   `json:"url"`
		Description string   `json:"description"`
		Events      []string `json:"events"`
	}
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	e, err := h.store.CreateEndpoint(c.Request().Context(), currentUser(c).OrganisationID,
		models.EndpointInput{URL: in.URL, Description: in.Description, Events: in.Events})
	if err != nil {
		return err
	}
	out := h.apiEndpointOf(e)
	if out.Secret, err = h.store.EndpointSecret(e); err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, h.link(apiPrefix+"/endpoints/"+itoa(e.ID)))
	return c.JSON(http.StatusCreated, out)
}

func (h *Handler) apiDeleteEndpoint(c echo.Context) error {
	e, err := h.endpoint(c)
	if err != nil {
		return err
	}
	if err := h.store.DeleteEndpoint(c.Request().Context(), e.OrganisationID, e.ID); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// apiImport is a client import as the API shows it.
type apiImport struct {
	ID          int64           `json:"id"`
	State       string          `json:"state"`
	Mode        string          `json:"mode"`
	Rows        int             `json:"rows"`
	Ready       int             `json:"ready"` // rows the mode creates
	Created     int             `json:"created"`
	NotImported int             `json:"not_imported"`
	AtSinch     int             `json:"at_sinch"` // submit: created clients Sinch has
	Problems    []apiRowProblem `json:"problems"` // every problem of a row the mode leaves out
	Result      string          `json:"result"`   // the result CSV, one line per row
	CreatedAt   time.Time       `json:"created_at"`
	FinishedAt  *time.Time      `json:"finished_at"`
}

type apiRowProblem struct {
	Line    int    `json:"line"`
	Column  string `json:"column"`
	Message string `json:"message"`
}

// apiCreateImport checks a CSV body (the template's columns) and starts
// it in the mode asked for (?mode=draft or submit); rows with problems
// are left out and listed.
func (h *Handler) apiCreateImport(c echo.Context) error {
	mode := c.QueryParam("mode")
	if mode != models.ImportDraft && mode != models.ImportSubmit {
		return models.ValidationError{"mode": "Use mode=draft or mode=submit."}
	}
	c.Request().Body = http.MaxBytesReader(c.Response(), c.Request().Body, models.ImportMaxBytes+1)
	u := currentUser(c)
	ctx := c.Request().Context()
	im, err := h.store.CreateImport(ctx, u.OrganisationID, *u, "api-"+h.store.Now().UTC().Format("20060102-150405")+".csv", c.Request().Body)
	if err != nil {
		return err
	}
	if im, err = h.store.StartImport(ctx, u.OrganisationID, im.ID, mode); err != nil {
		return err
	}
	h.runImport(*u, im.ID)
	c.Response().Header().Set(echo.HeaderLocation, h.link(apiPrefix+"/imports/"+itoa(im.ID)))
	out, err := h.apiImportOf(c, im)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusAccepted, out)
}

func (h *Handler) apiShowImport(c echo.Context) error {
	im, err := h.importParam(c)
	if err != nil {
		return err
	}
	out, err := h.apiImportOf(c, im)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

func (h *Handler) apiImportOf(c echo.Context, im models.Import) (apiImport, error) {
	ctx := c.Request().Context()
	p, err := h.importProgress(ctx, im)
	if err != nil {
		return apiImport{}, err
	}
	out := apiImport{ID: im.ID, State: im.State, Mode: im.Mode, Rows: im.Rows, Ready: im.Ready(im.Mode), Created: im.Created,
		NotImported: im.Rows - im.Ready(im.Mode), AtSinch: p.AtSinch, Problems: []apiRowProblem{},
		Result:    h.link(apiPrefix + "/imports/" + itoa(im.ID) + "/result.csv"),
		CreatedAt: im.CreatedAt, FinishedAt: im.FinishedAt}
	if im.State == models.ImportDone {
		out.NotImported = im.Skipped + im.Failed
	}
	rows, _, err := h.store.ImportRows(ctx, im.OrganisationID, im.ID, true, im.Mode, 0, models.ImportMaxRows)
	if err != nil {
		return apiImport{}, err
	}
	for _, r := range rows {
		problems, _ := r.CellProblems()
		for _, col := range models.ImportColumns {
			if msg, ok := problems[col]; ok {
				out.Problems = append(out.Problems, apiRowProblem{Line: r.Line, Column: col, Message: msg})
			}
		}
	}
	return out, nil
}
