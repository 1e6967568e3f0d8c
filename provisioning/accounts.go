package provisioning

import (
	"context"
	"net/http"
	"time"
)

// Account is a WhatsApp account (WABA) of a project (WhatsappAccountDto).
// State is empty until the first creation completes; in-flight data lives
// in Changes.
type Account struct {
	State                    AccountState    `json:"state,omitempty"`
	IsEmbeddedSignup         bool            `json:"isEmbeddedSignup"`
	BusinessManager          BusinessManager `json:"businessManager"`
	WabaID                   string          `json:"wabaId,omitempty"`
	Changes                  *AccountChanges `json:"changes,omitempty"`
	Details                  *AccountDetails `json:"details,omitempty"`
	WabaBanState             string          `json:"wabaBanState,omitempty"`
	WabaBanDate              string          `json:"wabaBanDate,omitempty"`
	WabaEnabledForInsights   *bool           `json:"wabaEnabledForInsights,omitempty"`
	WabaEnabledForDirectSend *bool           `json:"wabaEnabledForDirectSend,omitempty"`
	WabaMaxPriceOnboarded    bool            `json:"wabaMaxPriceOnboarded"`
	CompatibleRegions        []string        `json:"compatibleRegions"`
	PrimaryBusinessLocation  string          `json:"primaryBusinessLocation,omitempty"`
	// PartnerInitiatedRequestID is the Meta request to approve; deprecated
	// by Sinch and usually absent, so links must work without it.
	PartnerInitiatedRequestID string     `json:"partnerInitiatedRequestId,omitempty"`
	BusinessDailyLimit        DailyLimit `json:"businessDailyLimit,omitempty"`
	Currency                  string     `json:"currency,omitempty"`
}

// Status returns the state, or the pending change status when there is no
// state yet (a new account) or the changes are further along.
func (a Account) Status() string {
	if a.Changes != nil && (a.State == "" || a.State == AccountRejected) {
		return string(a.Changes.Status)
	}
	return string(a.State)
}

// AccountChanges holds changes not yet applied to the account.
type AccountChanges struct {
	Status  AccountChangeStatus `json:"status"`
	Details *AccountDetails     `json:"details,omitempty"`
}

// AccountDetails is the account data (current or pending).
type AccountDetails struct {
	ClientBusinessManagerID string                `json:"clientBusinessManagerId,omitempty"`
	CompanyLegalName        string                `json:"companyLegalName,omitempty"`
	WabaName                string                `json:"wabaName,omitempty"`
	SenderDetails           *AccountSenderDetails `json:"senderDetails,omitempty"`
}

// AccountSenderDetails is the first sender's data sent with the account.
type AccountSenderDetails struct {
	DisplayName      string           `json:"displayName,omitempty"`
	BusinessCategory Vertical         `json:"businessCategory,omitempty"`
	Region           Region           `json:"region,omitempty"`
	MetaLocalStorage MetaLocalStorage `json:"metaLocalStorage,omitempty"`
}

// CreateAccountRequest is the partner-initiated creation body
// (WhatsappInputAccountPartnerInitiatedDto).
type CreateAccountRequest struct {
	WabaName                string               `json:"wabaName"`
	ClientBusinessManagerID string               `json:"clientBusinessManagerId"`
	BusinessManager         BusinessManager      `json:"businessManager,omitempty"`
	SenderDetails           AccountSenderDetails `json:"senderDetails"`
}

// CreateOBOAccountRequest is the legacy On-Behalf-Of creation body
// (WhatsappInputAccountDtoDeprecated); Meta ended OBO in 2025.
type CreateOBOAccountRequest struct {
	ClientBusinessManagerID string          `json:"clientBusinessManagerId"`
	CompanyLegalName        string          `json:"companyLegalName"`
	BusinessManager         BusinessManager `json:"businessManager,omitempty"`
}

// UpdateAccountRequest changes a REJECTED account; empty fields are omitted.
type UpdateAccountRequest struct {
	CompanyLegalName        string                `json:"companyLegalName,omitempty"`
	WabaName                string                `json:"wabaName,omitempty"`
	ClientBusinessManagerID string                `json:"clientBusinessManagerId,omitempty"`
	SenderDetails           *AccountSenderDetails `json:"senderDetails,omitempty"`
}

// Activity is one entry of an account's or sender's activity list.
type Activity struct {
	Type    ActivityType `json:"type"`
	Created time.Time    `json:"created,omitzero"`
	Author  string       `json:"author,omitempty"`
	Comment string       `json:"comment,omitempty"`
}

// ActivityList is a page of activities, newest first.
type ActivityList struct {
	TotalSize         int        `json:"totalSize"`
	PageSize          int        `json:"pageSize"`
	PreviousPageToken string     `json:"previousPageToken,omitempty"`
	NextPageToken     string     `json:"nextPageToken,omitempty"`
	Notifications     []Activity `json:"notifications"`
}

// PageParams selects a page of a list.
type PageParams struct {
	PageToken string
	PageSize  int // 0 lets Sinch choose
}

// Comment is a created comment (WhatsappCommentDto).
type Comment struct {
	Type    string    `json:"type"`
	Comment string    `json:"comment"`
	Created time.Time `json:"created,omitzero"`
}

// CommentRequest is the body of the comment endpoints.
type CommentRequest struct {
	Comment string `json:"comment"`
}

// GetAccount returns the project's WhatsApp account.
func (c *Client) GetAccount(ctx context.Context, projectID string) (*Account, error) {
	var a Account
	err := c.do(ctx, call{method: http.MethodGet, path: projectPath(projectID, "whatsapp"), out: &a})
	return ptrOrNil(&a, err)
}

// CreateAccount starts partner-initiated WABA creation. On ErrOutcomeUnknown
// call GetAccount before trying again.
func (c *Client) CreateAccount(ctx context.Context, projectID string, r CreateAccountRequest) (*Account, error) {
	return c.createAccount(ctx, projectID, r)
}

// CreateOBOAccount creates an account the legacy On-Behalf-Of way.
func (c *Client) CreateOBOAccount(ctx context.Context, projectID string, r CreateOBOAccountRequest) (*Account, error) {
	return c.createAccount(ctx, projectID, r)
}

func (c *Client) createAccount(ctx context.Context, projectID string, body any) (*Account, error) {
	var a Account
	err := c.do(ctx, call{method: http.MethodPost, path: projectPath(projectID, "whatsapp"), in: body, out: &a, create: true})
	return ptrOrNil(&a, err)
}

// UpdateAccount resubmits a REJECTED account with changed data.
func (c *Client) UpdateAccount(ctx context.Context, projectID string, r UpdateAccountRequest) (*Account, error) {
	var a Account
	err := c.do(ctx, call{method: http.MethodPatch, path: projectPath(projectID, "whatsapp"), in: r, out: &a})
	return ptrOrNil(&a, err)
}

// DeleteAccount deletes an account that has no senders.
func (c *Client) DeleteAccount(ctx context.Context, projectID string) error {
	return c.do(ctx, call{method: http.MethodDelete, path: projectPath(projectID, "whatsapp")})
}

// ListAccountActivities returns a page of the account's activities.
func (c *Client) ListAccountActivities(ctx context.Context, projectID string, p PageParams) (*ActivityList, error) {
	var l ActivityList
	err := c.do(ctx, call{method: http.MethodGet, path: projectPath(projectID, "whatsapp", "activities"), query: p.query(), out: &l})
	return ptrOrNil(&l, err)
}

// AddAccountComment adds a comment to the account.
func (c *Client) AddAccountComment(ctx context.Context, projectID, comment string) (*Comment, error) {
	var out Comment
	err := c.do(ctx, call{method: http.MethodPost, path: projectPath(projectID, "whatsapp", "comments"),
		in: CommentRequest{Comment: comment}, out: &out, create: true})
	return ptrOrNil(&out, err)
}

func ptrOrNil[T any](v *T, err error) (*T, error) {
	if err != nil {
		return nil, err
	}
	return v, nil
}
