package window

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var t0 = time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)

func at(min int) time.Time { return t0.Add(time.Duration(min) * time.Minute) }

// step is one call: an Add (key set) or an Advance (key empty).
type step struct {
	key string
	id  uint64
	min int
}

// got is an episode in a comparable form.
type got struct {
	Key               string
	Start, Last       int
	Matches, Distinct int
	Sum               int
}

func run(cfg Config, steps []step, flush bool) []got {
	w := New[string, int, int](cfg, func(acc *int, v int) { *acc += v })
	var out []got
	take := func(eps []Episode[string, int]) {
		for _, e := range eps {
			out = append(out, got{e.Key, int(e.Start.Sub(t0) / time.Minute), int(e.Last.Sub(t0) / time.Minute), e.Matches, e.Distinct, e.Acc})
		}
	}
	for _, s := range steps {
		if s.key == "" {
			take(w.Advance(at(s.min)))
			continue
		}
		take(w.Add(s.key, s.id, at(s.min), 1))
	}
	if flush {
		take(w.Flush())
	}
	return out
}

func TestEpisodes(t *testing.T) {
	cfg := Config{Width: 60 * time.Minute, Threshold: 3, Gap: 30 * time.Minute}
	tests := []struct {
		name  string
		cfg   Config
		steps []step
		flush bool
		want  []got
	}{
		{
			name:  "below threshold emits nothing",
			cfg:   cfg,
			steps: []step{{"a", 1, 0}, {"a", 2, 10}},
			flush: true,
		},
		{
			name:  "crossing opens, quiet gap closes",
			cfg:   cfg,
			steps: []step{{"a", 1, 0}, {"a", 2, 10}, {"a", 3, 20}, {"a", 4, 25}, {"", 0, 54}, {"", 0, 55}},
			want:  []got{{"a", 0, 25, 4, 4, 4}},
		},
		{
			name:  "repeats of an id count once",
			cfg:   cfg,
			steps: []step{{"a", 1, 0}, {"a", 1, 1}, {"a", 1, 2}, {"a", 2, 3}},
			flush: true,
		},
		{
			name:  "old matches slide out of the window",
			cfg:   cfg,
			steps: []step{{"a", 1, 0}, {"a", 2, 10}, {"a", 3, 60}, {"a", 4, 65}},
			flush: true,
			want:  []got{{"a", 10, 65, 3, 3, 3}},
		},
		{
			name:  "advance evicts pending groups",
			cfg:   cfg,
			steps: []step{{"a", 1, 0}, {"a", 2, 10}, {"", 0, 200}, {"a", 3, 201}},
			flush: true,
		},
		{
			name: "span caps a busy episode",
			cfg:  Config{Width: 60 * time.Minute, Threshold: 1, Gap: 30 * time.Minute, Span: 60 * time.Minute},
			steps: []step{{"a", 1, 0}, {"a", 2, 20}, {"a", 3, 40}, {"a", 4, 59}, {"a", 5, 60},
				{"a", 6, 70}},
			flush: true,
			want:  []got{{"a", 0, 59, 4, 4, 4}, {"a", 60, 70, 2, 2, 2}},
		},
		{
			name:  "late match closes its own episode",
			cfg:   Config{Width: time.Hour, Threshold: 1, Gap: 10 * time.Minute},
			steps: []step{{"a", 1, 0}, {"a", 2, 30}},
			want:  []got{{"a", 0, 0, 1, 1, 1}},
		},
		{
			name:  "keys are independent and flush orders by start",
			cfg:   Config{Width: time.Hour, Threshold: 2},
			steps: []step{{"b", 1, 5}, {"a", 1, 0}, {"a", 2, 1}, {"b", 2, 6}},
			flush: true,
			want:  []got{{"a", 0, 1, 2, 2, 2}, {"b", 5, 6, 2, 2, 2}},
		},
		{
			name:  "advance closes at the deadline itself",
			cfg:   Config{Width: time.Hour, Threshold: 1, Gap: 10 * time.Minute},
			steps: []step{{"a", 1, 0}, {"", 0, 9}, {"", 0, 10}},
			want:  []got{{"a", 0, 0, 1, 1, 1}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, run(tt.cfg, tt.steps, tt.flush)); diff != "" {
				t.Errorf("episodes (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEpisodesForget(t *testing.T) {
	w := New[int, int, int](Config{Width: time.Minute, Threshold: 5}, func(*int, int) {})
	for i := range 1000 {
		w.Add(i, 1, at(i), 0)
	}
	w.Advance(at(2000))
	if w.Len() != 0 {
		t.Errorf("Len after advance = %d, want 0", w.Len())
	}
}

func BenchmarkEpisodesAdd(b *testing.B) {
	w := New[int, int, int](Config{Width: time.Hour, Threshold: 10, Gap: 10 * time.Minute}, func(acc *int, v int) { *acc += v })
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		ts := t0.Add(time.Duration(i) * time.Second)
		w.Add(i%64, uint64(i%997), ts, 1)
		if i%1000 == 0 {
			w.Advance(ts)
		}
	}
}
