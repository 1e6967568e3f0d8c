// Package sandbox simulates the Sinch Provisioning API (WhatsApp accounts,
// senders, webhooks, OAuth2 tokens) and the outside world around it: Meta's
// approval page for the WABA creation request, the sender review, and the
// phone that receives the OTP. It is an http.Handler rooted at "/", meant to
// be mounted under a prefix of the app's server or run alone.
//
// It may import the standard library and wabadesk/provisioning (for the
// wire types and the callback signer, so there is one definition of each).
// Nothing else of wabadesk.
package sandbox
