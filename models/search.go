package models

import (
	"context"
	"database/sql"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"

	"github.com/mattn/go-sqlite3"
	"gorm.io/gorm"
)

// The client list's search is a literal, case-insensitive substring match
// on search_text (clientlist.go). At 100,000 clients a scan of that column
// is ~80 ms, so both databases answer it from a trigram index first and
// check the few candidates with the same LIKE:
//
//   - PostgreSQL: pg_trgm's GIN index on search_text, which LIKE '%…%'
//     uses by itself.
//   - SQLite: mattn/go-sqlite3 builds FTS5 (and its trigram tokenizer)
//     only with a build tag, which `go run .` cannot give; its default
//     FTS4 is there. So the trigrams are made here (sqliteTrigrams, a SQL
//     function of our driver), each hex-encoded into one FTS4 token, kept
//     in step with search_text by triggers; a query matches the documents
//     holding all of its trigrams.
//
// Queries shorter than a trigram scan, as before.

// sqliteDriver is mattn's driver with wabadesk_trigrams on every connection.
const sqliteDriver = "sqlite3_wabadesk"

var registerDriver sync.Once

func registerSQLiteDriver() {
	registerDriver.Do(func() {
		sql.Register(sqliteDriver, &sqlite3.SQLiteDriver{ConnectHook: func(c *sqlite3.SQLiteConn) error {
			return c.RegisterFunc("wabadesk_trigrams", sqliteTrigrams, true)
		}})
	})
}

// trigramTokens are the distinct trigrams of s (lower-cased runes), each
// hex-encoded so that FTS4's simple tokenizer keeps it whole.
func trigramTokens(s string) []string {
	r := []rune(strings.ToLower(s))
	seen := map[string]bool{}
	var out []string
	for i := 0; i+3 <= len(r); i++ {
		t := hex.EncodeToString([]byte(string(r[i : i+3])))
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}

func sqliteTrigrams(s string) string { return strings.Join(trigramTokens(s), " ") }

// trigramMatch is the FTS4 query for documents holding every trigram of
// each alternative (alternatives ORed); "" when one is too short to index.
func trigramMatch(alternatives ...string) string {
	var parts []string
	for _, a := range alternatives {
		ts := trigramTokens(a)
		if len(ts) == 0 {
			return ""
		}
		if len(ts) > 12 { // a dozen trigrams spread over the query narrow enough
			step := float64(len(ts)-1) / 11
			picked := make([]string, 12)
			for i := range picked {
				picked[i] = ts[int(float64(i)*step+0.5)]
			}
			ts = picked
		}
		parts = append(parts, "("+strings.Join(ts, " ")+")")
	}
	return strings.Join(parts, " OR ")
}

// migrateSearch creates the search index of the database in use, and on
// SQLite fills it for the clients it does not hold yet.
func (s *Store) migrateSearch(ctx context.Context) error {
	db := s.db.WithContext(ctx)
	if db.Dialector.Name() == "postgres" {
		// pg_trgm ships with PostgreSQL (contrib); without the right to
		// create it, search still works, by a scan.
		if err := db.Exec("CREATE EXTENSION IF NOT EXISTS pg_trgm").Error; err != nil {
			s.searchScan = true
			return nil
		}
		return db.Exec("CREATE INDEX IF NOT EXISTS idx_clients_search_trgm ON clients USING gin (search_text gin_trgm_ops)").Error
	}
	return db.Transaction(func(tx *gorm.DB) error {
		for _, q := range []string{
			"CREATE VIRTUAL TABLE IF NOT EXISTS client_search USING fts4(tris)",
			`CREATE TRIGGER IF NOT EXISTS clients_search_insert AFTER INSERT ON clients BEGIN
				INSERT OR REPLACE INTO client_search (docid, tris) VALUES (new.id, wabadesk_trigrams(new.search_text)); END`,
			`CREATE TRIGGER IF NOT EXISTS clients_search_update AFTER UPDATE OF search_text ON clients BEGIN
				INSERT OR REPLACE INTO client_search (docid, tris) VALUES (new.id, wabadesk_trigrams(new.search_text)); END`,
			`CREATE TRIGGER IF NOT EXISTS clients_search_delete AFTER DELETE ON clients BEGIN
				DELETE FROM client_search WHERE docid = old.id; END`,
			// Clients from before the index (or written with triggers missing).
			`INSERT INTO client_search (docid, tris) SELECT id, wabadesk_trigrams(search_text) FROM clients
				WHERE id NOT IN (SELECT docid FROM client_search)`,
		} {
			if err := tx.Exec(q).Error; err != nil {
				return fmt.Errorf("search index: %w", err)
			}
		}
		return nil
	})
}

// searchFilter narrows q to the candidates the trigram index holds for
// the query (and its digits), reporting whether it did; the LIKE
// conditions then decide.
func (s *Store) searchFilter(q *gorm.DB, alternatives ...string) (*gorm.DB, bool) {
	if s.searchScan || q.Dialector.Name() == "postgres" { // pg_trgm serves the LIKE itself
		return q, false
	}
	if m := trigramMatch(alternatives...); m != "" {
		return q.Where("id IN (SELECT docid FROM client_search WHERE client_search MATCH ?)", m), true
	}
	return q, false
}
