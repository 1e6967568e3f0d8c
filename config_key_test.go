package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The encryption key is generated once (0600) and kept; a configured key
// must be 32 bytes, and a wrong one stops the start without echoing it.
func TestConfigEncryptionKey(t *testing.T) {
	dir := t.TempDir()
	cfg, err := loadConfig([]string{"--data-dir", dir}, env(nil), &bytes.Buffer{})
	if err != nil || cfg.Cipher == nil {
		t.Fatalf("default: %v", err)
	}
	st, err := os.Stat(filepath.Join(dir, "encryption.key"))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("generated key file: %v %v", st, err)
	}
	again, _ := loadConfig([]string{"--data-dir", dir}, env(nil), &bytes.Buffer{})
	if again.EncryptionKey != cfg.EncryptionKey {
		t.Fatal("key regenerated on the second start")
	}
	sealed := cfg.Cipher.Seal("x", "ad")
	if plain, err := again.Cipher.Open(sealed, "ad"); err != nil || plain != "x" {
		t.Fatal("second start cannot open what the first sealed")
	}
	_, err = loadConfig([]string{"--data-dir", t.TempDir()}, env(map[string]string{"WABADESK_ENCRYPTION_KEY": "tooshort-secret"}), &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "encryption-key") || strings.Contains(err.Error(), "tooshort-secret") {
		t.Fatalf("short key: %v", err)
	}
	if _, err := loadConfig([]string{"--data-dir", t.TempDir(), "--encryption-key", strings.Repeat("ab", 32)}, env(nil), &bytes.Buffer{}); err != nil {
		t.Fatalf("hex key: %v", err)
	}
}
