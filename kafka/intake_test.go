package kafka

import (
	"context"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/decode/native"
)

// TestIntakeRekeys writes a raw topic mixing MDE Event Hubs batches, Sysmon
// XML, plain and gzipped native NDJSON and bad records, and checks the
// events topic: every event once, keyed by its routing key, stamped with its
// event time, one key on one partition; the bad records counted and sent to
// the dead-letter topic with where they came from.
func TestIntakeRekeys(t *testing.T) {
	c := newCluster(t, 6)
	addrs := c.ListenAddrs()
	start := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	var raws []rawRecord
	want := map[string]int{} // routing key -> events
	for h := range 4 {
		ws := burstHost(h, 0, 6, start)
		raws = append(raws, rawRecords(h, ws, 6)...)
		want["host:"+strings.ToLower(ws[0].host)] += len(ws)
	}
	bad := []rawRecord{
		{0, []byte{0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0xff, 0xfe, 0, 0x80}},
		{1, []byte("   \n")},
		{2, []byte(`{"time":"2026-03-01T09:00:00Z","kind":"FileCreate","host":{"name":"ws09"}}` + "\n" + `{"time":"not a time","kind":"FileCreate"}` + "\n")},
		{3, gz([]byte("truncated"))[:12]},
	}
	want["host:ws09"]++ // the good line of the third bad record
	raws = append(raws, bad...)

	pcl := producer(t, addrs)
	ctx := context.Background()
	for _, r := range raws {
		if err := pcl.ProduceSync(ctx, &kgo.Record{Topic: rawTopic, Partition: r.partition, Value: r.value}).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}

	cfg := testConfig(t, addrs)
	cfg.DeadLetterTopic = "dead"
	in, err := NewIntake(cfg)
	if err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- in.Run(runCtx) }()
	waitFor(t, "intake to read every raw record", 20*time.Second, func() bool {
		s := in.Stats()
		return s.Records == int64(len(raws)) && s.Commits > 0 && totalLag(s.Lag) == 0
	})
	stop()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	in.Close()

	s := in.Stats()
	if s.BadRecords != int64(len(bad)) || s.DeadLettered != int64(len(bad)) || s.BadEvents != 1 {
		t.Errorf("bad records %d, dead-lettered %d, bad events %d; want %d, %d, 1", s.BadRecords, s.DeadLettered, s.BadEvents, len(bad), len(bad))
	}

	got := map[string]int{}
	partOf := map[string]int32{}
	for _, r := range readAll(t, addrs, DefaultEventsTopic) {
		ev, err := native.Unmarshal(r.Value)
		if err != nil {
			t.Fatalf("events %d/%d: %v", r.Partition, r.Offset, err)
		}
		key := string(r.Key)
		if key != stagewatch.RoutingKey(ev) {
			t.Errorf("events %d/%d: key %q, routing key %q", r.Partition, r.Offset, key, stagewatch.RoutingKey(ev))
		}
		if !r.Timestamp.Equal(ev.Time.Truncate(time.Millisecond)) {
			t.Errorf("events %d/%d: timestamp %v, event time %v", r.Partition, r.Offset, r.Timestamp, ev.Time)
		}
		if p, ok := partOf[key]; ok && p != r.Partition {
			t.Errorf("key %s on partitions %d and %d", key, p, r.Partition)
		}
		partOf[key] = r.Partition
		if !strings.HasPrefix(ev.Origin.File, rawTopic+"/") && ev.Origin.Format != "gen" {
			t.Errorf("events %d/%d: origin %+v does not name the raw record", r.Partition, r.Offset, ev.Origin)
		}
		got[key]++
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("events per routing key (-want +got):\n%s", diff)
	}

	var reasons []string
	for _, r := range readAll(t, addrs, "dead") {
		hs := map[string]string{}
		for _, h := range r.Headers {
			hs[h.Key] = string(h.Value)
		}
		if hs["stagewatch.topic"] != rawTopic || hs["stagewatch.offset"] == "" {
			t.Errorf("dead letter without its origin: %v", hs)
		}
		reasons = append(reasons, hs["stagewatch.reason"])
	}
	sort.Strings(reasons)
	if diff := cmp.Diff([]string{"bad events", "binary record", "corrupt gzip", "empty record"}, reasons); diff != "" {
		t.Errorf("dead-letter reasons (-want +got):\n%s", diff)
	}
}

func totalLag(m map[string]int64) int64 {
	var n int64
	for _, v := range m {
		n += v
	}
	return n
}

// TestIntakeProduceFailure fails one produce to the events topic for good:
// intake must not commit past the poll, and reads it again.
func TestIntakeProduceFailure(t *testing.T) {
	c := newCluster(t, 6)
	addrs := c.ListenAddrs()
	c.Fault(kfake.Fault{Keys: []kmsg.Key{kmsg.Produce}, Topic: DefaultEventsTopic, Err: kerr.InvalidRecord, Count: 1})
	start := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	want := map[string]bool{}
	pcl := producer(t, addrs)
	for h := range 6 {
		ws := burstHost(h, 0, 3, start)
		produceRaw(t, pcl, rawRecords(h, ws, 6))
		want["host:"+ws[0].host] = true
	}
	in := must(NewIntake(testConfig(t, addrs)))
	t.Cleanup(in.Close)
	run(t, in)
	adm := kadm.NewClient(pcl)
	waitFor(t, "intake to commit every raw record", 20*time.Second, func() bool {
		return caughtUp(t, adm, "sw.intake", rawTopic)
	})
	if n := in.Stats().ProduceRetries; n != 1 {
		t.Errorf("%d produce retries, want 1", n)
	}
	got := map[string]bool{}
	for _, r := range readAll(t, addrs, DefaultEventsTopic) {
		got[string(r.Key)] = true
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("routing keys on the events topic (-want +got):\n%s", diff)
	}
}
