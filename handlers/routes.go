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
)

// minRole is the role an access level requires.
func (a access) minRole() models.Role {
	switch a {
	case agent:
		return models.RoleAgent
	case admin:
		return models.RoleAdmin
	case owner:
		return models.RoleOwner
	}
	return models.RoleViewer
}

// route is one line of the route table.
type route struct {
	method  string
	path    string
	handler echo.HandlerFunc
	access  access
}

// routes is THE route table: every URL of the application and who may use it.
func (h *Handler) routes() []route {
	return []route{
		{http.MethodGet, "/healthz", h.healthz, machine},
		{http.MethodGet, "/readyz", h.readyz, machine},
		{http.MethodPost, webhookPrefix + ":token", h.receiveWebhook, machine},

		{http.MethodGet, "/", h.home, public},
		{http.MethodGet, "/signup", h.newSignup, public},
		{http.MethodPost, "/signup", h.createSignup, public},
		{http.MethodGet, "/login", h.newLogin, public},
		{http.MethodPost, "/login", h.createLogin, public},
		{http.MethodPost, "/logout", h.logout, public},
		{http.MethodGet, "/login/two-factor", h.showLoginTwoFactor, public},
		{http.MethodPost, "/login/two-factor", h.createLoginTwoFactor, public},
		{http.MethodGet, "/invites/:token", h.showInvite, public},
		{http.MethodPost, "/invites/:token", h.acceptInvite, public},

		{http.MethodGet, "/events", h.streamChanges, loggedIn},
		{http.MethodGet, "/clients", h.listClients, loggedIn},
		{http.MethodGet, "/clients/new", h.newClient, agent},
		{http.MethodPost, "/clients", h.createClient, agent},
		{http.MethodGet, "/clients/:id", h.showClient, loggedIn},
		{http.MethodGet, "/clients/:id/edit", h.editClient, agent},
		{http.MethodPost, "/clients/:id", h.updateClient, agent},
		{http.MethodPost, "/clients/:id/submit", h.submitClient, agent},
		{http.MethodPost, "/clients/:id/refresh", h.refreshClient, agent},
		{http.MethodPost, "/clients/:id/comments", h.createComment, agent},
		{http.MethodPost, "/clients/:id/delete", h.deleteClient, agent},

		{http.MethodPost, "/clients/:id/links", h.createLink, agent},
		{http.MethodPost, "/clients/:id/links/:lid/revoke", h.revokeLink, agent},
		{http.MethodPost, "/clients/:id/links/:lid/regenerate", h.regenerateLink, agent},

		{http.MethodGet, portalPrefix + ":token", h.showPortal, public},
		{http.MethodGet, portalPrefix + ":token/meta", h.portalMeta, public},
		{http.MethodPost, portalPrefix + ":token/otp", h.portalOTP, public},
		{http.MethodPost, portalPrefix + ":token/verify", h.portalVerify, public},
		{http.MethodGet, portalPrefix + ":token/events", h.portalEvents, public},
		{http.MethodGet, "/brand/:id/theme.css", h.brandCSS, machine},

		{http.MethodGet, "/clients/:id/senders/new", h.newSender, agent},
		{http.MethodPost, "/clients/:id/senders", h.createSender, agent},
		{http.MethodGet, "/clients/:id/senders/:sid/edit", h.editSender, agent},
		{http.MethodPost, "/clients/:id/senders/:sid", h.updateSender, agent},
		{http.MethodPost, "/clients/:id/senders/:sid/submit", h.submitSender, agent},
		{http.MethodPost, "/clients/:id/senders/:sid/discard", h.discardSender, agent},
		{http.MethodPost, "/clients/:id/senders/:sid/delete", h.deleteSender, agent},
		{http.MethodPost, "/clients/:id/senders/:sid/otp", h.requestOTP, agent},
		{http.MethodPost, "/clients/:id/senders/:sid/verify", h.verifyOTP, agent},

		{http.MethodGet, "/account", h.showAccount, loggedIn},
		{http.MethodPost, "/account/password", h.updatePassword, loggedIn},
		{http.MethodPost, "/account/sessions/:sid/end", h.endUserSession, loggedIn},
		{http.MethodPost, "/account/sessions/end-all", h.endAllSessions, loggedIn},
		{http.MethodGet, "/account/two-factor", h.showTwoFactor, loggedIn},
		{http.MethodPost, "/account/two-factor", h.enableTwoFactor, loggedIn},
		{http.MethodPost, "/account/two-factor/recovery-codes", h.newRecoveryCodes, loggedIn},
		{http.MethodPost, "/account/two-factor/disable", h.disableTwoFactor, loggedIn},

		{http.MethodGet, "/staff", h.listStaff, loggedIn},
		{http.MethodPost, "/staff/invites", h.createInvite, admin},
		{http.MethodPost, "/staff/invites/:id/delete", h.deleteInvite, admin},
		{http.MethodPost, "/staff/:id/delete", h.deleteStaff, owner},

		{http.MethodGet, "/settings", h.showSettings, owner},
		{http.MethodPost, "/settings/sinch", h.updateSinch, owner},
		{http.MethodPost, "/settings/sinch/test", h.testSinch, owner},
		{http.MethodPost, "/settings/branding", h.updateBranding, owner},
		{http.MethodPost, "/settings/security", h.updateSecurity, owner},
		{http.MethodGet, models.LogoPath + ":id", h.showLogo, machine},

		{http.MethodGet, "/settings/webhooks", h.listDeliveries, owner},
		{http.MethodGet, "/settings/background", h.showBackground, owner},
		{http.MethodGet, "/audit", h.listAudit, admin},
		{http.MethodGet, "/audit.csv", h.exportAudit, admin},
	}
}

// auditActions names the audit-log action of every state-changing route,
// keyed "METHOD path" as in the table above. register records it after a
// successful (2xx/3xx) answer, with the route's :id parameters as the
// subject. TestEveryStateChangeIsAudited fails for a POST route missing here.
var auditActions = map[string]string{
	"POST /signup":                            "organisation.created",
	"POST /login":                             "login",
	"POST /logout":                            "logout",
	"POST /login/two-factor":                  "login.second_factor",
	"POST /invites/:token":                    "staff.joined",
	"POST /clients":                           "client.created",
	"POST /clients/:id":                       "client.edited",
	"POST /clients/:id/submit":                "client.submitted",
	"POST /clients/:id/refresh":               "client.refreshed",
	"POST /clients/:id/comments":              "client.commented",
	"POST /clients/:id/delete":                "client.deleted",
	"POST /clients/:id/senders":               "sender.created",
	"POST /clients/:id/senders/:sid":          "sender.edited",
	"POST /clients/:id/senders/:sid/submit":   "sender.submitted",
	"POST /clients/:id/senders/:sid/discard":  "sender.changes_discarded",
	"POST /clients/:id/senders/:sid/delete":   "sender.deleted",
	"POST /clients/:id/senders/:sid/otp":      "otp.requested",
	"POST /clients/:id/senders/:sid/verify":   "otp.entered",
	"POST /account/password":                  "password.changed",
	"POST /account/sessions/:sid/end":         "session.ended",
	"POST /account/sessions/end-all":          "sessions.ended_all",
	"POST /account/two-factor":                "two_factor.enabled",
	"POST /account/two-factor/recovery-codes": "two_factor.recovery_codes_replaced",
	"POST /account/two-factor/disable":        "two_factor.disabled",
	"POST /settings/security":                 "settings.security_changed",
	"POST /staff/invites":                     "staff.invited",
	"POST /staff/invites/:id/delete":          "staff.invite_revoked",
	"POST /staff/:id/delete":                  "staff.removed",
	"POST /settings/sinch":                    "settings.sinch_changed",
	"POST /settings/sinch/test":               "settings.sinch_tested",
	"POST /settings/branding":                 "settings.branding_changed",
	"POST /clients/:id/links":                 "link.created",
	"POST /clients/:id/links/:lid/revoke":     "link.revoked",
	"POST /clients/:id/links/:lid/regenerate": "link.regenerated",
}

// register adds every route with the middleware its access level needs.
func (h *Handler) register(e *echo.Echo) {
	for _, r := range h.routes() {
		if action := auditActions[r.method+" "+r.path]; action != "" {
			r.handler = h.audited(action, r.handler)
		}
		switch r.access {
		case machine:
			e.Add(r.method, r.path, r.handler)
		case public:
			e.Add(r.method, r.path, r.handler, h.loadUser)
		default:
			e.Add(r.method, r.path, r.handler, h.loadUser, h.require(r.access.minRole()))
		}
	}
}
