package kafka

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

func TestParseWatermark(t *testing.T) {
	wm := time.Date(2026, 3, 1, 9, 30, 0, 123456789, time.UTC)
	tests := []struct {
		name string
		meta string
		want time.Time
		ok   bool
	}{
		{"written by detection", FormatWatermark(wm), wm, true},
		{"other zone", FormatWatermark(wm.In(time.FixedZone("x", 3600))), wm, true},
		{"member id", "kgo-1234-5678", time.Time{}, false},
		{"empty", "", time.Time{}, false},
		{"bad time", metaPrefix + "yesterday", time.Time{}, false},
		{"zero time", metaPrefix + "0001-01-01T00:00:00Z", time.Time{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := ParseWatermark(tt.meta)
			if diff := cmp.Diff(tt.want, got); diff != "" || ok != tt.ok {
				t.Errorf("ParseWatermark(%q) = %v, %v; want %v, %v", tt.meta, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func FuzzParseWatermark(f *testing.F) {
	f.Add(FormatWatermark(time.Date(2026, 3, 1, 9, 30, 0, 5, time.UTC)))
	f.Add("kgo-member")
	f.Add(metaPrefix + "2026-13-01T00:00:00Z")
	f.Fuzz(func(t *testing.T, meta string) {
		wm, ok := ParseWatermark(meta)
		if !ok {
			return
		}
		again, ok := ParseWatermark(FormatWatermark(wm))
		if !ok || !again.Equal(wm) {
			t.Errorf("%q: %v does not survive a round trip (%v, %v)", meta, wm, again, ok)
		}
	})
}

// TestRestorePoints commits offsets with and without watermarks and checks
// where a new owner starts: at the first record within the horizon of the
// committed watermark, never after the commit.
func TestRestorePoints(t *testing.T) {
	c := newCluster(t, 4)
	addrs := c.ListenAddrs()
	cl := producer(t, addrs)
	ctx := context.Background()
	t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	for p := range int32(4) {
		for h := range 11 {
			r := &kgo.Record{Topic: DefaultEventsTopic, Partition: p, Value: []byte("x"), Timestamp: t0.Add(time.Duration(h) * time.Hour)}
			if err := cl.ProduceSync(ctx, r).FirstErr(); err != nil {
				t.Fatal(err)
			}
		}
	}
	adm := kadm.NewClient(cl)
	var offs kadm.Offsets
	offs.Add(kadm.Offset{Topic: DefaultEventsTopic, Partition: 0, At: 8, LeaderEpoch: -1, Metadata: FormatWatermark(t0.Add(7 * time.Hour))})
	offs.Add(kadm.Offset{Topic: DefaultEventsTopic, Partition: 2, At: 5, LeaderEpoch: -1, Metadata: "kgo-member"})
	offs.Add(kadm.Offset{Topic: DefaultEventsTopic, Partition: 3, At: 3, LeaderEpoch: -1, Metadata: FormatWatermark(t0.Add(2 * time.Hour))})
	if err := adm.CommitAllOffsets(ctx, "g", offs); err != nil {
		t.Fatal(err)
	}
	committed := map[int32]int64{0: 8, 1: -1, 2: 5, 3: 3}
	got, err := restorePoints(ctx, adm, "g", DefaultEventsTopic, committed, 3*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	want := map[int32]restorePoint{
		0: {start: 4, committed: 8, watermark: t0.Add(7 * time.Hour)}, // 04:00 is the first record at or after 07:00-3h
		1: {start: 0, committed: 0},                                   // never committed: from the beginning
		2: {start: 5, committed: 5},                                   // no watermark: nothing to restore
		3: {start: 0, committed: 3, watermark: t0.Add(2 * time.Hour)}, // the horizon reaches before the first record
	}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(restorePoint{})); diff != "" {
		t.Errorf("restore points (-want +got):\n%s", diff)
	}
}
