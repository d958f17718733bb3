package detect

import (
	"context"
	"errors"
	"strings"
	"sync"

	"github.com/stagewatch/stagewatch"
)

// Input is one named source of events, usually a file.
type Input struct {
	Name   string // shown in errors and the summary; also the last tie-break of the merge
	Source stagewatch.Source
}

// Hooks let the caller of Run act on what happens during a run. Every hook is
// optional, and Run calls them from its own goroutine, never concurrently.
type Hooks struct {
	// OnDecodeError is called with each *stagewatch.DecodeError an input
	// returns; the input goes on with its next record. A non-nil result
	// aborts the run and Run returns it (that is how --strict works).
	OnDecodeError func(err error) error
	// OnInputError is called when input name cannot be read further; the
	// events it yielded before are kept and the other inputs go on. A
	// non-nil result aborts the run. Without the hook, Run goes on and
	// returns the input errors, joined, at the end.
	OnInputError func(name string, err error) error
	// OnAlert receives every alert the engine returns: in hunt mode once
	// each, in the engine's deterministic order, at the end of the run. A
	// non-nil result aborts the run.
	OnAlert func(a stagewatch.Alert) error
	// OnProgress is called after every batch an input delivers.
	OnProgress func(p Progress)
}

// Progress says how far a run has read.
type Progress struct {
	Events       int64 // events decoded so far, over all inputs
	DecodeErrors int64 // bad records so far
	Bytes        int64 // bytes read, summed over the inputs that count them (see ByteCounter)
	InputsDone   int   // inputs read to their end or to a fatal error
	Inputs       int   // inputs in the run
}

// InputSummary is what Run read from one input.
type InputSummary struct {
	Name         string `json:"name"`
	Events       int64  `json:"events"`
	DecodeErrors int64  `json:"decode_errors"`
	// Late counts events more than the lateness bound behind the newest
	// event of the same input.
	Late  int64 `json:"late"`
	Bytes int64 `json:"bytes,omitempty"`
	Err   error `json:"-"` // the fatal read error, if any
}

// Summary is the outcome of a run.
type Summary struct {
	Inputs []InputSummary `json:"inputs"` // in the order given to Run
	Engine Stats          `json:"engine"`
}

// Run reads every input, merges them into one event-time-ordered stream,
// feeds it to engine and closes the engine at the end. One goroutine per input
// decodes and sorts that input within the engine's lateness bound; Run merges
// their heads with a heap ordered by Compare and then input name, so the
// alerts do not depend on the order of inputs or on their speed. Run stops
// every goroutine it started before it returns; an input's goroutine looks at
// ctx between records, so a Source blocked inside Decode (a pipe that never
// writes) holds Run until Decode returns. On an abort (a hook's error or ctx
// ending) the engine is left unclosed and no further alert is reported.
func Run(ctx context.Context, inputs []Input, engine *Engine, hooks Hooks) (Summary, error) {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel()

	r := &runner{
		hooks: hooks,
		sum:   Summary{Inputs: make([]InputSummary, len(inputs))},
		bytes: make([]int64, len(inputs)),
	}
	r.progress.Inputs = len(inputs)
	cursors := make([]*cursor, len(inputs))
	for i, in := range inputs {
		r.sum.Inputs[i].Name = in.Name
		ch := make(chan batch, 2)
		cursors[i] = &cursor{input: i, name: in.Name, ch: ch}
		wg.Go(func() { read(ctx, in, engine.Lateness(), ch) })
	}

	heads := minHeap[*cursor]{less: cursorLess}
	for _, c := range cursors {
		ok, err := r.fill(ctx, c)
		if err != nil {
			return r.sum, err
		}
		if ok {
			heads.push(c)
		}
	}
	for heads.len() > 0 {
		c := heads.top()
		ev := c.events[c.pos]
		c.events[c.pos] = nil
		c.pos++
		if err := r.emit(engine.Observe(ev)); err != nil {
			return r.sum, err
		}
		if c.pos < len(c.events) {
			heads.fixTop()
			continue
		}
		ok, err := r.fill(ctx, c)
		if err != nil {
			return r.sum, err
		}
		if ok {
			heads.fixTop()
		} else {
			heads.pop()
		}
	}
	err := r.emit(engine.Close())
	r.sum.Engine = engine.Stats()
	if err != nil {
		return r.sum, err
	}
	return r.sum, errors.Join(r.inputErrs...)
}

// cursor is the merge's view of one input: its current batch and position.
type cursor struct {
	input  int
	name   string
	ch     <-chan batch
	events []*stagewatch.Event
	pos    int
	done   bool // the last batch has been received
}

// cursorLess orders inputs by their head event, then by name and position so
// that equal events from different inputs merge the same way every run.
func cursorLess(a, b *cursor) bool {
	if c := Compare(a.events[a.pos], b.events[b.pos]); c != 0 {
		return c < 0
	}
	if c := strings.Compare(a.name, b.name); c != 0 {
		return c < 0
	}
	return a.input < b.input
}

// runner holds the state of one Run on the caller's goroutine.
type runner struct {
	hooks     Hooks
	sum       Summary
	progress  Progress
	bytes     []int64
	inputErrs []error
}

// fill receives batches for c until one has events (true) or the input has
// ended (false), handling the errors and counts each batch carries.
func (r *runner) fill(ctx context.Context, c *cursor) (bool, error) {
	for !c.done {
		if err := ctx.Err(); err != nil {
			return false, err
		}
		var (
			b  batch
			ok bool
		)
		select {
		case b, ok = <-c.ch:
		case <-ctx.Done():
			return false, ctx.Err()
		}
		if !ok {
			// The goroutine closes without a last batch only when ctx ended.
			<-ctx.Done()
			return false, ctx.Err()
		}
		c.done = b.last
		if err := r.account(c.input, &b); err != nil {
			return false, err
		}
		if len(b.events) > 0 {
			c.events, c.pos = b.events, 0
			return true, nil
		}
	}
	return false, nil
}

// account counts a batch, reports progress and calls the error hooks.
func (r *runner) account(i int, b *batch) error {
	in := &r.sum.Inputs[i]
	in.Events += int64(len(b.events))
	in.DecodeErrors += int64(len(b.decodeErrs))
	in.Late += b.late
	if b.bytes > 0 {
		in.Bytes = b.bytes
		r.progress.Bytes += b.bytes - r.bytes[i]
		r.bytes[i] = b.bytes
	}
	r.progress.Events += int64(len(b.events))
	r.progress.DecodeErrors += int64(len(b.decodeErrs))
	if b.last {
		r.progress.InputsDone++
	}
	if r.hooks.OnProgress != nil {
		r.hooks.OnProgress(r.progress)
	}
	if r.hooks.OnDecodeError != nil {
		for _, err := range b.decodeErrs {
			if err := r.hooks.OnDecodeError(err); err != nil {
				return err
			}
		}
	}
	if b.err != nil {
		in.Err = b.err
		if r.hooks.OnInputError == nil {
			r.inputErrs = append(r.inputErrs, inputError{name: in.Name, err: b.err})
		} else if err := r.hooks.OnInputError(in.Name, b.err); err != nil {
			return err
		}
	}
	return nil
}

// emit hands alerts to the OnAlert hook.
func (r *runner) emit(alerts []stagewatch.Alert) error {
	if r.hooks.OnAlert == nil {
		return nil
	}
	for _, a := range alerts {
		if err := r.hooks.OnAlert(a); err != nil {
			return err
		}
	}
	return nil
}

// inputError names the input a fatal read error came from.
type inputError struct {
	name string
	err  error
}

func (e inputError) Error() string { return e.name + ": " + e.err.Error() }
func (e inputError) Unwrap() error { return e.err }
