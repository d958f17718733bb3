package detect

import (
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/stagewatch/stagewatch"
)

// t0 is the start of event time in tests.
var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

// at returns t0 plus d.
func at(d time.Duration) time.Time { return t0.Add(d) }

// fileEvent returns a FileCreate event on host at t0+d for path.
func fileEvent(host string, d time.Duration, path string) *stagewatch.Event {
	ev := &stagewatch.Event{Time: at(d), Kind: stagewatch.FileCreate, Host: stagewatch.Host{Name: host}}
	ev.File.Path = path
	return ev
}

// item is one result of a fakeSource: an event or an error.
type item struct {
	ev  *stagewatch.Event
	err error
}

// fakeSource yields its items in order and then io.EOF, or repeats them
// forever when endless is set.
type fakeSource struct {
	items   []item
	pos     int
	endless bool
	bytes   int64
}

func (s *fakeSource) Decode() (*stagewatch.Event, error) {
	if s.pos >= len(s.items) {
		if !s.endless || len(s.items) == 0 {
			return nil, io.EOF
		}
		s.pos = 0
	}
	it := s.items[s.pos]
	s.pos++
	s.bytes += 100
	if it.err != nil {
		return nil, it.err
	}
	ev := *it.ev
	return &ev, nil
}

func (s *fakeSource) BytesRead() int64 { return s.bytes }

// eventsSource returns a fakeSource over evs.
func eventsSource(evs []*stagewatch.Event) *fakeSource {
	s := &fakeSource{}
	for _, ev := range evs {
		s.items = append(s.items, item{ev: ev})
	}
	return s
}

// decodeErr returns a DecodeError for line n of file.
func decodeErr(file string, n int64) error {
	return &stagewatch.DecodeError{Origin: stagewatch.Origin{File: file, Line: n}, Reason: "bad json", Err: errors.New("unexpected end of input")}
}

// countDetector counts events per host in one-minute tumbling windows. It
// reports an updated alert on every event, the final one when Advance passes
// the window's end, and it digests the order in which it saw events, so that
// two runs agree only if they delivered the same events in the same order.
type countDetector struct {
	kinds   []stagewatch.Kind
	windows map[string]*countWindow
	last    time.Time // the last Advance
	// misuse counts engine contract breaches: Advance going backwards.
	misuse int
}

type countWindow struct {
	host        string
	start       time.Time
	first, last time.Time
	n           int
	digest      uint64
}

func newCountDetector(kinds ...stagewatch.Kind) *countDetector {
	if len(kinds) == 0 {
		kinds = []stagewatch.Kind{stagewatch.FileCreate}
	}
	return &countDetector{kinds: kinds, windows: make(map[string]*countWindow)}
}

func (d *countDetector) Kinds() []stagewatch.Kind { return d.kinds }

func (d *countDetector) Observe(ev *stagewatch.Event) []stagewatch.Alert {
	start := ev.Time.Truncate(time.Minute)
	key := ev.Host.Key() + "|" + start.Format(time.RFC3339)
	w := d.windows[key]
	if w == nil {
		w = &countWindow{host: ev.Host.Key(), start: start, first: ev.Time}
		d.windows[key] = w
	}
	w.n++
	w.last = ev.Time
	h := fnv.New64a()
	fmt.Fprintf(h, "%x|%s|%s|%s", w.digest, ev.Time.Format(time.RFC3339Nano), ev.Host.Key(), ev.File.Path)
	w.digest = h.Sum64()
	return []stagewatch.Alert{w.alert()}
}

func (d *countDetector) Advance(t time.Time) []stagewatch.Alert {
	if t.Before(d.last) {
		d.misuse++
	}
	d.last = t
	var out []stagewatch.Alert
	for _, key := range d.sortedKeys() {
		if w := d.windows[key]; !w.start.Add(time.Minute).After(t) {
			out = append(out, w.alert())
			delete(d.windows, key)
		}
	}
	return out
}

func (d *countDetector) Flush() []stagewatch.Alert {
	var out []stagewatch.Alert
	for _, key := range d.sortedKeys() {
		out = append(out, d.windows[key].alert())
		delete(d.windows, key)
	}
	return out
}

func (d *countDetector) sortedKeys() []string {
	keys := make([]string, 0, len(d.windows))
	for k := range d.windows {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func (w *countWindow) alert() stagewatch.Alert {
	return stagewatch.Alert{
		ID:        stagewatch.AlertID("count", w.host, w.start),
		Host:      w.host,
		FirstSeen: w.first,
		LastSeen:  w.last,
		Fields:    map[string]any{"count": w.n, "digest": fmt.Sprintf("%016x", w.digest)},
	}
}

// genEvents returns n FileCreate events over hosts at multiples of res
// across span, in Compare order. Paths are unique. A coarse res gives many
// equal times, which exercises the tie-break.
func genEvents(rng *rand.Rand, n int, hosts []string, span, res time.Duration) []*stagewatch.Event {
	evs := make([]*stagewatch.Event, n)
	for i := range evs {
		d := time.Duration(rng.Int64N(int64(span/res))) * res
		evs[i] = fileEvent(hosts[rng.IntN(len(hosts))], d, fmt.Sprintf(`C:\Users\Public\f%05d.docx`, i))
	}
	slices.SortFunc(evs, Compare)
	return evs
}

// jitter returns evs in an arrival order that keeps every event within
// lateness of the newest before it: each event arrives at its time plus a
// random delay below lateness.
func jitter(rng *rand.Rand, evs []*stagewatch.Event, lateness time.Duration) []*stagewatch.Event {
	type arrival struct {
		ev *stagewatch.Event
		at time.Time
	}
	arr := make([]arrival, len(evs))
	for i, ev := range evs {
		arr[i] = arrival{ev, ev.Time.Add(time.Duration(rng.Int64N(int64(lateness))))}
	}
	slices.SortStableFunc(arr, func(a, b arrival) int { return a.at.Compare(b.at) })
	out := make([]*stagewatch.Event, len(arr))
	for i, a := range arr {
		out[i] = a.ev
	}
	return out
}
