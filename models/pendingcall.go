package models

import (
	"context"
	"time"
)

// PendingCall is a one-shot call to Sinch that a person asked for (a code
// request, a code check, a comment, removing a sender or its changes),
// recorded before it is made and removed with its outcome. One left behind
// after its lease means the process died in between: the worker finishes
// it, reading Sinch first, so nothing is done twice or silently dropped.
type PendingCall struct {
	ID             int64 `gorm:"primaryKey"`
	OrganisationID int64 `gorm:"not null;index"`
	ClientID       int64 `gorm:"not null;index"`
	SenderID       *int64
	Kind           string `gorm:"size:20;not null"`
	// Detail is what the call carried that recovery needs (the comment's
	// text, the code method).
	Detail     string `gorm:"size:65535;not null;default:''"`
	Actor      string `gorm:"size:200;not null;default:''"`
	Source     string `gorm:"size:20;not null;default:''"`
	StartedAt  time.Time
	LeaseOwner string    `gorm:"size:64;not null;default:''"`
	LeaseUntil time.Time `gorm:"not null;index"`
}

// Kinds of PendingCall.
const (
	CallRequestOTP    = "request_otp"
	CallVerifyOTP     = "verify_otp"
	CallComment       = "comment"
	CallDeleteSender  = "delete_sender"
	CallDiscardSender = "discard_sender"
)

// Label is what the client page shows while the call runs.
func (p PendingCall) Label() string {
	return map[string]string{
		CallRequestOTP: "Requesting a verification code", CallVerifyOTP: "Checking a verification code",
		CallComment: "Sending a comment to Sinch", CallDeleteSender: "Deleting a sender",
		CallDiscardSender: "Discarding a sender's pending changes",
	}[p.Kind]
}

// BeginCall records a call about to be made, leased to owner for ttl, and
// tells open pages.
func (s *Store) BeginCall(ctx context.Context, p PendingCall, owner string, ttl time.Duration) (PendingCall, error) {
	p.StartedAt = s.now()
	p.LeaseOwner, p.LeaseUntil = owner, p.StartedAt.Add(ttl)
	err := s.db.WithContext(ctx).Create(&p).Error
	s.notify(p.OrganisationID, p.ClientID, err)
	return p, wrap(err, "begin call")
}

// EndCall forgets a call whose outcome is recorded.
func (s *Store) EndCall(ctx context.Context, p PendingCall) error {
	err := s.db.WithContext(ctx).Delete(&PendingCall{}, p.ID).Error
	s.notify(p.OrganisationID, p.ClientID, err)
	return wrap(err, "end call")
}

// PendingCalls lists the client's calls in flight, for its page.
func (s *Store) PendingCalls(ctx context.Context, tenantID, clientID int64) ([]PendingCall, error) {
	var out []PendingCall
	err := s.db.WithContext(ctx).Where("organisation_id = ? AND client_id = ?", tenantID, clientID).Order("id").Find(&out).Error
	return out, wrap(err, "pending calls")
}

// ClaimAbandonedCall takes one call whose lease ran out (its process died)
// for owner, or reports false when there is none.
func (s *Store) ClaimAbandonedCall(ctx context.Context, owner string, ttl time.Duration) (PendingCall, bool, error) {
	now := s.now()
	for range 3 { // another worker may win the row we picked: pick again
		var p PendingCall
		err := s.db.WithContext(ctx).Where("lease_until < ?", now).Order("lease_until").Limit(1).Find(&p).Error
		if err != nil || p.ID == 0 {
			return p, false, wrap(err, "abandoned call")
		}
		res := s.db.WithContext(ctx).Model(&PendingCall{}).Where("id = ? AND lease_until < ?", p.ID, now).
			Updates(map[string]any{"lease_owner": owner, "lease_until": now.Add(ttl)})
		if res.Error != nil {
			return p, false, wrap(res.Error, "claim call")
		}
		if res.RowsAffected == 1 {
			return p, true, nil
		}
	}
	return PendingCall{}, false, nil
}
