package serve

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/decode"
	"github.com/stagewatch/stagewatch/store"
)

// HTTPOptions configure the HTTP front end.
type HTTPOptions struct {
	// Tokens are the accepted bearer tokens; empty means no authentication
	// (the command allows that only on loopback).
	Tokens []string
	// MaxBody is the largest request body accepted, in bytes, before
	// decompression; 0 means 32 MiB. Larger requests get 413.
	MaxBody int64
	// Rate is the sustained requests per second allowed per token (or per
	// client address without auth), with bursts of Burst; 0 means no limit.
	Rate  float64
	Burst int
	// Decode is the base decoding configuration (time zone, line limit).
	Decode decode.Options
	// MaxBadReported is how many bad records a response lists; 0 means 20.
	MaxBadReported int
	// Accept, when set, takes the events of accepted requests instead of
	// the Service and returns once they are durable there (Kafka mode:
	// produced onto the events topic and acknowledged). Its errors answer
	// 503 as the Service's do.
	Accept func(ctx context.Context, source string, evs []*stagewatch.Event) error
	// Ready, when set, is one more check of /readyz (Kafka mode: the
	// consumers have joined their groups).
	Ready   func() error
	Logger  *slog.Logger
	Metrics *Metrics
}

// BadRecord is one record a request could not decode.
type BadRecord struct {
	Record int64  `json:"record"`
	Line   int64  `json:"line,omitempty"`
	Reason string `json:"reason"`
	Error  string `json:"error"`
}

// IngestResponse is the JSON body of POST /v1/events answers.
type IngestResponse struct {
	Accepted   int         `json:"accepted"`
	Bad        int         `json:"bad"`
	Format     string      `json:"format,omitempty"`
	BadRecords []BadRecord `json:"bad_records,omitempty"`
	Error      string      `json:"error,omitempty"`
}

type handler struct {
	s      *Service
	o      HTTPOptions
	log    *slog.Logger
	limits *limiter
}

// NewHandler returns the HTTP API of s: POST /v1/events, GET /healthz,
// /readyz and /metrics. docs/operations.md describes it.
func NewHandler(s *Service, o HTTPOptions) http.Handler {
	if o.MaxBody <= 0 {
		o.MaxBody = 32 << 20
	}
	if o.MaxBadReported <= 0 {
		o.MaxBadReported = 20
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	h := &handler{s: s, o: o, log: o.Logger}
	if o.Rate > 0 {
		h.limits = newLimiter(o.Rate, max(o.Burst, 1))
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/events", h.events)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		io.WriteString(w, "ok\n")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		err := s.Ready()
		if err == nil && o.Ready != nil {
			err = o.Ready()
		}
		if err != nil {
			http.Error(w, "not ready: "+err.Error(), http.StatusServiceUnavailable)
			return
		}
		io.WriteString(w, "ready\n")
	})
	if o.Metrics != nil {
		mux.Handle("GET /metrics", o.Metrics.Handler())
	}
	return h.instrument(mux)
}

// instrument records every request's latency by path and status.
func (h *handler) instrument(next http.Handler) http.Handler {
	if h.o.Metrics == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, code: http.StatusOK}
		next.ServeHTTP(rec, r)
		path := r.URL.Path
		switch path {
		case "/v1/events", "/healthz", "/readyz", "/metrics":
		default:
			path = "other"
		}
		h.o.Metrics.requests.WithLabelValues(path, strconv.Itoa(rec.code)).Observe(time.Since(start).Seconds())
	})
}

type statusRecorder struct {
	http.ResponseWriter
	code int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.code = code
	r.ResponseWriter.WriteHeader(code)
}

// authenticate returns the caller's identity for rate limiting, or false.
func (h *handler) authenticate(r *http.Request) (string, bool) {
	if len(h.o.Tokens) == 0 {
		host := r.RemoteAddr
		if i := strings.LastIndexByte(host, ':'); i >= 0 {
			host = host[:i]
		}
		return host, true
	}
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return "", false
	}
	match := 0
	id := ""
	for i, t := range h.o.Tokens {
		// Compare with every token, so the time does not say which matched.
		if subtle.ConstantTimeCompare([]byte(got), []byte(t)) == 1 {
			match, id = 1, "token"+strconv.Itoa(i+1)
		}
	}
	return id, match == 1
}

func (h *handler) events(w http.ResponseWriter, r *http.Request) {
	who, ok := h.authenticate(r)
	if !ok {
		w.Header().Set("WWW-Authenticate", `Bearer realm="stagewatch"`)
		reply(w, http.StatusUnauthorized, IngestResponse{Error: "missing or unknown bearer token"})
		return
	}
	if h.limits != nil {
		if wait := h.limits.take(who, time.Now()); wait > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
			reply(w, http.StatusTooManyRequests, IngestResponse{Error: "rate limit exceeded"})
			return
		}
	}
	switch enc := strings.ToLower(r.Header.Get("Content-Encoding")); enc {
	case "", "identity", "gzip", "x-gzip":
		// gzip is recognised by its magic bytes, with or without the header.
	default:
		reply(w, http.StatusUnsupportedMediaType, IngestResponse{Error: "unsupported Content-Encoding " + strconv.Quote(enc) + " (use gzip or none)"})
		return
	}
	q := r.URL.Query()
	skipBad := q.Get("skip_bad") == "true" || q.Get("skip_bad") == "1"
	opts := h.o.Decode
	if f := q.Get("format"); f != "" {
		if _, err := decode.Lookup(f); err != nil {
			reply(w, http.StatusBadRequest, IngestResponse{Error: err.Error()})
			return
		}
		opts.Format = f
	}
	body := http.MaxBytesReader(w, r.Body, h.o.MaxBody)
	evs, resp, code := h.decode(body, opts)
	if code != 0 {
		h.count(resp.Format, "rejected", len(evs))
		reply(w, code, resp)
		return
	}
	if len(resp.BadRecords) > 0 && !skipBad {
		resp.Error = "bad records; nothing was accepted (resend with ?skip_bad=true to accept the good ones)"
		h.count(resp.Format, "rejected", len(evs))
		reply(w, http.StatusBadRequest, resp)
		return
	}
	if len(evs) > 0 {
		accept := h.s.Accept
		if h.o.Accept != nil {
			accept = h.o.Accept
		}
		if err := accept(r.Context(), "http", evs); err != nil {
			h.refuse(w, resp, len(evs), err)
			return
		}
	}
	resp.Accepted = len(evs)
	h.count(resp.Format, "accepted", len(evs))
	reply(w, http.StatusAccepted, resp)
}

// refuse answers a request the service could not take.
func (h *handler) refuse(w http.ResponseWriter, resp IngestResponse, n int, err error) {
	resp.Error = err.Error()
	result, retry := "error", "5"
	switch {
	case errors.Is(err, ErrBusy):
		result, retry = "busy", "1"
	case errors.Is(err, ErrClosed):
		result = "busy"
	case errors.Is(err, store.ErrFull):
		retry = "30"
	}
	h.log.Warn("request refused", "events", n, "err", err)
	h.count(resp.Format, result, n)
	w.Header().Set("Retry-After", retry)
	reply(w, http.StatusServiceUnavailable, resp)
}

// decode reads every record of body. It returns the events, the response
// so far (format, bad records) and a status code when the request must be
// refused as a whole (0 otherwise).
func (h *handler) decode(body io.Reader, opts decode.Options) ([]*stagewatch.Event, IngestResponse, int) {
	var resp IngestResponse
	in, err := decode.Open("http", body, opts)
	if err != nil {
		if code, ok := tooLarge(err); ok {
			return nil, IngestResponse{Error: err.Error()}, code
		}
		return nil, IngestResponse{Error: err.Error()}, http.StatusBadRequest
	}
	resp.Format = in.Format()
	var evs []*stagewatch.Event
	for {
		ev, err := in.Decode()
		if err == io.EOF {
			break
		}
		if de, ok := errors.AsType[*stagewatch.DecodeError](err); ok {
			resp.Bad++
			if h.o.Metrics != nil {
				h.o.Metrics.decodeErrors.WithLabelValues(resp.Format).Inc()
			}
			if len(resp.BadRecords) < h.o.MaxBadReported {
				resp.BadRecords = append(resp.BadRecords, BadRecord{
					Record: de.Origin.Record, Line: de.Origin.Line, Reason: de.Reason, Error: de.Error(),
				})
			}
			continue
		}
		if err != nil {
			resp.Error = err.Error()
			if code, ok := tooLarge(err); ok {
				return evs, resp, code
			}
			return evs, resp, http.StatusBadRequest
		}
		evs = append(evs, ev)
	}
	return evs, resp, 0
}

// tooLarge reports whether err comes from the body size limit.
func tooLarge(err error) (int, bool) {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return http.StatusRequestEntityTooLarge, true
	}
	return 0, false
}

func (h *handler) count(format, result string, n int) {
	if h.o.Metrics == nil || n == 0 {
		return
	}
	if format == "" {
		format = "unknown"
	}
	h.o.Metrics.events.WithLabelValues(format, result).Add(float64(n))
}

func reply(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

// limiter is a token bucket per caller.
type limiter struct {
	rate  float64
	burst float64
	mu    sync.Mutex
	b     map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newLimiter(rate float64, burst int) *limiter {
	return &limiter{rate: rate, burst: float64(burst), b: make(map[string]*bucket)}
}

// take spends one token of who's bucket and returns 0, or how long until a
// token is available.
func (l *limiter) take(who string, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.b[who]
	if b == nil {
		b = &bucket{tokens: l.burst, last: now}
		l.b[who] = b
	}
	b.tokens = min(l.burst, b.tokens+now.Sub(b.last).Seconds()*l.rate)
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return 0
	}
	return time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
}

// ServerOptions are the timeouts of NewServer.
type ServerOptions struct {
	ReadHeaderTimeout, ReadTimeout, WriteTimeout, IdleTimeout time.Duration
}

// NewServer returns an http.Server for h on addr with timeouts against slow
// clients; zero timeouts take 10s, 60s, 60s and 120s.
func NewServer(addr string, h http.Handler, o ServerOptions) *http.Server {
	def := func(d, v time.Duration) time.Duration {
		if d <= 0 {
			return v
		}
		return d
	}
	return &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: def(o.ReadHeaderTimeout, 10*time.Second),
		ReadTimeout:       def(o.ReadTimeout, 60*time.Second),
		WriteTimeout:      def(o.WriteTimeout, 60*time.Second),
		IdleTimeout:       def(o.IdleTimeout, 120*time.Second),
		ErrorLog:          nil,
	}
}

// String describes the options, for the start-up log.
func (o HTTPOptions) String() string {
	return fmt.Sprintf("tokens=%d max_body=%d rate=%g burst=%d", len(o.Tokens), o.MaxBody, o.Rate, o.Burst)
}
