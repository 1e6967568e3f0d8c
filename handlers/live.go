package handlers

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"wabadesk/models"
)

// liveHeartbeat keeps proxies from closing an idle event stream.
const liveHeartbeat = 20 * time.Second

// liveCoalesce gathers a burst of changes into one refresh.
const liveCoalesce = 50 * time.Millisecond

// startKey holds when a request began (markStart).
const startKey = "wabadesk.start"

// markStart notes when a request began: whatever a page shows was read
// after that moment.
func markStart(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Set(startKey, time.Now())
		return next(c)
	}
}

// liveURL is the event stream URL a page being rendered subscribes to. It
// carries when the request began, so the stream replays a change made
// between reading the page's data and subscribing (or while a lost
// connection was away), which would otherwise leave the page stale.
func (h *Handler) liveURL(c echo.Context, events string) string {
	start, _ := c.Get(startKey).(time.Time)
	sep := "?"
	if strings.Contains(events, "?") {
		sep = "&"
	}
	return events + sep + "since=" + strconv.FormatInt(start.UnixMicro(), 10) + "&from=" + h.store.Changes.Origin()
}

// streamChanges serves Server-Sent Events: one "change" event whenever a
// client of the viewer's organisation changes (only that client with
// ?client=ID). Pages refresh their live region on it (htmx sse extension);
// without JavaScript they simply work with a reload.
func (h *Handler) streamChanges(c echo.Context) error {
	only, _ := strconv.ParseInt(c.QueryParam("client"), 10, 64)
	return h.stream(c, currentUser(c).OrganisationID, func(ch models.Change) bool { return only == 0 || ch.ClientID == only })
}

// stream writes change events for tenantID that pass keep until the client
// goes away or the server shuts down.
func (h *Handler) stream(c echo.Context, tenantID int64, keep func(models.Change) bool) error {
	changes, cancel := h.store.Changes.Subscribe(tenantID)
	defer cancel()
	defer h.cfg.Metrics.streamOpened()()
	w := c.Response()
	// The server's read and write timeouts (main) bound ordinary requests;
	// a stream lifts the read deadline (the request is read; a timeout there
	// would cancel it) and moves its write deadline on before every write.
	rc := http.NewResponseController(w)
	_ = rc.SetReadDeadline(time.Time{})
	extend := func() { _ = rc.SetWriteDeadline(time.Now().Add(2 * liveHeartbeat)) }
	extend()
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no") // nginx: do not buffer the stream
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, "retry: 2000\n\n")
	// Subscribed first, then asked: a change is either replayed or queued.
	if us, err := strconv.ParseInt(c.QueryParam("since"), 10, 64); err == nil &&
		h.store.Changes.ChangedSince(tenantID, time.UnixMicro(us), c.QueryParam("from")) {
		fmt.Fprint(w, "event: change\ndata: 0\n\n")
	}
	w.Flush()
	heartbeat := time.NewTicker(liveHeartbeat)
	defer heartbeat.Stop()
	for {
		select {
		case <-c.Request().Context().Done():
			return nil
		case <-h.cfg.Done:
			return nil
		case <-heartbeat.C:
			extend()
			fmt.Fprint(w, ": keep-alive\n\n")
		case ch := <-changes:
			if !keep(ch) {
				continue
			}
			time.Sleep(liveCoalesce)
			for drained := false; !drained; {
				select {
				case <-changes:
				default:
					drained = true
				}
			}
			extend()
			fmt.Fprintf(w, "event: change\ndata: %d\n\n", ch.ClientID)
		}
		w.Flush()
	}
}
