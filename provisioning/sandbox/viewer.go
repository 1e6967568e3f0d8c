package sandbox

import (
	"context"
	"net/http"
	"strings"
)

// Run alone, the sandbox's pages (overview, Meta stand-in, phone inbox)
// show every project: it is one developer's simulator. Embedded in a
// multi-tenant app, the app says per request which projects its visitor may
// see and act on, and an opaque access parameter of its own (a signed grant
// on a client's link) is kept on the stand-in's forms and redirects.

type visibleKey struct{}

// WithVisible limits the pages of the request carrying ctx to the projects
// visible reports true for.
func WithVisible(ctx context.Context, visible func(projectID string) bool) context.Context {
	return context.WithValue(ctx, visibleKey{}, visible)
}

// AccessParam is the query or form parameter the pages carry along.
const AccessParam = "access"

// BackParam names a path of the embedding app (the client's set-up page)
// the Meta stand-in links back to, as the real Meta would not.
const BackParam = "back"

// backPath returns the request's back path when it is a plain local path.
func backPath(r *http.Request) string {
	b := r.FormValue(BackParam)
	if !strings.HasPrefix(b, "/") || strings.HasPrefix(b, "//") || strings.ContainsAny(b, "\\\r\n\t") {
		return ""
	}
	return b
}

// visible reports whether the request may see the project.
func visible(r *http.Request, projectID string) bool {
	f, ok := r.Context().Value(visibleKey{}).(func(string) bool)
	return !ok || f(projectID)
}
