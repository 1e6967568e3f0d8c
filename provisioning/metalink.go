package provisioning

import (
	"net/url"
	"strings"
)

// MetaRequestsURL is Meta Business Suite's requests page, where a client
// approves the partner-initiated WABA creation request.
const MetaRequestsURL = "https://business.facebook.com/latest/settings/requests"

// MetaApprovalLink builds the approval link from base (MetaRequestsURL, or
// the sandbox's stand-in), the client's Business Manager ID and, when known,
// the request ID. Without a request ID the client picks it under
// Settings → Requests → Other requests → Received.
func MetaApprovalLink(base, businessID, requestID string) string {
	q := url.Values{"business_id": {businessID}}
	if requestID != "" {
		q.Set("selected_request_id", requestID)
	}
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	return base + sep + q.Encode()
}
