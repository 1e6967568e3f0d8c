package models

// AccountStage is where the client's WhatsApp account (WABA) stands, in our
// words. The onboarding worker maps Sinch's state and changes.status to it.
type AccountStage string

// Account stages, in journey order.
const (
	AccountDraft       AccountStage = "draft"        // staff still typing; nothing sent
	AccountQueued      AccountStage = "queued"       // submission recorded: being sent, or retried in the background
	AccountPreparing   AccountStage = "preparing"    // Sinch IN_PROGRESS: preparing the request at Meta
	AccountPendingMeta AccountStage = "pending_meta" // PENDING_FACEBOOK_VERIFICATION: the client must approve at Meta
	AccountOnboarded   AccountStage = "onboarded"    // ONBOARDED: the WABA exists
	AccountRejected    AccountStage = "rejected"     // REJECTED: staff must fix and resubmit
)

// SenderStage is where the client's phone number stands.
type SenderStage string

// Sender stages; "" means the client has no sender yet.
const (
	SenderNone         SenderStage = ""
	SenderDraft        SenderStage = "draft"
	SenderQueued       SenderStage = "queued"
	SenderReview       SenderStage = "review"       // IN_PROGRESS at Sinch/Meta
	SenderVerification SenderStage = "verification" // PENDING_VERIFICATION: OTP needed
	SenderActive       SenderStage = "active"
	SenderRejected     SenderStage = "rejected"
	SenderError        SenderStage = "error"
	SenderInactive     SenderStage = "inactive" // INACTIVE or SUSPENDED
	SenderDeleted      SenderStage = "deleted"  // marked for removal at Sinch
)

// Stage is the client's place in the whole journey, one value combining the
// account and the sender, so the list can count and filter on one column.
type Stage string

// Journey stages, in order.
const (
	StageDraft         Stage = "draft"
	StageQueued        Stage = "queued"
	StagePreparing     Stage = "preparing"
	StageMetaApproval  Stage = "meta_approval"
	StageRejected      Stage = "rejected"
	StageOnboarded     Stage = "onboarded" // WABA ready, no sender in flight
	StageSenderReview  Stage = "sender_review"
	StageVerification  Stage = "verification"
	StageSenderProblem Stage = "sender_problem"
	StageActive        Stage = "active"
)

// Stages lists the journey stages in the order the list shows their counts.
var Stages = []Stage{StageDraft, StageQueued, StagePreparing, StageMetaApproval, StageRejected,
	StageOnboarded, StageSenderReview, StageVerification, StageSenderProblem, StageActive}

// journeyStage combines the two stages.
func journeyStage(a AccountStage, s SenderStage) Stage {
	switch a {
	case AccountDraft:
		return StageDraft
	case AccountQueued:
		return StageQueued
	case AccountPreparing:
		return StagePreparing
	case AccountPendingMeta:
		return StageMetaApproval
	case AccountRejected:
		return StageRejected
	}
	switch s {
	case SenderQueued, SenderReview:
		return StageSenderReview
	case SenderVerification:
		return StageVerification
	case SenderRejected, SenderError, SenderInactive:
		return StageSenderProblem
	case SenderActive:
		return StageActive
	}
	return StageOnboarded
}

// Label is the stage as staff read it.
func (s Stage) Label() string {
	return map[Stage]string{
		StageDraft: "Draft", StageQueued: "Submitting to Sinch", StagePreparing: "Sinch preparing",
		StageMetaApproval: "Waiting for Meta approval", StageRejected: "Rejected",
		StageOnboarded: "Onboarded", StageSenderReview: "Sender in review",
		StageVerification: "Phone verification", StageSenderProblem: "Sender needs fixing",
		StageActive: "Active",
	}[s]
}

// Badge is the CSS class that colours the stage.
func (s Stage) Badge() string {
	switch s {
	case StageActive:
		return "badge-ok"
	case StageRejected, StageSenderProblem:
		return "badge-danger"
	case StageMetaApproval, StageVerification, StageQueued:
		return "badge-warn"
	case StageDraft:
		return ""
	}
	return "badge-info"
}

// WaitingOn says who must act next: "staff", "client", "Sinch", "Meta" or "" when done.
func (s Stage) WaitingOn() string {
	switch s {
	case StageDraft, StageRejected, StageOnboarded, StageSenderProblem:
		return "staff"
	case StageQueued, StagePreparing:
		return "Sinch"
	case StageMetaApproval, StageVerification:
		return "client"
	case StageSenderReview:
		return "Meta"
	}
	return ""
}

// Label is the account stage as staff read it.
func (a AccountStage) Label() string {
	return map[AccountStage]string{
		AccountDraft: "Draft", AccountQueued: "Submitting to Sinch", AccountPreparing: "Sinch preparing",
		AccountPendingMeta: "Waiting for Meta approval", AccountOnboarded: "Onboarded", AccountRejected: "Rejected",
	}[a]
}

// Label is the sender stage as staff read it.
func (s SenderStage) Label() string {
	return map[SenderStage]string{
		SenderNone: "No sender yet", SenderDraft: "Draft", SenderQueued: "Submitting to Sinch",
		SenderReview: "In review", SenderVerification: "Phone verification", SenderActive: "Active",
		SenderRejected: "Rejected", SenderError: "Error", SenderInactive: "Inactive", SenderDeleted: "Deleted",
	}[s]
}

// Editable reports whether staff may change the sender's data now: before
// submission, after a rejection or error, or (a profile update) when active.
func (s SenderStage) Editable() bool {
	switch s {
	case SenderDraft, SenderQueued, SenderRejected, SenderError, SenderActive:
		return true
	}
	return false
}

// Todo is what staff should do about a client in the stage, for
// notifications and digests.
func (s Stage) Todo() string {
	switch s {
	case StageDraft:
		return "Finish the details and submit them to Sinch."
	case StageQueued, StagePreparing:
		return "Sinch is taking longer than usual: check Sinch now, or comment to Sinch support."
	case StageMetaApproval:
		return "The client has not approved the request at Meta yet: share the client link or call them."
	case StageRejected:
		return "Read the reason, fix the details and resubmit."
	case StageOnboarded:
		return "Add the client's phone number as a sender."
	case StageSenderReview:
		return "Meta is reviewing the sender longer than usual: comment to Sinch support if it stays."
	case StageVerification:
		return "The phone number waits for its code: the client can enter it on their page, or you can for them."
	case StageSenderProblem:
		return "Fix the sender's details and resubmit, or discard the changes."
	}
	return "Nothing: the number can send WhatsApp messages."
}
