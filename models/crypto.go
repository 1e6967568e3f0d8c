package models

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// Cipher seals secrets at rest (Sinch key secrets) with AES-256-GCM. Each
// sealed value is nonce || ciphertext || tag, bound to what it belongs to
// (the additional data), so a sealed secret copied onto another
// organisation's row does not open.
type Cipher struct{ aead cipher.AEAD }

// ErrNoCipher means secrets cannot be stored: no encryption key configured.
var ErrNoCipher = errors.New("store: no encryption key configured")

// NewCipher takes a 32-byte key.
func NewCipher(key []byte) (*Cipher, error) {
	if len(key) != 32 {
		return nil, fmt.Errorf("encryption key: need 32 bytes, got %d", len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Cipher{aead: aead}, nil
}

// ParseKey reads a 32-byte key written as hex (64 characters) or base64
// (standard or URL alphabet, padded or not).
func ParseKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if b, err := hex.DecodeString(s); err == nil && len(b) == 32 {
		return b, nil
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil && len(b) == 32 {
			return b, nil
		}
	}
	return nil, errors.New("use 32 random bytes written as 64 hex characters or as base64 (e.g. openssl rand -hex 32)")
}

// Seal encrypts plain for the owner named by ad.
func (c *Cipher) Seal(plain, ad string) []byte {
	nonce := make([]byte, c.aead.NonceSize())
	_, _ = rand.Read(nonce)
	return c.aead.Seal(nonce, nonce, []byte(plain), []byte(ad))
}

// Open decrypts what Seal produced for the same ad.
func (c *Cipher) Open(sealed []byte, ad string) (string, error) {
	n := c.aead.NonceSize()
	if len(sealed) < n {
		return "", errors.New("store: sealed secret too short")
	}
	plain, err := c.aead.Open(nil, sealed[:n], sealed[n:], []byte(ad))
	if err != nil {
		return "", errors.New("store: secret does not open with this encryption key (was the key changed?)")
	}
	return string(plain), nil
}
