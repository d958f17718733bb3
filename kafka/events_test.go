package kafka

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/decode/native"
)

// TestEventProducer checks that produced events are keyed and stamped as
// intake's are, and read back equal.
func TestEventProducer(t *testing.T) {
	c := newCluster(t, 3)
	cfg := testConfig(t, c.ListenAddrs())
	p := must(NewEventProducer(cfg))
	t.Cleanup(p.Close)
	start := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	var evs []*stagewatch.Event
	for i, host := range []string{"ws00", "ws01", "ws00"} {
		evs = append(evs, nativeEvent(burstHost(i, 0, 1, start.Add(time.Duration(i)*time.Minute))[0]))
		evs[i].Host.Name = host
	}
	if err := p.Produce(context.Background(), evs); err != nil {
		t.Fatal(err)
	}
	if got := p.Produced(); got != 3 {
		t.Errorf("Produced() = %d, want 3", got)
	}
	type rec struct {
		Key  string
		Time time.Time
		Host string
	}
	var got, want []rec
	for _, ev := range evs {
		want = append(want, rec{stagewatch.RoutingKey(ev), ev.Time, ev.Host.Name})
	}
	partOf := make(map[string]int32)
	for _, r := range readAll(t, c.ListenAddrs(), DefaultEventsTopic) {
		ev := must(native.Unmarshal(r.Value))
		if p, ok := partOf[string(r.Key)]; ok && p != r.Partition {
			t.Errorf("key %s on partitions %d and %d", r.Key, p, r.Partition)
		}
		partOf[string(r.Key)] = r.Partition
		got = append(got, rec{string(r.Key), r.Timestamp.UTC(), ev.Host.Name})
	}
	slices.SortFunc(got, func(a, b rec) int { return a.Time.Compare(b.Time) })
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("events topic (-want +got):\n%s", diff)
	}
}
