package kafka

import (
	"log/slog"
	"maps"
	"sync"
	"sync/atomic"
)

// IntakeStats are the counters of an Intake since it started. The serve
// command exports them as Prometheus counters and gauges; this package does
// not import a metrics library.
type IntakeStats struct {
	Records        int64 // raw records consumed
	Bytes          int64 // raw record value bytes consumed
	Events         int64 // events decoded and produced onto the events topic
	BadRecords     int64 // raw records that could not be decoded in full
	BadEvents      int64 // bad events inside otherwise readable records
	DeadLettered   int64 // raw records copied onto the dead-letter topic
	Commits        int64 // successful offset commits
	CommitErrors   int64 // failed offset commits (retried with the next poll)
	ProduceRetries int64 // polls whose produce failed and were consumed again
	// Lag is, per "topic/partition", the records between the consumer's
	// position and the partition's high watermark at the last fetch.
	Lag map[string]int64
}

// DetectionStats are the counters of a Detection since it started.
type DetectionStats struct {
	Events       int64 // events fed to engines, restored ones included
	Restored     int64 // events replayed to rebuild windows after an assignment
	BadEvents    int64 // records of the events topic that were no normalized event
	Alerts       int64 // alerts handed to the sink, updates and replays included
	SinkErrors   int64 // failed Emit calls (retried)
	Commits      int64 // successful offset commits
	CommitErrors int64 // failed offset commits (retried with the next poll)
	Assigned     int64 // partitions assigned, cumulative
	Revoked      int64 // partitions revoked or lost, cumulative
	Partitions   int   // partitions owned now
	Late         int64 // events delivered later than the lateness bound, summed over live engines
	// Lag is, per "topic/partition", the records between the consumer's
	// position and the partition's high watermark at the last fetch.
	Lag map[string]int64
}

// lagTracker keeps the last known lag of every partition a client reads.
type lagTracker struct {
	mu  sync.Mutex
	lag map[string]int64
}

func (l *lagTracker) set(key string, n int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.lag == nil {
		l.lag = make(map[string]int64)
	}
	l.lag[key] = max(n, 0)
}

func (l *lagTracker) drop(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.lag, key)
}

func (l *lagTracker) snapshot() map[string]int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return maps.Clone(l.lag)
}

// counter is an int64 that is read while another goroutine writes it.
type counter = atomic.Int64

// repeatLog logs a fetch error the first time it comes and then every
// 100th repeat, so that a broker outage (a failed fetch every retry
// backoff) does not flood the log. It is used from one goroutine.
type repeatLog struct {
	last string
	n    int
}

func (r *repeatLog) warn(l *slog.Logger, msg string, err error, attrs ...any) {
	s := err.Error()
	if s == r.last {
		r.n++
		if r.n%100 != 0 {
			return
		}
		attrs = append(attrs, "repeats", r.n)
	} else {
		r.last, r.n = s, 0
	}
	l.Warn(msg, append(attrs, "err", err)...)
}
