package models

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// ProjectHook is the webhook wabadesk registers at Sinch for one project of
// an organisation. Its random token is the last segment of the callback URL,
// so a delivery names its hook (and tenant) without trusting the body.
type ProjectHook struct {
	ID             int64  `gorm:"primaryKey"`
	OrganisationID int64  `gorm:"not null;uniqueIndex:idx_hooks_org_project,priority:1"`
	ProjectID      string `gorm:"size:64;not null;uniqueIndex:idx_hooks_org_project,priority:2"`
	Token          string `gorm:"size:64;not null;uniqueIndex"`
	// Secret signs Sinch's callbacks. It is stored sealed (SecretSealed,
	// bound to the organisation and project) and opened on every read;
	// LegacySecret is the plain column of before, emptied by Migrate.
	Secret       string `gorm:"-"`
	SecretSealed []byte
	LegacySecret string `gorm:"column:secret;size:128;not null;default:''"`
	// Target is the URL registered at Sinch; when the base URL changes it
	// differs from the wanted one and the hook is registered again.
	Target    string `gorm:"size:500;not null;default:''"`
	WebhookID string `gorm:"size:64;not null;default:''"`
	// Problem says why registration failed (e.g. Sinch's 15-webhook limit);
	// polling covers the project meanwhile.
	Problem   string `gorm:"size:500;not null;default:''"`
	CheckedAt *time.Time
	// MissedAt is when a poll last found a change no callback had told of:
	// until an hour later the project is polled as if it had no webhook.
	MissedAt  *time.Time
	CreatedAt time.Time
	UpdatedAt time.Time
}

// WebhookDelivery is one callback received, kept for troubleshooting and
// to ignore duplicates.
type WebhookDelivery struct {
	ID             int64     `gorm:"primaryKey"`
	OrganisationID int64     `gorm:"not null;index:idx_deliveries_org_time,priority:1"`
	HookID         int64     `gorm:"not null;uniqueIndex:idx_deliveries_dedupe,priority:1"`
	ReceivedAt     time.Time `gorm:"not null;index:idx_deliveries_org_time,priority:2;index"`
	Type           string    `gorm:"size:80;not null"`
	// Digest is the SHA-256 of the body: Sinch retries send the same body.
	Digest  string `gorm:"size:64;not null;uniqueIndex:idx_deliveries_dedupe,priority:2"`
	Body    string `gorm:"size:65536;not null"`
	Outcome string `gorm:"size:300;not null;default:''"`
}

// DeliveryRetention is how long received callbacks are kept.
const DeliveryRetention = 7 * 24 * time.Hour

// HookFor returns the project's hook, creating it with a fresh token and
// secret the first time the project is used.
func (s *Store) HookFor(ctx context.Context, tenantID int64, projectID string) (ProjectHook, error) {
	var h ProjectHook
	err := s.db.WithContext(ctx).Where("organisation_id = ? AND project_id = ?", tenantID, projectID).First(&h).Error
	if err == nil {
		return h, s.openHook(&h)
	}
	if err != gorm.ErrRecordNotFound {
		return h, wrap(err, "hook")
	}
	if s.Cipher == nil {
		return h, ErrNoCipher
	}
	token, _ := NewToken()
	secret, _ := NewToken()
	h = ProjectHook{OrganisationID: tenantID, ProjectID: projectID, Token: token[:32],
		SecretSealed: s.Cipher.Seal(secret, hookAD(tenantID, projectID))}
	err = s.db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&h).Error
	if err != nil {
		return h, wrap(err, "create hook")
	}
	// Lost a race with another process: read the winner.
	err = s.db.WithContext(ctx).Where("organisation_id = ? AND project_id = ?", tenantID, projectID).First(&h).Error
	if err != nil {
		return h, wrap(err, "hook")
	}
	return h, s.openHook(&h)
}

// hookAD binds a sealed webhook secret to its organisation and project.
func hookAD(tenantID int64, projectID string) string {
	return "hook|" + strconv.FormatInt(tenantID, 10) + "|" + projectID
}

// openHook fills in the hook's secret from its sealed form.
func (s *Store) openHook(h *ProjectHook) error {
	if s.Cipher == nil {
		return ErrNoCipher
	}
	var err error
	h.Secret, err = s.Cipher.Open(h.SecretSealed, hookAD(h.OrganisationID, h.ProjectID))
	return err
}

// sealHookSecrets seals the webhook secrets stored in plain text before
// they were sealed, and empties the plain column.
func (s *Store) sealHookSecrets(ctx context.Context) error {
	var plain []ProjectHook
	if err := s.db.WithContext(ctx).Where("secret <> ''").Find(&plain).Error; err != nil {
		return err
	}
	if len(plain) > 0 && s.Cipher == nil {
		return ErrNoCipher
	}
	for _, h := range plain {
		sealed := s.Cipher.Seal(h.LegacySecret, hookAD(h.OrganisationID, h.ProjectID))
		err := s.db.WithContext(ctx).Model(&ProjectHook{}).Where("id = ? AND secret = ?", h.ID, h.LegacySecret).
			Updates(map[string]any{"secret_sealed": sealed, "secret": ""}).Error
		if err != nil {
			return err
		}
	}
	return nil
}

// HookByToken finds the hook a callback URL names.
func (s *Store) HookByToken(ctx context.Context, token string) (ProjectHook, error) {
	var h ProjectHook
	if err := s.db.WithContext(ctx).Where("token = ?", token).First(&h).Error; err != nil {
		return h, wrap(err, "hook by token")
	}
	return h, s.openHook(&h)
}

// SaveHook records the registration outcome.
func (s *Store) SaveHook(ctx context.Context, h ProjectHook) error {
	now := s.now()
	h.CheckedAt = &now
	return wrap(s.db.WithContext(ctx).Select("*").Omit("created_at").Save(&h).Error, "save hook")
}

// RecordDelivery stores a callback; it reports false when the same body was
// already received on this hook (a retry or a replay).
func (s *Store) RecordDelivery(ctx context.Context, h ProjectHook, typ string, body []byte) (WebhookDelivery, bool, error) {
	sum := sha256.Sum256(body)
	d := WebhookDelivery{OrganisationID: h.OrganisationID, HookID: h.ID, ReceivedAt: s.now(), Type: typ,
		Digest: hex.EncodeToString(sum[:]), Body: string(body)}
	res := s.db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&d)
	return d, res.RowsAffected == 1, wrap(res.Error, "record delivery")
}

// SetDeliveryOutcome notes what applying a delivery did.
func (s *Store) SetDeliveryOutcome(ctx context.Context, id int64, outcome string) error {
	return wrap(s.db.WithContext(ctx).Model(&WebhookDelivery{}).Where("id = ?", id).Update("outcome", outcome).Error, "delivery outcome")
}

// Deliveries lists the tenant's latest callbacks, newest first.
func (s *Store) Deliveries(ctx context.Context, tenantID int64, limit int) ([]WebhookDelivery, error) {
	var out []WebhookDelivery
	err := s.db.WithContext(ctx).Where("organisation_id = ?", tenantID).Order("received_at DESC, id DESC").Limit(limit).Find(&out).Error
	return out, wrap(err, "deliveries")
}

// PruneDeliveries forgets callbacks older than DeliveryRetention.
func (s *Store) PruneDeliveries(ctx context.Context) error {
	err := s.db.WithContext(ctx).Where("received_at < ?", s.now().Add(-DeliveryRetention)).Delete(&WebhookDelivery{}).Error
	return wrap(err, "prune deliveries")
}

// ClientByProject finds the tenant's client of a Sinch project.
func (s *Store) ClientByProject(ctx context.Context, tenantID int64, projectID string) (Client, error) {
	var c Client
	err := s.db.WithContext(ctx).Where("organisation_id = ? AND project_id = ?", tenantID, projectID).First(&c).Error
	return c, wrap(err, "client by project")
}

// Hooks lists the tenant's project hooks, for the troubleshooting page.
func (s *Store) Hooks(ctx context.Context, tenantID int64) ([]ProjectHook, error) {
	var out []ProjectHook
	err := s.db.WithContext(ctx).Where("organisation_id = ?", tenantID).Order("project_id").Find(&out).Error
	return out, wrap(err, "hooks")
}

// HookMissTrust is how long a missed callback makes polling distrust a
// project's webhook.
const HookMissTrust = time.Hour

// Working reports whether Sinch's callbacks for the project can be relied
// on at now: registered at the wanted target, and none missed lately.
func (h ProjectHook) Working(want string, now time.Time) bool {
	return h.WebhookID != "" && h.Problem == "" && h.Target == want &&
		(h.MissedAt == nil || now.Sub(*h.MissedAt) > HookMissTrust)
}

// MarkHookMissed records that a poll found a change the project's webhook
// did not report.
func (s *Store) MarkHookMissed(ctx context.Context, tenantID int64, projectID string) error {
	err := s.db.WithContext(ctx).Model(&ProjectHook{}).Where("organisation_id = ? AND project_id = ?", tenantID, projectID).
		Update("missed_at", s.now()).Error
	return wrap(err, "mark hook missed")
}
