package serve

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stagewatch/stagewatch"
)

func TestRestartReplaysWithoutRepeatingAlerts(t *testing.T) {
	dir := t.TempDir()
	evs := staging(6)
	half := len(evs) / 2

	s, st := newService(t, dir)
	for i := 0; i < half; i += 7 {
		if err := s.Accept(context.Background(), "test", evs[i:min(i+7, half)]); err != nil {
			t.Fatal(err)
		}
	}
	stop(t, s, st)
	st0 := openStore(t, dir)
	first := logged(t, st0)
	st0.Close()
	if len(first) == 0 {
		t.Fatal("no alert before the restart; the scenario should close some episodes in the first half")
	}

	s, st = newService(t, dir)
	if diff := cmp.Diff(first, logged(t, st)); diff != "" {
		t.Errorf("the replay changed the alert log (-before +after):\n%s", diff)
	}
	if err := s.Accept(context.Background(), "test", evs[half:]); err != nil {
		t.Fatal(err)
	}
	stop(t, s, st)

	// A service that saw every event without a restart logs the same.
	want := func() []string {
		dir := t.TempDir()
		s, st := newService(t, dir)
		if err := s.Accept(context.Background(), "test", evs); err != nil {
			t.Fatal(err)
		}
		stop(t, s, st)
		st = openStore(t, dir)
		defer st.Close()
		return logged(t, st)
	}()
	st = openStore(t, dir)
	defer st.Close()
	got := logged(t, st)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("alert log with a restart (-without +with):\n%s", diff)
	}
	if len(got) != 6 {
		t.Errorf("%d alerts; want 6 (one per host)", len(got))
	}
	if n := st.EventCount(); n != len(evs) {
		t.Errorf("%d events stored; want %d", n, len(evs))
	}
}

func TestAcceptAfterCloseAndBusy(t *testing.T) {
	s, st := newService(t, t.TempDir())
	stop(t, s, st)
	if err := s.Accept(context.Background(), "test", staging(1)); !errors.Is(err, ErrClosed) {
		t.Errorf("Accept after Close = %v; want ErrClosed", err)
	}
}

// TestOpenEpisodeUpdates checks that serve raises an alert when the
// threshold is crossed and updates it, under the same id, while it grows.
func TestOpenEpisodeUpdates(t *testing.T) {
	dir := t.TempDir()
	evs := staging(1)[:10] // ten files: the threshold
	more := staging(1)[:5]
	for i, ev := range more {
		c := *ev
		c.Time = c.Time.Add(10 * time.Minute)
		c.File.SetPath(stagewatch.Linux, fmt.Sprintf("/tmp/.x/v%02d.sql", i))
		more[i] = &c
	}
	s, st := newService(t, dir)
	if err := s.Accept(context.Background(), "test", evs); err != nil {
		t.Fatal(err)
	}
	// Event time must pass the lateness bound for the engine to release
	// the events; an unrelated event 6 minutes later does it.
	if err := s.Accept(context.Background(), "test", []*stagewatch.Event{later(evs[9], 6*time.Minute)}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return st.LastAlertSeq() == 1 })
	if err := s.Accept(context.Background(), "test", append(more, later(more[4], 6*time.Minute))); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return st.LastAlertSeq() == 2 })
	stop(t, s, st)
	st = openStore(t, dir)
	defer st.Close()
	recs, _ := st.AlertsAfter(0, 10)
	var got []string
	for _, r := range recs {
		var a stagewatch.Alert
		json.Unmarshal(r.JSON, &a)
		got = append(got, fmt.Sprintf("%s files=%v", a.ID, a.Fields["files"]))
	}
	id := recs[0].ID
	want := []string{id + " files=10", id + " files=15"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("alert log (-want +got):\n%s", diff)
	}
}

// later returns an event of another host at ev's time plus d.
func later(ev *stagewatch.Event, d time.Duration) *stagewatch.Event {
	tick := &stagewatch.Event{Time: ev.Time.Add(d), Kind: stagewatch.ProcessStart}
	tick.Host.Name, tick.Host.OS = "clock", stagewatch.Linux
	tick.Proc.Image, tick.Proc.Name = "/bin/true", "true"
	return tick
}

// TestRestartAfterPruning runs past the state horizon, so the event log and
// the delivered alerts are pruned and the replay starts in the middle of the
// history, then checks the alert log and what the sink received against a
// run without a restart.
func TestRestartAfterPruning(t *testing.T) {
	evs := staging(30) // 45 hours of bursts; the horizon is 25h05m
	cut := len(evs) * 2 / 3
	run := func(restart bool) (log []string, delivered map[string]int, stored int) {
		dir := t.TempDir()
		var out bytes.Buffer
		s, st := newService(t, dir, NewWriterSink("out", &out))
		end := len(evs)
		if restart {
			end = cut
		}
		for i := 0; i < end; i += 10 {
			if err := s.Accept(context.Background(), "test", evs[i:min(i+10, end)]); err != nil {
				t.Fatal(err)
			}
		}
		if restart {
			stop(t, s, st)
			s, st = newService(t, dir, NewWriterSink("out", &out))
			if err := s.Accept(context.Background(), "test", evs[cut:]); err != nil {
				t.Fatal(err)
			}
		}
		stop(t, s, st)
		delivered = map[string]int{}
		for _, l := range strings.Split(strings.TrimSpace(out.String()), "\n") {
			var a stagewatch.Alert
			if err := json.Unmarshal([]byte(l), &a); err != nil {
				t.Fatal(err)
			}
			delivered[a.Host]++
		}
		st = openStore(t, dir)
		defer st.Close()
		return logged(t, st), delivered, st.EventCount()
	}
	wantLog, wantOut, _ := run(false)
	gotLog, gotOut, stored := run(true)
	if diff := cmp.Diff(wantLog, gotLog); diff != "" {
		t.Errorf("alert log (-without restart +with):\n%s", diff)
	}
	if diff := cmp.Diff(wantOut, gotOut); diff != "" {
		t.Errorf("alerts delivered per host (-without restart +with):\n%s", diff)
	}
	if len(gotOut) != 30 {
		t.Errorf("alerts delivered for %d hosts; want 30", len(gotOut))
	}
	if len(gotLog) >= 30 {
		t.Errorf("%d alerts in the log; delivered alerts older than the horizon should be pruned", len(gotLog))
	}
	if stored >= len(evs) {
		t.Errorf("%d events stored of %d: nothing was pruned", stored, len(evs))
	}
}
