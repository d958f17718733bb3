package detect

import (
	"context"
	"errors"
	"io"
	"time"

	"github.com/stagewatch/stagewatch"
)

// ByteCounter is implemented by sources that know how many bytes of their
// input they have consumed. Run reports the sum as progress; it calls
// BytesRead from the goroutine that calls Decode, between calls.
type ByteCounter interface {
	BytesRead() int64
}

const (
	// batchSize is the most events one batch carries from an input's
	// goroutine to the merge: large enough that channel operations are off
	// the per-event path, small enough to keep the merge fed.
	batchSize = 512
	// batchErrors is the most decode errors one batch carries, so that a
	// garbage input reports its errors (and --strict stops) promptly.
	batchErrors = 64
	// cancelCheck is how many records an input decodes between looks at its
	// context when it has nothing to send.
	cancelCheck = 256
)

// batch is what an input's goroutine hands to the merge: events in
// Compare order, the decode errors met while reading them, and on the last
// batch the fatal read error if there was one.
type batch struct {
	events     []*stagewatch.Event
	decodeErrs []error
	late       int64 // events that came later than the lateness bound
	bytes      int64 // bytes read so far, when the source counts them
	err        error // fatal read error, on the last batch only
	last       bool  // the input is finished; the channel closes next
}

// read decodes in into batches on out until the input ends, fails or ctx is
// done, and then closes out. Within the input it restores event-time order
// with a reorder buffer bounded by lateness, the same rule the Engine
// applies, so every batch stream the merge sees is sorted.
func read(ctx context.Context, in Input, lateness time.Duration, out chan<- batch) {
	defer close(out)
	counter, _ := in.Source.(ByteCounter)
	buf := newReorderBuffer()
	var (
		b                 batch
		started           bool
		newest, watermark time.Time
	)
	send := func() bool {
		if counter != nil {
			b.bytes = counter.BytesRead()
		}
		select {
		case out <- b:
			b = batch{}
			return true
		case <-ctx.Done():
			return false
		}
	}
	for n := 1; ; n++ {
		if n%cancelCheck == 0 && ctx.Err() != nil {
			return
		}
		ev, err := in.Source.Decode()
		if err != nil {
			if _, ok := errors.AsType[*stagewatch.DecodeError](err); ok {
				b.decodeErrs = append(b.decodeErrs, err)
				if len(b.decodeErrs) >= batchErrors && !send() {
					return
				}
				continue
			}
			for buf.len() > 0 {
				b.events = append(b.events, buf.pop())
				if len(b.events) >= batchSize && !send() {
					return
				}
			}
			if err != io.EOF {
				b.err = err
			}
			b.last = true
			send()
			return
		}
		switch {
		case !started:
			started = true
			newest, watermark = ev.Time, ev.Time.Add(-lateness)
		case ev.Time.Before(watermark):
			b.late++
		case ev.Time.After(newest):
			newest, watermark = ev.Time, ev.Time.Add(-lateness)
		}
		buf.push(ev)
		for buf.len() > 0 && buf.top().Time.Before(watermark) {
			b.events = append(b.events, buf.pop())
			if len(b.events) >= batchSize && !send() {
				return
			}
		}
	}
}
