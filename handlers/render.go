package handlers

import (
	"bytes"
	"net/http"
	"reflect"
	"sync"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"wabadesk/views"
)

// render writes a component with status. It renders into a buffer first so a
// template error becomes a clean 500 page, not half a page.
func render(c echo.Context, status int, cmp templ.Component) error {
	buf := renderBuffers.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= maxPooledBuffer {
			buf.Reset()
			renderBuffers.Put(buf)
		}
	}()
	if err := cmp.Render(c.Request().Context(), buf); err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.HTMLBlob(status, buf.Bytes()) // written (or compressed) before it returns
}

// renderBuffers are reused: a 50-row list is ~32 KB, and growing a fresh
// buffer to that size for every page was a good part of the garbage per
// request. Rare huge pages are not kept.
var renderBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

const maxPooledBuffer = 256 << 10

// page builds the frame data every full page needs.
func (h *Handler) page(c echo.Context, title, nav string) views.Page {
	p := views.Page{Title: title, Nav: nav, Flashes: h.flashes(c)}
	if tok, ok := c.Get(middleware.DefaultCSRFConfig.ContextKey).(string); ok {
		p.CSRF = tok
	}
	if u := currentUser(c); u != nil {
		p.User = &views.Viewer{ID: u.ID, Name: u.Name, Email: u.Email, OrgName: u.Organisation.Name, Role: u.Role}
	}
	return p
}

// livePage is page for a page that refreshes itself: on each event from
// the stream at events its live region re-fetches self (a GET URL, also when
// the page is a re-rendered POST form).
func (h *Handler) livePage(c echo.Context, title, nav, events, self string) views.Page {
	p := h.page(c, title, nav)
	p.Live, p.Self = h.liveURL(c, events), self
	return p
}

// redirect is the "G" of POST-redirect-GET.
func redirect(c echo.Context, to string) error { return c.Redirect(http.StatusSeeOther, to) }

// formOf turns a bound form struct back into what the page shows, using the
// same `form` tags c.Bind used, so nothing typed is lost on a 422.
func formOf(v any, errs map[string]string) views.Form {
	f := views.Form{Values: map[string]string{}, Errors: errs}
	rv := reflect.Indirect(reflect.ValueOf(v))
	for i := 0; i < rv.NumField(); i++ {
		if tag := rv.Type().Field(i).Tag.Get("form"); tag != "" && rv.Field(i).Kind() == reflect.String {
			f.Values[tag] = rv.Field(i).String()
		}
	}
	return f
}
