package handlers

import (
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"

	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"
)

// The session cookie carries the user, the session version and flashes
// through a real save and load; a value the codec does not know is refused
// instead of vanishing.
func TestSessionCookieRoundTrip(t *testing.T) {
	store := newSessionStore([]byte("0123456789abcdef0123456789abcdef"), false)
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	s, _ := store.Get(req, sessionName)
	s.Values["sid"], s.Values["uid"], s.Values["org"], s.Values["ver"] = "abc", int64(42), int64(7), 3
	s.AddFlash("success|Saved.")
	s.AddFlash("error|Not | quite")
	next := withSavedCookie(t, s, req)
	got, err := store.Get(next, sessionName)
	if err != nil || got.IsNew {
		t.Fatalf("cookie not read back: new=%v err=%v", got.IsNew, err)
	}
	want := map[any]any{"sid": "abc", "uid": int64(42), "org": int64(7), "ver": 3, flashKey: []any{"success|Saved.", "error|Not | quite"}}
	if !reflect.DeepEqual(got.Values, want) {
		t.Fatalf("values = %#v, want %#v", got.Values, want)
	}

	got.Values["other"] = 1.5
	if err := got.Save(next, httptest.NewRecorder()); err == nil {
		t.Fatal("an unknown session value was saved without complaint")
	}
}

// A cookie written by the old gob codec is still read, so an upgrade does
// not log everyone out.
func TestSessionCookieFromGobStillReads(t *testing.T) {
	secret := []byte("0123456789abcdef0123456789abcdef")
	old := newSessionStore(secret, false)
	for _, c := range old.Codecs {
		c.(*securecookie.SecureCookie).SetSerializer(securecookie.GobEncoder{})
	}
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	s, _ := old.Get(req, sessionName)
	s.Values["uid"], s.Values["ver"] = int64(42), 3
	got, err := newSessionStore(secret, false).Get(withSavedCookie(t, s, req), sessionName)
	if err != nil || got.Values["uid"] != int64(42) || got.Values["ver"] != 3 {
		t.Fatalf("gob cookie read as %#v (%v)", got.Values, err)
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
