package provisioning

import (
	"bytes"
	"encoding/json"
)

// Nullable is a tri-state JSON value for PATCH bodies: absent (the zero
// value, omitted with `omitzero`), explicit null (Sinch deletes the value),
// or a value. A plain pointer cannot tell absent from null.
type Nullable[T any] struct {
	set   bool
	null  bool
	value T
}

// Set returns a Nullable holding v.
func Set[T any](v T) Nullable[T] { return Nullable[T]{set: true, value: v} }

// Null returns a Nullable that encodes as JSON null.
func Null[T any]() Nullable[T] { return Nullable[T]{set: true, null: true} }

// IsZero reports whether the value is absent; used by `omitzero`.
func (n Nullable[T]) IsZero() bool { return !n.set }

// IsNull reports whether the value is an explicit null.
func (n Nullable[T]) IsNull() bool { return n.set && n.null }

// Get returns the value and whether one is present (not absent, not null).
func (n Nullable[T]) Get() (T, bool) { return n.value, n.set && !n.null }

// MarshalJSON encodes null or the value.
func (n Nullable[T]) MarshalJSON() ([]byte, error) {
	if !n.set || n.null {
		return []byte("null"), nil
	}
	return json.Marshal(n.value)
}

// UnmarshalJSON decodes null or a value; absence leaves the zero value.
func (n *Nullable[T]) UnmarshalJSON(b []byte) error {
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		*n = Null[T]()
		return nil
	}
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*n = Set(v)
	return nil
}
