package provisioning

// The API emits values it does not know upstream as UNRECOGNIZED and adds new
// values over time, so every enum is a plain string type: unknown values
// decode without error and the constants below are the known ones.

// AccountState is the state of an onboarded WhatsApp account.
type AccountState string

// Known account states.
const (
	AccountOnboarded                   AccountState = "ONBOARDED"
	AccountPendingFacebookVerification AccountState = "PENDING_FACEBOOK_VERIFICATION"
	AccountRejected                    AccountState = "REJECTED"
)

// AccountChangeStatus is the status of an account's pending changes.
type AccountChangeStatus string

// Known account change statuses.
const (
	AccountChangeDraft                       AccountChangeStatus = "DRAFT"
	AccountChangeInProgress                  AccountChangeStatus = "IN_PROGRESS"
	AccountChangePendingFacebookVerification AccountChangeStatus = "PENDING_FACEBOOK_VERIFICATION"
	AccountChangeRejected                    AccountChangeStatus = "REJECTED"
)

// SenderState is the state of a WhatsApp sender (phone number).
type SenderState string

// Known sender states.
const (
	SenderActive              SenderState = "ACTIVE"
	SenderInProgress          SenderState = "IN_PROGRESS"
	SenderInactive            SenderState = "INACTIVE"
	SenderPendingVerification SenderState = "PENDING_VERIFICATION"
	SenderSuspended           SenderState = "SUSPENDED"
	SenderError               SenderState = "ERROR"
)

// SenderChangeStatus is the status of a sender's pending changes.
type SenderChangeStatus string

// Known sender change statuses (MULTIPLE_WABA_ERROR is legacy).
const (
	SenderChangeDraft             SenderChangeStatus = "DRAFT"
	SenderChangeError             SenderChangeStatus = "ERROR"
	SenderChangeInProgress        SenderChangeStatus = "IN_PROGRESS"
	SenderChangeMultipleWabaError SenderChangeStatus = "MULTIPLE_WABA_ERROR"
	SenderChangeRejected          SenderChangeStatus = "REJECTED"
)

// Action tells create and update calls to save a draft or submit.
type Action string

// Known actions.
const (
	ActionDraft  Action = "DRAFT"
	ActionSubmit Action = "SUBMIT"
)

// BusinessManager names the Sinch Meta Business Manager used.
type BusinessManager string

// Known business managers.
const (
	SinchAmerica BusinessManager = "SINCH_AMERICA"
	SinchBR      BusinessManager = "SINCH_BR"
	SinchMX      BusinessManager = "SINCH_MX"
	SinchSEP     BusinessManager = "SINCH_SEP"
	SinchUK      BusinessManager = "SINCH_UK"
)

// Region is a Sinch hosting region (BR, EU, US).
type Region string

// Known regions.
const (
	RegionBR Region = "BR"
	RegionEU Region = "EU"
	RegionUS Region = "US"
)

// MetaLocalStorage is the country where Meta stores the data (e.g. "DE").
type MetaLocalStorage string

// Vertical is a business category (e.g. "PROFESSIONAL_SERVICES"). Accounts
// accept 20 values, senders also ONLINE_GAMBLING; responses add NOT_SET.
type Vertical string

// NumberProvider says who provides the sender's phone number.
type NumberProvider string

// Known number providers.
const (
	ProviderCustomer NumberProvider = "CUSTOMER"
	ProviderSinch    NumberProvider = "SINCH"
)

// RegistrationMethod is how the OTP is delivered.
type RegistrationMethod string

// Known registration methods.
const (
	MethodSMS   RegistrationMethod = "SMS"
	MethodVoice RegistrationMethod = "VOICE"
)

// QualityRating is Meta's quality rating of a sender.
type QualityRating string

// Known quality ratings: high, medium, low, and not rated yet.
const (
	QualityGreen   QualityRating = "GREEN"
	QualityYellow  QualityRating = "YELLOW"
	QualityRed     QualityRating = "RED"
	QualityUnknown QualityRating = "UNKNOWN"
)

// DailyLimit is a messaging tier such as "TIER_1K".
type DailyLimit string

// Known daily limits: business-initiated conversations in a rolling 24 hours.
const (
	TierNotSet    DailyLimit = "NOT_SET"
	Tier50        DailyLimit = "TIER_50"
	Tier250       DailyLimit = "TIER_250"
	Tier1K        DailyLimit = "TIER_1K"
	Tier2K        DailyLimit = "TIER_2K"
	Tier10K       DailyLimit = "TIER_10K"
	Tier100K      DailyLimit = "TIER_100K"
	TierUnlimited DailyLimit = "TIER_UNLIMITED"
)

// WabaBanState is Meta's enforcement state of a WABA, the value of
// Account.WabaBanState (a plain string there).
type WabaBanState string

// Known WABA ban states.
const (
	BanScheduleForDisable WabaBanState = "SCHEDULE_FOR_DISABLE"
	BanDisable            WabaBanState = "DISABLE"
	BanReinstate          WabaBanState = "REINSTATE"
)

// SenderErrorCode explains a sender whose changes are in ERROR.
type SenderErrorCode string

// MetadataStatus is the review status of a display name or username.
type MetadataStatus string

// Known metadata statuses.
const (
	MetadataApproved    MetadataStatus = "APPROVED"
	MetadataDeferred    MetadataStatus = "DEFERRED"
	MetadataDeleted     MetadataStatus = "DELETED"
	MetadataExpired     MetadataStatus = "EXPIRED"
	MetadataPending     MetadataStatus = "PENDING"
	MetadataRejected    MetadataStatus = "REJECTED"
	MetadataReserved    MetadataStatus = "RESERVED"
	MetadataUnspecified MetadataStatus = "UNSPECIFIED"
)

// ActivityType is the type of an account or sender activity entry.
type ActivityType string

// Known activity types (accounts use a subset).
const (
	ActivityActive                      ActivityType = "ACTIVE"
	ActivityCommentAdded                ActivityType = "COMMENT_ADDED"
	ActivityCreated                     ActivityType = "CREATED"
	ActivityDraft                       ActivityType = "DRAFT"
	ActivityEdited                      ActivityType = "EDITED"
	ActivityError                       ActivityType = "ERROR"
	ActivityInProgress                  ActivityType = "IN_PROGRESS"
	ActivityInactive                    ActivityType = "INACTIVE"
	ActivityPendingFacebookVerification ActivityType = "PENDING_FACEBOOK_VERIFICATION"
	ActivityRegistered                  ActivityType = "REGISTERED"
	ActivityRejected                    ActivityType = "REJECTED"
	ActivityVerified                    ActivityType = "VERIFIED"
)

// Trigger is a webhook trigger, also the type of a callback.
type Trigger string

// Triggers relevant to WhatsApp provisioning.
const (
	TriggerAll                           Trigger = "ALL"
	TriggerAccountCommentAdded           Trigger = "WHATSAPP_ACCOUNT_COMMENT_ADDED"
	TriggerAccountDailyLimitChanged      Trigger = "WHATSAPP_ACCOUNT_DAILY_LIMIT_CHANGED"
	TriggerAccountOnboarded              Trigger = "WHATSAPP_ACCOUNT_ONBOARDED"
	TriggerAccountPendingVerification    Trigger = "WHATSAPP_ACCOUNT_PENDING_VERIFICATION"
	TriggerAccountRejected               Trigger = "WHATSAPP_ACCOUNT_REJECTED"
	TriggerWabaAccountChanged            Trigger = "WHATSAPP_WABA_ACCOUNT_CHANGED"
	TriggerSenderActive                  Trigger = "WHATSAPP_SENDER_ACTIVE"
	TriggerSenderCommentAdded            Trigger = "WHATSAPP_SENDER_COMMENT_ADDED"
	TriggerSenderDeleted                 Trigger = "WHATSAPP_SENDER_DELETED"
	TriggerSenderDisplayNameUpdated      Trigger = "WHATSAPP_SENDER_DISPLAY_NAME_UPDATED"
	TriggerSenderError                   Trigger = "WHATSAPP_SENDER_ERROR"
	TriggerSenderInactive                Trigger = "WHATSAPP_SENDER_INACTIVE"
	TriggerSenderPendingVerification     Trigger = "WHATSAPP_SENDER_PENDING_VERIFICATION"
	TriggerSenderQualityRatingChanged    Trigger = "WHATSAPP_SENDER_QUALITY_RATING_CHANGED"
	TriggerSenderRejected                Trigger = "WHATSAPP_SENDER_REJECTED"
	TriggerSenderUsernameUpdated         Trigger = "WHATSAPP_SENDER_USERNAME_UPDATED"
	TriggerSenderDailyLimitChangedLegacy Trigger = "WHATSAPP_SENDER_DAILY_LIMIT_CHANGED"
)
