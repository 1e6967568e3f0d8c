package handlers

import "wabadesk/models"

// RouteInfo is one line of the route table, as tests see it.
type RouteInfo struct {
	// API routes authenticate with keys (api_test.go checks their roles).
	API          bool
	Method, Path string
	Machine      bool        // no session involved
	Public       bool        // anyone
	MinRole      models.Role // otherwise: the least role allowed
	Audit        string      // the audit action recorded, if any
}

// RouteTable exposes the route table to the external tests, so a route
// added later is covered by the role matrix without editing the test.
func RouteTable() []RouteInfo {
	var out []RouteInfo
	for _, r := range (&Handler{}).routes() {
		out = append(out, RouteInfo{Method: r.method, Path: r.path, Machine: r.access == machine,
			Public: r.access == public, MinRole: r.access.minRole(), Audit: r.audit, API: r.access >= apiRead})
	}
	return out
}

// PortalPrefix is where the client page lives.
const PortalPrefix = portalPrefix
