package detect

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stagewatch/stagewatch"
)

// nopDetector counts what it is given and reports nothing: the cost it adds
// to a benchmark is the engine's own.
type nopDetector struct{ observed, advanced int }

func (d *nopDetector) Kinds() []stagewatch.Kind {
	return []stagewatch.Kind{stagewatch.FileCreate, stagewatch.FileModify, stagewatch.ProcessStart}
}
func (d *nopDetector) Observe(*stagewatch.Event) []stagewatch.Alert { d.observed++; return nil }
func (d *nopDetector) Advance(time.Time) []stagewatch.Alert         { d.advanced++; return nil }
func (d *nopDetector) Flush() []stagewatch.Alert                    { return nil }

// BenchmarkEngine measures one event through the engine: reorder buffer,
// routing to four detectors (three of which want the kind), and an advance
// per second of event time. Events are 1ms apart, arriving up to 200ms out
// of order, against a lateness of one second.
func BenchmarkEngine(b *testing.B) {
	const ring = 1 << 16 // far more than the reorder buffer holds
	rng := rand.New(rand.NewPCG(7, 8))
	evs := make([]*stagewatch.Event, ring)
	jit := make([]time.Duration, ring)
	for i := range evs {
		evs[i] = fileEvent(fmt.Sprintf("host%d", i%50), 0, fmt.Sprintf(`C:\Users\Public\f%d.docx`, i))
		jit[i] = time.Duration(rng.IntN(200)) * time.Millisecond
	}
	var dets []Named
	for i := range 4 {
		d := &nopDetector{}
		if i == 3 {
			dets = append(dets, Named{fmt.Sprint(i), &recorder{kinds: []stagewatch.Kind{stagewatch.CloudWrite}}})
			continue
		}
		dets = append(dets, Named{fmt.Sprint(i), d})
	}
	e := mustEngine(b, dets, Options{Lateness: time.Second})
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		// Events are reused once they have long left the reorder buffer.
		ev := evs[n%ring]
		ev.Time = at(time.Duration(n)*time.Millisecond + jit[n%ring])
		e.Observe(ev)
		n++
	}
	e.Close()
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "events/s")
	if e.Stats().Late != 0 {
		b.Fatalf("%d late events", e.Stats().Late)
	}
}

// ptrSource hands out prepared events without copying them, so that
// BenchmarkRun measures the run and not a fake decoder's allocations.
type ptrSource struct {
	evs []*stagewatch.Event
	pos int
}

func (s *ptrSource) Decode() (*stagewatch.Event, error) {
	if s.pos >= len(s.evs) {
		return nil, io.EOF
	}
	s.pos++
	return s.evs[s.pos-1], nil
}

// BenchmarkRun measures a hunt over several inputs: per-input reordering,
// batching across goroutines, the k-way merge and the engine. Decoding
// itself costs nothing here.
func BenchmarkRun(b *testing.B) {
	for _, nInputs := range []int{1, 4, 16} {
		b.Run(fmt.Sprintf("inputs=%d", nInputs), func(b *testing.B) {
			const perInput = 20000
			rng := rand.New(rand.NewPCG(9, 10))
			parts := make([][]*stagewatch.Event, nInputs)
			for i := range parts {
				parts[i] = jitter(rng, genEvents(rng, perInput, []string{"a", "b", "c"}, time.Hour, time.Millisecond), 5*time.Second)
			}
			b.ReportAllocs()
			total := 0
			for b.Loop() {
				inputs := make([]Input, nInputs)
				for i := range inputs {
					inputs[i] = Input{fmt.Sprintf("in%d", i), &ptrSource{evs: parts[i]}}
				}
				e := mustEngine(b, []Named{{"nop", &nopDetector{}}}, Options{Lateness: 5 * time.Second})
				if _, err := Run(context.Background(), inputs, e, Hooks{}); err != nil {
					b.Fatal(err)
				}
				total += nInputs * perInput
			}
			b.ReportMetric(float64(total)/b.Elapsed().Seconds(), "events/s")
		})
	}
}

// BenchmarkEngineStream measures stream mode with a detector that reports
// on every event: one alert id per host and minute, 50 hosts, events 100ms
// apart, so a run crosses many hours of event time and the id horizon
// (one hour here) keeps the engine's id memory flat. The ids metric is the
// number of alert ids remembered at the end.
func BenchmarkEngineStream(b *testing.B) {
	const ring = 1 << 12
	evs := make([]*stagewatch.Event, ring)
	for i := range evs {
		evs[i] = fileEvent(fmt.Sprintf("host%d", i%50), 0, fmt.Sprintf("/tmp/f%d", i))
	}
	e := mustEngine(b, []Named{{"count", newCountDetector()}}, Options{Stream: true, Lateness: time.Second, IDHorizon: time.Hour})
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		ev := evs[n%ring]
		ev.Time = at(time.Duration(n) * 100 * time.Millisecond)
		e.Observe(ev)
		n++
	}
	b.ReportMetric(float64(len(e.seen)), "ids")
	e.Close()
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "events/s")
}
