package views

// ClientsView is the client list page's model.
type ClientsView struct {
	Rows      []ClientRow
	Counts    []StageCount
	All       StageCount
	Attention StageCount
	Query     string
	Stage     string
	Health    string       // the health filter, if any
	Healths   []StageCount // the health filters, with their counts
	Sort      string
	Sorts     []Option
	Total     int64
	Page      int
	Pages     int
	PrevURL   string
	NextURL   string
	CanCreate bool
}

// ClientsHead is the part of the client list page outside its live region.
type ClientsHead struct {
	CanCreate bool
	Sandbox   bool
	ExportURL string // the list as CSV, with the page's search and filter
}

// StageCount is one clickable count above the table.
type StageCount struct {
	Label  string
	Count  int64
	URL    string
	Active bool
	Badge  string
}

// ClientRow is one client in the list.
type ClientRow struct {
	URL          string
	Name         string
	BMID         string
	WabaName     string
	AccountStage string
	SenderStage  string
	Phone        string
	StageLabel   string
	StageBadge   string
	WaitingOn    string
	InState      string
	LastChange   string
	Attention    bool
	Health       string // the worst health signal in a word, if any
	HealthBadge  string
}

// FixGuide is what to do about a rejection or error: plain steps, the
// display-name rules when it is about the name, and the form to fix it in,
// opened at the field.
type FixGuide struct {
	Title   string
	Steps   []string
	Rules   []string
	EditURL string
}

// HealthSignal is one line of a client's health panel.
type HealthSignal struct {
	Label, Value string
	Level        string // ok, info, warn, bad
	Since        string // "3 hours ago"
	Meaning      string
	Action       string // what to do, if anything
	FixURL       string // the form to fix it in, opened at the field
}

// ClientView is the client page's model.
type ClientView struct {
	ID           int64
	URL          string
	Name         string
	StageLabel   string
	StageBadge   string
	WaitingOn    string
	Since        string
	Attention    bool
	Steps        []Step
	Details      []KV
	MetaLink     string
	MetaSandbox  bool
	Rejected     bool
	Reason       string
	RejectedBy   string // the heading: who decided
	Queued       bool
	QueueNote    string
	ParkedNote   string   // background work paused, and why
	InProgress   []string // calls to Sinch under way
	SinchErrors  []string
	Draft        bool
	Events       []EventRow
	Senders      []SenderRow
	Health       []HealthSignal // what Sinch reported after onboarding, worst first
	Fix          *FixGuide      // what to do about a rejection
	CanEdit      bool
	CanSubmit    bool
	CanDelete    bool
	CanAddSender bool
	CanComment   bool
	CanAct       bool
	CommentForm  Form
	Legacy       bool
	Links        []LinkRow
	CanLink      bool
	NewLink      string // the link just created, shown once
	QRPath       string // SVG path of NewLink's QR code
	QRSize       int
	LinkDays     []Option
	Contact      ContactCard
}

// ContactCard is the business client's contact: who wabadesk e-mails.
type ContactCard struct {
	Form      Form // contact_name, contact_email, contact_language, reminders_paused
	Languages []Option
	Email     string // as stored: "Send by e-mail" needs one
	Reminders string // whether reminders go, in words
	CanEdit   bool
}

// LinkRow is one shareable client link, as staff see it.
type LinkRow struct {
	ID         int64
	CreatedBy  string
	Created    string
	Expires    string
	LastOpened string
	Opens      int
	Status     string
	Active     bool
}

// Step is one step of the journey stepper.
type Step struct {
	Label string
	State string // done, current, problem, todo
}

// KV is one labelled value.
type KV struct {
	Label string
	Value string
}

// EventRow is one timeline entry.
type EventRow struct {
	At       string
	Ago      string
	Datetime string // At in RFC 3339, for <time datetime>
	Source   string // staff, sinch, client, system
	Label    string
	Actor    string
	Title    string
	Detail   string
}

// SenderRow is one sender on the client page.
type SenderRow struct {
	ID           int64
	URL          string
	Phone        string
	DisplayName  string
	Provider     string
	StageLabel   string
	StageBadge   string
	Since        string
	Problem      string
	Reason       string
	Queued       bool
	Verification bool
	Verified     bool // a code was accepted; Sinch activates the number next
	OTPNote      string
	CanEdit      bool
	CanSubmit    bool
	CanDiscard   bool
	CanDelete    bool
	OTPForm      Form
	Deleted      bool
	Profile      []KV // the WhatsApp profile sent to Sinch, filled fields only
	Fix          *FixGuide
	CanComment   bool // Sinch knows the sender: staff may write to Sinch about it
}

// ClientFormView is the new/edit client form.
type ClientFormView struct {
	Title      string
	Action     string
	CancelURL  string
	Form       Form
	Categories []Option
	Managers   []Option
	Regions    []Option
	Storages   []Option
	Legacy     bool
	Resubmit   bool
}

// SenderFormView is the new/edit sender form.
type SenderFormView struct {
	Title      string
	ClientName string
	Action     string
	CancelURL  string
	Form       Form
	Verticals  []Option
	Regions    []Option
	Storages   []Option
	Locked     bool // the number cannot change once Sinch has it
	Resubmit   bool
	NameCheck  string // the display name's live check, with the client's name as the brand
	Rejection  string // why Meta rejected the display name, when it did
}
