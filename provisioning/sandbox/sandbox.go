package sandbox

import (
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Sandbox is the simulated Sinch Provisioning API. It is safe for
// concurrent use; all state sits behind one mutex.
type Sandbox struct {
	opts   Options
	mux    *http.ServeMux
	faults *faultState

	mu     sync.Mutex
	st     *state
	tokens map[string]time.Time // OAuth2 token -> expiry
	outbox []job                // callbacks to send once mu is released
	dirty  bool
	stats  Stats

	courier courier
}

// New builds a sandbox, loading Options.StatePath when set. A state file
// that cannot be read is moved aside and the sandbox starts empty: its data
// is disposable, and the app must still start.
func New(opts Options) *Sandbox {
	opts.defaults()
	s := &Sandbox{opts: opts, st: newState(), tokens: map[string]time.Time{}}
	if opts.StatePath != "" {
		st, err := loadState(opts.StatePath)
		if err != nil {
			opts.Logf("sandbox: %v (starting empty, old file kept as .broken)", err)
			_ = renameBroken(opts.StatePath)
		}
		s.st = st
	}
	for id, secret := range opts.Keys {
		s.st.Keys[id] = secret
	}
	s.faults = newFaultState(opts.Faults)
	s.courier.init(s)
	s.mux = s.routes()
	return s
}

// ServeHTTP serves the API, the token endpoint and the stand-in pages.
func (s *Sandbox) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mux.ServeHTTP(w, r)
}

// routes is the route table: the Sinch API as in the OpenAPI description,
// then the sandbox's own pages.
func (s *Sandbox) routes() *http.ServeMux {
	m := http.NewServeMux()
	api := func(pattern string, fn apiFunc) { m.Handle(pattern, s.faulty(s.authed(s.api(fn)))) }
	api("GET /v1/projects/{projectId}/whatsapp", s.getAccount)
	api("POST /v1/projects/{projectId}/whatsapp", s.createAccount)
	api("PATCH /v1/projects/{projectId}/whatsapp", s.updateAccount)
	api("DELETE /v1/projects/{projectId}/whatsapp", s.deleteAccount)
	api("GET /v1/projects/{projectId}/whatsapp/activities", s.listAccountActivities)
	api("POST /v1/projects/{projectId}/whatsapp/comments", s.addAccountComment)
	api("GET /v1/projects/{projectId}/whatsapp/senders", s.listSenders)
	api("POST /v1/projects/{projectId}/whatsapp/senders", s.createSender)
	api("GET /v1/projects/{projectId}/whatsapp/senders/{senderId}", s.getSender)
	api("PATCH /v1/projects/{projectId}/whatsapp/senders/{senderId}", s.updateSender)
	api("DELETE /v1/projects/{projectId}/whatsapp/senders/{senderId}", s.deleteSender)
	api("DELETE /v1/projects/{projectId}/whatsapp/senders/{senderId}/changes", s.deleteSenderChanges)
	api("GET /v1/projects/{projectId}/whatsapp/senders/{senderId}/activities", s.listSenderActivities)
	api("POST /v1/projects/{projectId}/whatsapp/senders/{senderId}/comments", s.addSenderComment)
	api("POST /v1/projects/{projectId}/whatsapp/senders/{senderId}/register", s.registerSender)
	api("POST /v1/projects/{projectId}/whatsapp/senders/{senderId}/verify", s.verifySender)
	api("GET /v1/projects/{projectId}/webhooks", s.listWebhooks)
	api("POST /v1/projects/{projectId}/webhooks", s.createWebhook)
	api("GET /v1/projects/{projectId}/webhooks/{webhookId}", s.getWebhook)
	api("PUT /v1/projects/{projectId}/webhooks/{webhookId}", s.replaceWebhook)
	api("PATCH /v1/projects/{projectId}/webhooks/{webhookId}", s.updateWebhook)
	api("DELETE /v1/projects/{projectId}/webhooks/{webhookId}", s.deleteWebhook)
	m.Handle("/v1/", s.authed(http.HandlerFunc(notFound)))
	m.Handle("POST /oauth2/token", s.faulty(http.HandlerFunc(s.token)))
	m.HandleFunc("GET /meta/latest/settings/requests", s.metaPage)
	m.HandleFunc("POST /meta/latest/settings/requests/{requestId}/{decision}", s.metaDecide)
	m.HandleFunc("GET /inbox", s.inboxPage)
	m.HandleFunc("GET /stats", s.statsJSON)
	m.HandleFunc("GET /{$}", s.indexPage)
	s.controlRoutes(m)
	return m
}

// apiFunc handles one API call under the lock. It returns the status and
// body to write, or an error from the catalogue.
type apiFunc func(q *call) (int, any, *apiError)

// call is one API request as a handler sees it.
type call struct {
	r    *http.Request
	body []byte
	p    *project
	now  time.Time
}

func (s *Sandbox) api(fn apiFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			writeError(w, fail("invalid_payload"))
			return
		}
		s.lock()
		q := &call{r: r, body: body, p: s.st.project(r.PathValue("projectId")), now: s.now()}
		status, out, aerr := fn(q)
		s.unlock()
		switch {
		case aerr != nil:
			writeError(w, aerr)
		case out == nil:
			w.WriteHeader(status)
		default:
			writeJSON(w, status, out)
		}
	})
}

// notFound mimics NestJS's answer for unknown routes.
func notFound(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusNotFound, errorBody{ErrorCode: "not_found",
		Message: "Cannot " + r.Method + " " + r.URL.Path, Resolution: "Verify that the path is correct."})
}

func (s *Sandbox) lock() { s.mu.Lock() }

// unlock persists changes and releases the lock, then hands queued
// callbacks to the courier, so no network I/O happens under the lock.
func (s *Sandbox) unlock() {
	out := s.outbox
	s.outbox = nil
	if s.dirty && s.opts.StatePath != "" {
		if err := s.st.save(s.opts.StatePath); err != nil {
			s.opts.Logf("sandbox: save state: %v", err)
		}
	}
	s.dirty = false
	s.mu.Unlock()
	for _, j := range out {
		s.courier.send(j)
	}
}

// changed marks the state for saving.
func (s *Sandbox) changed() { s.dirty = true }

// publicURL is the base of every link the sandbox renders.
func (s *Sandbox) publicURL(r *http.Request) string {
	if s.opts.PublicURL != "" {
		return strings.TrimRight(s.opts.PublicURL, "/")
	}
	if r == nil {
		return ""
	}
	return "http://" + r.Host
}

// MetaRequestsURL is the base for provisioning.MetaApprovalLink that points
// at the sandbox's Meta stand-in (needs Options.PublicURL).
func (s *Sandbox) MetaRequestsURL() string {
	return strings.TrimRight(s.opts.PublicURL, "/") + "/meta/latest/settings/requests"
}
