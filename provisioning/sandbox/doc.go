// Package sandbox simulates the Sinch Provisioning API (WhatsApp accounts,
// senders, webhooks, OAuth2 tokens) and the outside world around it: Meta's
// approval page for the WABA creation request, the sender review, the
// phone that receives the OTP, and, after onboarding, Meta's verdicts on a
// live number or WABA (quality rating, messaging limit, display-name
// review, suspension, WABA ban), driven from its overview page or Go
// methods. It is an http.Handler rooted at "/", meant to be mounted under a
// prefix of the app's server or run alone.
//
// It may import the standard library and wabadesk/provisioning (for the
// wire types and the callback signer, so there is one definition of each).
// Nothing else of wabadesk.
package sandbox
