package detect

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stagewatch/stagewatch"
)

func TestCompare(t *testing.T) {
	base := func(change func(ev *stagewatch.Event)) *stagewatch.Event {
		ev := &stagewatch.Event{Time: t0, Kind: stagewatch.FileCreate, Host: stagewatch.Host{Name: "h", ID: "1"}}
		ev.File.Path = `C:\a`
		ev.Proc.CommandLine = "cmd"
		ev.Origin = stagewatch.Origin{File: "x.json", Line: 5, Record: 5, RecordID: "r"}
		if change != nil {
			change(ev)
		}
		return ev
	}
	tests := []struct {
		name   string
		bigger func(ev *stagewatch.Event)
	}{
		{"time", func(ev *stagewatch.Event) { ev.Time = ev.Time.Add(time.Nanosecond) }},
		{"host name", func(ev *stagewatch.Event) { ev.Host.Name = "i" }},
		{"host id", func(ev *stagewatch.Event) { ev.Host.ID = "2" }},
		{"kind", func(ev *stagewatch.Event) { ev.Kind = stagewatch.FileModify }},
		{"path", func(ev *stagewatch.Event) { ev.File.Path = `C:\b` }},
		{"command line", func(ev *stagewatch.Event) { ev.Proc.CommandLine = "cmd /c" }},
		{"origin file", func(ev *stagewatch.Event) { ev.Origin.File = "y.json" }},
		{"origin line", func(ev *stagewatch.Event) { ev.Origin.Line = 6 }},
		{"origin record", func(ev *stagewatch.Event) { ev.Origin.Record = 6 }},
		{"origin record id", func(ev *stagewatch.Event) { ev.Origin.RecordID = "s" }},
		{"time beats the rest", func(ev *stagewatch.Event) {
			ev.Time = ev.Time.Add(time.Nanosecond)
			ev.Host.Name, ev.File.Path = "a", "A"
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := base(nil), base(tt.bigger)
			got := []int{Compare(a, b), Compare(b, a), Compare(a, a)}
			if diff := cmp.Diff([]int{-1, 1, 0}, got); diff != "" {
				t.Errorf("Compare(less, more), (more, less), (same, same) (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEventHeapSorts(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{0, 1, 2, 7, 100, 1000} {
		evs := genEvents(rng, n, []string{"a", "b"}, time.Minute, time.Second)
		want := slices.Clone(evs)
		rng.Shuffle(len(evs), func(i, j int) { evs[i], evs[j] = evs[j], evs[i] })
		h := newEventHeap()
		for _, ev := range evs {
			h.push(ev)
		}
		var got []*stagewatch.Event
		for h.len() > 0 {
			got = append(got, h.pop())
		}
		if !slices.Equal(want, got) {
			t.Errorf("%d events: heap order differs from Compare order", n)
		}
	}
}

func TestReorderBufferReleasesLeast(t *testing.T) {
	tests := []struct {
		name     string
		lateness time.Duration // arrival jitter; 0 is in order
		popEvery int           // pop after every n pushes
	}{
		{"in order", 0, 1},
		{"in order, long buffer", 0, 3000},
		{"jittered", 10 * time.Second, 2},
		{"heavily jittered", 10 * time.Minute, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(13, 14))
			evs := genEvents(rng, 5000, []string{"a", "b"}, time.Hour, time.Second)
			if tt.lateness > 0 {
				evs = jitter(rng, evs, tt.lateness)
			}
			b := newReorderBuffer()
			var held []*stagewatch.Event // the reference contents
			popOne := func() {
				i := 0
				for j := range held {
					if Compare(held[j], held[i]) < 0 {
						i = j
					}
				}
				if got := b.pop(); got != held[i] {
					t.Fatalf("pop returned %s at %v, want %s at %v", got.File.Path, got.Time, held[i].File.Path, held[i].Time)
				}
				held = append(held[:i], held[i+1:]...)
			}
			for n, ev := range evs {
				b.push(ev)
				held = append(held, ev)
				if (n+1)%tt.popEvery == 0 {
					popOne()
				}
			}
			for len(held) > 0 {
				if b.len() != len(held) {
					t.Fatalf("len = %d, want %d", b.len(), len(held))
				}
				popOne()
			}
		})
	}
}
