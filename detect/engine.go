// Package detect runs detectors over events: the Engine routes each event to
// the detectors that need its kind, puts events back into event-time order
// within a lateness bound, advances event time, and deduplicates alerts; Run
// feeds an Engine from several inputs so that hunt results do not depend on
// the order of the input files.
package detect

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/stagewatch/stagewatch"
)

// Named is a detector with the id of the analytic it runs.
type Named struct {
	ID       string
	Detector stagewatch.Detector
}

// Options configure an Engine. The zero value is a hunt engine with no
// lateness and one-second advance steps.
type Options struct {
	// Lateness is how far behind the newest event seen an event may arrive
	// and still be put in its place. Events later than that are counted as
	// Late in Stats and delivered anyway: dropping them would lose evidence
	// silently, while a late delivery at worst opens a window the detector
	// had already closed, and the count tells the analyst to raise the bound.
	Lateness time.Duration
	// Step is the granularity of event time at which detectors are advanced;
	// zero means one second. A coarse step keeps Advance off the per-event
	// path.
	Step time.Duration
	// Stream makes Observe return alerts as detectors report them, updates
	// included (serve). Otherwise (hunt) alerts are held, one per id with its
	// latest content, and Close returns them sorted.
	Stream bool
	// IDHorizon bounds the memory of a stream-mode engine: to count distinct
	// alerts (Stats.Alerts) it remembers every alert id with the event time
	// of its last report, and forgets ids whose last report is more than
	// IDHorizon behind the watermark. An id reported again after that is
	// counted once more; the alerts returned do not change, and callers that
	// store alerts dedup by id anyway. Zero means DefaultIDHorizon. Hunt mode
	// ignores it: it must hold every alert until Close.
	IDHorizon time.Duration
}

// DefaultIDHorizon is the IDHorizon of an engine that does not set one: far
// longer than any analytic's window, so only ids of long-closed episodes
// are forgotten.
const DefaultIDHorizon = 48 * time.Hour

// Stats counts what an Engine saw.
type Stats struct {
	// Events counts every event offered, of any kind.
	Events int64 `json:"events"`
	// PerKind counts events by Kind; see Kinds for a by-name view.
	PerKind [stagewatch.NumKinds]int64 `json:"-"`
	// Late counts events that arrived more than Lateness behind the newest
	// event; they were delivered out of order.
	Late int64 `json:"late"`
	// Alerts counts distinct alert ids; Reports counts every alert a detector
	// returned, updates included.
	Alerts       int                      `json:"alerts"`
	Reports      int64                    `json:"reports"`
	Suppressions []stagewatch.Suppression `json:"suppressions,omitempty"`
}

// Kinds returns the event count of every kind that was seen, by kind name.
func (s Stats) Kinds() map[string]int64 {
	m := make(map[string]int64)
	for k, n := range s.PerKind {
		if n > 0 {
			m[stagewatch.Kind(k).String()] = n
		}
	}
	return m
}

// Engine drives detectors. It is not safe for concurrent use: one goroutine
// calls Observe and finally Close.
type Engine struct {
	opts    Options
	dets    []Named
	routes  [stagewatch.NumKinds][]int // detector indexes per kind
	pending reorderBuffer

	started   bool
	newest    time.Time // the latest event time seen
	watermark time.Time // newest - Lateness: earlier events are released
	advanced  time.Time // the last time passed to Advance
	nextStep  time.Time // advanced + Step: the next boundary to cross
	hasAdv    bool

	// Hunt mode: every alert by id, latest content.
	held []stagewatch.Alert
	byID map[string]int
	// Stream mode: the alerts of the current call, and the ids reported
	// within the horizon with the event time of their last report; the map
	// is swept when the watermark passes nextSweep.
	out       []stagewatch.Alert
	seen      map[string]time.Time
	nextSweep time.Time

	stats Stats
}

// New builds an Engine over dets, which are advanced and flushed in the
// given order. Detector ids must be unique and non-empty.
func New(dets []Named, opts Options) (*Engine, error) {
	if opts.Lateness < 0 {
		return nil, fmt.Errorf("lateness %v is negative", opts.Lateness)
	}
	if opts.Step < 0 {
		return nil, fmt.Errorf("advance step %v is negative", opts.Step)
	}
	if opts.Step == 0 {
		opts.Step = time.Second
	}
	if opts.IDHorizon < 0 {
		return nil, fmt.Errorf("alert id horizon %v is negative", opts.IDHorizon)
	}
	if opts.IDHorizon == 0 {
		opts.IDHorizon = DefaultIDHorizon
	}
	e := &Engine{
		opts:    opts,
		dets:    slices.Clone(dets),
		pending: newReorderBuffer(),
		byID:    make(map[string]int),
		seen:    make(map[string]time.Time),
	}
	ids := make(map[string]bool, len(dets))
	var errs []error
	for i, d := range dets {
		switch {
		case d.ID == "":
			errs = append(errs, fmt.Errorf("detector %d has no analytic id", i))
			continue
		case ids[d.ID]:
			errs = append(errs, fmt.Errorf("analytic %s is listed twice", d.ID))
			continue
		case d.Detector == nil:
			errs = append(errs, fmt.Errorf("analytic %s has no detector", d.ID))
			continue
		}
		ids[d.ID] = true
		for _, k := range d.Detector.Kinds() {
			if int(k) >= stagewatch.NumKinds {
				errs = append(errs, fmt.Errorf("analytic %s asks for unknown kind %v", d.ID, k))
				continue
			}
			if !slices.Contains(e.routes[k], i) {
				e.routes[k] = append(e.routes[k], i)
			}
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return e, nil
}

// Lateness returns the reorder bound the engine was built with.
func (e *Engine) Lateness() time.Duration { return e.opts.Lateness }

// Observe offers one event. The engine keeps ev until it is no longer
// within the lateness bound, then delivers it, in Compare order, to the
// detectors whose Kinds include ev.Kind. In stream mode it returns the
// alerts reported meanwhile (an id seen before is an update); in hunt mode it
// returns nil. The returned slice belongs to the caller.
func (e *Engine) Observe(ev *stagewatch.Event) []stagewatch.Alert {
	e.stats.Events++
	if int(ev.Kind) < stagewatch.NumKinds {
		e.stats.PerKind[ev.Kind]++
	}
	switch {
	case !e.started:
		e.started = true
		e.newest = ev.Time
		e.watermark = ev.Time.Add(-e.opts.Lateness)
	case ev.Time.Before(e.watermark):
		e.stats.Late++
	case ev.Time.After(e.newest):
		e.newest = ev.Time
		e.watermark = ev.Time.Add(-e.opts.Lateness)
	}
	e.pending.push(ev)
	e.release(true)
	// Every event before the watermark has been delivered, so detectors may
	// expire windows up to it even if no released event crossed the step.
	e.advance(e.watermark)
	e.sweep()
	return e.take()
}

// Close delivers every buffered event, flushes every detector and returns
// the alerts not yet returned: in hunt mode all of them, one per id, sorted
// by first seen and then id. The engine must not be used afterwards.
func (e *Engine) Close() []stagewatch.Alert {
	e.release(false)
	for i := range e.dets {
		e.collect(i, e.dets[i].Detector.Flush())
	}
	if e.opts.Stream {
		return e.take()
	}
	all := e.held
	e.held, e.byID = nil, nil
	slices.SortStableFunc(all, compareAlerts)
	return all
}

// Stats returns the counts so far, with the suppressions of detectors that
// report them.
func (e *Engine) Stats() Stats {
	s := e.stats
	s.Suppressions = nil
	for _, d := range e.dets {
		if sp, ok := d.Detector.(stagewatch.Suppressor); ok {
			s.Suppressions = append(s.Suppressions, sp.Suppressions()...)
		}
	}
	return s
}

// release delivers buffered events older than the watermark, or all of them
// when bounded is false. Delivery is strictly before the watermark so that
// an event arriving at exactly the watermark still sorts among its equals.
func (e *Engine) release(bounded bool) {
	for e.pending.len() > 0 {
		ev := e.pending.top()
		if bounded && !ev.Time.Before(e.watermark) {
			return
		}
		e.pending.pop()
		e.deliver(ev)
	}
}

// deliver advances the detectors when ev crosses a step boundary, then hands
// ev to the detectors of its kind. Advancing before each released event
// keeps a window's expiry ahead of the events after its end when many events
// are released at once.
func (e *Engine) deliver(ev *stagewatch.Event) {
	e.advance(ev.Time)
	if int(ev.Kind) >= stagewatch.NumKinds {
		return
	}
	for _, i := range e.routes[ev.Kind] {
		e.collect(i, e.dets[i].Detector.Observe(ev))
	}
}

// advance calls Advance on every detector with t truncated to the step,
// when that crosses the next step boundary.
func (e *Engine) advance(t time.Time) {
	if e.hasAdv && t.Before(e.nextStep) {
		return
	}
	t = t.Truncate(e.opts.Step)
	e.advanced, e.nextStep, e.hasAdv = t, t.Add(e.opts.Step), true
	for i := range e.dets {
		e.collect(i, e.dets[i].Detector.Advance(t))
	}
}

// collect records the alerts detector i reported.
func (e *Engine) collect(i int, alerts []stagewatch.Alert) {
	for _, a := range alerts {
		e.stats.Reports++
		if a.Analytic == "" {
			a.Analytic = e.dets[i].ID
		}
		if e.opts.Stream {
			e.collectStream(a)
			continue
		}
		if a.ID != "" {
			if j, ok := e.byID[a.ID]; ok {
				e.held[j] = a
				continue
			}
			e.byID[a.ID] = len(e.held)
		}
		e.held = append(e.held, a)
		e.stats.Alerts++
	}
}

// collectStream keeps the latest of several reports of one id within a call.
func (e *Engine) collectStream(a stagewatch.Alert) {
	if a.ID != "" {
		if _, ok := e.seen[a.ID]; !ok {
			e.stats.Alerts++
		}
		e.seen[a.ID] = e.newest
		for j := range e.out {
			if e.out[j].ID == a.ID {
				e.out[j] = a
				return
			}
		}
	} else {
		e.stats.Alerts++
	}
	e.out = append(e.out, a)
}

// sweep forgets the stream-mode ids whose last report is more than the
// horizon behind the watermark. It runs once per eighth of the horizon of
// event time, so the map holds at most the ids reported within
// 9/8 of the horizon plus the lateness, and costs nothing per event.
func (e *Engine) sweep() {
	if !e.opts.Stream || e.watermark.Before(e.nextSweep) {
		return
	}
	cutoff := e.watermark.Add(-e.opts.IDHorizon)
	for id, last := range e.seen {
		if last.Before(cutoff) {
			delete(e.seen, id)
		}
	}
	e.nextSweep = e.watermark.Add(e.opts.IDHorizon / 8)
}

// take hands the stream-mode alerts of the current call to the caller.
func (e *Engine) take() []stagewatch.Alert {
	if len(e.out) == 0 {
		return nil
	}
	out := e.out
	e.out = nil
	return out
}

// compareAlerts is the hunt output order: first seen, then id, then the
// fields that tell apart alerts without an id.
func compareAlerts(a, b stagewatch.Alert) int {
	if c := a.FirstSeen.Compare(b.FirstSeen); c != 0 {
		return c
	}
	if c := strings.Compare(a.ID, b.ID); c != 0 {
		return c
	}
	if c := strings.Compare(a.Analytic, b.Analytic); c != 0 {
		return c
	}
	if c := strings.Compare(a.Host, b.Host); c != 0 {
		return c
	}
	return strings.Compare(a.Summary, b.Summary)
}
