// Package modelstest gives tests a fresh, empty database: a SQLite file in
// the test's temporary directory, or, when WABADESK_TEST_DATABASE_URL names a
// PostgreSQL server, a database of its own created for the test and dropped
// after it. The suite runs unchanged against either.
//
// It may import models, GORM and its drivers; only tests import it.
package modelstest

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"gorm.io/gorm"

	"wabadesk/models"
)

// EnvURL names the PostgreSQL server tests use, like
// postgres://postgres@127.0.0.1:55432/postgres?sslmode=disable. The user must
// be allowed to create databases.
const EnvURL = "WABADESK_TEST_DATABASE_URL"

// Open returns a fresh, unmigrated database that lives as long as the test.
func Open(t testing.TB) *gorm.DB {
	t.Helper()
	u := URL(t)
	if u == "" {
		db, err := models.OpenSQLite(filepath.Join(t.TempDir(), "test.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { closeDB(db) })
		return db
	}
	db, err := models.OpenPostgres(u, models.Pool{MaxOpenConns: 10, MaxIdleConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	// Registered after URL's drop, so it runs before it.
	t.Cleanup(func() { closeDB(db) })
	return db
}

// URL creates an empty PostgreSQL database for the test and returns its URL,
// or "" when EnvURL is unset (the test then uses SQLite). The database is
// dropped when the test ends, even if connections are still open.
func URL(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvURL)
	if base == "" {
		return ""
	}
	admin, err := adminDB(base)
	if err != nil {
		t.Fatalf("modelstest: %s: %v", EnvURL, err)
	}
	raw := make([]byte, 8)
	rand.Read(raw)
	name := "wabadesk_test_" + hex.EncodeToString(raw)
	if err := admin.Exec("CREATE DATABASE " + name).Error; err != nil {
		t.Fatalf("modelstest: create database: %v", err)
	}
	t.Cleanup(func() {
		if err := admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)").Error; err != nil {
			t.Errorf("modelstest: drop database %s: %v", name, err)
		}
	})
	u, _ := url.Parse(base) // adminDB parsed it already
	u.Path = "/" + name
	return u.String()
}

var server struct {
	once sync.Once
	db   *gorm.DB
	err  error
}

// adminDB is one small pool per test binary, on the database EnvURL names,
// for CREATE and DROP DATABASE.
func adminDB(base string) (*gorm.DB, error) {
	server.once.Do(func() {
		if _, err := url.Parse(base); err != nil || !models.IsPostgresURL(base) {
			server.err = errors.New("use a postgres:// URL")
			return
		}
		server.db, server.err = models.OpenPostgres(base, models.Pool{MaxOpenConns: 4, MaxIdleConns: 2})
	})
	return server.db, server.err
}

func closeDB(db *gorm.DB) {
	if sqlDB, err := db.DB(); err == nil {
		sqlDB.Close()
	}
}
