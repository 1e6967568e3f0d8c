// Package static embeds the stylesheet, images and vendored scripts and serves
// them under content-hashed names, so browsers may cache them forever and a
// new build is fetched at once.
//
// It imports only the standard library.
package static

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"sync"
)

//go:embed *.css *.svg vendor/*.js *.js
var files embed.FS

// Prefix is where the assets are mounted.
const Prefix = "/static/"

// names maps "app.css" to "app.1a2b3c4d.css" and back. Hashing the few
// embedded files once, on first use, keeps the build free of an asset step.
var names = sync.OnceValue(func() (m struct{ hashed, unhashed map[string]string }) {
	m.hashed, m.unhashed = map[string]string{}, map[string]string{}
	_ = fs.WalkDir(files, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := files.ReadFile(p)
		sum := sha256.Sum256(b)
		ext := path.Ext(p)
		name := strings.TrimSuffix(p, ext) + "." + hex.EncodeToString(sum[:4]) + ext
		m.hashed[p], m.unhashed[name] = name, p
		return nil
	})
	return m
})

// URL returns the cache-busted URL of an embedded file such as "app.css".
func URL(name string) string {
	if h, ok := names().hashed[name]; ok {
		return Prefix + h
	}
	return Prefix + name
}

// Handler serves hashed names with a one-year immutable cache and plain names
// (for old links) without one.
func Handler() http.Handler {
	fileServer := http.FileServer(http.FS(files))
	return http.StripPrefix(Prefix, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if orig, ok := names().unhashed[r.URL.Path]; ok {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
			r.URL.Path = orig
		} else if _, ok := names().hashed[r.URL.Path]; ok {
			w.Header().Set("Cache-Control", "no-cache")
		} else {
			http.NotFound(w, r)
			return
		}
		fileServer.ServeHTTP(w, r)
	}))
}
