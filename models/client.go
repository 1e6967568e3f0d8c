package models

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Client is one business client of a reseller: the data sent to Sinch for
// its WhatsApp account, and where its onboarding stands.
type Client struct {
	ID             int64        `gorm:"primaryKey"`
	OrganisationID int64        `gorm:"not null;index:idx_clients_org_created,priority:1;index:,composite:org_due,priority:1;index:idx_clients_org_search,priority:1;uniqueIndex:idx_clients_org_project,priority:1,where:project_id <> '';uniqueIndex:idx_clients_org_bm,priority:1,where:business_manager_id <> ''"`
	Organisation   Organisation `gorm:"constraint:OnDelete:CASCADE"`
	ClientInput

	AccountStage AccountStage `gorm:"size:20;not null"`
	SenderStage  SenderStage  `gorm:"size:20;not null;default:''"`
	Stage        Stage        `gorm:"size:20;not null;index:idx_clients_org_created,priority:3"`
	StageSince   time.Time    `gorm:"not null;index:idx_clients_org_created,priority:4"`
	LastChangeAt time.Time    `gorm:"not null"`
	SenderPhone  string       `gorm:"size:40"` // the latest sender's number, for search and the list
	// SearchText is name, WABA name, BM ID and phone digits in lower case:
	// one column for the list's search box, kept by BeforeSave.
	SearchText string `gorm:"size:1200;not null;default:'';index:idx_clients_org_search,priority:2"`

	WabaID        string `gorm:"size:64"`
	MetaRequestID string `gorm:"size:128"`
	// RejectionReason is Sinch's latest explanation of a rejection.
	RejectionReason string `gorm:"size:2000"`
	// SinchErrors holds the field messages of Sinch's last 400 (JSON), shown
	// on the edit form when a background retry was refused.
	SinchErrors string `gorm:"size:4000"`
	// QueuedUpdate marks a queued submission as a resubmission (PATCH) of a
	// rejected account rather than a first creation.
	QueuedUpdate bool `gorm:"not null;default:false"`

	Outbox
	Contact
	// RemindersPaused is staff's "pause reminders"; RemindersUnsubscribed
	// the contact's own one-click unsubscribe (reset when the address
	// changes).
	RemindersPaused       bool `gorm:"not null;default:false"`
	RemindersUnsubscribed bool `gorm:"not null;default:false"`

	// The analytics' "now" reads the cohort from idx_clients_org_created alone.
	CreatedAt time.Time `gorm:"index:idx_clients_org_created,priority:2"`
	UpdatedAt time.Time
}

// ClientInput is what staff type for a client; it is also what is sent to Sinch.
type ClientInput struct {
	Name                 string `gorm:"size:120;not null" form:"name"`
	ProjectID            string `gorm:"size:64;not null;default:'';uniqueIndex:idx_clients_org_project,priority:2,where:project_id <> ''" form:"project_id"`
	Legacy               bool   `gorm:"not null;default:false" form:"legacy"` // legacy On-Behalf-Of creation
	BusinessManagerID    string `gorm:"size:255;not null;default:'';uniqueIndex:idx_clients_org_bm,priority:2,where:business_manager_id <> ''" form:"business_manager_id"`
	WabaName             string `gorm:"size:255;not null;default:''" form:"waba_name"`
	CompanyLegalName     string `gorm:"size:255;not null;default:''" form:"company_legal_name"`
	SenderDisplayName    string `gorm:"size:255;not null;default:''" form:"sender_display_name"`
	BusinessCategory     string `gorm:"size:40;not null;default:''" form:"business_category"`
	SinchBusinessManager string `gorm:"size:20;not null;default:''" form:"sinch_business_manager"`
	Region               string `gorm:"size:4;not null;default:''" form:"region"`
	MetaLocalStorage     string `gorm:"size:4;not null;default:''" form:"meta_local_storage"`
}

// Outbox is the background engine's bookkeeping of a row: a submission to
// Sinch recorded before it is made (the stage says "Submitting to Sinch")
// and retried at NextAttemptAt until its outcome is recorded, checking
// first whether an earlier attempt reached Sinch when OutcomeUnknown; and
// when the row is next re-read from Sinch.
type Outbox struct {
	SubmitAttempts int        `gorm:"not null;default:0"`
	NextAttemptAt  *time.Time `gorm:"index"`
	OutcomeUnknown bool       `gorm:"not null;default:false"`
	LastError      string     `gorm:"size:500"`
	// NextSyncAt is when the worker next re-reads this from Sinch.
	NextSyncAt *time.Time `gorm:"index;index:,composite:org_due,priority:2"`
	// SyncPriority orders due work: user actions, then reads a webhook
	// asked for, then routine polls (PriorityAction...PriorityPoll).
	SyncPriority int `gorm:"not null;default:2"`
	// ParkedReason says why background work on the row cannot progress
	// (credentials refused, project unknown at Sinch...). Parked work is
	// tried again rarely, and at once when the Sinch settings change.
	ParkedReason string `gorm:"size:300;not null;default:'';index:,composite:parked,where:parked_reason <> ''"`
	ClientHealth
	// LeaseOwner and LeaseUntil claim the row for one worker, so two
	// processes on one database never work on it at once.
	LeaseOwner string `gorm:"size:64"`
	LeaseUntil *time.Time
}

var (
	projectIDPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	digitsPattern    = regexp.MustCompile(`^[0-9]+$`)
)

// Normalize trims what people paste.
func (in *ClientInput) Normalize() {
	for _, p := range []*string{&in.Name, &in.ProjectID, &in.BusinessManagerID, &in.WabaName, &in.CompanyLegalName, &in.SenderDisplayName} {
		*p = strings.TrimSpace(*p)
	}
	in.ProjectID = strings.ToLower(in.ProjectID)
	in.BusinessManagerID = strings.ReplaceAll(in.BusinessManagerID, " ", "")
}

// Validate checks the input. A draft needs only a name, but whatever is
// filled in must be well-formed; a submission needs everything Sinch requires.
func (in *ClientInput) Validate(submit bool) ValidationError {
	in.Normalize()
	v := ValidationError{}
	need := func(field, value, msg string) {
		if submit && value == "" {
			v.Add(field, msg)
		}
	}
	if in.Name == "" {
		v.Add("name", "Enter a name for this client.")
	}
	maxLen(v, "name", in.Name, 120)
	need("project_id", in.ProjectID, "Enter the client's Sinch project ID.")
	if in.ProjectID != "" && !projectIDPattern.MatchString(in.ProjectID) {
		v.Add("project_id", "A Sinch project ID looks like 1c8f5a2e-8d7b-4f0e-9a3b-2d6c5e4f7a81 (Sinch dashboard → Projects).")
	}
	need("business_manager_id", in.BusinessManagerID, "Enter the client's Business Manager ID.")
	if in.BusinessManagerID != "" && !digitsPattern.MatchString(in.BusinessManagerID) {
		v.Add("business_manager_id", "Use digits only: the Business Portfolio ID from Meta Business Settings → Business info.")
	}
	maxLen(v, "business_manager_id", in.BusinessManagerID, 255)
	if in.Legacy {
		need("company_legal_name", in.CompanyLegalName, "Enter the company's legal name, exactly as in its Business Manager.")
		maxLen(v, "company_legal_name", in.CompanyLegalName, 255)
	} else {
		need("waba_name", in.WabaName, "Enter the WhatsApp Business Account name (it must match the Business Manager's name).")
		maxLen(v, "waba_name", in.WabaName, 255)
		need("sender_display_name", in.SenderDisplayName, "Enter the display name people will see in WhatsApp.")
		maxLen(v, "sender_display_name", in.SenderDisplayName, 255)
		need("business_category", in.BusinessCategory, "Choose a business category.")
		choice(v, "business_category", in.BusinessCategory, BusinessCategories)
		choice(v, "region", in.Region, Regions)
		choice(v, "meta_local_storage", in.MetaLocalStorage, MetaLocalStorages)
	}
	choice(v, "sinch_business_manager", in.SinchBusinessManager, SinchBusinessManagers)
	if in.Region != "" && in.SinchBusinessManager != "" && !regionAllowsManager(in.Region, in.SinchBusinessManager) {
		v.Add("region", "Region "+LabelOf(Regions, in.Region)+" is not available under "+LabelOf(SinchBusinessManagers, in.SinchBusinessManager)+
			": EU needs Sinch UK, Brazil needs Sinch Brazil or Sinch Mexico.")
	}
	return v
}

func maxLen(v ValidationError, field, value string, n int) {
	if len([]rune(value)) > n {
		v.Add(field, "Use at most "+itoa(n)+" characters.")
	}
}

func choice(v ValidationError, field, value string, choices []Choice) {
	if value != "" && !isChoice(choices, value) {
		v.Add(field, "Choose one of the listed options.")
	}
}

// BeforeSave keeps SearchText in step with the searchable fields.
func (c *Client) BeforeSave(*gorm.DB) error {
	c.SearchText = searchText(c.ClientInput, c.SenderPhone)
	return nil
}

func searchText(in ClientInput, phone string) string {
	return strings.ToLower(in.Name + " | " + in.WabaName + " | " + in.BusinessManagerID + " | " + digitsOnly(phone))
}

func digitsOnly(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// FieldErrors decodes SinchErrors.
func (c Client) FieldErrors() map[string]string { return decodeErrors(c.SinchErrors) }

func decodeErrors(s string) map[string]string {
	m := map[string]string{}
	_ = json.Unmarshal([]byte(s), &m)
	return m
}

// Editable reports whether staff may change what is sent to Sinch: before
// submission, after a rejection (Sinch accepts updates only then), or while
// a submission waits for a retry that no attempt may have reached Sinch for
// (once one may have, the data must stay what Sinch may have received).
func (c Client) Editable() bool {
	return c.AccountStage == AccountDraft || c.AccountStage == AccountRejected ||
		c.AccountStage == AccountQueued && !c.OutcomeUnknown
}

// Deletable reports whether the client may be deleted: only a draft, which
// Sinch has never seen.
func (c Client) Deletable() bool { return c.AccountStage == AccountDraft }

// TakesSenders reports whether senders may be added: the WABA exists.
func (c Client) TakesSenders() bool { return c.AccountStage == AccountOnboarded }

// Commentable reports whether a comment to Sinch about the account makes
// sense: Sinch has it (not editable before submission), or rejected it.
func (c Client) Commentable() bool { return !c.Editable() || c.AccountStage == AccountRejected }

// checkUnique reports a project or Business Manager already used by another
// client of the tenant, as field messages.
func checkUnique(tx *gorm.DB, tenantID, selfID int64, in ClientInput, v ValidationError) error {
	var others []Client
	err := tx.Select("id", "name", "project_id", "business_manager_id").
		Where("organisation_id = ? AND id <> ? AND ((project_id <> '' AND project_id = ?) OR (business_manager_id <> '' AND business_manager_id = ?))",
			tenantID, selfID, in.ProjectID, in.BusinessManagerID).Find(&others).Error
	for _, o := range others {
		if in.ProjectID != "" && o.ProjectID == in.ProjectID {
			v.Add("project_id", "This project is already used by "+o.Name+". Sinch allows one WhatsApp account per project.")
		}
		if in.BusinessManagerID != "" && o.BusinessManagerID == in.BusinessManagerID {
			v.Add("business_manager_id", "This Business Manager is already used by "+o.Name+".")
		}
	}
	return err
}

// CreateClient stores a new client as a draft. With forSubmit the input is
// checked against what Sinch requires, so a client about to be submitted is
// not saved half-done, and it is stored as submitting (queued for Sinch).
func (s *Store) CreateClient(ctx context.Context, tenantID int64, actor User, in ClientInput, forSubmit bool) (Client, error) {
	return s.CreateClientWithContact(ctx, tenantID, actor, in, Contact{}, forSubmit)
}

// CreateClientWithContact is CreateClient with the business client's
// contact (checked with the same messages as the contact card).
func (s *Store) CreateClientWithContact(ctx context.Context, tenantID int64, actor User, in ClientInput, contact Contact, forSubmit bool) (Client, error) {
	var c Client
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		c, err = s.createClientTx(tx, tenantID, actor, in, contact, forSubmit, "")
		return err
	})
	s.notify(tenantID, c.ID, err)
	return c, wrap(err, "create client")
}

// createClientTx is CreateClient inside tx, with a contact; title, if
// set, is the timeline's first line.
func (s *Store) createClientTx(tx *gorm.DB, tenantID int64, actor User, in ClientInput, contact Contact, forSubmit bool, title string) (Client, error) {
	v := in.Validate(forSubmit)
	if cv, ok := AsValidation(contact.Validate()); ok {
		for k, msg := range cv {
			v.Add(k, msg)
		}
	}
	now := s.now()
	c := Client{OrganisationID: tenantID, ClientInput: in, Contact: contact, AccountStage: AccountDraft, Stage: StageDraft, StageSince: now,
		LastChangeAt: now, CreatedAt: now}
	if title == "" {
		title = "Client created as a draft"
		if forSubmit {
			title = "Client created"
		}
	}
	if forSubmit {
		// The submission is recorded with the client, so it is never lost:
		// if nothing else sends it, the worker does.
		c.AccountStage, c.Stage = AccountQueued, StageQueued
		c.NextAttemptAt, c.NextSyncAt, c.SyncPriority = &now, &now, PriorityAction
	}
	if err := checkUnique(tx, tenantID, 0, in, v); err != nil {
		return c, err
	}
	if err := v.Err(); err != nil {
		return c, err
	}
	if err := tx.Create(&c).Error; err != nil {
		return c, err
	}
	if err := recordStage(tx, c, actor.Name, now); err != nil {
		return c, err
	}
	if err := s.emitClient(tx, HookClientCreated, c, nil); err != nil {
		return c, err
	}
	return c, addEvent(tx, Event{OrganisationID: tenantID, ClientID: c.ID, At: now, Source: SourceStaff, Actor: actor.Name, Title: title})
}

// UpdateClient changes a client's data while it is editable (forSubmit as
// in CreateClient).
func (s *Store) UpdateClient(ctx context.Context, tenantID, id int64, actor User, in ClientInput, forSubmit bool) (Client, error) {
	v := in.Validate(forSubmit)
	var c Client
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := forUpdate(tx).Where("organisation_id = ?", tenantID).First(&c, id).Error; err != nil {
			return err
		}
		if !c.Editable() {
			return ErrConflict
		}
		if err := checkUnique(tx, tenantID, id, in, v); err != nil {
			return err
		}
		if err := v.Err(); err != nil {
			return err
		}
		c.ClientInput = in
		c.LastChangeAt = s.now()
		if err := tx.Select("*").Omit("created_at", "lease_owner", "lease_until").Save(&c).Error; err != nil {
			return err
		}
		return addEvent(tx, Event{OrganisationID: tenantID, ClientID: c.ID, At: c.LastChangeAt, Source: SourceStaff, Actor: actor.Name, Title: "Client details edited"})
	})
	s.notify(tenantID, c.ID, err)
	return c, wrap(err, "update client")
}

// ClientByID returns one client of the tenant.
func (s *Store) ClientByID(ctx context.Context, tenantID, id int64) (Client, error) {
	var c Client
	err := s.db.WithContext(ctx).Where("organisation_id = ?", tenantID).First(&c, id).Error
	return c, wrap(err, "client")
}

// DeleteClient removes a draft that was never sent to Sinch.
func (s *Store) DeleteClient(ctx context.Context, tenantID, id int64) (Client, error) {
	var c Client
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Where("organisation_id = ?", tenantID).First(&c, id).Error; err != nil {
			return err
		}
		if c.AccountStage != AccountDraft {
			return ErrConflict
		}
		gone := c
		gone.Stage = StageDeleted // the history keeps it, for the analytics' drop-off
		if err := recordStage(tx, gone, "", s.now()); err != nil {
			return err
		}
		return tx.Delete(&c).Error
	})
	s.notify(tenantID, c.ID, err)
	return c, wrap(err, "delete client")
}

// ProjectIDs lists the Sinch projects of the organisation's clients (the
// sandbox's pages show a member only their own projects).
func (s *Store) ProjectIDs(ctx context.Context, tenantID int64) ([]string, error) {
	var out []string
	err := s.db.WithContext(ctx).Model(&Client{}).Where("organisation_id = ? AND project_id <> ''", tenantID).
		Pluck("project_id", &out).Error
	return out, wrap(err, "project ids")
}
