package sandbox

import (
	"net/http"

	pv "wabadesk/provisioning"
)

// Stats counts what the sandbox was asked to do since it started, so a
// test of a client's retries can check for duplicates: every account
// creation it received, those refused because the project already had an
// account (a client that created blindly after an unknown outcome), and
// the accounts it created.
type Stats struct {
	CreatesReceived        int `json:"createsReceived"`
	CreatesRefusedExisting int `json:"createsRefusedExisting"`
	AccountsCreated        int `json:"accountsCreated"`
	Accounts               int `json:"accounts"`
	Onboarded              int `json:"onboarded"`
	Faults                 int `json:"faultsInjected"`
}

// Stats returns the counters and the accounts now held.
func (s *Sandbox) Stats() Stats {
	s.lock()
	defer s.unlock()
	st := s.stats
	for _, p := range s.st.Projects {
		if p.Account != nil {
			st.Accounts++
			if p.Account.DTO.State == pv.AccountOnboarded {
				st.Onboarded++
			}
		}
	}
	s.faults.mu.Lock()
	st.Faults = s.faults.injected
	s.faults.mu.Unlock()
	return st
}

// statsJSON serves Stats at /stats.
func (s *Sandbox) statsJSON(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, s.Stats())
}
