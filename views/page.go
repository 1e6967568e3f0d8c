// Package views renders wabadesk's HTML with templ. Pages receive
// display-ready view models (labels, badge classes, URLs) so templates hold
// only if and for.
//
// It may import models (read-only: types and their label methods) and static.
package views

import (
	"maps"
	"slices"
	"strconv"

	"wabadesk/models"
)

// Page is what every full page needs from the request: who is looking, the
// CSRF token for forms, one-time messages, and which nav item is current.
type Page struct {
	Title   string
	Nav     string
	CSRF    string
	User    *Viewer
	Flashes []Flash
	// Live is the event stream the page listens to, and Self the URL its
	// live region is refreshed from; empty for static pages.
	Live string
	Self string
}

// Viewer is the logged-in staff member, as the layout shows them.
type Viewer struct {
	ID      int64
	Name    string
	Email   string
	OrgName string
	Role    models.Role
}

// Can reports whether the viewer's role includes min; templates use it to
// hide what the server would refuse anyway.
func (v *Viewer) Can(min models.Role) bool { return v != nil && v.Role.AtLeast(min) }

// Flash is a one-time message shown at the top of the next page.
type Flash struct {
	Kind    string // success, error, info, warning
	Message string
}

// Form carries what was typed and the per-field messages, so a rejected form
// comes back with nothing lost.
type Form struct {
	Values map[string]string
	Errors map[string]string
	Names  map[string][]NameNote // display-name rules the typed names seem to break, by field
}

// NameNote is one of Meta's display-name rules a typed name seems to break
// (models.LintDisplayName); a hint is a low-confidence one.
type NameNote struct {
	Rule, Message string
	Hint          bool
}

// Value returns what was typed in field.
func (f Form) Value(field string) string { return f.Values[field] }

// Error returns the message for field, or "".
func (f Form) Error(field string) string { return f.Errors[field] }

// FieldError is one field's message, for the error summary.
type FieldError struct{ Field, Message string }

// FieldErrors lists the messages of fields (not the form's own), in field
// name order; the page's script puts them in the order of the form.
func (f Form) FieldErrors() []FieldError {
	var out []FieldError
	for _, k := range slices.Sorted(maps.Keys(f.Errors)) {
		if k != "" {
			out = append(out, FieldError{Field: k, Message: f.Errors[k]})
		}
	}
	return out
}

// Field describes one labelled input.
type Field struct {
	Name         string
	Label        string
	Type         string // text (default), email, password, url, tel, number
	Hint         string
	Autocomplete string
	Required     bool
	MaxLength    int
	Autofocus    bool
	// Check is the URL that checks a display name as it is typed (htmx);
	// CheckInclude names other inputs it needs (the client's name).
	Check, CheckInclude string
}

// Option is one choice of a select.
type Option struct {
	Value string
	Label string
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }
