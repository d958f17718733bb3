package detect

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stagewatch/stagewatch"
)

// permutations returns every order of 0..n-1.
func permutations(n int) [][]int {
	if n == 0 {
		return [][]int{nil}
	}
	var out [][]int
	for _, p := range permutations(n - 1) {
		for i := 0; i <= len(p); i++ {
			q := append(append(append([]int{}, p[:i]...), n-1), p[i:]...)
			out = append(out, q)
		}
	}
	return out
}

// huntAlerts runs inputs through a fresh count engine and returns the alerts.
func huntAlerts(t *testing.T, inputs []Input, lateness time.Duration) ([]stagewatch.Alert, Summary) {
	t.Helper()
	det := newCountDetector()
	e := mustEngine(t, []Named{{"count", det}}, Options{Lateness: lateness})
	var got []stagewatch.Alert
	sum, err := Run(context.Background(), inputs, e, Hooks{OnAlert: func(a stagewatch.Alert) error {
		got = append(got, a)
		return nil
	}})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if det.misuse != 0 {
		t.Fatalf("Advance went backwards %d times", det.misuse)
	}
	return got, sum
}

// noGoroutineLeak fails t if, after the test, more goroutines run than
// before it.
func noGoroutineLeak(t *testing.T) {
	before := runtime.NumGoroutine()
	t.Cleanup(func() {
		for range 200 {
			if runtime.NumGoroutine() <= before {
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
		buf := make([]byte, 1<<16)
		t.Errorf("goroutines: %d before, %d after\n%s", before, runtime.NumGoroutine(), buf[:runtime.Stack(buf, true)])
	})
}

func TestRunDeterminism(t *testing.T) {
	const (
		nEvents  = 3000
		nInputs  = 4
		lateness = 30 * time.Second
	)
	rng := rand.New(rand.NewPCG(1, 2))
	events := genEvents(rng, nEvents, []string{"ws1", "ws2", "srv1", "dc1", "ws3"}, 10*time.Minute, time.Second)

	// The reference: every event, in order, through the engine directly.
	ref := mustEngine(t, []Named{{"count", newCountDetector()}}, Options{Lateness: lateness})
	for _, ev := range events {
		ref.Observe(ev)
	}
	want := ref.Close()
	if len(want) < 20 {
		t.Fatalf("reference has only %d alerts", len(want))
	}

	for split := range 3 {
		parts := make([][]*stagewatch.Event, nInputs)
		for _, ev := range events {
			i := rng.IntN(nInputs)
			parts[i] = append(parts[i], ev)
		}
		for i := range parts {
			parts[i] = jitter(rng, parts[i], lateness)
		}
		for _, perm := range permutations(nInputs) {
			t.Run(fmt.Sprintf("split %d order %v", split, perm), func(t *testing.T) {
				inputs := make([]Input, 0, nInputs)
				for _, i := range perm {
					inputs = append(inputs, Input{Name: fmt.Sprintf("in%d", i), Source: eventsSource(parts[i])})
				}
				got, sum := huntAlerts(t, inputs, lateness)
				if diff := cmp.Diff(want, got); diff != "" {
					t.Fatalf("alerts differ from the in-order reference (-want +got):\n%s", diff)
				}
				if sum.Engine.Events != nEvents || sum.Engine.Late != 0 {
					t.Errorf("engine saw %d events, %d late; want %d and 0", sum.Engine.Events, sum.Engine.Late, nEvents)
				}
				for _, in := range sum.Inputs {
					if in.Late != 0 {
						t.Errorf("input %s: %d late events", in.Name, in.Late)
					}
				}
			})
		}
	}
}

func TestRunDecodeErrorsGoOn(t *testing.T) {
	s := time.Second
	src := &fakeSource{items: []item{
		{ev: fileEvent("h", 1*s, "a")},
		{err: decodeErr("x.json", 2)},
		{ev: fileEvent("h", 3*s, "b")},
		{err: decodeErr("x.json", 4)},
		{err: decodeErr("x.json", 5)},
		{ev: fileEvent("h", 6*s, "c")},
	}}
	var errs []string
	e := mustEngine(t, []Named{{"count", newCountDetector()}}, Options{})
	sum, err := Run(context.Background(), []Input{{"x.json", src}}, e, Hooks{
		OnDecodeError: func(err error) error {
			errs = append(errs, err.Error())
			return nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	wantErrs := []string{
		"x.json:2: unexpected end of input",
		"x.json:4: unexpected end of input",
		"x.json:5: unexpected end of input",
	}
	if diff := cmp.Diff(wantErrs, errs); diff != "" {
		t.Errorf("decode errors (-want +got):\n%s", diff)
	}
	wantSum := InputSummary{Name: "x.json", Events: 3, DecodeErrors: 3, Bytes: 600}
	if diff := cmp.Diff(wantSum, sum.Inputs[0]); diff != "" {
		t.Errorf("input summary (-want +got):\n%s", diff)
	}
	if sum.Engine.Events != 3 {
		t.Errorf("engine saw %d events, want 3", sum.Engine.Events)
	}
}

func TestRunStrictAborts(t *testing.T) {
	noGoroutineLeak(t)
	bad := &fakeSource{items: []item{{ev: fileEvent("h", 0, "a")}, {err: decodeErr("bad.json", 2)}}}
	inputs := []Input{
		{"endless", &tickSource{host: "h1"}},
		{"bad.json", bad},
		{"endless2", &tickSource{host: "h2"}},
	}
	e := mustEngine(t, []Named{{"count", newCountDetector()}}, Options{})
	alerts := 0
	_, err := Run(context.Background(), inputs, e, Hooks{
		OnDecodeError: func(err error) error { return err },
		OnAlert:       func(stagewatch.Alert) error { alerts++; return nil },
	})
	var de *stagewatch.DecodeError
	if !errors.As(err, &de) || de.Origin.Line != 2 {
		t.Fatalf("Run error = %v, want the decode error of line 2", err)
	}
	if alerts != 0 {
		t.Errorf("an aborted hunt reported %d alerts", alerts)
	}
}

func TestRunInputFailure(t *testing.T) {
	s := time.Second
	failure := errors.New("read bad.json: input/output error")
	newInputs := func() []Input {
		return []Input{
			{"good1", eventsSource([]*stagewatch.Event{fileEvent("a", 1*s, "1"), fileEvent("a", 2*s, "2")})},
			{"bad.json", &fakeSource{items: []item{{ev: fileEvent("b", 1*s, "3")}, {err: failure}, {ev: fileEvent("b", 2*s, "never")}}}},
			{"good2", eventsSource([]*stagewatch.Event{fileEvent("c", 1*s, "4")})},
		}
	}
	// Equal first-seen times are ordered by alert id.
	wantAlerts := []idCount{{"b", at(1 * s), 1}, {"c", at(1 * s), 1}, {"a", at(1 * s), 2}}
	tests := []struct {
		name    string
		hook    func(name string, err error) error
		wantErr string
		want    []idCount
	}{
		{"hook handles it", func(string, error) error { return nil }, "<nil>", wantAlerts},
		{"no hook: returned at the end", nil, "bad.json: read bad.json: input/output error", wantAlerts},
		{"hook aborts", func(name string, err error) error { return fmt.Errorf("%s: %w", name, err) }, "bad.json: read bad.json: input/output error", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			noGoroutineLeak(t)
			var alerts []stagewatch.Alert
			var failed []string
			hooks := Hooks{OnAlert: func(a stagewatch.Alert) error { alerts = append(alerts, a); return nil }}
			if tt.hook != nil {
				hooks.OnInputError = func(name string, err error) error {
					failed = append(failed, name)
					return tt.hook(name, err)
				}
			}
			e := mustEngine(t, []Named{{"count", newCountDetector()}}, Options{})
			sum, err := Run(context.Background(), newInputs(), e, hooks)
			gotErr := "<nil>"
			if err != nil {
				gotErr = err.Error()
				if !errors.Is(err, failure) {
					t.Errorf("Run error %v does not wrap the read error", err)
				}
			}
			if diff := cmp.Diff(tt.wantErr, gotErr); diff != "" {
				t.Errorf("Run error (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.want, summarize(alerts)); diff != "" {
				t.Errorf("alerts (-want +got):\n%s", diff)
			}
			if tt.hook != nil {
				if diff := cmp.Diff([]string{"bad.json"}, failed); diff != "" {
					t.Errorf("failed inputs (-want +got):\n%s", diff)
				}
			}
			if !errors.Is(sum.Inputs[1].Err, failure) {
				t.Errorf("summary of bad.json has error %v", sum.Inputs[1].Err)
			}
		})
	}
}

// tickSource yields an event every millisecond of event time, forever.
type tickSource struct {
	host string
	n    int
}

func (s *tickSource) Decode() (*stagewatch.Event, error) {
	s.n++
	return fileEvent(s.host, time.Duration(s.n)*time.Millisecond, "f"), nil
}

func TestRunCancel(t *testing.T) {
	tests := []struct {
		name     string
		cancelAt int64 // events read before cancelling; 0 cancels before Run
	}{
		{"before the run", 0},
		{"during the run", 20000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			noGoroutineLeak(t)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tt.cancelAt == 0 {
				cancel()
			}
			inputs := []Input{{"a", &tickSource{host: "a"}}, {"b", &tickSource{host: "b"}}, {"c", &tickSource{host: "c"}}}
			e := mustEngine(t, []Named{{"count", newCountDetector()}}, Options{Lateness: time.Second})
			_, err := Run(ctx, inputs, e, Hooks{OnProgress: func(p Progress) {
				if p.Events >= tt.cancelAt {
					cancel()
				}
			}})
			if !errors.Is(err, context.Canceled) {
				t.Errorf("Run error = %v, want context.Canceled", err)
			}
		})
	}
}

func TestRunAlertHookAborts(t *testing.T) {
	noGoroutineLeak(t)
	stop := errors.New("sink full")
	e := mustEngine(t, []Named{{"count", newCountDetector()}}, Options{})
	inputs := []Input{{"a", eventsSource([]*stagewatch.Event{fileEvent("a", 0, "1"), fileEvent("b", 0, "2")})}}
	n := 0
	_, err := Run(context.Background(), inputs, e, Hooks{OnAlert: func(stagewatch.Alert) error { n++; return stop }})
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("Run error = %v after %d alerts, want %v after 1", err, n, stop)
	}
}

func TestRunProgress(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var inputs []Input
	for i := range 3 {
		inputs = append(inputs, Input{fmt.Sprintf("in%d", i), eventsSource(genEvents(rng, 700+i, []string{"h"}, time.Hour, time.Second))})
	}
	var last Progress
	calls := 0
	e := mustEngine(t, []Named{{"count", newCountDetector()}}, Options{})
	if _, err := Run(context.Background(), inputs, e, Hooks{OnProgress: func(p Progress) { last = p; calls++ }}); err != nil {
		t.Fatal(err)
	}
	want := Progress{Events: 2103, Bytes: 210300, InputsDone: 3, Inputs: 3}
	if diff := cmp.Diff(want, last); diff != "" {
		t.Errorf("final progress (-want +got):\n%s", diff)
	}
	if calls < 6 {
		t.Errorf("progress reported %d times, want one per batch (at least 6)", calls)
	}
}
