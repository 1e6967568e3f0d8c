package provisioning

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
)

// ListSenders returns a page of the project's senders.
func (c *Client) ListSenders(ctx context.Context, projectID string, p ListSendersParams) (*SenderList, error) {
	q := PageParams{PageToken: p.PageToken, PageSize: p.PageSize}.query()
	for _, s := range p.States {
		q.Add("filterStates", string(s))
	}
	for _, s := range p.Statuses {
		q.Add("filterStatuses", string(s))
	}
	var l SenderList
	err := c.do(ctx, call{method: http.MethodGet, path: projectPath(projectID, "whatsapp", "senders"), query: q, out: &l})
	return ptrOrNil(&l, err)
}

// GetSender returns one sender.
func (c *Client) GetSender(ctx context.Context, projectID, senderID string) (*Sender, error) {
	var s Sender
	err := c.do(ctx, call{method: http.MethodGet, path: senderPath(projectID, senderID), out: &s})
	return ptrOrNil(&s, err)
}

// CreateSender creates a sender. On ErrOutcomeUnknown list the senders
// (look for the phone number) before trying again.
func (c *Client) CreateSender(ctx context.Context, projectID string, r CreateSenderRequest) (*Sender, error) {
	var s Sender
	err := c.do(ctx, call{method: http.MethodPost, path: projectPath(projectID, "whatsapp", "senders"), in: r, out: &s, create: true})
	return ptrOrNil(&s, err)
}

// UpdateSender changes an ACTIVE sender or a DRAFT/REJECTED one.
func (c *Client) UpdateSender(ctx context.Context, projectID, senderID string, r UpdateSenderRequest) (*Sender, error) {
	var s Sender
	err := c.do(ctx, call{method: http.MethodPatch, path: senderPath(projectID, senderID), in: r, out: &s})
	return ptrOrNil(&s, err)
}

// DeleteSender marks a sender for removal.
func (c *Client) DeleteSender(ctx context.Context, projectID, senderID string) error {
	return c.do(ctx, call{method: http.MethodDelete, path: senderPath(projectID, senderID)})
}

// DeleteSenderChanges discards DRAFT, REJECTED or ERROR changes.
func (c *Client) DeleteSenderChanges(ctx context.Context, projectID, senderID string) error {
	return c.do(ctx, call{method: http.MethodDelete, path: senderPath(projectID, senderID, "changes")})
}

// ListSenderActivities returns a page of the sender's activities.
func (c *Client) ListSenderActivities(ctx context.Context, projectID, senderID string, p PageParams) (*ActivityList, error) {
	var l ActivityList
	err := c.do(ctx, call{method: http.MethodGet, path: senderPath(projectID, senderID, "activities"), query: p.query(), out: &l})
	return ptrOrNil(&l, err)
}

// AddSenderComment adds a comment to the sender.
func (c *Client) AddSenderComment(ctx context.Context, projectID, senderID, comment string) (*Comment, error) {
	var out Comment
	err := c.do(ctx, call{method: http.MethodPost, path: senderPath(projectID, senderID, "comments"),
		in: CommentRequest{Comment: comment}, out: &out, create: true})
	return ptrOrNil(&out, err)
}

// RegisterSender asks Meta to send the OTP by SMS or voice. It is not
// retried once sent: a second call sends another code and counts against
// Sinch's register rate limit.
func (c *Client) RegisterSender(ctx context.Context, projectID, senderID string, method RegistrationMethod) (*Registration, error) {
	var out Registration
	err := c.do(ctx, call{method: http.MethodPost, path: senderPath(projectID, senderID, "register"),
		in: RegisterRequest{Method: method}, out: &out, create: true})
	return ptrOrNil(&out, err)
}

// VerifySender submits the OTP. On ErrOutcomeUnknown GET the sender: if it
// left PENDING_VERIFICATION the code was accepted.
func (c *Client) VerifySender(ctx context.Context, projectID, senderID, code string) error {
	return c.do(ctx, call{method: http.MethodPost, path: senderPath(projectID, senderID, "verify"),
		in: VerifyRequest{Code: code}, create: true})
}

func senderPath(projectID, senderID string, extra ...string) string {
	return projectPath(projectID, append([]string{"whatsapp", "senders", senderID}, extra...)...)
}

func (p PageParams) query() url.Values {
	q := url.Values{}
	if p.PageToken != "" {
		q.Set("pageToken", p.PageToken)
	}
	if p.PageSize > 0 {
		q.Set("pageSize", strconv.Itoa(p.PageSize))
	}
	return q
}
