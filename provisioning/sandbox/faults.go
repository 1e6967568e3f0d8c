package sandbox

import (
	"bytes"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Faults make API requests (and the token endpoint) misbehave, to test a
// client's retries. Counts apply to the next N requests; rates to every
// request at random; a burst to every request while it lasts.
type Faults struct {
	Latency      time.Duration // added before requests are handled
	LatencyShare float64       // share of requests delayed by a random 0..Latency; 0: every request by Latency
	ErrorRate    float64       // share answered 500 internal_error
	DropRate     float64       // share whose connection is closed unanswered
	LostRate     float64       // share handled, then closed unanswered (the answer is lost)
	// BurstEvery and BurstFor answer every request 429 with RetryAfter
	// during the first BurstFor of each BurstEvery (Sinch's rate limit).
	BurstEvery          time.Duration
	BurstFor            time.Duration
	TooManyRequests     int           // next N requests: 429 with Retry-After
	RetryAfter          time.Duration // Retry-After of injected 429s; default 1 s
	ServerErrors        int           // next N requests: 500 internal_error
	DropConnections     int           // next N requests: closed before they are handled
	DropAfterProcessing int           // next N requests: handled, then closed unanswered
	Seed                uint64        // seeds the random rates, for repeatable runs
}

type faultState struct {
	mu       sync.Mutex
	f        Faults
	rnd      *rand.Rand
	start    time.Time // bursts are timed from here
	injected int       // faults injected so far
}

func newFaultState(f Faults) *faultState {
	return &faultState{f: f, rnd: rand.New(rand.NewPCG(f.Seed, f.Seed^0x5eed)), start: time.Now()}
}

// SetFaults replaces the injected faults; Faults{} turns them off.
func (s *Sandbox) SetFaults(f Faults) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.f = f
	s.faults.rnd = rand.New(rand.NewPCG(f.Seed, f.Seed^0x5eed))
	s.faults.start = time.Now()
}

type faultKind int

const (
	faultNone faultKind = iota
	fault429
	fault500
	faultDrop
	faultDropAfter
)

// next decides the fault for one request: its kind, latency and the
// Retry-After of a 429.
func (fs *faultState) next() (faultKind, time.Duration, time.Duration) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	f := &fs.f
	kind := faultNone
	switch {
	case f.DropConnections > 0:
		f.DropConnections--
		kind = faultDrop
	case f.TooManyRequests > 0:
		f.TooManyRequests--
		kind = fault429
	case f.ServerErrors > 0:
		f.ServerErrors--
		kind = fault500
	case f.DropAfterProcessing > 0:
		f.DropAfterProcessing--
		kind = faultDropAfter
	case f.BurstEvery > 0 && time.Since(fs.start)%f.BurstEvery < f.BurstFor:
		kind = fault429
	case f.DropRate > 0 && fs.rnd.Float64() < f.DropRate:
		kind = faultDrop
	case f.ErrorRate > 0 && fs.rnd.Float64() < f.ErrorRate:
		kind = fault500
	case f.LostRate > 0 && fs.rnd.Float64() < f.LostRate:
		kind = faultDropAfter
	}
	latency := f.Latency
	if f.LatencyShare > 0 {
		latency = 0
		if fs.rnd.Float64() < f.LatencyShare {
			latency = time.Duration(fs.rnd.Int64N(int64(f.Latency) + 1))
		}
	}
	if kind != faultNone {
		fs.injected++
	}
	ra := f.RetryAfter
	if ra <= 0 {
		ra = time.Second
	}
	return kind, latency, ra
}

// faulty wraps an API handler with the configured faults.
func (s *Sandbox) faulty(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		kind, latency, retryAfter := s.faults.next()
		if latency > 0 {
			select {
			case <-time.After(latency):
			case <-r.Context().Done():
				return
			}
		}
		switch kind {
		case faultDrop:
			hangUp(w)
		case fault429:
			w.Header().Set("Retry-After", strconv.Itoa(max(1, int(retryAfter.Round(time.Second)/time.Second))))
			writeJSON(w, http.StatusTooManyRequests, errorBody{ErrorCode: "too_many_requests",
				Message: "Too many requests.", Resolution: "Please try again later."})
		case fault500:
			writeError(w, fail("internal_error"))
		case faultDropAfter:
			next.ServeHTTP(&discard{h: http.Header{}}, r)
			hangUp(w)
		default:
			next.ServeHTTP(w, r)
		}
	})
}

// hangUp closes the connection without an HTTP answer.
func hangUp(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler) // HTTP/2: abort the stream instead
	}
	conn.Close()
}

// discard is a ResponseWriter whose answer nobody will see.
type discard struct {
	h   http.Header
	buf bytes.Buffer
}

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(b []byte) (int, error) { return d.buf.Write(b) }
func (d *discard) WriteHeader(int)             {}
