package handlers

import (
	"cmp"
	"context"
	"crypto/subtle"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"wabadesk/models"
)

// Metrics is what Prometheus scrapes at /metrics (README, Metrics). Every
// label takes a bounded set of values: route patterns, status codes,
// Sinch operations with their IDs taken out, outcomes, and at most
// metricsOrgs organisation IDs (the busiest; the rest sum into "other").
// Main builds one and hands its hooks to the workers; a nil *Metrics
// records nothing.
type Metrics struct {
	reg        *prometheus.Registry
	requests   *prometheus.CounterVec
	latency    *prometheus.HistogramVec
	sinch      *prometheus.CounterVec
	sinchTime  *prometheus.HistogramVec
	callbacks  *prometheus.CounterVec
	syncs      *prometheus.CounterVec
	syncTime   prometheus.Histogram
	mails      *prometheus.CounterVec
	deliveries *prometheus.CounterVec
	hookTime   prometheus.Histogram
	streams    prometheus.Gauge
}

// metricsOrgs bounds the organisation label of the queue metrics.
const metricsOrgs = 20

// NewMetrics registers every metric; store feeds the queue and pool figures
// at each scrape.
func NewMetrics(store *models.Store, version string) *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	f := func(c prometheus.Collector) { m.reg.MustRegister(c) }
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "wabadesk_http_requests_total",
		Help: "HTTP requests answered, by route pattern, method and status code."}, []string{"route", "method", "code"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "wabadesk_http_request_duration_seconds",
		Help: "Time to answer HTTP requests, by route pattern (event streams excluded).", Buckets: prometheus.ExponentialBuckets(0.0005, 2.5, 12)},
		[]string{"route"})
	m.sinch = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "wabadesk_sinch_requests_total",
		Help: "Calls to the Sinch Provisioning API (or the sandbox), by operation and status code (\"error\": no answer)."}, []string{"operation", "code"})
	m.sinchTime = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "wabadesk_sinch_request_duration_seconds",
		Help: "Time Sinch took to answer, by operation.", Buckets: prometheus.ExponentialBuckets(0.005, 2.5, 10)}, []string{"operation"})
	m.callbacks = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "wabadesk_sinch_callbacks_total",
		Help: "Callbacks Sinch posted to wabadesk's webhooks, by outcome: applied, duplicate, no_client, bad_signature, unknown_webhook, malformed, error."},
		[]string{"outcome"})
	m.syncs = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "wabadesk_engine_syncs_total",
		Help: "Background syncs of a client with Sinch (submit, read, retry), by outcome: ok or failed (then retried or parked)."}, []string{"outcome"})
	m.syncTime = prometheus.NewHistogram(prometheus.HistogramOpts{Name: "wabadesk_engine_sync_duration_seconds",
		Help: "Time of one background sync.", Buckets: prometheus.ExponentialBuckets(0.005, 2.5, 10)})
	m.mails = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "wabadesk_emails_total",
		Help: "E-mails finished, by kind and outcome: sent, outbox, bounced, failed, uncertain, cancelled."}, []string{"kind", "outcome"})
	m.deliveries = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "wabadesk_webhook_deliveries_total",
		Help: "Posts of outgoing webhooks to the resellers' endpoints, by outcome: delivered, retry, failed (gave up)."}, []string{"outcome"})
	m.hookTime = prometheus.NewHistogram(prometheus.HistogramOpts{Name: "wabadesk_webhook_delivery_duration_seconds",
		Help: "Time an endpoint took to answer.", Buckets: prometheus.ExponentialBuckets(0.005, 2.5, 10)})
	m.streams = prometheus.NewGauge(prometheus.GaugeOpts{Name: "wabadesk_event_streams",
		Help: "Live-update event streams open on this instance (staff pages and client pages)."})
	for _, c := range []prometheus.Collector{m.requests, m.latency, m.sinch, m.sinchTime, m.callbacks, m.syncs, m.syncTime,
		m.mails, m.deliveries, m.hookTime, m.streams} {
		f(c)
	}
	f(collectors.NewGoCollector())
	f(collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	f(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "wabadesk_build_info", Help: "Always 1; the version label says which build runs.",
		ConstLabels: prometheus.Labels{"version": version}}, func() float64 { return 1 }))
	if db, err := store.DB().DB(); err == nil {
		f(collectors.NewDBStatsCollector(db, store.DB().Dialector.Name()))
	}
	f(&queueCollector{store: store})
	return m
}

// Handler serves the scrape.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
}

// middleware counts every request by its route pattern.
func (m *Metrics) middleware(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			// Answered here by the one error handler (pages and API alike),
			// so the status counted is the one sent; the request logger's
			// call after this finds the answer written.
			c.Error(err)
		}
		route := cmp.Or(c.Path(), "unmatched")
		status := c.Response().Status
		method := c.Request().Method
		switch method {
		case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions:
		default:
			method = "OTHER" // any token is a method: the label must stay bounded
		}
		m.requests.WithLabelValues(route, method, strconv.Itoa(status)).Inc()
		if !strings.HasSuffix(route, "/events") {
			m.latency.WithLabelValues(route).Observe(time.Since(start).Seconds())
		}
		return err
	}
}

// Callback counts one Sinch callback.
func (m *Metrics) Callback(outcome string) {
	if m != nil {
		m.callbacks.WithLabelValues(outcome).Inc()
	}
}

// Sync is the engine's hook: one background sync finished.
func (m *Metrics) Sync(d time.Duration, err error) {
	if m == nil {
		return
	}
	m.syncs.WithLabelValues(map[bool]string{true: "ok", false: "failed"}[err == nil]).Inc()
	m.syncTime.Observe(d.Seconds())
}

// Mail is the mail worker's hook: one message finished.
func (m *Metrics) Mail(kind, outcome string) {
	if m != nil {
		m.mails.WithLabelValues(kind, outcome).Inc()
	}
}

// Delivery is the webhook worker's hook: one post finished.
func (m *Metrics) Delivery(outcome string, d time.Duration) {
	if m != nil {
		m.deliveries.WithLabelValues(outcome).Inc()
		m.hookTime.Observe(d.Seconds())
	}
}

func (m *Metrics) streamOpened() func() {
	if m == nil {
		return func() {}
	}
	m.streams.Inc()
	return m.streams.Dec
}

// SinchTransport counts and times every call to Sinch made through rt.
func (m *Metrics) SinchTransport(rt http.RoundTripper) http.RoundTripper {
	if m == nil {
		return rt
	}
	return roundTripper(func(req *http.Request) (*http.Response, error) {
		op := sinchOperation(req)
		start := time.Now()
		res, err := rt.RoundTrip(req)
		code := "error"
		if err == nil {
			code = strconv.Itoa(res.StatusCode)
		}
		m.sinch.WithLabelValues(op, code).Inc()
		m.sinchTime.WithLabelValues(op).Observe(time.Since(start).Seconds())
		return res, err
	})
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// sinchOperation names a call by method and path with its IDs taken out
// (the part after projects/, senders/ or webhooks/):
// "POST /v1/projects/{id}/whatsapp/senders/{id}/verify".
func sinchOperation(r *http.Request) string {
	p := r.URL.Path
	if i := strings.Index(p, "/v1/"); i >= 0 {
		p = p[i:]
	} else if strings.HasSuffix(p, "/oauth2/token") {
		p = "/oauth2/token"
	}
	parts := strings.Split(p, "/")
	for i := 1; i < len(parts); i++ {
		if prev := parts[i-1]; prev == "projects" || prev == "senders" || prev == "webhooks" {
			parts[i] = "{id}"
		}
	}
	return r.Method + " " + strings.Join(parts, "/")
}

// queueCollector reads the engine's queue per organisation at each scrape.
type queueCollector struct{ store *models.Store }

var (
	queueDesc = prometheus.NewDesc("wabadesk_engine_queue", "Background work by state (due, running, scheduled, parked, submitting), per organisation: the busiest by ID, the rest as \"other\".",
		[]string{"organisation", "state"}, nil)
	waitDesc = prometheus.NewDesc("wabadesk_engine_oldest_wait_seconds", "How long the longest-waiting due work has waited, per organisation.",
		[]string{"organisation"}, nil)
)

func (q *queueCollector) Describe(ch chan<- *prometheus.Desc) { ch <- queueDesc; ch <- waitDesc }

func (q *queueCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	stats, err := q.store.QueueStats(ctx, 0)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(queueDesc, err)
		return
	}
	busy := func(s models.QueueStats) int64 { return s.Due + s.Running + s.Parked + s.Submitting }
	slices.SortStableFunc(stats, func(a, b models.QueueStats) int { return cmp.Compare(busy(b), busy(a)) })
	now := q.store.Now()
	var other models.QueueStats
	var otherWait time.Duration
	emit := func(org string, s models.QueueStats, wait time.Duration) {
		for state, n := range map[string]int64{"due": s.Due, "running": s.Running, "scheduled": s.Scheduled, "parked": s.Parked, "submitting": s.Submitting} {
			ch <- prometheus.MustNewConstMetric(queueDesc, prometheus.GaugeValue, float64(n), org, state)
		}
		ch <- prometheus.MustNewConstMetric(waitDesc, prometheus.GaugeValue, wait.Seconds(), org)
	}
	for i, s := range stats {
		if i < metricsOrgs {
			emit(strconv.FormatInt(s.OrganisationID, 10), s, s.OldestWait(now))
			continue
		}
		other.Due, other.Running, other.Scheduled = other.Due+s.Due, other.Running+s.Running, other.Scheduled+s.Scheduled
		other.Parked, other.Submitting = other.Parked+s.Parked, other.Submitting+s.Submitting
		otherWait = max(otherWait, s.OldestWait(now))
	}
	if len(stats) > metricsOrgs {
		emit("other", other, otherWait)
	}
}

// showMetrics serves /metrics on the main address to a scraper that sends
// the configured bearer token (none configured: not found).
func (h *Handler) showMetrics(c echo.Context) error {
	token := h.cfg.MetricsToken
	got, ok := strings.CutPrefix(c.Request().Header.Get("Authorization"), "Bearer ")
	if h.cfg.Metrics == nil || token == "" {
		return models.ErrNotFound
	}
	if !ok || subtle.ConstantTimeCompare([]byte(got), []byte(token)) != 1 {
		c.Response().Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
		return c.String(http.StatusUnauthorized, "send Authorization: Bearer <the --metrics-token>")
	}
	h.cfg.Metrics.Handler().ServeHTTP(c.Response(), c.Request())
	return nil
}
