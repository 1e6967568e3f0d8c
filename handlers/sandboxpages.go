package handlers

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"wabadesk/models"
	"wabadesk/provisioning/sandbox"
)

// The built-in sandbox (mounted at /sandbox) serves its API to this app,
// authenticated by its key, and pages for people: the overview, the Meta
// stand-in and the phone inbox. Those pages show and act only on what the
// visitor may see: staff of an organisation in sandbox mode their own
// clients' projects; a business client the one project their set-up page's
// Meta link names, by a signed access parameter that expires.

// sandboxAccessFor is how long a Meta link handed out stays usable.
const sandboxAccessFor = 7 * 24 * time.Hour

func (h *Handler) serveSandbox(c echo.Context) error {
	r := c.Request()
	rest := strings.TrimPrefix(r.URL.Path, sandboxPrefix)
	switch {
	case strings.HasPrefix(rest, "/v1/") || rest == "/oauth2/token":
	case rest == "/stats": // the standalone sandbox's counters, across everyone
		return models.ErrNotFound
	default:
		visible, err := h.sandboxVisible(c)
		if err != nil {
			return err
		}
		r = r.WithContext(sandbox.WithVisible(r.Context(), visible))
	}
	http.StripPrefix(sandboxPrefix, h.cfg.Sandbox).ServeHTTP(c.Response(), r)
	return nil
}

// sandboxVisible says which projects the visitor may see on the pages.
func (h *Handler) sandboxVisible(c echo.Context) (func(string) bool, error) {
	if project, ok := h.openSandboxAccess(c.Request().FormValue(sandbox.AccessParam)); ok {
		return func(p string) bool { return p == project }, nil
	}
	u := currentUser(c)
	if u == nil {
		return nil, errSandboxOff
	}
	ctx := c.Request().Context()
	set, err := h.store.SinchSettings(ctx, u.OrganisationID)
	if err != nil {
		return nil, err
	}
	if set.Mode == models.SinchLive { // their projects live at the real Sinch
		return func(string) bool { return false }, nil
	}
	// Read once, here: the sandbox asks for every project while it holds
	// its lock, which must never wait on the database.
	ids, err := h.store.ProjectIDs(ctx, u.OrganisationID)
	if err != nil {
		return nil, err
	}
	mine := make(map[string]bool, len(ids))
	for _, id := range ids {
		mine[id] = true
	}
	return func(p string) bool { return mine[p] }, nil
}

// sandboxAccess signs projectID until the given time.
func (h *Handler) sandboxAccess(projectID string, until time.Time) string {
	exp := strconv.FormatInt(until.Unix(), 10)
	return projectID + "." + exp + "." + h.sandboxMAC(projectID+"."+exp)
}

// openSandboxAccess returns the project a live access parameter names.
func (h *Handler) openSandboxAccess(access string) (string, bool) {
	i := strings.LastIndexByte(access, '.')
	if i < 0 {
		return "", false
	}
	signed, mac := access[:i], access[i+1:]
	j := strings.LastIndexByte(signed, '.')
	if j < 0 || !hmac.Equal([]byte(mac), []byte(h.sandboxMAC(signed))) {
		return "", false
	}
	exp, err := strconv.ParseInt(signed[j+1:], 10, 64)
	if err != nil || h.store.Now().Unix() > exp {
		return "", false
	}
	return signed[:j], true
}

func (h *Handler) sandboxMAC(msg string) string {
	m := hmac.New(sha256.New, deriveKey(h.cfg.SessionSecret, "sandbox-access"))
	m.Write([]byte(msg))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:16])
}

// metaLink is the client's approval link; at the sandbox's stand-in it
// carries the access that lets whoever holds it approve this one request.
func (h *Handler) metaLink(ctx context.Context, tenantID int64, cl models.Client) (string, bool) {
	link, isSandbox := h.onboard.MetaLink(ctx, tenantID, cl)
	if link == "" || !isSandbox {
		return link, isSandbox
	}
	sep := "?"
	if strings.Contains(link, "?") {
		sep = "&"
	}
	access := h.sandboxAccess(cl.ProjectID, h.store.Now().Add(sandboxAccessFor))
	return link + sep + sandbox.AccessParam + "=" + url.QueryEscape(access), isSandbox
}

// sandboxHome sends /sandbox to the sandbox's overview at /sandbox/.
func (h *Handler) sandboxHome(c echo.Context) error {
	return redirect(c, sandboxPrefix+"/")
}
