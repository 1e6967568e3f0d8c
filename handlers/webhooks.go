package handlers

import (
	"errors"
	"io"
	"net/http"

	"github.com/labstack/echo/v4"

	"wabadesk/models"
	"wabadesk/provisioning"
	"wabadesk/provisioning/onboarding"
)

// maxCallbackBody bounds a Sinch callback; real ones are a few kilobytes.
const maxCallbackBody = 256 << 10

// webhookPrefix is where Sinch posts callbacks: webhookPrefix + hook token.
const webhookPrefix = "/webhooks/sinch/"

// receiveWebhook takes a Sinch callback: signature checked over the raw
// body (401 and nothing applied otherwise), duplicates ignored, the client
// re-read in the background, answered at once.
func (h *Handler) receiveWebhook(c echo.Context) error {
	body, err := io.ReadAll(io.LimitReader(c.Request().Body, maxCallbackBody+1))
	if err != nil {
		return c.String(http.StatusBadRequest, "unreadable body")
	}
	if len(body) > maxCallbackBody {
		return c.String(http.StatusRequestEntityTooLarge, "body too large")
	}
	outcome, err := h.onboard.HandleCallback(c.Request().Context(), c.Param("token"), c.Request().Header, body)
	switch {
	case errors.Is(err, models.ErrNotFound):
		return c.String(http.StatusNotFound, "unknown webhook")
	case errors.Is(err, provisioning.ErrBadSignature):
		return c.String(http.StatusUnauthorized, "bad signature")
	case errors.Is(err, onboarding.ErrBadCallback):
		return c.String(http.StatusBadRequest, "malformed callback")
	case err != nil:
		return err
	}
	return c.String(http.StatusOK, outcome)
}
