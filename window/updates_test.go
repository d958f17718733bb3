package window

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestUpdatesReportOpenEpisodes(t *testing.T) {
	cfg := Config{Width: 60 * time.Minute, Threshold: 3, Gap: 30 * time.Minute, Updates: true}
	w := New[string, int, int](cfg, func(acc *int, v int) { *acc += v })
	var out []string
	take := func(when string, eps []Episode[string, int]) {
		for _, e := range eps {
			out = append(out, fmt.Sprintf("%s: %s start=%d matches=%d open=%v", when, e.Key, int(e.Start.Sub(t0)/time.Minute), e.Matches, e.Open))
		}
	}
	take("add", w.Add("a", 1, at(0), 1))
	take("add", w.Add("a", 2, at(1), 1))
	take("adv 1", w.Advance(at(1))) // below the threshold: nothing
	take("add", w.Add("a", 3, at(2), 1))
	take("add", w.Add("b", 1, at(2), 1))
	take("adv 2", w.Advance(at(2))) // a crossed it
	take("adv 3", w.Advance(at(3))) // no change: nothing
	take("add", w.Add("a", 4, at(4), 1))
	take("adv 4", w.Advance(at(4))) // a grew
	take("adv 40", w.Advance(at(40)))
	want := []string{
		"adv 2: a start=0 matches=3 open=true",
		"adv 4: a start=0 matches=4 open=true",
		"adv 40: a start=0 matches=4 open=false",
	}
	if diff := cmp.Diff(want, out); diff != "" {
		t.Errorf("episodes (-want +got):\n%s", diff)
	}
}

// TestUpdatesDoNotChangeClosedEpisodes checks that the option only adds
// open reports: the closed episodes are the same with and without it.
func TestUpdatesDoNotChangeClosedEpisodes(t *testing.T) {
	steps := []step{
		{"a", 1, 0}, {"a", 2, 5}, {"", 0, 5}, {"a", 3, 10}, {"", 0, 10}, {"b", 1, 11},
		{"a", 4, 20}, {"", 0, 20}, {"a", 5, 70}, {"", 0, 71}, {"", 0, 200},
	}
	base := Config{Width: 60 * time.Minute, Threshold: 3, Gap: 30 * time.Minute}
	upd := base
	upd.Updates = true
	w := New[string, int, int](upd, func(acc *int, v int) { *acc += v })
	var closed []got
	for _, s := range steps {
		var eps []Episode[string, int]
		if s.key == "" {
			eps = w.Advance(at(s.min))
		} else {
			eps = w.Add(s.key, s.id, at(s.min), 1)
		}
		for _, e := range eps {
			if !e.Open {
				closed = append(closed, got{e.Key, int(e.Start.Sub(t0) / time.Minute), int(e.Last.Sub(t0) / time.Minute), e.Matches, e.Distinct, e.Acc})
			}
		}
	}
	if diff := cmp.Diff(run(base, steps, false), closed); diff != "" {
		t.Errorf("closed episodes (-without +with updates):\n%s", diff)
	}
}

func TestUpdateEverySpacesReports(t *testing.T) {
	cfg := Config{Width: 60 * time.Minute, Threshold: 1, Gap: 30 * time.Minute, Updates: true, UpdateEvery: 10 * time.Minute}
	w := New[string, int, int](cfg, func(acc *int, v int) { *acc += v })
	var out []string
	for m := range 25 {
		w.Add("a", uint64(m), at(m), 1)
		for _, e := range w.Advance(at(m)) {
			out = append(out, fmt.Sprintf("%d: matches=%d open=%v", m, e.Matches, e.Open))
		}
	}
	for _, e := range w.Advance(at(100)) {
		out = append(out, fmt.Sprintf("100: matches=%d open=%v", e.Matches, e.Open))
	}
	want := []string{
		"0: matches=1 open=true", // the threshold crossing, at once
		"10: matches=11 open=true",
		"20: matches=21 open=true",
		"100: matches=25 open=false",
	}
	if diff := cmp.Diff(want, out); diff != "" {
		t.Errorf("reports (-want +got):\n%s", diff)
	}
}
