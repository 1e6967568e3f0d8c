package sandbox

import (
	"net/http"
	"time"
)

// Options configure a Sandbox. The zero value is usable.
type Options struct {
	// PublicURL is where the sandbox is reachable from a browser, e.g.
	// "http://127.0.0.1:8080/sandbox"; every link it renders starts with it.
	// Empty means "http://" + the request's Host.
	PublicURL string
	// Keys are the accepted access keys, key ID to key secret.
	Keys map[string]string
	// Delays of the time-driven transitions; nil means DefaultDelays().
	Delays *Delays
	// Now is the clock; default time.Now. Tests inject a fake one.
	Now func() time.Time
	// StatePath, when set, is a JSON file loaded by New and rewritten
	// (atomically) after every change, so the state survives restarts.
	StatePath string
	// HTTPClient sends the webhook callbacks; default has a 10 s timeout.
	HTTPClient *http.Client
	// Faults are injected into API requests from the start.
	Faults Faults
	// OmitRequestID hides partnerInitiatedRequestId, as Sinch 1.2.117 does
	// (deprecated, "always returned as undefined"). By default the sandbox
	// fills it so the approval link can preselect the request.
	OmitRequestID bool
	// AutoApprove makes the Meta stand-in approve every WABA creation
	// request as soon as it waits there, for load and fault tests.
	AutoApprove bool
	// LegacySenderDailyLimit also keeps the senders' deprecated dailyLimit:
	// a new ACTIVE sender gets the account's businessDailyLimit, and
	// SetBusinessDailyLimit fires the deprecated
	// WHATSAPP_SENDER_DAILY_LIMIT_CHANGED per live sender. Sinch 1.2.117
	// still declares both, marked deprecated; off by default.
	LegacySenderDailyLimit bool
	// TokenTTL is the lifetime of OAuth2 tokens; default 1 h.
	TokenTTL time.Duration
	// RegisterLimit is how many register calls a sender may make per
	// RegisterWindow before 429 sender-register-too-many-requests; default 3 per 10 min.
	RegisterLimit  int
	RegisterWindow time.Duration
	// MaxWrongOTPs is how many wrong codes make register answer 429
	// too_many_invalid_verification_codes; default 5.
	MaxWrongOTPs int
	// OTP generates verification codes; default random 6 digits.
	OTP func() string
	// CallbackAttempts and CallbackBackoff govern callback retries; default
	// 6 attempts, 1 s doubling to at most 1 min.
	CallbackAttempts int
	CallbackBackoff  func(retry int) time.Duration
	// AllowedBusinessManagers, when set, are the only Sinch business managers
	// the simulated environment accepts on account creation; others get 400
	// invalid_business_manager_for_environment.
	AllowedBusinessManagers []string
	// Logf, when set, receives one line per notable event (deliveries, load errors).
	Logf func(format string, args ...any)
}

// Delays are how long the simulated Sinch and Meta take.
type Delays struct {
	Prepare  time.Duration // account IN_PROGRESS -> PENDING_FACEBOOK_VERIFICATION
	Review   time.Duration // sender IN_PROGRESS -> PENDING_VERIFICATION / REJECTED / ERROR
	Activate time.Duration // sender verified (or SINCH number reviewed) -> ACTIVE
}

// DefaultDelays are short enough to watch a journey happen live.
func DefaultDelays() Delays {
	return Delays{Prepare: 3 * time.Second, Review: 3 * time.Second, Activate: 2 * time.Second}
}

// RequestExpiry is how long Meta keeps an unanswered WABA creation request.
const RequestExpiry = 90 * 24 * time.Hour

// senderRemoval is how long a deleted sender stays before it disappears.
const senderRemoval = 30 * 24 * time.Hour

func (o *Options) defaults() {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Delays == nil {
		d := DefaultDelays()
		o.Delays = &d
	}
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	if o.TokenTTL <= 0 {
		o.TokenTTL = time.Hour
	}
	if o.RegisterLimit <= 0 {
		o.RegisterLimit = 3
	}
	if o.RegisterWindow <= 0 {
		o.RegisterWindow = 10 * time.Minute
	}
	if o.MaxWrongOTPs <= 0 {
		o.MaxWrongOTPs = 5
	}
	if o.OTP == nil {
		o.OTP = randomOTP
	}
	if o.CallbackAttempts <= 0 {
		o.CallbackAttempts = 6
	}
	if o.CallbackBackoff == nil {
		o.CallbackBackoff = func(n int) time.Duration { return min(time.Second<<(n-1), time.Minute) }
	}
	if o.Logf == nil {
		o.Logf = func(string, ...any) {}
	}
}

// now is the clock at Sinch's precision (milliseconds, UTC).
func (s *Sandbox) now() time.Time { return s.opts.Now().UTC().Truncate(time.Millisecond) }
