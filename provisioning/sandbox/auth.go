package sandbox

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"strings"
	"time"
)

// AddKey accepts another access key from now on.
func (s *Sandbox) AddKey(keyID, secret string) {
	s.lock()
	s.st.Keys[keyID] = secret
	s.changed()
	s.unlock()
}

// ExpireTokens invalidates every OAuth2 token issued so far, as if they had
// all expired; clients must fetch new ones.
func (s *Sandbox) ExpireTokens() {
	s.lock()
	clear(s.tokens)
	s.unlock()
}

// authed lets through requests with a known Basic key or a live Bearer token.
func (s *Sandbox) authed(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.authorized(r) {
			writeError(w, fail("unauthorized_error"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Sandbox) authorized(r *http.Request) bool {
	if id, secret, ok := r.BasicAuth(); ok {
		return s.validKey(id, secret)
	}
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || tok == "" {
		return false
	}
	s.lock()
	defer s.unlock()
	exp, ok := s.tokens[tok]
	return ok && s.opts.Now().Before(exp)
}

func (s *Sandbox) validKey(id, secret string) bool {
	s.lock()
	want, ok := s.st.Keys[id]
	s.unlock()
	return ok && subtle.ConstantTimeCompare([]byte(want), []byte(secret)) == 1
}

// token is the OAuth2 client-credentials endpoint (auth.sinch.com/oauth2/token).
func (s *Sandbox) token(w http.ResponseWriter, r *http.Request) {
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.PostFormValue("client_id"), r.PostFormValue("client_secret")
	}
	if r.PostFormValue("grant_type") != "client_credentials" {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "unsupported_grant_type"})
		return
	}
	if !s.validKey(id, secret) {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_client"})
		return
	}
	tok := randomHex(24)
	s.lock()
	s.tokens[tok] = s.opts.Now().Add(s.opts.TokenTTL)
	s.unlock()
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": tok, "token_type": "bearer",
		"expires_in": int(s.opts.TokenTTL / time.Second), "scope": "",
	})
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
