// Package provisioning is a REST client for the Sinch Provisioning API
// (WhatsApp accounts, WhatsApp senders and provisioning webhooks), plus the
// verification and parsing of the signed callbacks Sinch sends.
//
// It imports only the standard library and nothing of wabadesk: no database,
// no logging. Retries and backoff for single calls live here; deciding what
// to do after an error (reconcile, show the user) belongs to the caller.
// The subpackage sandbox simulates the API for development and tests.
package provisioning
