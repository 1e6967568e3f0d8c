package models

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Events an endpoint can ask for (the order is the settings page's).
const (
	HookClientCreated        = "client.created"
	HookClientStageChanged   = "client.stage_changed"
	HookClientNeedsAttention = "client.needs_attention"
	HookSenderStateChanged   = "sender.state_changed"
	HookLinkOpened           = "link.opened"
	HookOTPVerified          = "otp.verified"
	HookReminderSent         = "reminder.sent"
	HookClientHealthChanged  = "client.health_changed"
	// HookTest is "send test event": sent to one endpoint, whatever it asked for.
	HookTest = "test"
)

// HookEvents are the events endpoints subscribe to.
var HookEvents = []string{HookClientCreated, HookClientStageChanged, HookClientNeedsAttention, HookClientHealthChanged,
	HookSenderStateChanged, HookLinkOpened, HookOTPVerified, HookReminderSent}

// EndpointFailingLimit is how long an endpoint may fail every delivery
// before it is disabled and the owners are told.
const EndpointFailingLimit = 24 * time.Hour

// Endpoint is a URL of the reseller's own systems that wabadesk posts
// signed events to (an outgoing webhook; the words "webhook" and
// "callback" are Sinch's side, see Webhook and Callback).
type Endpoint struct {
	ID             int64  `gorm:"primaryKey"`
	OrganisationID int64  `gorm:"not null;index"`
	URL            string `gorm:"size:2000;not null"`
	Description    string `gorm:"size:200;not null;default:''"`
	Events         string `gorm:"size:400;not null"` // comma-separated HookEvents
	// SecretSealed is the signing secret, sealed: the page shows it to
	// admins, the worker signs with it.
	SecretSealed []byte `gorm:"not null"`
	Enabled      bool   `gorm:"not null;default:true"`
	// DisabledReason says why the worker switched the endpoint off.
	DisabledReason string `gorm:"size:300;not null;default:''"`
	// FailingSince is the first failure after the last success.
	FailingSince *time.Time
	CreatedAt    time.Time
}

// EndpointInput is what the form sends.
type EndpointInput struct {
	URL         string   `form:"url"`
	Description string   `form:"description"`
	Events      []string `form:"events"`
}

// Validate checks the URL (https, or http to this machine for trying it
// out) and the events.
func (in *EndpointInput) Validate(loopback bool) ValidationError {
	v := ValidationError{}
	in.URL, in.Description = strings.TrimSpace(in.URL), strings.TrimSpace(in.Description)
	if msg := endpointURLProblem(in.URL, loopback); msg != "" {
		v.Add("url", msg)
	}
	maxLen(v, "description", in.Description, 200)
	if len(in.Events) == 0 {
		v.Add("events", "Choose at least one event.")
	}
	for _, e := range in.Events {
		if !slices.Contains(HookEvents, e) {
			v.Add("events", "Choose events from the list.")
		}
	}
	return v
}

func endpointURLProblem(raw string, loopback bool) string {
	if raw == "" {
		return "Enter the URL wabadesk should post events to."
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.User != nil || (u.Scheme != "https" && u.Scheme != "http") || len(raw) > 2000 {
		return "Enter a full URL such as https://example.com/wabadesk/events."
	}
	switch {
	case IsLoopbackHost(u.Hostname()) && !loopback:
		return "Use the address of your own system: this server does not post to its own machine."
	case u.Scheme == "http" && !IsLoopbackHost(u.Hostname()):
		return "Use https: plain http is only accepted for this machine (localhost or 127.0.0.1), to try things out."
	}
	return ""
}

// IsLoopbackHost reports whether host names this machine.
func IsLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func endpointAD(tenantID int64) string { return "endpoint|secret|" + strconv.FormatInt(tenantID, 10) }

// newHookSecret is a signing secret with a prefix that says what it is.
func newHookSecret() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return "whsec_" + hex.EncodeToString(b)
}

// CreateEndpoint adds an endpoint with a new secret.
func (s *Store) CreateEndpoint(ctx context.Context, tenantID int64, in EndpointInput) (Endpoint, error) {
	if v := in.Validate(s.LoopbackEndpoints); len(v) > 0 {
		return Endpoint{}, v
	}
	if s.Cipher == nil {
		return Endpoint{}, ErrNoCipher
	}
	e := Endpoint{OrganisationID: tenantID, URL: in.URL, Description: in.Description, Events: strings.Join(in.Events, ","),
		SecretSealed: s.Cipher.Seal(newHookSecret(), endpointAD(tenantID)), Enabled: true}
	err := s.db.WithContext(ctx).Create(&e).Error
	return e, wrap(err, "create endpoint")
}

// UpdateEndpoint changes the URL, description and events; enabling it again
// starts from a clean slate.
func (s *Store) UpdateEndpoint(ctx context.Context, tenantID, id int64, in EndpointInput, enabled bool) (Endpoint, error) {
	if v := in.Validate(s.LoopbackEndpoints); len(v) > 0 {
		return Endpoint{}, v
	}
	var e Endpoint
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Where("organisation_id = ?", tenantID).First(&e, id).Error; err != nil {
			return err
		}
		if enabled && !e.Enabled {
			e.DisabledReason, e.FailingSince = "", nil
		}
		e.URL, e.Description, e.Events, e.Enabled = in.URL, in.Description, strings.Join(in.Events, ","), enabled
		return tx.Select("url", "description", "events", "enabled", "disabled_reason", "failing_since").Save(&e).Error
	})
	return e, wrap(err, "update endpoint")
}

// RollEndpointSecret gives the endpoint a new secret.
func (s *Store) RollEndpointSecret(ctx context.Context, tenantID, id int64) error {
	res := s.db.WithContext(ctx).Model(&Endpoint{}).Where("organisation_id = ? AND id = ?", tenantID, id).
		Update("secret_sealed", s.Cipher.Seal(newHookSecret(), endpointAD(tenantID)))
	if res.Error == nil && res.RowsAffected == 0 {
		return ErrNotFound
	}
	return wrap(res.Error, "roll endpoint secret")
}

// DeleteEndpoint removes an endpoint and its delivery log.
func (s *Store) DeleteEndpoint(ctx context.Context, tenantID, id int64) error {
	return wrap(s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Where("organisation_id = ? AND id = ?", tenantID, id).Delete(&Endpoint{})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return gorm.ErrRecordNotFound
		}
		if err := tx.Where("organisation_id = ? AND delivery_id IN (SELECT id FROM deliveries WHERE endpoint_id = ?)", tenantID, id).
			Delete(&DeliveryAttempt{}).Error; err != nil {
			return err
		}
		return tx.Where("organisation_id = ? AND endpoint_id = ?", tenantID, id).Delete(&Delivery{}).Error
	}), "delete endpoint")
}

// Endpoints lists the tenant's endpoints, oldest first.
func (s *Store) Endpoints(ctx context.Context, tenantID int64) ([]Endpoint, error) {
	var out []Endpoint
	err := s.db.WithContext(ctx).Where("organisation_id = ?", tenantID).Order("id").Find(&out).Error
	return out, wrap(err, "endpoints")
}

// EndpointByID returns one endpoint of the tenant.
func (s *Store) EndpointByID(ctx context.Context, tenantID, id int64) (Endpoint, error) {
	var e Endpoint
	err := s.db.WithContext(ctx).Where("organisation_id = ?", tenantID).First(&e, id).Error
	return e, wrap(err, "endpoint")
}

// EndpointSecret opens the endpoint's signing secret.
func (s *Store) EndpointSecret(e Endpoint) (string, error) {
	if s.Cipher == nil {
		return "", ErrNoCipher
	}
	return s.Cipher.Open(e.SecretSealed, endpointAD(e.OrganisationID))
}

// Wants reports whether the endpoint asked for event.
func (e Endpoint) Wants(event string) bool { return Wants(e.Events, event) }
