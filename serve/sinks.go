package serve

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"math/rand/v2"
	"os"
	"sync"
	"time"

	"github.com/stagewatch/stagewatch/sink"
	"github.com/stagewatch/stagewatch/store"
)

// Sink receives the alert log. The service runs one worker per sink that
// reads the log from the sink's durable cursor and calls Deliver; a sink
// that fails is retried with backoff and only lags, it loses nothing.
type Sink interface {
	// Name identifies the sink's cursor in the store; it must be stable
	// across restarts and unique among the sinks.
	Name() string
	// Deliver writes recs, in order. It returns how many of them were
	// delivered (a prefix) and, if not all, the error that stopped it. It
	// is called from one goroutine; ctx ends at shutdown.
	Deliver(ctx context.Context, recs []store.Alert) (int, error)
}

// deliverBatch is the most alert log records one Deliver call gets.
const deliverBatch = 256

// deliver is sink k's worker.
func (s *Service) deliver(ctx context.Context, k Sink, wake <-chan struct{}) {
	name := k.Name()
	backoff := backoffPolicy{Base: 100 * time.Millisecond, Max: 30 * time.Second}
	failures := 0
	for ctx.Err() == nil {
		cursor, err := s.st.Cursor(name)
		if err != nil {
			s.log.Error("reading a sink cursor", "sink", name, "err", err)
			sleep(ctx, time.Second)
			continue
		}
		if s.m != nil {
			s.m.sinkLag.WithLabelValues(name).Set(float64(s.st.LastAlertSeq() - cursor))
		}
		recs, err := s.st.AlertsAfter(cursor, deliverBatch)
		if err != nil || len(recs) == 0 {
			select {
			case <-wake:
			case <-ctx.Done():
			case <-time.After(time.Second):
			}
			continue
		}
		n, err := k.Deliver(ctx, recs)
		if n > 0 {
			if cerr := s.st.SetCursor(name, recs[n-1].Seq); cerr != nil {
				s.log.Error("storing a sink cursor", "sink", name, "err", cerr)
			}
			if s.m != nil {
				s.m.sinkDelivered.WithLabelValues(name).Add(float64(n))
			}
		}
		if err == nil {
			failures = 0
			continue
		}
		if ctx.Err() != nil {
			return
		}
		failures++
		if s.m != nil {
			s.m.sinkFailures.WithLabelValues(name).Inc()
			s.m.sinkRetries.WithLabelValues(name).Inc()
		}
		d := backoff.delay(failures)
		s.log.Warn("sink delivery failed", "sink", name, "err", err, "retry_in", d.String())
		sleep(ctx, d)
	}
}

// backoffPolicy is exponential backoff with full jitter.
type backoffPolicy struct {
	Base, Max time.Duration
}

// delay returns the wait before retry number attempt (from 1): a random
// duration up to Base*2^(attempt-1), capped at Max, and at least Base/2.
func (b backoffPolicy) delay(attempt int) time.Duration {
	d := b.Base
	for i := 1; i < attempt && d < b.Max; i++ {
		d *= 2
	}
	d = min(d, b.Max)
	return b.Base/2 + rand.N(d-b.Base/2+1)
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

// WriterSink writes the alert log as NDJSON to a writer, such as standard
// output: at-least-once, so after a crash the last lines may repeat.
type WriterSink struct {
	name string
	mu   sync.Mutex
	w    io.Writer
}

// NewWriterSink returns a sink named name writing NDJSON to w.
func NewWriterSink(name string, w io.Writer) *WriterSink { return &WriterSink{name: name, w: w} }

// Name implements Sink.
func (k *WriterSink) Name() string { return k.name }

// Deliver implements Sink.
func (k *WriterSink) Deliver(_ context.Context, recs []store.Alert) (int, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	for i, r := range recs {
		if _, err := k.w.Write(append(r.JSON, '\n')); err != nil {
			return i, err
		}
	}
	return len(recs), nil
}

// FileSink appends the alert log as NDJSON, in exactly the `hunt --output
// ndjson` format, to a file rotated by size. It writes, fsyncs, and only
// then lets the cursor move; records that a crash left written but not
// acknowledged are recognised at the end of the file on the next start and
// not written twice.
type FileSink struct {
	f    *sink.RotatingFile
	tail [][]byte // the file's last lines when opened, until the first Deliver
}

// tailLines is how many of a file's last lines FileSink compares with the
// first records it is given.
const tailLines = deliverBatch

// OpenFileSink opens path for appending; maxSize 0 disables rotation.
func OpenFileSink(path string, maxSize int64, keep int) (*FileSink, error) {
	tail, err := lastLines(path, tailLines)
	if err != nil {
		return nil, err
	}
	f, err := sink.OpenRotating(path, maxSize, keep)
	if err != nil {
		return nil, err
	}
	return &FileSink{f: f, tail: tail}, nil
}

// Name implements Sink.
func (k *FileSink) Name() string { return "file" }

// Deliver implements Sink.
func (k *FileSink) Deliver(_ context.Context, recs []store.Alert) (int, error) {
	skip := 0
	if k.tail != nil {
		skip = overlap(k.tail, recs)
		k.tail = nil
	}
	var buf bytes.Buffer
	for _, r := range recs[skip:] {
		buf.Write(r.JSON)
		buf.WriteByte('\n')
	}
	if buf.Len() > 0 {
		if _, err := k.f.Write(buf.Bytes()); err != nil {
			return skip, err
		}
		if err := k.f.Sync(); err != nil {
			return skip, err
		}
	}
	return len(recs), nil
}

// Close closes the file.
func (k *FileSink) Close() error { return k.f.Close() }

// overlap returns the largest j such that the last j lines of tail are the
// first j records.
func overlap(tail [][]byte, recs []store.Alert) int {
	for j := min(len(tail), len(recs)); j > 0; j-- {
		match := true
		for i := 0; i < j && match; i++ {
			match = bytes.Equal(tail[len(tail)-j+i], recs[i].JSON)
		}
		if match {
			return j
		}
	}
	return 0
}

// lastLines returns up to n complete last lines of the file at path; a
// missing file has none.
func lastLines(path string, n int) ([][]byte, error) {
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return [][]byte{}, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	const window = 4 << 20
	if fi, err := f.Stat(); err == nil && fi.Size() > window {
		if _, err := f.Seek(fi.Size()-window, io.SeekStart); err != nil {
			return nil, err
		}
	}
	var lines [][]byte
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, window)
	for sc.Scan() {
		lines = append(lines, append([]byte(nil), sc.Bytes()...))
		if len(lines) > 2*n {
			lines = append(lines[:0], lines[len(lines)-n:]...)
		}
	}
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return lines, sc.Err()
}
