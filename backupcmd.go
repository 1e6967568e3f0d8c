package main

import (
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"time"

	_ "github.com/mattn/go-sqlite3" // the driver gorm's SQLite dialect registers, used bare here
)

// dbFile is the SQLite database in a data directory.
func dbFile(dataDir string) string { return filepath.Join(dataDir, "wabadesk.db") }

// lockDataDir takes the data directory for this process, so that a
// second server, or a restore, cannot use its SQLite file meanwhile. The
// lock goes with the process, however it ends.
func lockDataDir(dataDir string) (release func(), err error) {
	f, err := os.OpenFile(filepath.Join(dataDir, "wabadesk.lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, fmt.Errorf("another wabadesk is running on %s (stop it first)", dataDir)
	}
	return func() { f.Close() }, nil
}

// backupFlags parses "wabadesk backup|restore [--data-dir DIR] FILE".
func backupFlags(name string, args []string, out io.Writer) (dataDir, file string, err error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(out)
	def := os.Getenv("WABADESK_DATA_DIR")
	if def == "" {
		def = "data"
	}
	fs.StringVar(&dataDir, "data-dir", def, "the data directory of the SQLite database (WABADESK_DATA_DIR)")
	fs.Usage = func() {
		fmt.Fprintf(out, "Usage: wabadesk %s [--data-dir DIR] FILE\n", name)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return "", "", err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return "", "", errors.New("name one FILE")
	}
	if os.Getenv("WABADESK_DATABASE_URL") != "" {
		return "", "", errors.New("WABADESK_DATABASE_URL is set: back up PostgreSQL with pg_dump and pg_restore (README, Backups)")
	}
	return dataDir, fs.Arg(0), nil
}

// keyReminder says what a backup does not hold.
func keyReminder(dataDir string) string {
	return "Keep the keys with it: " + filepath.Join(dataDir, "encryption.key") + " (or your WABADESK_ENCRYPTION_KEY) decrypts the\n" +
		"Sinch key secrets and everything else sealed in the database; without it they cannot be read.\n" +
		filepath.Join(dataDir, "session.key") + " (or WABADESK_SESSION_SECRET) keeps staff logged in and signed links working."
}

// runBackup copies the SQLite database, consistently, while the server may
// be running: VACUUM INTO reads one snapshot and writes a compact copy.
func runBackup(args []string, out io.Writer) error {
	dataDir, file, err := backupFlags("backup", args, out)
	if err != nil {
		return err
	}
	if _, err := os.Stat(dbFile(dataDir)); err != nil {
		return fmt.Errorf("no database at %s: %w", dbFile(dataDir), err)
	}
	if _, err := os.Stat(file); err == nil {
		return fmt.Errorf("%s exists: choose a new file name", file)
	}
	db, err := sql.Open("sqlite3", "file:"+dbFile(dataDir)+"?_busy_timeout=10000")
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	if _, err := db.Exec("VACUUM INTO ?", file); err != nil {
		return fmt.Errorf("back up %s: %w", dbFile(dataDir), err)
	}
	st, err := os.Stat(file)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Backed up %s to %s (%.1f MB in %s).\n%s\n", dbFile(dataDir), file, float64(st.Size())/1e6,
		time.Since(start).Round(time.Millisecond), keyReminder(dataDir))
	return nil
}

// runRestore puts a backup in place of the database, the server stopped.
// The database it replaces is kept beside it.
func runRestore(args []string, out io.Writer) error {
	dataDir, file, err := backupFlags("restore", args, out)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return err
	}
	release, err := lockDataDir(dataDir)
	if err != nil {
		return err
	}
	defer release()
	if err := checkBackup(file); err != nil {
		return err
	}
	target := dbFile(dataDir)
	var kept string
	if _, err := os.Stat(target); err == nil {
		kept = target + ".before-restore-" + time.Now().UTC().Format("20060102-150405")
		if err := os.Rename(target, kept); err != nil {
			return err
		}
	}
	for _, side := range []string{"-wal", "-shm"} { // the replaced database's, not the backup's
		if kept != "" {
			_ = os.Rename(target+side, kept+side)
		}
		_ = os.Remove(target + side)
	}
	if err := copyFile(file, target); err != nil {
		return err
	}
	fmt.Fprintf(out, "Restored %s into %s.\n", file, target)
	if kept != "" {
		fmt.Fprintf(out, "The database it replaced is kept as %s.\n", kept)
	}
	fmt.Fprintf(out, "Start wabadesk with the same keys as when the backup was made.\n%s\n", keyReminder(dataDir))
	return nil
}

// checkBackup opens file read-only and asks SQLite whether it is a whole,
// sound wabadesk database.
func checkBackup(file string) error {
	if _, err := os.Stat(file); err != nil {
		return fmt.Errorf("no backup at %s", file)
	}
	db, err := sql.Open("sqlite3", "file:"+file+"?mode=ro")
	if err != nil {
		return err
	}
	defer db.Close()
	var ok string
	if err := db.QueryRow("PRAGMA quick_check").Scan(&ok); err != nil || ok != "ok" {
		return fmt.Errorf("%s is not a sound SQLite database (%v %s)", file, err, ok)
	}
	var n int
	if err := db.QueryRow("SELECT COUNT(*) FROM organisations").Scan(&n); err != nil {
		return fmt.Errorf("%s is not a wabadesk database: %w", file, err)
	}
	return nil
}

func copyFile(from, to string) error {
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return err
	}
	if err := dst.Sync(); err != nil {
		dst.Close()
		return err
	}
	return dst.Close()
}
