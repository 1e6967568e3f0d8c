package models

import (
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/driver/postgres"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Pool sizes the PostgreSQL connection pool. SQLite keeps database/sql's
// defaults: it is one file with one writer at a time.
type Pool struct {
	MaxOpenConns    int           // connections in use or idle, at most
	MaxIdleConns    int           // idle connections kept for reuse
	ConnMaxLifetime time.Duration // a connection is replaced after this; 0 keeps it forever
}

// DefaultPool leaves room for a few instances under PostgreSQL's default
// max_connections of 100.
var DefaultPool = Pool{MaxOpenConns: 20, MaxIdleConns: 10, ConnMaxLifetime: 30 * time.Minute}

// IsPostgresURL reports whether url names a PostgreSQL database.
func IsPostgresURL(url string) bool {
	return strings.HasPrefix(url, "postgres://") || strings.HasPrefix(url, "postgresql://")
}

// Open picks the database: PostgreSQL when url is a postgres:// URL,
// otherwise the embedded SQLite file wabadesk.db in dataDir.
func Open(url, dataDir string, pool Pool) (*gorm.DB, error) {
	if url == "" {
		return OpenSQLite(filepath.Join(dataDir, "wabadesk.db"))
	}
	if !IsPostgresURL(url) {
		return nil, fmt.Errorf("open database: unsupported URL scheme (use postgres://)")
	}
	return OpenPostgres(url, pool)
}

// OpenPostgres connects to the PostgreSQL database at url and sizes its pool.
// Errors never repeat the URL: it may hold a password.
func OpenPostgres(url string, pool Pool) (*gorm.DB, error) {
	db, err := gorm.Open(postgres.Open(url), gormConfig())
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	if err := registerFitText(db); err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	sqlDB.SetMaxOpenConns(pool.MaxOpenConns)
	sqlDB.SetMaxIdleConns(pool.MaxIdleConns)
	sqlDB.SetConnMaxLifetime(pool.ConnMaxLifetime)
	return db, nil
}

// OpenSQLite opens (creating if needed) the SQLite file at path with the
// settings a small web server needs: WAL so readers never wait for the writer,
// foreign keys on, a busy timeout instead of instant "database is locked",
// and IMMEDIATE transactions so two writers queue rather than deadlock.
func OpenSQLite(path string) (*gorm.DB, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	dsn := "file:" + path + "?_journal_mode=WAL&_foreign_keys=on&_busy_timeout=10000&_txlock=immediate&_synchronous=NORMAL"
	cfg := gormConfig()
	// Keep each query's prepared statement per connection: on SQLite, parsing
	// and planning the SQL again cost as much as running it (a sixth of the
	// shared page's CPU). PostgreSQL's driver (pgx) caches statements by
	// itself. No size limit and no expiry: gorm v1.31 closes an evicted
	// statement while a query may still be using it (go-gorm/gorm#7831),
	// and our SQL has a bounded number of shapes (values are parameters;
	// IN lists only as long as a page, at most a few hundred; batches of
	// one size).
	cfg.PrepareStmt, cfg.PrepareStmtTTL = true, 100*365*24*time.Hour
	registerSQLiteDriver() // the search index's trigrams (search.go)
	db, err := gorm.Open(&sqlite.Dialector{DriverName: sqliteDriver, DSN: dsn}, cfg)
	if err == nil {
		err = registerFitText(db)
	}
	var sqlDB *sql.DB
	if err == nil {
		sqlDB, err = db.DB()
	}
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	// database/sql keeps only 2 idle connections by default: under load every
	// other connection was closed after one query and reopened for the next
	// (schema parsed and page cache filled again each time). A fixed pool
	// stays warm and bounds memory; requests beyond it wait their turn.
	sqlDB.SetMaxOpenConns(sqliteConns)
	sqlDB.SetMaxIdleConns(sqliteConns)
	return db, nil
}

// sqliteConns is the SQLite connection pool's size. Work on one file is
// CPU-bound and has one writer at a time, so a few more than the cores suffice.
const sqliteConns = 8

// gormConfig is the same for both databases: TranslateError turns either
// driver's unique violation into gorm.ErrDuplicatedKey (then ErrConflict).
func gormConfig() *gorm.Config {
	return &gorm.Config{
		Logger:                 logger.Discard,
		SkipDefaultTransaction: true,
		TranslateError:         true,
	}
}

// registerFitText makes both databases store the same text. PostgreSQL
// refuses a string longer than its varchar(n) column, a NUL byte or invalid
// UTF-8, all of which SQLite stores as given. What staff type is validated
// within bounds; text from outside (Sinch errors and comments) is not, so
// before every create and update each string field of the model written is
// made valid UTF-8 without NULs and cut to its column's size in characters.
func registerFitText(db *gorm.DB) error {
	if err := db.Callback().Create().Before("gorm:create").Register("wabadesk:fit_text", fitText); err != nil {
		return err
	}
	return db.Callback().Update().Before("gorm:update").Register("wabadesk:fit_text", fitText)
}

func fitText(db *gorm.DB) {
	stmt := db.Statement
	if stmt.Schema == nil || !stmt.ReflectValue.IsValid() {
		return
	}
	rv := reflect.Indirect(stmt.ReflectValue)
	switch rv.Kind() {
	case reflect.Struct:
		fitFields(stmt, rv)
	case reflect.Slice, reflect.Array:
		for i := range rv.Len() {
			fitFields(stmt, reflect.Indirect(rv.Index(i)))
		}
	}
}

func fitFields(stmt *gorm.Statement, rv reflect.Value) {
	if rv.Kind() != reflect.Struct || rv.Type() != stmt.Schema.ModelType {
		return
	}
	for _, f := range stmt.Schema.Fields {
		if f.FieldType.Kind() != reflect.String {
			continue
		}
		v := f.ReflectValueOf(stmt.Context, rv)
		if !v.CanSet() {
			continue
		}
		if s := fitString(v.String(), f.Size); s != v.String() {
			v.SetString(s)
		}
	}
}

// fitString returns s as valid UTF-8 without NULs, at most size characters
// long (no limit when size is 0).
func fitString(s string, size int) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if strings.IndexByte(s, 0) >= 0 {
		s = strings.ReplaceAll(s, "\x00", "")
	}
	if size > 0 && utf8.RuneCountInString(s) > size {
		s = string([]rune(s)[:size])
	}
	return s
}
