package handlers

import (
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"

	"github.com/gorilla/sessions"

	"wabadesk/models"
)

// The session cookie carries the session's token, the organisation and flashes
// through a real save and load; a value the codec does not know is refused
// instead of vanishing.
func TestSessionCookieRoundTrip(t *testing.T) {
	store := newSessionStore([]byte("0123456789abcdef0123456789abcdef"), false, models.DefaultSessionLimits.Absolute)
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	s, _ := store.Get(req, sessionName)
	s.Values["sid"], s.Values["org"] = "abc", int64(7)
	s.AddFlash("success|Saved.")
	s.AddFlash("error|Not | quite")
	next := withSavedCookie(t, s, req)
	got, err := store.Get(next, sessionName)
	if err != nil || got.IsNew {
		t.Fatalf("cookie not read back: new=%v err=%v", got.IsNew, err)
	}
	want := map[any]any{"sid": "abc", "org": int64(7), flashKey: []any{"success|Saved.", "error|Not | quite"}}
	if !reflect.DeepEqual(got.Values, want) {
		t.Fatalf("values = %#v, want %#v", got.Values, want)
	}

	got.Values["other"] = 1.5
	if err := got.Save(next, httptest.NewRecorder()); err == nil {
		t.Fatal("an unknown session value was saved without complaint")
	}
}

// withSavedCookie saves s as a response to req and returns the next request,
// carrying the cookie the browser would send back.
func withSavedCookie(t *testing.T, s *sessions.Session, req *http.Request) *http.Request {
	t.Helper()
	rec := httptest.NewRecorder()
	if err := s.Save(req, rec); err != nil {
		t.Fatal(err)
	}
	next := httptest.NewRequest(http.MethodGet, "/", nil)
	for _, c := range rec.Result().Cookies() {
		next.AddCookie(c)
	}
	return next
}
