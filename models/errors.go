package models

import (
	"errors"
	"sort"
	"strconv"
	"strings"
)

// Error kinds the store returns. handlers/errors.go maps each to one HTTP status.
var (
	// ErrNotFound means the row does not exist or belongs to another tenant.
	ErrNotFound = errors.New("not found")
	// ErrConflict means a uniqueness rule was broken (duplicate e-mail, BM ID...).
	ErrConflict = errors.New("conflict")
	// ErrForbidden means the actor may not do this (role too low, self-removal...).
	ErrForbidden = errors.New("forbidden")
)

// ValidationError carries one message per form field so the page can show
// each next to its input.
type ValidationError map[string]string

func (v ValidationError) Error() string {
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, k+": "+v[k])
	}
	return "invalid: " + strings.Join(parts, "; ")
}

// Add records msg for field unless the field already has a message, so the
// first (most basic) problem is the one shown.
func (v ValidationError) Add(field, msg string) {
	if _, ok := v[field]; !ok {
		v[field] = msg
	}
}

// Err returns v as an error, or nil when no field failed.
func (v ValidationError) Err() error {
	if len(v) == 0 {
		return nil
	}
	return v
}

// AsValidation extracts field messages from err, if it carries any.
func AsValidation(err error) (ValidationError, bool) {
	var v ValidationError
	if errors.As(err, &v) {
		return v, true
	}
	return nil, false
}

func itoa(n int) string { return strconv.Itoa(n) }
