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

// Webhook is the webhook wabadesk registers at Sinch for one project of
// an organisation. Its random token is the last segment of the callback URL,
// so a callback names its webhook (and tenant) without trusting the body.
type Webhook struct {
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
	// differs from the wanted one and the webhook is registered again.
	Target  string `gorm:"size:500;not null;default:''"`
	SinchID string `gorm:"column:webhook_id;size:64;not null;default:''"`
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

// Callback is one callback received, kept for troubleshooting and
// to ignore duplicates.
type Callback struct {
	ID             int64     `gorm:"primaryKey"`
	OrganisationID int64     `gorm:"not null;index:idx_deliveries_org_time,priority:1"`
	WebhookID      int64     `gorm:"column:hook_id;not null;uniqueIndex:idx_deliveries_dedupe,priority:1"`
	ReceivedAt     time.Time `gorm:"not null;index:idx_deliveries_org_time,priority:2;index"`
	Type           string    `gorm:"size:80;not null"`
	// Digest is the SHA-256 of the body: Sinch retries send the same body.
	Digest  string `gorm:"size:64;not null;uniqueIndex:idx_deliveries_dedupe,priority:2"`
	Body    string `gorm:"size:65536;not null"`
	Outcome string `gorm:"size:300;not null;default:''"`
}

// CallbackRetention is how long received callbacks are kept.
const CallbackRetention = 7 * 24 * time.Hour

// WebhookFor returns the project's webhook, creating it with a fresh token and
// secret the first time the project is used.
func (s *Store) WebhookFor(ctx context.Context, tenantID int64, projectID string) (Webhook, error) {
	var h Webhook
	err := s.db.WithContext(ctx).Where("organisation_id = ? AND project_id = ?", tenantID, projectID).First(&h).Error
	if err == nil {
		return h, s.openWebhook(&h)
	}
	if err != gorm.ErrRecordNotFound {
		return h, wrap(err, "webhook")
	}
	if s.Cipher == nil {
		return h, ErrNoCipher
	}
	token, _ := NewToken()
	secret, _ := NewToken()
	h = Webhook{OrganisationID: tenantID, ProjectID: projectID, Token: token[:32],
		SecretSealed: s.Cipher.Seal(secret, webhookAD(tenantID, projectID))}
	err = s.db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&h).Error
	if err != nil {
		return h, wrap(err, "create webhook")
	}
	// Lost a race with another process: read the winner.
	err = s.db.WithContext(ctx).Where("organisation_id = ? AND project_id = ?", tenantID, projectID).First(&h).Error
	if err != nil {
		return h, wrap(err, "webhook")
	}
	return h, s.openWebhook(&h)
}

// webhookAD binds a sealed webhook secret to its organisation and project.
func webhookAD(tenantID int64, projectID string) string {
	return "hook|" + strconv.FormatInt(tenantID, 10) + "|" + projectID
}

// openWebhook fills in the webhook's secret from its sealed form.
func (s *Store) openWebhook(h *Webhook) error {
	if s.Cipher == nil {
		return ErrNoCipher
	}
	var err error
	h.Secret, err = s.Cipher.Open(h.SecretSealed, webhookAD(h.OrganisationID, h.ProjectID))
	return err
}

// sealWebhookSecrets seals the webhook secrets stored in plain text before
// they were sealed, and empties the plain column.
func (s *Store) sealWebhookSecrets(ctx context.Context) error {
	var plain []Webhook
	if err := s.db.WithContext(ctx).Where("secret <> ''").Find(&plain).Error; err != nil {
		return err
	}
	if len(plain) > 0 && s.Cipher == nil {
		return ErrNoCipher
	}
	for _, h := range plain {
		sealed := s.Cipher.Seal(h.LegacySecret, webhookAD(h.OrganisationID, h.ProjectID))
		err := s.db.WithContext(ctx).Model(&Webhook{}).Where("id = ? AND secret = ?", h.ID, h.LegacySecret).
			Updates(map[string]any{"secret_sealed": sealed, "secret": ""}).Error
		if err != nil {
			return err
		}
	}
	return nil
}

// WebhookByToken finds the webhook a callback URL names.
func (s *Store) WebhookByToken(ctx context.Context, token string) (Webhook, error) {
	var h Webhook
	if err := s.db.WithContext(ctx).Where("token = ?", token).First(&h).Error; err != nil {
		return h, wrap(err, "webhook by token")
	}
	return h, s.openWebhook(&h)
}

// SaveWebhook records the registration outcome.
func (s *Store) SaveWebhook(ctx context.Context, h Webhook) error {
	now := s.now()
	h.CheckedAt = &now
	return wrap(s.db.WithContext(ctx).Select("*").Omit("created_at").Save(&h).Error, "save webhook")
}

// RecordCallback stores a callback; it reports false when the same body was
// already received on this webhook (a retry or a replay).
func (s *Store) RecordCallback(ctx context.Context, h Webhook, typ string, body []byte) (Callback, bool, error) {
	sum := sha256.Sum256(body)
	d := Callback{OrganisationID: h.OrganisationID, WebhookID: h.ID, ReceivedAt: s.now(), Type: typ,
		Digest: hex.EncodeToString(sum[:]), Body: string(body)}
	res := s.db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&d)
	return d, res.RowsAffected == 1, wrap(res.Error, "record callback")
}

// SetCallbackOutcome notes what applying a callback did.
func (s *Store) SetCallbackOutcome(ctx context.Context, id int64, outcome string) error {
	return wrap(s.db.WithContext(ctx).Model(&Callback{}).Where("id = ?", id).Update("outcome", outcome).Error, "callback outcome")
}

// Callbacks lists the tenant's latest callbacks, newest first.
func (s *Store) Callbacks(ctx context.Context, tenantID int64, limit int) ([]Callback, error) {
	var out []Callback
	err := s.db.WithContext(ctx).Where("organisation_id = ?", tenantID).Order("received_at DESC, id DESC").Limit(limit).Find(&out).Error
	return out, wrap(err, "callbacks")
}

// PruneCallbacks forgets callbacks older than CallbackRetention.
func (s *Store) PruneCallbacks(ctx context.Context) error {
	err := s.db.WithContext(ctx).Where("received_at < ?", s.now().Add(-CallbackRetention)).Delete(&Callback{}).Error
	return wrap(err, "prune callbacks")
}

// ClientByProject finds the tenant's client of a Sinch project.
func (s *Store) ClientByProject(ctx context.Context, tenantID int64, projectID string) (Client, error) {
	var c Client
	err := s.db.WithContext(ctx).Where("organisation_id = ? AND project_id = ?", tenantID, projectID).First(&c).Error
	return c, wrap(err, "client by project")
}

// Webhooks lists the tenant's project webhooks, for the troubleshooting page.
func (s *Store) Webhooks(ctx context.Context, tenantID int64) ([]Webhook, error) {
	var out []Webhook
	err := s.db.WithContext(ctx).Where("organisation_id = ?", tenantID).Order("project_id").Find(&out).Error
	return out, wrap(err, "webhooks")
}

// WebhookMissTrust is how long a missed callback makes polling distrust a
// project's webhook.
const WebhookMissTrust = time.Hour

// Working reports whether Sinch's callbacks for the project can be relied
// on at now: registered at the wanted target, and none missed lately.
func (h Webhook) Working(want string, now time.Time) bool {
	return h.SinchID != "" && h.Problem == "" && h.Target == want &&
		(h.MissedAt == nil || now.Sub(*h.MissedAt) > WebhookMissTrust)
}

// MarkWebhookMissed records that a poll found a change the project's webhook
// did not report.
func (s *Store) MarkWebhookMissed(ctx context.Context, tenantID int64, projectID string) error {
	err := s.db.WithContext(ctx).Model(&Webhook{}).Where("organisation_id = ? AND project_id = ?", tenantID, projectID).
		Update("missed_at", s.now()).Error
	return wrap(err, "mark webhook missed")
}

// The tables keep the names they were created with, so existing databases
// need no migration.
func (Webhook) TableName() string  { return "project_hooks" }
func (Callback) TableName() string { return "webhook_deliveries" }
