package detect

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stagewatch/stagewatch"
)

// recorder logs every call the engine makes, as "A +5s" for Advance and
// "O <path>" for Observe, and returns no alerts.
type recorder struct {
	kinds []stagewatch.Kind
	log   []string
}

func (r *recorder) Kinds() []stagewatch.Kind { return r.kinds }

func (r *recorder) Observe(ev *stagewatch.Event) []stagewatch.Alert {
	r.log = append(r.log, "O "+ev.File.Path)
	return nil
}

func (r *recorder) Advance(t time.Time) []stagewatch.Alert {
	r.log = append(r.log, fmt.Sprintf("A +%v", t.Sub(t0)))
	return nil
}

func (r *recorder) Flush() []stagewatch.Alert {
	r.log = append(r.log, "F")
	return nil
}

// observed returns the paths r observed, in order.
func (r *recorder) observed() []string {
	var out []string
	for _, l := range r.log {
		if p, ok := strings.CutPrefix(l, "O "); ok {
			out = append(out, p)
		}
	}
	return out
}

func mustEngine(t testing.TB, dets []Named, opts Options) *Engine {
	t.Helper()
	e, err := New(dets, opts)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestNewRejects(t *testing.T) {
	rec := &recorder{kinds: []stagewatch.Kind{stagewatch.FileCreate}}
	tests := []struct {
		name string
		dets []Named
		opts Options
		want string
	}{
		{"no id", []Named{{Detector: rec}}, Options{}, "detector 0 has no analytic id"},
		{"duplicate id", []Named{{"a", rec}, {"a", rec}}, Options{}, "analytic a is listed twice"},
		{"nil detector", []Named{{ID: "a"}}, Options{}, "analytic a has no detector"},
		{"unknown kind", []Named{{"a", &recorder{kinds: []stagewatch.Kind{200}}}}, Options{}, "analytic a asks for unknown kind Kind(200)"},
		{"negative lateness", nil, Options{Lateness: -time.Second}, "lateness -1s is negative"},
		{"negative step", nil, Options{Step: -time.Second}, "advance step -1s is negative"},
		{"two problems", []Named{{Detector: rec}, {ID: "b"}}, Options{}, "detector 0 has no analytic id\nanalytic b has no detector"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.dets, tt.opts)
			got := "<nil>"
			if err != nil {
				got = err.Error()
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("New error (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRouting(t *testing.T) {
	ev := func(k stagewatch.Kind, path string) *stagewatch.Event {
		return &stagewatch.Event{Time: t0, Kind: k, File: stagewatch.File{Path: path}}
	}
	events := []*stagewatch.Event{
		ev(stagewatch.ProcessStart, "p1"),
		ev(stagewatch.FileCreate, "c1"),
		ev(stagewatch.FileRename, "r1"),
		ev(stagewatch.CloudWrite, "w1"),
		ev(stagewatch.KindUnknown, "u1"),
		ev(stagewatch.Kind(250), "bad"),
	}
	tests := []struct {
		name  string
		kinds []stagewatch.Kind
		want  []string
	}{
		{"process only", []stagewatch.Kind{stagewatch.ProcessStart}, []string{"p1"}},
		{"file kinds", []stagewatch.Kind{stagewatch.FileRename, stagewatch.FileCreate}, []string{"c1", "r1"}},
		{"kind listed twice", []stagewatch.Kind{stagewatch.CloudWrite, stagewatch.CloudWrite}, []string{"w1"}},
		{"nothing", nil, nil},
	}
	dets := make([]Named, len(tests))
	recs := make([]*recorder, len(tests))
	for i, tt := range tests {
		recs[i] = &recorder{kinds: tt.kinds}
		dets[i] = Named{ID: tt.name, Detector: recs[i]}
	}
	e := mustEngine(t, dets, Options{})
	for _, ev := range events {
		e.Observe(ev)
	}
	e.Close()
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, recs[i].observed()); diff != "" {
				t.Errorf("observed (-want +got):\n%s", diff)
			}
		})
	}
	s := e.Stats()
	wantKinds := map[string]int64{"ProcessStart": 1, "FileCreate": 1, "FileRename": 1, "CloudWrite": 1, "Unknown": 1}
	if diff := cmp.Diff(wantKinds, s.Kinds()); diff != "" {
		t.Errorf("per-kind counts (-want +got):\n%s", diff)
	}
	if s.Events != 6 {
		t.Errorf("events = %d, want 6", s.Events)
	}
}

func TestReorder(t *testing.T) {
	s := time.Second
	tests := []struct {
		name     string
		lateness time.Duration
		arrivals []*stagewatch.Event
		want     []string
		wantLate int64
	}{
		{
			name:     "in order",
			lateness: 10 * s,
			arrivals: []*stagewatch.Event{fileEvent("h", 1*s, "a"), fileEvent("h", 2*s, "b"), fileEvent("h", 3*s, "c")},
			want:     []string{"a", "b", "c"},
		},
		{
			name:     "shuffled within the bound",
			lateness: 10 * s,
			arrivals: []*stagewatch.Event{fileEvent("h", 9*s, "c"), fileEvent("h", 1*s, "a"), fileEvent("h", 5*s, "b"), fileEvent("h", 15*s, "d")},
			want:     []string{"a", "b", "c", "d"},
		},
		{
			name:     "equal times sorted by content",
			lateness: 0,
			arrivals: []*stagewatch.Event{fileEvent("h2", s, "b"), fileEvent("h1", s, "z"), fileEvent("h2", s, "a")},
			want:     []string{"z", "a", "b"},
		},
		{
			name:     "exactly at the bound is not late",
			lateness: 10 * s,
			arrivals: []*stagewatch.Event{fileEvent("h", 20*s, "b"), fileEvent("h", 10*s, "a")},
			want:     []string{"a", "b"},
		},
		{
			name:     "late event counted and delivered",
			lateness: 10 * s,
			arrivals: []*stagewatch.Event{fileEvent("h", 5*s, "b"), fileEvent("h", 30*s, "c"), fileEvent("h", 1*s, "a"), fileEvent("h", 19*s, "late too")},
			want:     []string{"b", "a", "late too", "c"},
			wantLate: 2,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{kinds: []stagewatch.Kind{stagewatch.FileCreate}}
			e := mustEngine(t, []Named{{"rec", rec}}, Options{Lateness: tt.lateness})
			for _, ev := range tt.arrivals {
				e.Observe(ev)
			}
			e.Close()
			if diff := cmp.Diff(tt.want, rec.observed()); diff != "" {
				t.Errorf("delivery order (-want +got):\n%s", diff)
			}
			if got := e.Stats().Late; got != tt.wantLate {
				t.Errorf("late = %d, want %d", got, tt.wantLate)
			}
		})
	}
}

func TestAdvance(t *testing.T) {
	ms := time.Millisecond
	tests := []struct {
		name     string
		step     time.Duration
		lateness time.Duration
		arrivals []*stagewatch.Event
		want     []string
	}{
		{
			name: "once per step crossed by the watermark or an event",
			arrivals: []*stagewatch.Event{
				fileEvent("h", 100*ms, "a"), fileEvent("h", 400*ms, "b"), fileEvent("h", 1200*ms, "c"),
				fileEvent("h", 1900*ms, "d"), fileEvent("h", 5500*ms, "e"),
			},
			want: []string{"A +0s", "O a", "O b", "A +1s", "O c", "O d", "A +5s", "O e", "F"},
		},
		{
			name:     "coarser step",
			step:     time.Minute,
			arrivals: []*stagewatch.Event{fileEvent("h", 0, "a"), fileEvent("h", 59*time.Second, "b"), fileEvent("h", 61*time.Second, "c")},
			want:     []string{"A +0s", "O a", "O b", "A +1m0s", "O c", "F"},
		},
		{
			name:     "late event observed without advancing backwards",
			lateness: time.Second,
			arrivals: []*stagewatch.Event{fileEvent("h", 3*time.Second, "b"), fileEvent("h", 6*time.Second, "c"), fileEvent("h", 0, "late")},
			want:     []string{"A +2s", "A +3s", "O b", "A +5s", "O late", "A +6s", "O c", "F"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{kinds: []stagewatch.Kind{stagewatch.FileCreate}}
			e := mustEngine(t, []Named{{"rec", rec}}, Options{Step: tt.step, Lateness: tt.lateness})
			for _, ev := range tt.arrivals {
				e.Observe(ev)
			}
			e.Close()
			if diff := cmp.Diff(tt.want, rec.log); diff != "" {
				t.Errorf("calls (-want +got):\n%s", diff)
			}
		})
	}
}
