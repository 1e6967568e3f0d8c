package handlers_test

import (
	"bufio"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// Pages go out compressed as browsers ask; tiny answers and event streams
// (which must reach the browser event by event) do not.
func TestResponsesAreCompressedWhereItHelps(t *testing.T) {
	app := mustApp(t)
	b := app.browser()
	b.mustSignup("Acme", "ana@acme.test")
	raw := &http.Client{Jar: b.client.Jar, Transport: &http.Transport{DisableCompression: true}}
	get := func(ctx context.Context, path, accept string) *http.Response {
		t.Helper()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, app.srv.URL+path, nil)
		req.Header.Set("Accept-Encoding", accept)
		res, err := raw.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}

	res := get(t.Context(), "/clients", "gzip")
	defer res.Body.Close()
	if res.Header.Get("Content-Encoding") != "gzip" || !strings.Contains(res.Header.Get("Vary"), "Accept-Encoding") {
		t.Fatalf("list: Content-Encoding %q, Vary %q", res.Header.Get("Content-Encoding"), res.Header.Get("Vary"))
	}
	zr, err := gzip.NewReader(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if page, _ := io.ReadAll(zr); !strings.Contains(string(page), "<h1>Clients</h1>") {
		t.Fatalf("the gzipped list is not the list: %.200q", page)
	}

	if enc := get(t.Context(), "/clients", "gzip, deflate, br, zstd").Header.Get("Content-Encoding"); enc != "zstd" && enc != "gzip" {
		t.Fatalf("a browser offering zstd got Content-Encoding %q", enc)
	}
	if enc := get(t.Context(), "/clients", "").Header.Get("Content-Encoding"); enc != "" {
		t.Fatalf("a client offering nothing got Content-Encoding %q", enc)
	}
	if enc := get(t.Context(), "/healthz", "gzip").Header.Get("Content-Encoding"); enc != "" {
		t.Fatalf("a 2-byte answer was compressed (%q)", enc)
	}

	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	stream := get(ctx, "/events", "gzip")
	defer stream.Body.Close()
	if enc := stream.Header.Get("Content-Encoding"); enc != "" {
		t.Fatalf("event stream compressed (%q)", enc)
	}
	if line, err := bufio.NewReader(stream.Body).ReadString('\n'); err != nil || line != "retry: 2000\n" {
		t.Fatalf("event stream starts with %q (%v)", line, err)
	}
}
