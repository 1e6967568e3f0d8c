package models

import (
	"context"
	"errors"
	"strconv"
	"time"

	"gorm.io/gorm/clause"
)

// IdempotencyWindow is how long an API answer is replayed for its key.
const IdempotencyWindow = 24 * time.Hour

// Outcomes of claiming an Idempotency-Key.
var (
	// ErrIdempotencyMismatch: the key was used with another request.
	ErrIdempotencyMismatch = errors.New("idempotency key reused with a different request")
	// ErrIdempotencyInFlight: the first request with the key is still running.
	ErrIdempotencyInFlight = errors.New("a request with this idempotency key is in progress")
)

// IdempotentRequest remembers one POST of an API key under its
// Idempotency-Key: claimed before the work (Status 0), then its answer.
type IdempotentRequest struct {
	ID             int64  `gorm:"primaryKey"`
	OrganisationID int64  `gorm:"not null;uniqueIndex:idx_idem_key,priority:1"`
	APIKeyID       int64  `gorm:"not null;uniqueIndex:idx_idem_key,priority:2"`
	Key            string `gorm:"size:255;not null;uniqueIndex:idx_idem_key,priority:3"`
	// Fingerprint is the hash of method, path and body: the same key with
	// another request is refused.
	Fingerprint string `gorm:"size:64;not null"`
	Status      int    `gorm:"not null;default:0"`
	Location    string `gorm:"size:500;not null;default:''"`
	Body        []byte
	CreatedAt   time.Time `gorm:"not null;index"`
}

// ClaimIdempotencyKey records that key is being used for the request with
// fingerprint. When the key was used before it returns that request: its
// stored answer to replay, or ErrIdempotencyMismatch / InFlight.
func (s *Store) ClaimIdempotencyKey(ctx context.Context, tenantID, keyID int64, key, fingerprint string) (*IdempotentRequest, error) {
	r := IdempotentRequest{OrganisationID: tenantID, APIKeyID: keyID, Key: key, Fingerprint: fingerprint, CreatedAt: s.now()}
	res := s.db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&r)
	if res.Error != nil {
		return nil, wrap(res.Error, "claim idempotency key")
	}
	if res.RowsAffected == 1 {
		return nil, nil
	}
	var prev IdempotentRequest
	err := s.db.WithContext(ctx).Where("organisation_id = ? AND api_key_id = ? AND key = ?", tenantID, keyID, key).First(&prev).Error
	switch {
	case err != nil:
		return nil, wrap(err, "idempotency key")
	case prev.Fingerprint != fingerprint:
		return nil, ErrIdempotencyMismatch
	case prev.Status == 0:
		return nil, ErrIdempotencyInFlight
	}
	if s.Cipher == nil {
		return nil, ErrNoCipher
	}
	body, err := s.Cipher.Open(prev.Body, idempotencyAD(tenantID, keyID, key))
	if err != nil {
		return nil, wrap(err, "open idempotent answer")
	}
	prev.Body = []byte(body)
	return &prev, nil
}

// FinishIdempotencyKey stores the answer to replay; a server error frees
// the key instead, so the client's retry does the work again.
func (s *Store) FinishIdempotencyKey(ctx context.Context, tenantID, keyID int64, key string, status int, location string, body []byte) error {
	q := s.db.WithContext(ctx).Where("organisation_id = ? AND api_key_id = ? AND key = ?", tenantID, keyID, key)
	if status >= 500 {
		return wrap(q.Delete(&IdempotentRequest{}).Error, "free idempotency key")
	}
	if s.Cipher == nil {
		return ErrNoCipher
	}
	// Sealed: an answer may hold a secret shown once (a client link's URL).
	sealed := s.Cipher.Seal(string(body), idempotencyAD(tenantID, keyID, key))
	err := q.Model(&IdempotentRequest{}).Updates(map[string]any{"status": status, "location": location, "body": sealed}).Error
	return wrap(err, "finish idempotency key")
}

func idempotencyAD(tenantID, keyID int64, key string) string {
	return "idempotency|" + strconv.FormatInt(tenantID, 10) + "|" + strconv.FormatInt(keyID, 10) + "|" + key
}

// PruneIdempotencyKeys forgets answers older than IdempotencyWindow.
func (s *Store) PruneIdempotencyKeys(ctx context.Context) error {
	err := s.db.WithContext(ctx).Where("created_at < ?", s.now().Add(-IdempotencyWindow)).Delete(&IdempotentRequest{}).Error
	return wrap(err, "prune idempotency keys")
}
