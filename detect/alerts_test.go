package detect

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stagewatch/stagewatch"
)

// idCount is the gist of a countDetector alert.
type idCount struct {
	Host  string
	First time.Time
	Count int
}

// summarize returns the gist of alerts, in order.
func summarize(alerts []stagewatch.Alert) []idCount {
	var out []idCount
	for _, a := range alerts {
		out = append(out, idCount{a.Host, a.FirstSeen, a.Fields["count"].(int)})
	}
	return out
}

func TestHuntDedup(t *testing.T) {
	s := time.Second
	events := []*stagewatch.Event{
		fileEvent("b", 1*s, "1"), fileEvent("a", 2*s, "2"), fileEvent("b", 3*s, "3"),
		fileEvent("a", 70*s, "4"), fileEvent("b", 4*s, "5"), fileEvent("a", 75*s, "6"),
	}
	det := newCountDetector()
	e := mustEngine(t, []Named{{"count", det}}, Options{Lateness: time.Minute})
	for _, ev := range events {
		if got := e.Observe(ev); got != nil {
			t.Fatalf("hunt Observe returned %d alerts, want none before Close", len(got))
		}
	}
	got := summarize(e.Close())
	want := []idCount{
		{"b", at(1 * s), 3},
		{"a", at(2 * s), 1},
		{"a", at(70 * s), 2},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("alerts (-want +got):\n%s", diff)
	}
	st := e.Stats()
	if st.Alerts != 3 || st.Reports != 6+3 {
		t.Errorf("alerts = %d, reports = %d; want 3 and 9", st.Alerts, st.Reports)
	}
	if det.misuse != 0 {
		t.Errorf("Advance went backwards %d times", det.misuse)
	}
}

func TestAnalyticDefaultsToDetectorID(t *testing.T) {
	e := mustEngine(t, []Named{{"bulk-file-staging", newCountDetector()}}, Options{})
	e.Observe(fileEvent("h", 0, "x"))
	got := e.Close()
	if len(got) != 1 || got[0].Analytic != "bulk-file-staging" {
		t.Errorf("alerts = %+v, want one with analytic bulk-file-staging", got)
	}
}

func TestStreamUpdates(t *testing.T) {
	s := time.Second
	tests := []struct {
		name    string
		observe []*stagewatch.Event
		want    [][]idCount // per Observe call, then Close
	}{
		{
			name: "every report is an update",
			// With no lateness an event is delivered when a later one arrives.
			observe: []*stagewatch.Event{fileEvent("h", 1*s, "1"), fileEvent("h", 2*s, "2"), fileEvent("h", 3*s, "3")},
			want: [][]idCount{
				nil,
				{{"h", at(1 * s), 1}},
				{{"h", at(1 * s), 2}},
				{{"h", at(1 * s), 3}},
			},
		},
		{
			name: "reports of one id in one call collapse to the latest",
			// The third event releases the first two at once.
			observe: []*stagewatch.Event{fileEvent("h", 1*s, "1"), fileEvent("h", 1*s, "2"), fileEvent("h", 2*s, "3")},
			want: [][]idCount{
				nil,
				nil,
				{{"h", at(1 * s), 2}},
				{{"h", at(1 * s), 3}},
			},
		},
		{
			name:    "window closed by advance",
			observe: []*stagewatch.Event{fileEvent("h", 1*s, "1"), fileEvent("h", 2*s, "2"), fileEvent("h", 61*s, "3"), fileEvent("h", 62*s, "4")},
			want: [][]idCount{
				nil,
				{{"h", at(1 * s), 1}},
				{{"h", at(1 * s), 2}}, // the update and the final report, collapsed
				{{"h", at(61 * s), 1}},
				{{"h", at(61 * s), 2}},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := mustEngine(t, []Named{{"count", newCountDetector()}}, Options{Stream: true})
			var got [][]idCount
			for _, ev := range tt.observe {
				got = append(got, summarize(e.Observe(ev)))
			}
			got = append(got, summarize(e.Close()))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("alerts per call (-want +got):\n%s", diff)
			}
		})
	}
}

// suppressing is a detector that reports suppressions.
type suppressing struct {
	recorder
	sup []stagewatch.Suppression
}

func (s *suppressing) Suppressions() []stagewatch.Suppression { return s.sup }

func TestStatsSuppressions(t *testing.T) {
	a := &suppressing{sup: []stagewatch.Suppression{{Analytic: "a", Name: "msiexec", Count: 3}}}
	b := &suppressing{sup: []stagewatch.Suppression{{Analytic: "b", Name: "veeam", Count: 1}, {Analytic: "b", Name: "host", Count: 0}}}
	e := mustEngine(t, []Named{{"a", a}, {"plain", &recorder{}}, {"b", b}}, Options{})
	want := []stagewatch.Suppression{
		{Analytic: "a", Name: "msiexec", Count: 3},
		{Analytic: "b", Name: "veeam", Count: 1},
		{Analytic: "b", Name: "host", Count: 0},
	}
	if diff := cmp.Diff(want, e.Stats().Suppressions); diff != "" {
		t.Errorf("suppressions (-want +got):\n%s", diff)
	}
}

func TestEngineArrivalOrder(t *testing.T) {
	const lateness = 20 * time.Second
	rng := rand.New(rand.NewPCG(11, 12))
	events := genEvents(rng, 2000, []string{"a", "b", "c"}, 5*time.Minute, time.Second)
	huntOf := func(arrivals []*stagewatch.Event) []stagewatch.Alert {
		e := mustEngine(t, []Named{{"count", newCountDetector()}}, Options{Lateness: lateness})
		for _, ev := range arrivals {
			e.Observe(ev)
		}
		if late := e.Stats().Late; late != 0 {
			t.Fatalf("%d late events within the bound", late)
		}
		return e.Close()
	}
	want := huntOf(events)
	for seed := range 10 {
		t.Run(fmt.Sprintf("shuffle %d", seed), func(t *testing.T) {
			got := huntOf(jitter(rng, events, lateness))
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("alerts differ from in-order arrival (-want +got):\n%s", diff)
			}
		})
	}
}
