package models

// Role is what a staff member may do inside their organisation.
type Role string

// The four roles, from most to least powerful.
const (
	RoleOwner  Role = "owner"
	RoleAdmin  Role = "admin"
	RoleAgent  Role = "agent"
	RoleViewer Role = "viewer"
)

// Roles lists every role, most powerful first, for pickers and tests.
var Roles = []Role{RoleOwner, RoleAdmin, RoleAgent, RoleViewer}

func (r Role) rank() int {
	switch r {
	case RoleOwner:
		return 4
	case RoleAdmin:
		return 3
	case RoleAgent:
		return 2
	case RoleViewer:
		return 1
	}
	return 0
}

// Valid reports whether r is one of the four roles.
func (r Role) Valid() bool { return r.rank() > 0 }

// AtLeast reports whether r includes everything min may do.
func (r Role) AtLeast(min Role) bool { return r.rank() >= min.rank() && r.Valid() }

// Label is the role as shown to people.
func (r Role) Label() string {
	switch r {
	case RoleOwner:
		return "Owner"
	case RoleAdmin:
		return "Admin"
	case RoleAgent:
		return "Agent"
	case RoleViewer:
		return "Viewer"
	}
	return string(r)
}

// Description says in one line what the role can do.
func (r Role) Description() string {
	switch r {
	case RoleOwner:
		return "Everything, including settings and staff"
	case RoleAdmin:
		return "Clients, links and staff invitations"
	case RoleAgent:
		return "Create and edit clients and links"
	case RoleViewer:
		return "Read only"
	}
	return ""
}
