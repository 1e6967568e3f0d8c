package provisioning

import (
	"time"
)

// Sender is a WhatsApp sender, i.e. a phone number (WhatsappSenderDto).
// State is empty on a brand-new sender that only has Changes.
type Sender struct {
	ID                        string              `json:"id"`
	State                     SenderState         `json:"state,omitempty"`
	Changes                   *SenderChanges      `json:"changes,omitempty"`
	Details                   *SenderDetails      `json:"details,omitempty"`
	Metadata                  *SenderMetadata     `json:"metadata,omitempty"`
	Region                    Region              `json:"region"`
	MetaLocalStorage          MetaLocalStorage    `json:"metaLocalStorage"`
	ConversationAPIApp        string              `json:"conversationApiApp,omitempty"`
	ConversationAPIAppDetails *ConversationAPIApp `json:"conversationApiAppDetails,omitempty"`
	MaxTPS                    int                 `json:"maxTps,omitempty"`
	QualityRating             QualityRating       `json:"qualityRating,omitempty"`
	DailyLimit                DailyLimit          `json:"dailyLimit,omitempty"`
	BearerToken               string              `json:"bearerToken,omitempty"`
	CloudAPI                  bool                `json:"cloudApi"`
	Created                   time.Time           `json:"created,omitzero"`
	Modified                  time.Time           `json:"modified,omitzero"`
	CountryCode               string              `json:"countryCode,omitempty"`
	PhoneNumber               string              `json:"phoneNumber,omitempty"`
	NumberProvider            NumberProvider      `json:"numberProvider,omitempty"`
	BusinessManager           BusinessManager     `json:"businessManager"`
	WabaBanState              string              `json:"wabaBanState,omitempty"`
	WabaBanDate               string              `json:"wabaBanDate,omitempty"`
	CompatibleRegions         []string            `json:"compatibleRegions"`
}

// Status returns the state, or the pending change status when the sender
// has no state yet.
func (s Sender) Status() string {
	if s.State == "" && s.Changes != nil {
		return string(s.Changes.Status)
	}
	return string(s.State)
}

// SenderChanges holds a sender's pending changes and why they failed.
type SenderChanges struct {
	Status      SenderChangeStatus `json:"status"`
	Details     *SenderDetails     `json:"details,omitempty"`
	ErrorReason string             `json:"errorReason,omitempty"`
	ErrorCode   SenderErrorCode    `json:"errorCode,omitempty"`
}

// SenderDetails is a sender's WhatsApp profile.
type SenderDetails struct {
	DisplayName string   `json:"displayName,omitempty"`
	Vertical    Vertical `json:"vertical,omitempty"`
	Description string   `json:"description,omitempty"`
	Email       string   `json:"email,omitempty"`
	Address     string   `json:"address,omitempty"`
	WebsiteOne  string   `json:"websiteOne,omitempty"`
	WebsiteTwo  string   `json:"websiteTwo,omitempty"`
	About       string   `json:"about,omitempty"`
	PhotoURL    string   `json:"photoUrl,omitempty"`
	Username    string   `json:"username,omitempty"`
}

// SenderMetadata tracks the review of the display name and username.
type SenderMetadata struct {
	DisplayName *MetadataField `json:"displayName,omitempty"`
	Username    *MetadataField `json:"username,omitempty"`
}

// MetadataField is one reviewed value.
type MetadataField struct {
	Value           string         `json:"value,omitempty"`
	Status          MetadataStatus `json:"status"`
	RejectionReason string         `json:"rejectionReason,omitempty"`
}

// ConversationAPIApp is the Conversation API app the sender is attached to.
type ConversationAPIApp struct {
	ID            string `json:"id"`
	ProjectID     string `json:"projectId"`
	Region        string `json:"region"`
	ChannelStatus string `json:"channelStatus,omitempty"`
}

// SenderList is a page of senders.
type SenderList struct {
	TotalSize         int      `json:"totalSize"`
	PageSize          int      `json:"pageSize"`
	PreviousPageToken string   `json:"previousPageToken,omitempty"`
	NextPageToken     string   `json:"nextPageToken,omitempty"`
	Senders           []Sender `json:"senders"`
}

// ListSendersParams selects a page of senders, optionally filtered.
type ListSendersParams struct {
	PageToken string
	PageSize  int
	States    []SenderState        // filterStates
	Statuses  []SenderChangeStatus // filterStatuses
}

// CreateSenderRequest creates a sender in a partner-initiated account
// (WhatsappInputSenderPartnerInitiatedDto).
type CreateSenderRequest struct {
	Status              Action              `json:"status,omitempty"` // default SUBMIT
	Region              Region              `json:"region,omitempty"`
	MetaLocalStorage    MetaLocalStorage    `json:"metaLocalStorage,omitempty"`
	PhoneNumberProvider NumberProvider      `json:"phoneNumberProvider"`
	SaveDraftOnFailure  bool                `json:"saveDraftOnFailure,omitempty"`
	Details             CreateSenderDetails `json:"details"`
}

// CreateSenderDetails is the new sender's number and profile. PhoneNumber
// is required for CUSTOMER numbers and may be empty for SINCH ones.
type CreateSenderDetails struct {
	DisplayName string   `json:"displayName"`
	Vertical    Vertical `json:"vertical"`
	CountryCode string   `json:"countryCode"` // calling code without "+"
	PhoneNumber string   `json:"phoneNumber,omitempty"`
	Description string   `json:"description,omitempty"`
	Email       string   `json:"email,omitempty"`
	Address     string   `json:"address,omitempty"`
	WebsiteOne  string   `json:"websiteOne,omitempty"`
	WebsiteTwo  string   `json:"websiteTwo,omitempty"`
	About       string   `json:"about,omitempty"`
	PhotoURL    string   `json:"photoUrl,omitempty"`
}

// UpdateSenderRequest changes a sender (WhatsappUpdateSenderInputDto).
// Status defaults to DRAFT at Sinch: send SUBMIT to apply the changes.
type UpdateSenderRequest struct {
	Status  Action               `json:"status,omitempty"`
	Details *UpdateSenderDetails `json:"details,omitempty"`
}

// UpdateSenderDetails: empty DisplayName/Vertical are left unchanged; the
// Nullable fields are absent by default, and Null deletes the value.
type UpdateSenderDetails struct {
	DisplayName string           `json:"displayName,omitempty"`
	Vertical    Vertical         `json:"vertical,omitempty"`
	Description Nullable[string] `json:"description,omitzero"`
	Email       Nullable[string] `json:"email,omitzero"`
	Address     Nullable[string] `json:"address,omitzero"`
	WebsiteOne  Nullable[string] `json:"websiteOne,omitzero"`
	WebsiteTwo  Nullable[string] `json:"websiteTwo,omitzero"`
	About       Nullable[string] `json:"about,omitzero"`
	PhotoURL    Nullable[string] `json:"photoUrl,omitzero"`
	Username    Nullable[string] `json:"username,omitzero"`
}

// RegisterRequest asks for an OTP by SMS or voice.
type RegisterRequest struct {
	Method RegistrationMethod `json:"method"`
}

// Registration is the answer to a register call (WhatsappSenderRegisterDto).
type Registration struct {
	ID                   string             `json:"id"`
	Method               RegistrationMethod `json:"method"`
	Accepted             time.Time          `json:"accepted"`
	VerificationCodeSent bool               `json:"verificationCodeSent"`
}

// VerifyRequest carries the OTP; Code may be empty when Meta already
// verified the number.
type VerifyRequest struct {
	Code string `json:"code,omitempty"`
}
