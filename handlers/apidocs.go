package handlers

import (
	_ "embed"
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"wabadesk/views"
)

// openAPI is the API's contract; the API tests validate every request and
// response against it, so it says what the server does.
//
//go:embed openapi.json
var openAPI []byte

func (h *Handler) showOpenAPI(c echo.Context) error {
	c.Response().Header().Set("Cache-Control", "public, max-age=300")
	return c.Blob(http.StatusOK, "application/json", openAPI)
}

// apiDoc is the part of the OpenAPI document the reference page shows.
type apiDoc struct {
	Info struct {
		Title       string `json:"title"`
		Description string `json:"description"`
	} `json:"info"`
	Paths    map[string]map[string]json.RawMessage `json:"paths"`
	Webhooks map[string]struct {
		Post apiOperation `json:"post"`
	} `json:"webhooks"`
	Components struct {
		Schemas map[string]struct {
			Properties struct {
				Data struct {
					Properties map[string]json.RawMessage `json:"properties"`
				} `json:"data"`
			} `json:"properties"`
		} `json:"schemas"`
		Responses map[string]struct {
			Description string `json:"description"`
		} `json:"responses"`
		Parameters map[string]struct {
			Name        string `json:"name"`
			In          string `json:"in"`
			Description string `json:"description"`
		} `json:"parameters"`
	} `json:"components"`
}

type apiOperation struct {
	Summary     string `json:"summary"`
	Description string `json:"description"`
	Parameters  []struct {
		Ref         string `json:"$ref"`
		Name        string `json:"name"`
		In          string `json:"in"`
		Description string `json:"description"`
	} `json:"parameters"`
	RequestBody *struct {
		Content map[string]struct {
			Schema struct {
				Ref string `json:"$ref"`
			} `json:"schema"`
		} `json:"content"`
	} `json:"requestBody"`
	Responses map[string]struct {
		Ref         string `json:"$ref"`
		Description string `json:"description"`
	} `json:"responses"`
}

// showAPIDocs is the readable reference, built from the same document.
func (h *Handler) showAPIDocs(c echo.Context) error {
	var doc apiDoc
	if err := json.Unmarshal(openAPI, &doc); err != nil {
		return err
	}
	v := views.APIDocsView{Title: doc.Info.Title, Intro: doc.Info.Description, Base: h.link(apiPrefix), Spec: apiPrefix + "/openapi.json"}
	for _, path := range slices.Sorted(maps.Keys(doc.Paths)) {
		for _, method := range []string{"get", "post", "patch", "delete"} {
			raw, ok := doc.Paths[path][method]
			if !ok {
				continue
			}
			var op apiOperation
			if err := json.Unmarshal(raw, &op); err != nil {
				return err
			}
			o := views.APIOp{Method: strings.ToUpper(method), Path: path, Summary: op.Summary, Description: op.Description, Body: op.RequestBody != nil}
			for _, p := range op.Parameters {
				if p.Ref != "" {
					ref := doc.Components.Parameters[strings.TrimPrefix(p.Ref, "#/components/parameters/")]
					p.Name, p.In, p.Description = ref.Name, ref.In, ref.Description
				}
				o.Params = append(o.Params, views.KV{Label: p.Name + " (" + p.In + ")", Value: p.Description})
			}
			for _, code := range slices.Sorted(maps.Keys(op.Responses)) {
				r := op.Responses[code]
				desc := r.Description
				if desc == "" {
					desc = doc.Components.Responses[strings.TrimPrefix(r.Ref, "#/components/responses/")].Description
				}
				o.Responses = append(o.Responses, views.KV{Label: code, Value: desc})
			}
			v.Ops = append(v.Ops, o)
		}
	}
	for _, typ := range slices.Sorted(maps.Keys(doc.Webhooks)) {
		op := doc.Webhooks[typ].Post
		o := views.APIOp{Method: "POST", Path: typ, Summary: op.Summary, Description: op.Description}
		for _, p := range op.Parameters {
			o.Params = append(o.Params, views.KV{Label: p.Name + " (" + p.In + ")", Value: p.Description})
		}
		if op.RequestBody != nil {
			schema := doc.Components.Schemas[strings.TrimPrefix(op.RequestBody.Content["application/json"].Schema.Ref, "#/components/schemas/")]
			o.Data = slices.Sorted(maps.Keys(schema.Properties.Data.Properties))
		}
		v.Events = append(v.Events, o)
	}
	return render(c, http.StatusOK, views.APIDocsPage(h.page(c, "API reference", "api"), v))
}
