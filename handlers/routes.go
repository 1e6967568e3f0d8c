package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"wabadesk/models"
)

// access says who may call a route.
type access int

const (
	machine  access = iota // other systems (Sinch): no session, no CSRF; authenticated otherwise
	public                 // anyone, logged in or not
	loggedIn               // any staff member (viewer and up)
	agent                  // agents, admins, owners
	admin                  // admins and owners
	owner                  // owners only
	apiRead                // an API key of any role
	apiWrite               // an API key acting as agent or admin
	apiAdmin               // an API key acting as admin
)

// minRole is the role an access level requires.
func (a access) minRole() models.Role {
	switch a {
	case agent, apiWrite:
		return models.RoleAgent
	case admin, apiAdmin:
		return models.RoleAdmin
	case owner:
		return models.RoleOwner
	}
	return models.RoleViewer
}

// route is one line of the route table. audit names the audit-log action
// of a state-changing route: register records it after a successful
// (2xx/3xx) answer, with the route's :id parameters as the subject.
// TestEveryStateChangeIsAudited fails for a staff POST without one.
type route struct {
	method  string
	path    string
	handler echo.HandlerFunc
	access  access
	audit   string
}

// routes is THE route table: every URL of the application and who may use it.
func (h *Handler) routes() []route {
	return []route{
		{http.MethodGet, "/healthz", h.healthz, machine, ""},
		{http.MethodGet, "/readyz", h.readyz, machine, ""},
		{http.MethodGet, "/favicon.ico", h.favicon, machine, ""},
		{http.MethodGet, "/metrics", h.showMetrics, machine, ""},
		{http.MethodPost, webhookPrefix + ":token", h.receiveWebhook, machine, ""},

		{http.MethodGet, "/", h.home, public, ""},
		{http.MethodGet, "/signup", h.newSignup, public, ""},
		{http.MethodPost, "/signup", h.createSignup, public, "organisation.created"},
		{http.MethodGet, "/login", h.newLogin, public, ""},
		{http.MethodPost, "/login", h.createLogin, public, "login"},
		{http.MethodPost, "/logout", h.logout, public, "logout"},
		{http.MethodGet, "/login/two-factor", h.showLoginTwoFactor, public, ""},
		{http.MethodPost, "/login/two-factor", h.createLoginTwoFactor, public, "login.second_factor"},
		{http.MethodGet, "/password/forgot", h.newPasswordReset, public, ""},
		{http.MethodPost, "/password/forgot", h.createPasswordReset, public, "password.reset_requested"},
		{http.MethodGet, "/password/reset/:token", h.showPasswordReset, public, ""},
		{http.MethodPost, "/password/reset/:token", h.updatePasswordByReset, public, "password.reset"},
		{http.MethodGet, "/invites/:token", h.showInvite, public, ""},
		{http.MethodPost, "/invites/:token", h.acceptInvite, public, "staff.joined"},

		{http.MethodGet, "/events", h.streamChanges, loggedIn, ""},
		{http.MethodGet, "/clients", h.listClients, loggedIn, ""},
		{http.MethodGet, "/clients.csv", h.exportClients, loggedIn, ""},
		{http.MethodGet, "/clients/new", h.newClient, agent, ""},
		{http.MethodPost, "/clients", h.createClient, agent, "client.created"},
		{http.MethodGet, importPrefix, h.newImport, agent, ""},
		{http.MethodPost, importPrefix, h.createImport, agent, "import.checked"},
		{http.MethodGet, importPrefix + "/template.csv", h.importTemplate, agent, ""},
		{http.MethodGet, importPrefix + "/:id", h.showImport, agent, ""},
		{http.MethodPost, importPrefix + "/:id/start", h.startImport, agent, "import.started"},
		{http.MethodPost, importPrefix + "/:id/cancel", h.cancelImport, agent, "import.cancelled"},
		{http.MethodGet, importPrefix + "/:id/result.csv", h.importResult, agent, ""},
		{http.MethodGet, "/clients/:id", h.showClient, loggedIn, ""},
		{http.MethodGet, "/clients/:id/edit", h.editClient, agent, ""},
		{http.MethodPost, "/clients/:id", h.updateClient, agent, "client.edited"},
		{http.MethodPost, "/clients/:id/submit", h.submitClient, agent, "client.submitted"},
		{http.MethodPost, "/clients/:id/refresh", h.refreshClient, agent, "client.refreshed"},
		{http.MethodPost, "/clients/:id/comments", h.createComment, agent, "client.commented"},
		{http.MethodPost, "/clients/:id/delete", h.deleteClient, agent, "client.deleted"},

		{http.MethodPost, "/clients/:id/contact", h.updateContact, agent, "client.contact_changed"},
		{http.MethodPost, "/clients/:id/links", h.createLink, agent, "link.created"},
		{http.MethodPost, "/clients/:id/links/mail", h.mailLink, agent, "link.emailed"},
		{http.MethodPost, "/clients/:id/links/:lid/revoke", h.revokeLink, agent, "link.revoked"},
		{http.MethodPost, "/clients/:id/links/:lid/regenerate", h.regenerateLink, agent, "link.regenerated"},

		{http.MethodGet, portalPrefix + ":token", h.showPortal, public, ""},
		{http.MethodGet, portalPrefix + ":token/meta", h.showPortalMeta, public, ""},
		{http.MethodPost, portalPrefix + ":token/otp", h.createPortalOTP, public, ""},
		{http.MethodGet, portalPrefix + ":token/otp", h.showPortalStep, public, ""},
		{http.MethodGet, portalPrefix + ":token/verify", h.showPortalStep, public, ""},
		{http.MethodPost, portalPrefix + ":token/verify", h.createPortalVerification, public, ""},
		{http.MethodGet, portalPrefix + ":token/events", h.streamPortal, public, ""},
		{http.MethodGet, "/brand/:id/theme.css", h.brandCSS, machine, ""},
		{http.MethodGet, unsubscribePrefix + ":token", h.showUnsubscribe, machine, ""},
		{http.MethodPost, unsubscribePrefix + ":token", h.createUnsubscribe, machine, ""},

		{http.MethodGet, "/name-check", h.nameCheck, agent, ""},
		{http.MethodGet, "/clients/:id/senders/new", h.newSender, agent, ""},
		{http.MethodPost, "/clients/:id/senders", h.createSender, agent, "sender.created"},
		{http.MethodGet, "/clients/:id/senders/:sid/edit", h.editSender, agent, ""},
		{http.MethodPost, "/clients/:id/senders/:sid", h.updateSender, agent, "sender.edited"},
		{http.MethodPost, "/clients/:id/senders/:sid/submit", h.submitSender, agent, "sender.submitted"},
		{http.MethodPost, "/clients/:id/senders/:sid/discard", h.discardSender, agent, "sender.changes_discarded"},
		{http.MethodPost, "/clients/:id/senders/:sid/delete", h.deleteSender, agent, "sender.deleted"},
		{http.MethodPost, "/clients/:id/senders/:sid/comments", h.createSenderComment, agent, "sender.commented"},
		{http.MethodPost, "/clients/:id/senders/:sid/otp", h.requestOTP, agent, "otp.requested"},
		{http.MethodPost, "/clients/:id/senders/:sid/verify", h.verifyOTP, agent, "otp.entered"},

		{http.MethodGet, "/account", h.showAccount, loggedIn, ""},
		{http.MethodPost, "/account/password", h.updatePassword, loggedIn, "password.changed"},
		{http.MethodPost, "/account/notifications", h.updateNotifications, loggedIn, "notifications.changed"},
		{http.MethodPost, "/account/sessions/:sid/end", h.endUserSession, loggedIn, "session.ended"},
		{http.MethodPost, "/account/sessions/end-all", h.endAllSessions, loggedIn, "sessions.ended_all"},
		{http.MethodGet, "/account/two-factor", h.showTwoFactor, loggedIn, ""},
		{http.MethodPost, "/account/two-factor", h.enableTwoFactor, loggedIn, "two_factor.enabled"},
		{http.MethodPost, "/account/two-factor/recovery-codes", h.newRecoveryCodes, loggedIn, "two_factor.recovery_codes_replaced"},
		{http.MethodPost, "/account/two-factor/disable", h.disableTwoFactor, loggedIn, "two_factor.disabled"},

		{http.MethodGet, "/staff", h.listStaff, loggedIn, ""},
		{http.MethodPost, "/staff/invites", h.createInvite, admin, "staff.invited"},
		{http.MethodPost, "/staff/invites/:id/delete", h.deleteInvite, admin, "staff.invite_revoked"},
		{http.MethodPost, "/staff/:id/delete", h.deleteStaff, owner, "staff.removed"},

		{http.MethodGet, "/settings", h.showSettings, owner, ""},
		{http.MethodPost, "/settings/sinch", h.updateSinch, owner, "settings.sinch_changed"},
		{http.MethodPost, "/settings/sinch/test", h.testSinch, owner, "settings.sinch_tested"},
		{http.MethodPost, "/settings/branding", h.updateBranding, owner, "settings.branding_changed"},
		{http.MethodPost, "/settings/security", h.updateSecurity, owner, "settings.security_changed"},
		{http.MethodPost, "/settings/email/test", h.sendTestMail, owner, "settings.test_email_sent"},
		{http.MethodPost, "/settings/reminders", h.updateReminders, owner, "settings.reminders_changed"},
		{http.MethodGet, "/settings/api-keys", h.listAPIKeys, admin, ""},
		{http.MethodPost, "/settings/api-keys", h.createAPIKey, admin, "api_key.created"},
		{http.MethodPost, "/settings/api-keys/:id/revoke", h.revokeAPIKey, admin, "api_key.revoked"},
		{http.MethodGet, apiPrefix + "/openapi.json", h.showOpenAPI, machine, ""},
		{http.MethodGet, apiPrefix + "/docs", h.showAPIDocs, public, ""},
		{http.MethodGet, "/settings/endpoints", h.listEndpoints, admin, ""},
		{http.MethodPost, "/settings/endpoints", h.createEndpoint, admin, "endpoint.created"},
		{http.MethodGet, "/settings/endpoints/:id", h.showEndpoint, admin, ""},
		{http.MethodPost, "/settings/endpoints/:id", h.updateEndpoint, admin, "endpoint.changed"},
		{http.MethodPost, "/settings/endpoints/:id/delete", h.deleteEndpoint, admin, "endpoint.deleted"},
		{http.MethodPost, "/settings/endpoints/:id/secret", h.rollEndpointSecret, admin, "endpoint.secret_rolled"},
		{http.MethodPost, "/settings/endpoints/:id/test", h.sendTestEvent, admin, "endpoint.test_sent"},
		{http.MethodPost, "/settings/endpoints/:id/deliveries/:did/redeliver", h.redeliver, admin, "endpoint.redelivered"},
		{http.MethodGet, "/outbox", h.listOutbox, admin, ""},
		{http.MethodGet, "/outbox/:id", h.showOutboxMail, admin, ""},
		{http.MethodGet, "/outbox/:id/html", h.showOutboxHTML, admin, ""},
		{http.MethodGet, models.LogoPath + ":id", h.showLogo, machine, ""},

		{http.MethodGet, "/settings/webhooks", h.listWebhooks, owner, ""},
		{http.MethodGet, "/settings/background", h.showBackground, owner, ""},
		{http.MethodGet, "/analytics", h.showAnalytics, admin, ""},
		{http.MethodGet, "/analytics.csv", h.exportAnalytics, admin, ""},
		{http.MethodGet, "/audit", h.listAudit, admin, ""},
		{http.MethodGet, "/audit.csv", h.exportAudit, admin, ""},
		{http.MethodGet, sandboxPrefix, h.sandboxHome, public, ""},

		{http.MethodGet, apiPrefix + "/clients", h.apiListClients, apiRead, ""},
		{http.MethodPost, apiPrefix + "/clients", h.apiCreateClient, apiWrite, "client.created"},
		{http.MethodGet, apiPrefix + "/clients/:id", h.apiShowClient, apiRead, ""},
		{http.MethodPatch, apiPrefix + "/clients/:id", h.apiUpdateClient, apiWrite, "client.edited"},
		{http.MethodPost, apiPrefix + "/clients/:id/submit", h.apiSubmitClient, apiWrite, "client.submitted"},
		{http.MethodDelete, apiPrefix + "/clients/:id", h.apiDeleteClient, apiWrite, "client.deleted"},
		{http.MethodGet, apiPrefix + "/clients/:id/senders", h.apiListSenders, apiRead, ""},
		{http.MethodPost, apiPrefix + "/clients/:id/senders", h.apiCreateSender, apiWrite, "sender.created"},
		{http.MethodPatch, apiPrefix + "/clients/:id/senders/:sid", h.apiUpdateSender, apiWrite, "sender.edited"},
		{http.MethodDelete, apiPrefix + "/clients/:id/senders/:sid", h.apiDeleteSender, apiWrite, "sender.deleted"},
		{http.MethodPost, apiPrefix + "/clients/:id/senders/:sid/submit", h.apiSubmitSender, apiWrite, "sender.submitted"},
		{http.MethodPost, apiPrefix + "/clients/:id/senders/:sid/otp", h.apiRequestOTP, apiWrite, "otp.requested"},
		{http.MethodPost, apiPrefix + "/clients/:id/senders/:sid/verify", h.apiVerifyOTP, apiWrite, "otp.entered"},
		{http.MethodGet, apiPrefix + "/clients/:id/events", h.apiListEvents, apiRead, ""},
		{http.MethodPost, apiPrefix + "/clients/:id/comments", h.apiCreateComment, apiWrite, "client.commented"},
		{http.MethodGet, apiPrefix + "/clients/:id/links", h.apiListLinks, apiRead, ""},
		{http.MethodPost, apiPrefix + "/clients/:id/links", h.apiCreateLink, apiWrite, "link.created"},
		{http.MethodPost, apiPrefix + "/clients/:id/links/:lid/revoke", h.apiRevokeLink, apiWrite, "link.revoked"},
		{http.MethodPost, apiPrefix + "/imports", h.apiCreateImport, apiWrite, "import.started"},
		{http.MethodGet, apiPrefix + "/imports/:id", h.apiShowImport, apiWrite, ""},
		{http.MethodGet, apiPrefix + "/imports/:id/result.csv", h.importResult, apiWrite, ""},
		{http.MethodGet, apiPrefix + "/endpoints", h.apiListEndpoints, apiAdmin, ""},
		{http.MethodPost, apiPrefix + "/endpoints", h.apiCreateEndpoint, apiAdmin, "endpoint.created"},
		{http.MethodDelete, apiPrefix + "/endpoints/:id", h.apiDeleteEndpoint, apiAdmin, "endpoint.deleted"},
	}
}

// register adds every route with the middleware its access level needs.
func (h *Handler) register(e *echo.Echo) {
	for _, r := range h.routes() {
		if r.audit != "" && r.access < apiRead {
			r.handler = h.audited(r.audit, r.handler)
		}
		switch r.access {
		case apiRead, apiWrite, apiAdmin:
			// Audited every call, with the key's name; retries made safe by
			// Idempotency-Key.
			e.Add(r.method, r.path, h.apiAudited(r.audit, h.idempotent(r.handler)), h.apiAuth, apiRequire(r.access.minRole()))
			continue
		case machine:
			e.Add(r.method, r.path, r.handler)
		case public:
			e.Add(r.method, r.path, r.handler, h.loadUser)
		default:
			e.Add(r.method, r.path, r.handler, h.loadUser, h.require(r.access.minRole()))
		}
	}
}
