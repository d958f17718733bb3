package serve

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics are serve's Prometheus metrics, on their own registry (never the
// global one, so several services can run in one process, as in tests).
// docs/operations.md says what each means.
type Metrics struct {
	reg *prometheus.Registry

	events          *prometheus.CounterVec
	decodeErrors    *prometheus.CounterVec
	alerts          *prometheus.CounterVec
	sinkDelivered   *prometheus.CounterVec
	sinkFailures    *prometheus.CounterVec
	sinkRetries     *prometheus.CounterVec
	sinkDeadLetters *prometheus.CounterVec
	sinkLag         *prometheus.GaugeVec
	requests        *prometheus.HistogramVec
	replayEvents    prometheus.Gauge
	replaySeconds   prometheus.Gauge
	// ConsumerLag is for the Kafka consumer: records behind the partition
	// end, by topic and partition.
	ConsumerLag *prometheus.GaugeVec
}

// NewMetrics returns the metrics on a new registry.
func NewMetrics() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		events: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "stagewatch_events_total", Help: "Events received, by input format and result (accepted, rejected, busy, error).",
		}, []string{"format", "result"}),
		decodeErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "stagewatch_decode_errors_total", Help: "Records that could not be decoded, by input format.",
		}, []string{"format"}),
		alerts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "stagewatch_alerts_total", Help: "Alert log records written (new alerts and updates), by analytic and severity.",
		}, []string{"analytic", "severity"}),
		sinkDelivered: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "stagewatch_sink_deliveries_total", Help: "Alert log records delivered, by sink.",
		}, []string{"sink"}),
		sinkFailures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "stagewatch_sink_failures_total", Help: "Failed delivery attempts, by sink.",
		}, []string{"sink"}),
		sinkRetries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "stagewatch_sink_retries_total", Help: "Delivery retries, by sink.",
		}, []string{"sink"}),
		sinkDeadLetters: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "stagewatch_sink_dead_letters_total", Help: "Alerts written to the dead-letter file after repeated failures, by sink.",
		}, []string{"sink"}),
		sinkLag: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "stagewatch_sink_lag", Help: "Alert log records not yet delivered, by sink.",
		}, []string{"sink"}),
		requests: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "stagewatch_http_request_duration_seconds", Help: "HTTP request latency, by path and status code.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 15),
		}, []string{"path", "code"}),
		replayEvents: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "stagewatch_replay_events", Help: "Events replayed from the event log at the last start.",
		}),
		replaySeconds: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "stagewatch_replay_seconds", Help: "How long the replay at the last start took.",
		}),
		ConsumerLag: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "stagewatch_kafka_consumer_lag", Help: "Kafka records behind the partition end, by topic and partition.",
		}, []string{"topic", "partition"}),
	}
	m.reg.MustRegister(m.events, m.decodeErrors, m.alerts, m.sinkDelivered, m.sinkFailures,
		m.sinkRetries, m.sinkDeadLetters, m.sinkLag, m.requests, m.replayEvents, m.replaySeconds, m.ConsumerLag,
		prometheus.NewGoCollector(), prometheus.NewProcessCollector(prometheus.ProcessCollectorOpts{}))
	return m
}

// Registry returns the registry the metrics are on, for adding more.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the metrics in the Prometheus exposition format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// attach registers the gauges read from the service.
func (m *Metrics) attach(s *Service) {
	m.reg.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "stagewatch_open_windows", Help: "Groups held by detectors that report them (open episodes and groups with pending matches).",
		}, func() float64 { return float64(s.openWindows.Load()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "stagewatch_state_bytes", Help: "Size of the store file in bytes.",
		}, func() float64 { return float64(s.st.Size()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "stagewatch_queue_depth", Help: "Batches waiting for the engine.",
		}, func() float64 { return float64(len(s.queue)) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "stagewatch_queue_capacity", Help: "Batches the queue holds before intake answers 503.",
		}, func() float64 { return float64(cap(s.queue)) }),
	)
}

// WebhookHooks makes a webhook sink named name count its retries and dead
// letters in m.
func (m *Metrics) WebhookHooks(o *WebhookOptions, name string) {
	o.OnRetry = func() { m.sinkRetries.WithLabelValues(name).Inc() }
	o.OnDeadLetter = func() { m.sinkDeadLetters.WithLabelValues(name).Inc() }
}
