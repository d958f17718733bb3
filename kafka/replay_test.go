package kafka

import (
	"context"
	"maps"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/decode/native"
)

// armedSink passes alerts to next until armed; then its first Emit kills
// its instance and fails.
type armedSink struct {
	next  AlertSink
	armed atomic.Bool
	kill  killingSink
}

func (s *armedSink) Emit(ctx context.Context, alerts []stagewatch.Alert) error {
	if s.armed.Load() {
		return s.kill.Emit(ctx, alerts)
	}
	return s.next.Emit(ctx, alerts)
}

// TestDetectionPartialReplay spreads four staging episodes per host over
// two days, so that a new owner's replay starts inside the partition (one
// state horizon, 25h, behind the committed watermark), not at its start:
// the alerts still match hunt's, ids included.
func TestDetectionPartialReplay(t *testing.T) {
	c := newCluster(t, 6)
	addrs := c.ListenAddrs()
	pcl := producer(t, addrs)
	adm := kadm.NewClient(pcl)
	cfg := testConfig(t, addrs)
	cfg.StateHorizon = DefaultStateHorizon
	const hosts = 6
	start := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	var all []*stagewatch.Event
	episode := func(k int) []rawRecord {
		var out []rawRecord
		for h := range hosts {
			ws := burstHost(h, 0, 12, start.Add(time.Duration(k)*14*time.Hour))
			if k == 4 {
				ws = ws[:1] // the tick
			}
			for _, w := range ws {
				all = append(all, nativeEvent(w))
			}
			out = append(out, rawRecords(h, ws, 6)...)
		}
		return out
	}

	intake := must(NewIntake(cfg))
	t.Cleanup(intake.Close)
	run(t, intake)
	snkA := must(NewAlertProducer(cfg))
	t.Cleanup(snkA.Close)
	a := must(NewDetection(cfg, defaultFactory(t), snkA))
	t.Cleanup(a.Close)
	run(t, a)
	vcfg := cfg
	vcfg.InstanceID = "victim"
	snkV := must(NewAlertProducer(cfg))
	t.Cleanup(snkV.Close)
	vsink := &armedSink{next: snkV}
	v := must(NewDetection(vcfg, defaultFactory(t), vsink))
	vsink.kill.d = v
	run(t, v)
	waitFor(t, "two members to share the partitions", 20*time.Second, func() bool {
		return a.Stats().Partitions > 0 && v.Stats().Partitions > 0 && a.Stats().Partitions+v.Stats().Partitions == 6
	})

	for k := range 3 {
		produceRaw(t, pcl, episode(k))
	}
	waitFor(t, "three episodes to be detected and committed", 30*time.Second, func() bool {
		return caughtUp(t, adm, "sw.intake", rawTopic) && caughtUp(t, adm, "sw.detect", DefaultEventsTopic)
	})
	v.mu.Lock()
	victims := slices.Collect(maps.Keys(v.parts))
	v.mu.Unlock()
	var before int64
	for _, r := range readAll(t, addrs, DefaultEventsTopic) {
		if slices.Contains(victims, r.Partition) {
			before++
		}
	}

	vsink.armed.Store(true)
	produceRaw(t, pcl, episode(3))
	produceRaw(t, pcl, episode(4))
	waitFor(t, "the victim to be killed", 30*time.Second, vsink.kill.wasKilled)
	waitFor(t, "the survivor to take over and commit everything", 60*time.Second, func() bool {
		return a.Stats().Partitions == 6 &&
			caughtUp(t, adm, "sw.intake", rawTopic) && caughtUp(t, adm, "sw.detect", DefaultEventsTopic)
	})
	restored := a.Stats().Restored
	if restored == 0 || restored >= before {
		t.Errorf("replayed %d events of the %d the victim's partitions held: want a part of them", restored, before)
	}

	got := latestByID(decodeAlerts(t, readAll(t, addrs, DefaultAlertsTopic)))
	var seen []*stagewatch.Event
	for _, r := range readAll(t, addrs, DefaultEventsTopic) {
		seen = append(seen, must(native.Unmarshal(r.Value)))
	}
	want := latestByID(huntAlerts(t, seen))
	if len(want) != 4*hosts {
		t.Errorf("hunt finds %d alerts, want %d", len(want), 4*hosts)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("alerts topic by id vs hunt (-hunt +topic):\n%s", diff)
	}
	t.Logf("victim partitions %v: %d events before the kill, %d replayed", victims, before, restored)
}
