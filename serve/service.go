// Package serve is the core of `stagewatch serve`: a Service that makes
// accepted events durable, runs them through one streaming detect.Engine,
// logs the alerts durably and delivers the alert log to sinks, and the HTTP
// front end that feeds it.
//
// The core is synchronous: one goroutine owns the engine and the event log
// writes. Callers hand it batches over a bounded queue (Accept), which is
// where backpressure comes from. On start the Service rebuilds its windows
// by replaying the stored events within the state horizon through a fresh
// engine; the alert log drops re-reports it has already logged, so a restart
// neither repeats nor loses an alert (see docs/architecture.md).
//
// Other intake paths (the Kafka consumer) use the same Service: either
// AcceptWithOffsets, which stores the consumed offsets in the transaction
// of the events they cover (resume from Store.Offset after a restart), or,
// with engines of their own, Emit, which returns once alerts are durable
// in the alert log so offsets can be committed after it.
package serve

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/detect"
	"github.com/stagewatch/stagewatch/sink"
	"github.com/stagewatch/stagewatch/store"
)

// ErrBusy is returned by Accept when the queue is full; the caller should
// retry later (HTTP answers 503 with Retry-After).
var ErrBusy = errors.New("intake queue is full")

// ErrClosed is returned by Accept after Close has begun.
var ErrClosed = errors.New("service is shutting down")

// Options configure a Service.
type Options struct {
	// Detectors are the analytics to run, fresh (no state): the service
	// replays the event log into them on start.
	Detectors []detect.Named
	// Lateness is the engine's reorder bound.
	Lateness time.Duration
	// Horizon is how much event time the event log keeps and replays: at
	// least the longest window plus episode gap plus lateness (see Horizon).
	Horizon time.Duration
	// Window is the longest analytic window (see Horizon); replayed alerts
	// that end within it of the replay start are dropped as possibly
	// truncated. 0 means Horizon minus Lateness.
	Window time.Duration
	// Queue is how many batches may wait for the engine; 0 means 64.
	Queue int
	// Sinks receive the alert log.
	Sinks []Sink
	// Logger receives structured logs; nil discards them.
	Logger *slog.Logger
	// Metrics, if not nil, is updated as the service works.
	Metrics *Metrics
}

// Service is a running detection service. Create it with New, start it with
// Start and stop it with Close.
type Service struct {
	opts  Options
	st    *store.Store
	log   *slog.Logger
	m     *Metrics
	eng   *detect.Engine
	queue chan *job

	closing  atomic.Bool
	started  atomic.Bool // the loop and sink workers run
	ready    atomic.Bool // replay finished
	storeErr atomic.Pointer[error]

	stopLoop chan struct{}
	loopDone chan struct{}
	sinkStop context.CancelFunc
	sinkWG   sync.WaitGroup
	wake     []chan struct{} // one per sink worker: new alerts logged

	openWindows atomic.Int64 // summed over detectors that implement WindowCounter

	// Owned by the loop goroutine.
	newest   time.Time
	pruned   time.Time // newest at the last prune
	unlogged []record
}

// WindowCounter is implemented by detectors that can say cheaply how many
// groups (open episodes and groups with pending matches) they hold; the
// service reports the sum as the open_windows metric.
type WindowCounter interface {
	OpenWindows() int
}

// job is one batch on its way to the engine.
type job struct {
	source  string
	evs     []*stagewatch.Event
	offsets map[string][]byte
	done    chan error // receives nil once the events are durable
}

// New returns a Service over st. It does not start any goroutine.
func New(st *store.Store, o Options) (*Service, error) {
	if o.Queue <= 0 {
		o.Queue = 64
	}
	if o.Window <= 0 {
		o.Window = o.Horizon - o.Lateness
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	eng, err := detect.New(o.Detectors, detect.Options{Lateness: o.Lateness, Stream: true})
	if err != nil {
		return nil, err
	}
	s := &Service{
		opts: o, st: st, log: o.Logger, m: o.Metrics, eng: eng,
		queue:    make(chan *job, o.Queue),
		stopLoop: make(chan struct{}),
		loopDone: make(chan struct{}),
	}
	if s.m != nil {
		s.m.attach(s)
	}
	return s, nil
}

// Start replays the event log into the engine, then starts the engine loop
// and one delivery worker per sink. It returns after the replay; Accept
// works from then on.
func (s *Service) Start(ctx context.Context) error {
	// Cursors first: a sink new to this store starts at the end of the
	// alert log as it was before the replay.
	last := s.st.LastAlertSeq()
	for _, k := range s.opts.Sinks {
		if _, err := s.st.InitCursor(k.Name(), last); err != nil {
			return fmt.Errorf("sink %s: %w", k.Name(), err)
		}
	}
	if err := s.replay(ctx); err != nil {
		return err
	}
	sctx, cancel := context.WithCancel(context.Background())
	s.sinkStop = cancel
	for _, k := range s.opts.Sinks {
		wake := make(chan struct{}, 1)
		s.wake = append(s.wake, wake)
		s.sinkWG.Go(func() { s.deliver(sctx, k, wake) })
	}
	s.started.Store(true)
	go s.loop()
	s.ready.Store(true)
	return nil
}

// Accept hands a batch of events from source to the engine and returns once
// they are durable in the event log, or with the error that kept them out
// (then none of them is stored). It does not wait for detection. It returns
// ErrBusy at once when the queue is full and ErrClosed during shutdown.
func (s *Service) Accept(ctx context.Context, source string, evs []*stagewatch.Event) error {
	return s.AcceptWithOffsets(ctx, source, evs, nil)
}

// AcceptWithOffsets is Accept that also stores source offsets (name ->
// opaque bytes) in the same transaction as the events, for consumers that
// resume from them (Kafka).
func (s *Service) AcceptWithOffsets(ctx context.Context, source string, evs []*stagewatch.Event, offsets map[string][]byte) error {
	if s.closing.Load() {
		return ErrClosed
	}
	if !s.ready.Load() {
		return fmt.Errorf("%w: replaying the event log", ErrBusy)
	}
	j := &job{source: source, evs: evs, offsets: offsets, done: make(chan error, 1)}
	select {
	case s.queue <- j:
	default:
		return ErrBusy
	}
	select {
	case err := <-j.done:
		return err
	case <-ctx.Done():
		// The batch may still become durable; the caller will resend it and
		// the deterministic alert ids make the duplicate harmless.
		return ctx.Err()
	}
}

// Ready reports whether the service can take events: the replay has
// finished, the queue has room and the last store write succeeded. The
// error says what is wrong.
func (s *Service) Ready() error {
	switch {
	case !s.ready.Load():
		return errors.New("replaying the event log")
	case s.closing.Load():
		return ErrClosed
	case len(s.queue) >= cap(s.queue):
		return ErrBusy
	}
	if p := s.storeErr.Load(); p != nil {
		return fmt.Errorf("store: %w", *p)
	}
	return nil
}

// StoreError returns the error of the last failed store write, or nil
// once a write has succeeded again.
func (s *Service) StoreError() error {
	if p := s.storeErr.Load(); p != nil {
		return *p
	}
	return nil
}

// OpenWindows returns the groups the detectors that implement
// WindowCounter held after the last batch.
func (s *Service) OpenWindows() int64 { return s.openWindows.Load() }

// QueueDepth returns how many batches wait for the engine.
func (s *Service) QueueDepth() int { return len(s.queue) }

// Close stops intake, lets the engine loop finish the queued batches and
// the sink workers deliver what they can until ctx ends, and then stops
// them. It does not close the store or flush the engine: open windows are
// rebuilt from the event log on the next start.
func (s *Service) Close(ctx context.Context) error {
	if s.closing.Swap(true) || !s.started.Load() {
		return nil
	}
	close(s.stopLoop)
	<-s.loopDone
	done := make(chan struct{})
	go func() {
		for s.sinksBehind() && ctx.Err() == nil {
			select {
			case <-ctx.Done():
			case <-time.After(20 * time.Millisecond):
			}
		}
		close(done)
	}()
	<-done
	s.sinkStop()
	s.sinkWG.Wait()
	return nil
}

// sinksBehind reports whether some sink has not delivered the whole log.
func (s *Service) sinksBehind() bool {
	last := s.st.LastAlertSeq()
	for _, k := range s.opts.Sinks {
		if c, err := s.st.Cursor(k.Name()); err != nil || c < last {
			return true
		}
	}
	return false
}

// Emit logs alerts durably in the alert log and wakes the sink workers. It
// returns only when the alerts are durable; an alert whose id and content
// are already logged is not logged again. It is safe for concurrent use.
func (s *Service) Emit(ctx context.Context, alerts []stagewatch.Alert) error {
	recs, err := records(alerts)
	if err != nil {
		return err
	}
	if err := s.logRecords(recs); err != nil {
		return err
	}
	return ctx.Err()
}

// record is an alert ready for the log: its JSON is made when the detector
// reports it, because an open episode's alert shares memory with the
// episode, which later events change.
type record struct {
	store.Alert
	analytic, severity string
}

func records(alerts []stagewatch.Alert) ([]record, error) {
	recs := make([]record, len(alerts))
	for i := range alerts {
		b, err := sink.MarshalLine(alerts[i])
		if err != nil {
			return nil, err
		}
		recs[i] = record{store.Alert{ID: alerts[i].ID, JSON: b}, alerts[i].Analytic, alerts[i].Severity.String()}
	}
	return recs, nil
}

// logRecords appends recs to the alert log and wakes the sink workers.
func (s *Service) logRecords(recs []record) error {
	if len(recs) == 0 {
		return nil
	}
	in := make([]store.Alert, len(recs))
	for i := range recs {
		in[i] = recs[i].Alert
	}
	logged, err := s.st.LogAlerts(in)
	if err != nil {
		s.storeFailed(err)
		return fmt.Errorf("alert log: %w", err)
	}
	if len(logged) == 0 {
		return nil
	}
	if s.m != nil {
		byJSON := make(map[string]*record, len(recs))
		for i := range recs {
			byJSON[string(recs[i].JSON)] = &recs[i]
		}
		for _, r := range logged {
			if rec := byJSON[string(r.JSON)]; rec != nil {
				s.m.alerts.WithLabelValues(rec.analytic, rec.severity).Inc()
			}
		}
	}
	for _, r := range logged {
		s.log.Info("alert", "id", r.ID, "seq", r.Seq)
	}
	for _, w := range s.wake {
		select {
		case w <- struct{}{}:
		default:
		}
	}
	return nil
}

func (s *Service) storeFailed(err error) {
	s.storeErr.Store(&err)
	s.log.Error("store write failed", "err", err)
}
