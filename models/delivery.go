package models

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Where a delivery stands. Pending ones are due at NextAt; Sending is
// claimed by one worker until LeaseUntil, after which it is pending again:
// at least once, as receivers dedupe by the event id.
const (
	DeliveryPending   = "pending"
	DeliverySending   = "sending"
	DeliveryDelivered = "delivered"
	DeliveryFailed    = "failed" // retried for DeliveryGiveUp without success
)

// DeliveryGiveUp is how long a failing delivery is retried.
const DeliveryGiveUp = 24 * time.Hour

// Delivery is one event for one endpoint, written in the same transaction
// as its cause. Body is the JSON posted, fixed when the event happened so
// a redelivery sends the same bytes (with a new signature time).
type Delivery struct {
	ID             int64  `gorm:"primaryKey"`
	OrganisationID int64  `gorm:"not null;index:idx_deliveries_org_endpoint,priority:1"`
	EndpointID     int64  `gorm:"not null;index:idx_deliveries_org_endpoint,priority:2;uniqueIndex:idx_deliveries_event,priority:1;index:idx_deliveries_order,priority:1"`
	EventID        string `gorm:"size:100;not null;uniqueIndex:idx_deliveries_event,priority:2"`
	Type           string `gorm:"size:40;not null"`
	// ClientID orders deliveries: one client's events reach an endpoint in
	// the order they happened. 0 (test events) is not ordered.
	ClientID    int64      `gorm:"not null;default:0;index:idx_deliveries_order,priority:2"`
	Body        string     `gorm:"type:text;not null"`
	State       string     `gorm:"size:12;not null;index:idx_deliveries_due,priority:1"`
	NextAt      time.Time  `gorm:"not null;index:idx_deliveries_due,priority:2"`
	LeaseUntil  *time.Time `gorm:""`
	Attempts    int        `gorm:"not null;default:0"`
	LastStatus  int        `gorm:"not null;default:0"` // HTTP status of the last attempt; 0 if none came back
	LastError   string     `gorm:"size:500;not null;default:''"`
	CreatedAt   time.Time  `gorm:"not null;index:idx_deliveries_org_endpoint,priority:3"`
	DeliveredAt *time.Time
}

// DeliveryAttempt is one POST of a delivery, for the delivery log.
type DeliveryAttempt struct {
	ID             int64     `gorm:"primaryKey"`
	OrganisationID int64     `gorm:"not null"`
	DeliveryID     int64     `gorm:"not null;index"`
	At             time.Time `gorm:"not null"`
	Status         int       `gorm:"not null;default:0"`
	DurationMS     int       `gorm:"not null;default:0"`
	Error          string    `gorm:"size:500;not null;default:''"`
	Response       string    `gorm:"size:500;not null;default:''"` // the start of the answer's body
}

// HookEnvelope is every event's JSON.
type HookEnvelope struct {
	ID           string    `json:"id"`
	Type         string    `json:"type"`
	Created      time.Time `json:"created"`
	Organisation int64     `json:"organisation"`
	Data         any       `json:"data"`
}

// HookClient is a client as events show it; the API has the rest.
type HookClient struct {
	ID                int64     `json:"id"`
	Name              string    `json:"name"`
	Stage             Stage     `json:"stage"`
	StageLabel        string    `json:"stage_label"`
	StageSince        time.Time `json:"stage_since"`
	WaitingOn         string    `json:"waiting_on"`
	AccountStage      string    `json:"account_stage"`
	SenderStage       string    `json:"sender_stage"`
	SenderPhone       string    `json:"sender_phone"`
	ProjectID         string    `json:"project_id"`
	BusinessManagerID string    `json:"business_manager_id"`
	WabaID            string    `json:"waba_id"`
	RejectionReason   string    `json:"rejection_reason"`
	// Health is what Sinch reports after onboarding (quality, limit, name
	// review, restrictions), as the client list filters it.
	Health HealthReport `json:"health"`
}

func hookClient(c Client) HookClient {
	return HookClient{ID: c.ID, Name: c.Name, Stage: c.Stage, StageLabel: c.Stage.Label(), StageSince: c.StageSince.UTC(),
		WaitingOn: c.Stage.WaitingOn(), AccountStage: string(c.AccountStage), SenderStage: string(c.SenderStage),
		SenderPhone: c.SenderPhone, ProjectID: c.ProjectID, BusinessManagerID: c.BusinessManagerID, WabaID: c.WabaID,
		RejectionReason: c.RejectionReason, Health: c.Report()}
}

// HookSender is a sender as events show it.
type HookSender struct {
	ID         int64       `json:"id"`
	Stage      SenderStage `json:"stage"`
	StageLabel string      `json:"stage_label"`
	Phone      string      `json:"phone"`
	Verified   bool        `json:"verified"`
	ErrorCode  string      `json:"error_code"`
	Reason     string      `json:"reason"`
}

func hookSender(s Sender) HookSender {
	return HookSender{ID: s.ID, Stage: s.Stage, StageLabel: s.Stage.Label(), Phone: s.Phone(), Verified: s.Verified(),
		ErrorCode: s.ErrorCode, Reason: s.Reason}
}

// The data of each event type.
type (
	hookClientData struct {
		Client         HookClient    `json:"client"`
		PreviousStage  *Stage        `json:"previous_stage,omitempty"`  // client.stage_changed
		Reason         string        `json:"reason,omitempty"`          // client.needs_attention
		PreviousHealth *HealthReport `json:"previous_health,omitempty"` // client.health_changed
	}
	hookSenderData struct {
		Client        HookClient   `json:"client"`
		Sender        HookSender   `json:"sender"`
		PreviousStage *SenderStage `json:"previous_stage,omitempty"` // sender.state_changed; absent for a new sender
	}
	hookLinkData struct {
		Client HookClient `json:"client"`
		Link   struct {
			ID           int64     `json:"id"`
			Opens        int       `json:"opens"`          // visits since it was created
			LastOpenedAt time.Time `json:"last_opened_at"` // the latest of the visits this event reports
		} `json:"link"`
	}
	hookReminderData struct {
		Client   HookClient `json:"client"`
		Reminder struct {
			Stage Stage  `json:"stage"` // what the reminder nudges out of
			Step  int    `json:"step"`  // 1 for the first
			To    string `json:"to"`
		} `json:"reminder"`
	}
)

func newEventID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return "evt_" + hex.EncodeToString(b)
}

// emit writes one delivery of an event for every enabled endpoint of the
// tenant that wants it, inside the transaction of its cause. eventID is
// "" for a new one, or fixed for causes that may be seen more than once
// (a scan on several instances): the second is ignored.
func (s *Store) emit(tx *gorm.DB, tenantID, clientID int64, typ, eventID string, data any) error {
	var eps []Endpoint
	if err := tx.Where("organisation_id = ? AND enabled = ?", tenantID, true).Find(&eps).Error; err != nil {
		return err
	}
	var want []Endpoint
	for _, e := range eps {
		if e.Wants(typ) {
			want = append(want, e)
		}
	}
	if len(want) == 0 {
		return nil
	}
	if eventID == "" {
		eventID = newEventID()
	}
	now := s.now()
	body, err := json.Marshal(HookEnvelope{ID: eventID, Type: typ, Created: now, Organisation: tenantID, Data: data})
	if err != nil {
		return err
	}
	for _, e := range want {
		d := Delivery{OrganisationID: tenantID, EndpointID: e.ID, EventID: eventID, Type: typ, ClientID: clientID,
			Body: string(body), State: DeliveryPending, NextAt: now, CreatedAt: now}
		if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&d).Error; err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) emitClient(tx *gorm.DB, typ string, c Client, previous *Stage) error {
	return s.emit(tx, c.OrganisationID, c.ID, typ, "", hookClientData{Client: hookClient(c), PreviousStage: previous})
}

// emitHealth sends client.health_changed when a signal of the client's
// health moved from was (the account's, or the roll-up of its numbers').
func (s *Store) emitHealth(tx *gorm.DB, c Client, was ClientHealth) error {
	if c.sameSignals(was) {
		return nil
	}
	previous := was.Report()
	return s.emit(tx, c.OrganisationID, c.ID, HookClientHealthChanged, "", hookClientData{Client: hookClient(c), PreviousHealth: &previous})
}

// emitSender sends sender.state_changed when the stage moved (or the
// sender is new: before is nil), and otp.verified when a code was newly
// accepted. c is the client after the change.
func (s *Store) emitSender(tx *gorm.DB, c Client, before *Sender, after Sender) error {
	data := hookSenderData{Client: hookClient(c), Sender: hookSender(after)}
	if before == nil || before.Stage != after.Stage {
		if before != nil {
			data.PreviousStage = &before.Stage
		}
		if err := s.emit(tx, c.OrganisationID, c.ID, HookSenderStateChanged, "", data); err != nil {
			return err
		}
	}
	if after.Verified() && (before == nil || !before.Verified()) {
		data.PreviousStage = nil
		return s.emit(tx, c.OrganisationID, c.ID, HookOTPVerified, "", data)
	}
	return nil
}

// EmitNeedsAttention sends client.needs_attention once per stage entry
// (the id is fixed by it), however many scans on however many instances
// see it.
func (s *Store) EmitNeedsAttention(ctx context.Context, c Client, reason string) error {
	id := "evt_attention_" + strconv.FormatInt(c.ID, 10) + "_" + strconv.FormatInt(c.StageSince.Unix(), 10)
	return wrap(s.emit(s.db.WithContext(ctx), c.OrganisationID, c.ID, HookClientNeedsAttention, id,
		hookClientData{Client: hookClient(c), Reason: reason}), "emit needs attention")
}

// SendTestEvent queues a test event for one endpoint.
func (s *Store) SendTestEvent(ctx context.Context, tenantID, endpointID int64, by string) (Delivery, error) {
	if _, err := s.EndpointByID(ctx, tenantID, endpointID); err != nil {
		return Delivery{}, err
	}
	now := s.now()
	id := newEventID()
	body, _ := json.Marshal(HookEnvelope{ID: id, Type: HookTest, Created: now, Organisation: tenantID,
		Data: map[string]string{"message": "A test event sent by " + by + " from wabadesk."}})
	d := Delivery{OrganisationID: tenantID, EndpointID: endpointID, EventID: id, Type: HookTest, Body: string(body),
		State: DeliveryPending, NextAt: now, CreatedAt: now}
	return d, wrap(s.db.WithContext(ctx).Create(&d).Error, "queue test event")
}

// Redeliver queues a delivery again now (its log keeps the earlier attempts).
func (s *Store) Redeliver(ctx context.Context, tenantID, endpointID, id int64) error {
	res := s.db.WithContext(ctx).Model(&Delivery{}).
		Where("organisation_id = ? AND endpoint_id = ? AND id = ? AND state <> ?", tenantID, endpointID, id, DeliverySending).
		Updates(map[string]any{"state": DeliveryPending, "next_at": s.now(), "lease_until": nil, "created_at": s.now()})
	if res.Error == nil && res.RowsAffected == 0 {
		return ErrNotFound
	}
	return wrap(res.Error, "redeliver")
}

// LeaseDueDeliveries claims up to limit due deliveries for this process.
// Only the oldest unfinished delivery of each client and endpoint is due,
// so a client's events arrive in order even while one of them is retried.
func (s *Store) LeaseDueDeliveries(ctx context.Context, limit int, lease time.Duration) ([]Delivery, error) {
	now := s.now()
	db := s.db.WithContext(ctx)
	// A lease that ran out belongs to a process that died mid-post.
	if err := db.Model(&Delivery{}).Where("state = ? AND lease_until < ?", DeliverySending, now).
		Updates(map[string]any{"state": DeliveryPending, "lease_until": nil}).Error; err != nil {
		return nil, wrap(err, "recover deliveries")
	}
	var due []Delivery
	err := db.Where("state = ? AND next_at <= ?", DeliveryPending, now).
		Where("endpoint_id IN (SELECT id FROM endpoints WHERE enabled = ?)", true).
		Where(`NOT EXISTS (SELECT 1 FROM deliveries p WHERE p.endpoint_id = deliveries.endpoint_id AND p.client_id = deliveries.client_id
			AND deliveries.client_id <> 0 AND p.state IN (?, ?) AND p.id < deliveries.id)`, DeliveryPending, DeliverySending).
		Order("next_at, id").Limit(limit).Find(&due).Error
	if err != nil {
		return nil, wrap(err, "due deliveries")
	}
	out := due[:0]
	until := now.Add(lease)
	for _, d := range due {
		res := db.Model(&Delivery{}).Where("id = ? AND state = ?", d.ID, DeliveryPending).
			Updates(map[string]any{"state": DeliverySending, "lease_until": until})
		if res.Error != nil {
			return out, wrap(res.Error, "claim delivery")
		}
		if res.RowsAffected == 1 {
			d.State, d.LeaseUntil = DeliverySending, &until
			out = append(out, d)
		}
	}
	return out, nil
}

// FinishDelivery records an attempt. A success clears the endpoint's
// failing streak; a failure is retried at retryAt until DeliveryGiveUp,
// and an endpoint whose failures have lasted EndpointFailingLimit is
// disabled, with an e-mail to the owners (returned true).
func (s *Store) FinishDelivery(ctx context.Context, d Delivery, a DeliveryAttempt, ok bool, retryAt time.Time) (disabled bool, err error) {
	now := s.now()
	a.OrganisationID, a.DeliveryID, a.At = d.OrganisationID, d.ID, now
	a.Error, a.Response = truncate(a.Error, 500), truncate(a.Response, 500)
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&a).Error; err != nil {
			return err
		}
		up := map[string]any{"attempts": gorm.Expr("attempts + 1"), "last_status": a.Status, "last_error": a.Error, "lease_until": nil}
		switch {
		case ok:
			up["state"], up["delivered_at"] = DeliveryDelivered, now
		case now.Sub(d.CreatedAt) >= DeliveryGiveUp:
			up["state"] = DeliveryFailed
		default:
			up["state"], up["next_at"] = DeliveryPending, retryAt
		}
		if err := tx.Model(&Delivery{}).Where("id = ?", d.ID).Updates(up).Error; err != nil {
			return err
		}
		var e Endpoint
		if err := tx.First(&e, d.EndpointID).Error; err != nil {
			return err
		}
		switch {
		case ok:
			return tx.Model(&e).Update("failing_since", nil).Error
		case e.FailingSince == nil:
			return tx.Model(&e).Update("failing_since", now).Error
		case e.Enabled && now.Sub(*e.FailingSince) >= EndpointFailingLimit:
			disabled = true
			reason := "Every delivery failed for 24 hours (last: " + attemptProblem(a) + ")."
			if err := tx.Model(&e).Updates(map[string]any{"enabled": false, "disabled_reason": truncate(reason, 300)}).Error; err != nil {
				return err
			}
			return s.tellOwnersEndpointDisabled(tx, e)
		}
		return nil
	})
	return disabled, wrap(err, "finish delivery")
}

func attemptProblem(a DeliveryAttempt) string {
	if a.Status != 0 {
		return "HTTP " + strconv.Itoa(a.Status)
	}
	return a.Error
}

// tellOwnersEndpointDisabled queues one e-mail per owner, once per
// failing streak.
func (s *Store) tellOwnersEndpointDisabled(tx *gorm.DB, e Endpoint) error {
	var owners []User
	if err := tx.Where("organisation_id = ? AND role = ?", e.OrganisationID, RoleOwner).Find(&owners).Error; err != nil {
		return err
	}
	for _, u := range owners {
		m := Message{OrganisationID: e.OrganisationID, Kind: MailEndpointDisabled, To: u.Email, ToName: u.Name, UserID: &u.ID,
			Key: "endpoint-disabled:" + strconv.FormatInt(e.ID, 10) + ":" + strconv.FormatInt(e.FailingSince.Unix(), 10) + ":" + strconv.FormatInt(u.ID, 10)}
		if err := s.enqueueMail(tx, m, MailData{Endpoint: e.URL}); err != nil {
			return err
		}
	}
	return nil
}

// Deliveries lists an endpoint's latest deliveries, newest first.
func (s *Store) Deliveries(ctx context.Context, tenantID, endpointID int64, limit int) ([]Delivery, error) {
	var out []Delivery
	err := s.db.WithContext(ctx).Where("organisation_id = ? AND endpoint_id = ?", tenantID, endpointID).
		Order("created_at DESC, id DESC").Limit(limit).Find(&out).Error
	return out, wrap(err, "deliveries")
}

// DeliveryAttempts returns the attempts of the tenant's deliveries ids,
// oldest first, by delivery.
func (s *Store) DeliveryAttempts(ctx context.Context, tenantID int64, ids []int64) (map[int64][]DeliveryAttempt, error) {
	out := map[int64][]DeliveryAttempt{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []DeliveryAttempt
	err := s.db.WithContext(ctx).Where("organisation_id = ? AND delivery_id IN ?", tenantID, ids).Order("id").Find(&rows).Error
	for _, a := range rows {
		out[a.DeliveryID] = append(out[a.DeliveryID], a)
	}
	return out, wrap(err, "delivery attempts")
}

// EndpointForDelivery returns the endpoint a delivery goes to, with its
// secret, for the worker.
func (s *Store) EndpointForDelivery(ctx context.Context, d Delivery) (Endpoint, string, error) {
	e, err := s.EndpointByID(ctx, d.OrganisationID, d.EndpointID)
	if err != nil {
		return e, "", err
	}
	secret, err := s.EndpointSecret(e)
	return e, secret, err
}

// PruneDeliveries forgets finished deliveries created before t.
func (s *Store) PruneDeliveries(ctx context.Context, before time.Time) error {
	return wrap(s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		old := tx.Model(&Delivery{}).Select("id").Where("state IN ? AND created_at < ?", []string{DeliveryDelivered, DeliveryFailed}, before)
		if err := tx.Where("delivery_id IN (?)", old).Delete(&DeliveryAttempt{}).Error; err != nil {
			return err
		}
		return tx.Where("state IN ? AND created_at < ?", []string{DeliveryDelivered, DeliveryFailed}, before).Delete(&Delivery{}).Error
	}), "prune deliveries")
}
