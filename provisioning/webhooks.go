package provisioning

import (
	"context"
	"net/http"
)

// Webhook is a registered provisioning webhook; Sinch never echoes the secret.
type Webhook struct {
	ID        string    `json:"id"`
	ProjectID string    `json:"projectId"`
	Target    string    `json:"target"`
	Triggers  []Trigger `json:"triggers"`
}

// WebhookRequest creates or replaces a webhook; all fields are required.
type WebhookRequest struct {
	Target   string    `json:"target"`
	Secret   string    `json:"secret"`
	Triggers []Trigger `json:"triggers"`
}

// WebhookUpdate changes some fields of a webhook; empty ones are kept.
type WebhookUpdate struct {
	Target   string    `json:"target,omitempty"`
	Secret   string    `json:"secret,omitempty"`
	Triggers []Trigger `json:"triggers,omitempty"`
}

// WebhookList is a page of webhooks.
type WebhookList struct {
	TotalSize         int       `json:"totalSize"`
	PageSize          int       `json:"pageSize"`
	PreviousPageToken string    `json:"previousPageToken,omitempty"`
	NextPageToken     string    `json:"nextPageToken,omitempty"`
	Webhooks          []Webhook `json:"webhooks"`
}

// ListWebhooks returns a page of the project's webhooks (at most 15 exist).
func (c *Client) ListWebhooks(ctx context.Context, projectID string, p PageParams) (*WebhookList, error) {
	var l WebhookList
	err := c.do(ctx, call{method: http.MethodGet, path: projectPath(projectID, "webhooks"), query: p.query(), out: &l})
	return ptrOrNil(&l, err)
}

// CreateWebhook registers a webhook; its target must be unique per project.
func (c *Client) CreateWebhook(ctx context.Context, projectID string, r WebhookRequest) (*Webhook, error) {
	var w Webhook
	err := c.do(ctx, call{method: http.MethodPost, path: projectPath(projectID, "webhooks"), in: r, out: &w, create: true})
	return ptrOrNil(&w, err)
}

// GetWebhook returns one webhook.
func (c *Client) GetWebhook(ctx context.Context, projectID, webhookID string) (*Webhook, error) {
	var w Webhook
	err := c.do(ctx, call{method: http.MethodGet, path: projectPath(projectID, "webhooks", webhookID), out: &w})
	return ptrOrNil(&w, err)
}

// ReplaceWebhook replaces all fields of a webhook (PUT).
func (c *Client) ReplaceWebhook(ctx context.Context, projectID, webhookID string, r WebhookRequest) (*Webhook, error) {
	var w Webhook
	err := c.do(ctx, call{method: http.MethodPut, path: projectPath(projectID, "webhooks", webhookID), in: r, out: &w})
	return ptrOrNil(&w, err)
}

// UpdateWebhook changes some fields of a webhook (PATCH).
func (c *Client) UpdateWebhook(ctx context.Context, projectID, webhookID string, r WebhookUpdate) (*Webhook, error) {
	var w Webhook
	err := c.do(ctx, call{method: http.MethodPatch, path: projectPath(projectID, "webhooks", webhookID), in: r, out: &w})
	return ptrOrNil(&w, err)
}

// DeleteWebhook removes a webhook.
func (c *Client) DeleteWebhook(ctx context.Context, projectID, webhookID string) error {
	return c.do(ctx, call{method: http.MethodDelete, path: projectPath(projectID, "webhooks", webhookID)})
}
