package detect

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stagewatch/stagewatch"
)

// pathDetector reports, for every event, an alert whose id is the event's
// path: tests choose when an id comes back.
type pathDetector struct{}

func (pathDetector) Kinds() []stagewatch.Kind { return []stagewatch.Kind{stagewatch.FileCreate} }
func (pathDetector) Observe(ev *stagewatch.Event) []stagewatch.Alert {
	return []stagewatch.Alert{{ID: ev.File.Path, Host: ev.Host.Name, FirstSeen: ev.Time, LastSeen: ev.Time}}
}
func (pathDetector) Advance(time.Time) []stagewatch.Alert { return nil }
func (pathDetector) Flush() []stagewatch.Alert            { return nil }

func TestStreamIDHorizonBounded(t *testing.T) {
	// Three hosts, one event every 20s for two days: a one-minute window
	// per host gives a new alert id every minute per host, 8640 in all,
	// each reported three or four times.
	const (
		horizon = time.Hour
		step    = 20 * time.Second
		span    = 48 * time.Hour
	)
	hosts := []string{"a", "b", "c"}
	e := mustEngine(t, []Named{{"count", newCountDetector()}}, Options{Stream: true, Lateness: 10 * time.Second, IDHorizon: horizon})
	distinct := make(map[string]bool)
	maxSeen := 0
	n := 0
	for d := time.Duration(0); d < span; d += step {
		for _, a := range e.Observe(fileEvent(hosts[n%len(hosts)], d, fmt.Sprint(n))) {
			distinct[a.ID] = true
		}
		n++
		maxSeen = max(maxSeen, len(e.seen))
	}
	for _, a := range e.Close() {
		distinct[a.ID] = true
	}
	// Ids reported within 9/8 of the horizon plus the lateness, one per
	// host and minute, and the windows still open.
	bound := len(hosts) * (int(horizon*9/8/time.Minute) + 2)
	if maxSeen > bound {
		t.Errorf("stream engine remembered up to %d alert ids, want at most %d", maxSeen, bound)
	}
	if maxSeen < len(hosts)*int(horizon/time.Minute) {
		t.Errorf("stream engine remembered at most %d alert ids: it forgets ids within the horizon", maxSeen)
	}
	if want := len(hosts) * int(span/time.Minute); len(distinct) != want {
		t.Fatalf("%d distinct alert ids returned, want %d", len(distinct), want)
	}
	if got := e.Stats().Alerts; got != len(distinct) {
		t.Errorf("Stats().Alerts = %d, want the %d distinct ids", got, len(distinct))
	}
}

func TestStreamIDHorizonCounts(t *testing.T) {
	h := time.Hour
	tests := []struct {
		name    string
		horizon time.Duration
		events  []*stagewatch.Event
		want    int
	}{
		{
			name:   "an id back within the default horizon is an update",
			events: []*stagewatch.Event{fileEvent("h", 0, "x"), fileEvent("h", 1*h, "y"), fileEvent("h", 47*h, "x"), fileEvent("h", 48*h, "z")},
			want:   3,
		},
		{
			name:   "an id back after the default horizon counts again",
			events: []*stagewatch.Event{fileEvent("h", 0, "x"), fileEvent("h", 1*h, "y"), fileEvent("h", 50*h, "x"), fileEvent("h", 51*h, "z")},
			want:   4,
		},
		{
			name:    "an id reported within every horizon is never forgotten",
			horizon: 2 * h,
			events: []*stagewatch.Event{
				fileEvent("h", 0, "x"), fileEvent("h", 1*h, "x"), fileEvent("h", 2*h, "x"), fileEvent("h", 3*h, "x"),
				fileEvent("h", 4*h, "x"), fileEvent("h", 5*h, "x"), fileEvent("h", 6*h, "y"),
			},
			want: 2,
		},
		{
			name:    "a short horizon forgets sooner",
			horizon: 2 * h,
			events:  []*stagewatch.Event{fileEvent("h", 0, "x"), fileEvent("h", 3*h, "y"), fileEvent("h", 6*h, "x"), fileEvent("h", 7*h, "z")},
			want:    4,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := mustEngine(t, []Named{{"path", pathDetector{}}}, Options{Stream: true, IDHorizon: tt.horizon})
			var got []string
			for _, ev := range tt.events {
				for _, a := range e.Observe(ev) {
					got = append(got, a.ID)
				}
			}
			for _, a := range e.Close() {
				got = append(got, a.ID)
			}
			// The alerts returned do not depend on the horizon.
			var want []string
			for _, ev := range tt.events {
				want = append(want, ev.File.Path)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("alerts (-want +got):\n%s", diff)
			}
			if st := e.Stats(); st.Alerts != tt.want {
				t.Errorf("Stats().Alerts = %d, want %d", st.Alerts, tt.want)
			}
		})
	}
}

func TestIDHorizonNegative(t *testing.T) {
	if _, err := New(nil, Options{IDHorizon: -time.Hour}); err == nil {
		t.Error("New accepted a negative alert id horizon")
	}
}
