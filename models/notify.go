package models

import (
	"context"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// changesChannel is the PostgreSQL channel instances share change notices on.
const changesChannel = "wabadesk_changes"

// ShareChangesViaPostgres makes every instance on the same PostgreSQL
// database hear every other instance's changes: Publish becomes a NOTIFY,
// and a LISTEN connection (reconnecting after failures) hands what arrives,
// including this instance's own notices, to Changes. It runs until ctx ends.
// With SQLite there is one process and Publish stays local.
func (s *Store) ShareChangesViaPostgres(ctx context.Context, dsn string, log *slog.Logger) {
	// Another instance may have served the page: its clock may be a little
	// off (NTP keeps it to milliseconds; a second is generous), and a change
	// replayed needlessly costs one cached refresh.
	s.Changes.allowSkew(time.Second)
	s.Publish = func(c Change) {
		c = s.Changes.stamp(c)
		if err := s.db.Exec("SELECT pg_notify(?, ?)", changesChannel, formatChange(c)).Error; err != nil {
			log.Warn("publish change failed; delivering locally", "error", err)
			s.Changes.Deliver(c)
			return
		}
		s.Changes.bump(c)
	}
	ready := make(chan struct{})
	go func() {
		wait := time.Second
		for ctx.Err() == nil {
			err := s.listen(ctx, dsn, ready)
			if ctx.Err() != nil {
				return
			}
			log.Warn("change listener lost its connection; reconnecting", "error", err, "in", wait)
			select {
			case <-ctx.Done():
			case <-time.After(wait):
			}
			wait = min(wait*2, 30*time.Second)
		}
	}()
	select { // start serving once the first LISTEN is in place (or soon anyway)
	case <-ready:
	case <-time.After(5 * time.Second):
	case <-ctx.Done():
	}
}

func (s *Store) listen(ctx context.Context, dsn string, ready chan struct{}) error {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+changesChannel); err != nil {
		return err
	}
	select {
	case <-ready:
	default:
		close(ready)
	}
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		if c, ok := parseChange(n.Payload); ok {
			s.Changes.Deliver(c)
		}
	}
}

// formatChange is a change's NOTIFY payload: tenant:client:µs:origin.
func formatChange(c Change) string {
	return strconv.FormatInt(c.TenantID, 10) + ":" + strconv.FormatInt(c.ClientID, 10) + ":" +
		strconv.FormatInt(c.At.UnixMicro(), 10) + ":" + c.Origin
}

// parseChange reads formatChange's payload, or the tenant:client an
// instance of an older release sends during a rolling upgrade (dated when
// heard, by Deliver).
func parseChange(payload string) (Change, bool) {
	f := strings.Split(payload, ":")
	if len(f) != 2 && len(f) != 4 {
		return Change{}, false
	}
	tenant, err1 := strconv.ParseInt(f[0], 10, 64)
	client, err2 := strconv.ParseInt(f[1], 10, 64)
	c := Change{TenantID: tenant, ClientID: client}
	if len(f) == 4 {
		us, err := strconv.ParseInt(f[2], 10, 64)
		if err != nil || f[3] == "" {
			return Change{}, false
		}
		c.At, c.Origin = time.UnixMicro(us), f[3]
	}
	return c, err1 == nil && err2 == nil
}
