package sandbox

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"wabadesk/provisioning"
)

// state is everything the sandbox remembers; it is what StatePath holds.
type state struct {
	Projects map[string]*project `json:"projects"`
	Inbox    []Message           `json:"inbox"`
	Keys     map[string]string   `json:"keys"`
}

type project struct {
	ID       string     `json:"id"`
	Account  *account   `json:"account,omitempty"`
	Senders  []*sender  `json:"senders"`
	Webhooks []*webhook `json:"webhooks"`
}

// due is the next time-driven transition of a resource.
type due struct {
	At   time.Time `json:"at"`
	Step string    `json:"step"`
}

type account struct {
	DTO        provisioning.Account    `json:"dto"`
	Activities []provisioning.Activity `json:"activities"` // oldest first
	RequestID  string                  `json:"requestId,omitempty"`
	Next       *due                    `json:"next,omitempty"`
}

type sender struct {
	DTO         provisioning.Sender     `json:"dto"`
	Activities  []provisioning.Activity `json:"activities"`
	SaveDraft   bool                    `json:"saveDraft,omitempty"`
	OTP         string                  `json:"otp,omitempty"`
	Registers   []time.Time             `json:"registers,omitempty"`
	WrongOTPs   int                     `json:"wrongOtps,omitempty"`
	DeletedAt   time.Time               `json:"deletedAt,omitzero"`
	Next        *due                    `json:"next,omitempty"`
	ForceReject string                  `json:"forceReject,omitempty"`
	ForceError  string                  `json:"forceError,omitempty"`
}

type webhook struct {
	DTO    provisioning.Webhook `json:"dto"`
	Secret string               `json:"secret"`
}

// Message is one text the sandbox "phone" received.
type Message struct {
	Phone     string    `json:"phone"` // E.164 digits without "+", e.g. "48777777777"
	Channel   string    `json:"channel"`
	Text      string    `json:"text"`
	Code      string    `json:"code"`
	SenderID  string    `json:"senderId"`
	ProjectID string    `json:"projectId"`
	Received  time.Time `json:"received"`
}

func newState() *state {
	return &state{Projects: map[string]*project{}, Keys: map[string]string{}}
}

// loadState reads path; a missing file is an empty state.
func loadState(path string) (*state, error) {
	st := newState()
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return st, nil
	}
	if err != nil {
		return st, err
	}
	if err := json.Unmarshal(b, st); err != nil {
		return newState(), fmt.Errorf("sandbox: load %s: %w", path, err)
	}
	if st.Projects == nil {
		st.Projects = map[string]*project{}
	}
	if st.Keys == nil {
		st.Keys = map[string]string{}
	}
	return st, nil
}

// save writes the state atomically: a crash leaves the old or the new file.
func (st *state) save(path string) error {
	b, err := json.MarshalIndent(st, "", " ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".sandbox-state-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// project returns the project, creating it: any project ID is valid here.
func (st *state) project(id string) *project {
	p := st.Projects[id]
	if p == nil {
		p = &project{ID: id}
		st.Projects[id] = p
	}
	return p
}

func (p *project) sender(id string) *sender {
	for _, s := range p.Senders {
		if s.DTO.ID == id {
			return s
		}
	}
	return nil
}

func (p *project) webhook(id string) *webhook {
	for _, w := range p.Webhooks {
		if w.DTO.ID == id {
			return w
		}
	}
	return nil
}

// renameBroken keeps an unreadable state file for inspection.
func renameBroken(path string) error { return os.Rename(path, path+".broken") }
