package handlers

import (
	"encoding/json"
	"fmt"

	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"
)

// sessionCodec writes the session's few values as JSON instead of
// securecookie's default gob: gob compiles its type description again on
// every decode, which made reading the cookie an eighth of the client list's
// CPU. The cookie is still signed and encrypted by securecookie; only the
// plaintext inside changes. Values other than these are refused on save, so
// nothing put in the session is silently dropped.
type sessionCodec struct{}

// sessionValues is everything wabadesk keeps in the session.
type sessionValues struct {
	SID   string   `json:"sid,omitempty"`   // the server-side session's token, new at every log-in
	Org   int64    `json:"org,omitempty"`   // the user's organisation (the session cache's key)
	Flash []string `json:"flash,omitempty"` // messages for the next page
}

// flashKey is where gorilla/sessions keeps flashes without a named key.
const flashKey = "_flash"

func useSessionCodec(s *sessions.CookieStore) {
	for _, c := range s.Codecs {
		if sc, ok := c.(*securecookie.SecureCookie); ok {
			sc.SetSerializer(sessionCodec{})
		}
	}
}

func (sessionCodec) Serialize(src any) ([]byte, error) {
	m, ok := src.(map[any]any)
	if !ok {
		return nil, fmt.Errorf("session: cannot keep a %T", src)
	}
	var v sessionValues
	for key, val := range m {
		switch key {
		case "sid":
			v.SID, ok = val.(string)
		case "org":
			v.Org, ok = val.(int64)
		case flashKey:
			var list []any
			list, ok = val.([]any)
			for _, f := range list {
				s, isString := f.(string)
				ok = ok && isString
				v.Flash = append(v.Flash, s)
			}
		default:
			ok = false
		}
		if !ok {
			return nil, fmt.Errorf("session: value %v of type %T is not one wabadesk keeps", key, val)
		}
	}
	return json.Marshal(v)
}

func (sessionCodec) Deserialize(src []byte, dst any) error {
	m, ok := dst.(*map[any]any)
	if !ok {
		return fmt.Errorf("session: cannot read into a %T", dst)
	}
	var v sessionValues
	if err := json.Unmarshal(src, &v); err != nil {
		return err // an old or foreign cookie: the browser starts a new session
	}
	if *m == nil {
		*m = map[any]any{}
	}
	if v.SID != "" {
		(*m)["sid"] = v.SID
	}
	if v.Org != 0 {
		(*m)["org"] = v.Org
	}
	if len(v.Flash) > 0 {
		list := make([]any, len(v.Flash))
		for i, f := range v.Flash {
			list[i] = f
		}
		(*m)[flashKey] = list
	}
	return nil
}
