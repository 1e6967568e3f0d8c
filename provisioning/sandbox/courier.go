package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"

	pv "wabadesk/provisioning"
)

// job is one callback to one webhook target.
type job struct {
	project, target, secret string
	typ                     pv.Trigger
	body                    []byte
}

// SentCallback records the fate of one callback, newest last.
type SentCallback struct {
	ProjectID string     `json:"projectId"`
	Target    string     `json:"target"`
	Type      pv.Trigger `json:"type"`
	Attempts  int        `json:"attempts"`
	Status    int        `json:"status"` // last HTTP status, 0 if none
	Error     string     `json:"error,omitempty"`
	Delivered bool       `json:"delivered"`
	At        time.Time  `json:"at"`
}

// emit queues a callback {type, payload, comment} for every webhook of the
// project whose triggers match. Called with the lock held; the payload is
// serialised now, so it shows the resource at the time of the event.
func (s *Sandbox) emit(p *project, typ pv.Trigger, payload any, comment string) {
	body, _ := json.Marshal(struct {
		Type    pv.Trigger `json:"type"`
		Payload any        `json:"payload"`
		Comment string     `json:"comment,omitempty"`
	}{typ, payload, comment})
	for _, w := range p.Webhooks {
		if slices.Contains(w.DTO.Triggers, pv.TriggerAll) || slices.Contains(w.DTO.Triggers, typ) {
			s.outbox = append(s.outbox, job{project: p.ID, target: w.DTO.Target, secret: w.Secret, typ: typ, body: body})
		}
	}
}

// courier delivers callbacks: in order per target, asynchronously, with
// retries on non-2xx answers and connection errors.
type courier struct {
	s       *Sandbox
	mu      sync.Mutex
	queues  map[string][]job
	running map[string]bool
	log     []SentCallback
	wg      sync.WaitGroup
	stop    chan struct{}
	once    sync.Once
}

func (c *courier) init(s *Sandbox) {
	c.s, c.queues, c.running, c.stop = s, map[string][]job{}, map[string]bool{}, make(chan struct{})
}

func (c *courier) send(j job) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.queues[j.target] = append(c.queues[j.target], j)
	if !c.running[j.target] {
		c.running[j.target] = true
		c.wg.Add(1)
		go c.drain(j.target)
	}
}

func (c *courier) drain(target string) {
	defer c.wg.Done()
	for {
		c.mu.Lock()
		q := c.queues[target]
		if len(q) == 0 {
			c.running[target] = false
			c.mu.Unlock()
			return
		}
		j := q[0]
		c.queues[target] = q[1:]
		c.mu.Unlock()
		c.record(c.deliver(j))
	}
}

func (c *courier) deliver(j job) SentCallback {
	d := SentCallback{ProjectID: j.project, Target: j.target, Type: j.typ}
	for d.Attempts < c.s.opts.CallbackAttempts {
		if d.Attempts > 0 {
			select {
			case <-time.After(c.s.opts.CallbackBackoff(d.Attempts)):
			case <-c.stop:
				return d
			}
		}
		d.Attempts++
		d.At = c.s.now()
		d.Status, d.Error = c.post(j)
		if d.Status >= 200 && d.Status < 300 {
			d.Delivered, d.Error = true, ""
			return d
		}
	}
	c.s.opts.Logf("sandbox: callback %s to %s failed after %d attempts: %s", j.typ, j.target, d.Attempts, d.Error)
	return d
}

// post sends one signed attempt; each attempt gets a fresh nonce and time.
func (c *courier) post(j job) (int, string) {
	req, err := http.NewRequest(http.MethodPost, j.target, bytes.NewReader(j.body))
	if err != nil {
		return 0, err.Error()
	}
	for k, v := range pv.SignatureHeaders(j.secret, j.body, newUUID(), c.s.opts.Now()) {
		req.Header[k] = v
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.s.opts.HTTPClient.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, fmt.Sprintf("HTTP %d", resp.StatusCode)
	}
	return resp.StatusCode, ""
}

func (c *courier) record(d SentCallback) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.log = append(c.log, d)
	if len(c.log) > 500 {
		c.log = c.log[len(c.log)-500:]
	}
}

// Deliveries returns the callback log, oldest first.
func (s *Sandbox) SentCallbacks() []SentCallback {
	s.courier.mu.Lock()
	defer s.courier.mu.Unlock()
	return slices.Clone(s.courier.log)
}

// WaitIdle blocks until every queued callback was delivered or given up.
func (s *Sandbox) WaitIdle() { s.courier.wg.Wait() }

// Close stops retrying callbacks and waits for deliveries in flight.
func (s *Sandbox) Close() error {
	s.courier.once.Do(func() { close(s.courier.stop) })
	s.courier.wg.Wait()
	return nil
}
