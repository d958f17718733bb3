package kafka

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/decode/native"
)

// burst is a staging burst over hosts hosts: each writes files files into
// C:\Users\Public\stage (bulk-file-staging fires at 10), in two halves, and
// then a tick three hours later that moves event time past the episodes.
type burst struct {
	hosts, files int
	start        time.Time
	all          []*stagewatch.Event
}

func newBurst(hosts, files int) *burst {
	return &burst{hosts: hosts, files: files, start: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
}

// half returns the raw records of files [from, to) of every host.
func (b *burst) part(from, to int) []rawRecord {
	var out []rawRecord
	for h := range b.hosts {
		ws := burstHost(h, from, to, b.start)
		for _, w := range ws {
			b.all = append(b.all, nativeEvent(w))
		}
		out = append(out, rawRecords(h, ws, 6)...)
	}
	return out
}

// ticks returns one quiet write per host three hours after the burst.
func (b *burst) ticks() []rawRecord {
	var out []rawRecord
	for h := range b.hosts {
		ws := burstHost(h, 0, 1, b.start.Add(3*time.Hour))
		ws = ws[1:] // the user-folder write only
		for _, w := range ws {
			b.all = append(b.all, nativeEvent(w))
		}
		out = append(out, rawRecords(h, ws, 6)...)
	}
	return out
}

func produceRaw(t *testing.T, cl *kgo.Client, raws []rawRecord) {
	t.Helper()
	var recs []*kgo.Record
	for _, r := range raws {
		recs = append(recs, &kgo.Record{Topic: rawTopic, Partition: r.partition, Value: r.value})
	}
	if err := cl.ProduceSync(context.Background(), recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
}

// instance is one running Intake or Detection.
type instance struct {
	stop func()
	done chan error
}

func run(t *testing.T, r interface{ Run(context.Context) error }) *instance {
	ctx, cancel := context.WithCancel(context.Background())
	in := &instance{stop: cancel, done: make(chan error, 1)}
	go func() { in.done <- r.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-in.done })
	return in
}

func (in *instance) shutdown(t *testing.T) {
	t.Helper()
	in.stop()
	if err := <-in.done; err != nil {
		t.Error(err)
	}
	in.done <- nil // for the cleanup
}

// caughtUp reports whether group has committed the end of every partition
// of topic.
func caughtUp(t *testing.T, adm *kadm.Client, group, topic string) bool {
	ends, err := adm.ListEndOffsets(context.Background(), topic)
	if err != nil {
		return false
	}
	com, err := adm.FetchOffsets(context.Background(), group)
	if err != nil {
		return false
	}
	ok := true
	ends.Each(func(o kadm.ListedOffset) {
		c, found := com.Lookup(topic, o.Partition)
		if o.Offset > 0 && (!found || c.At < o.Offset) {
			ok = false
		}
	})
	return ok
}

// killingSink fails its first Emit and kills its instance: the alerts are
// not durable and nothing is committed.
type killingSink struct {
	mu     sync.Mutex
	d      *Detection
	killed bool
}

func (s *killingSink) Emit(context.Context, []stagewatch.Alert) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.killed {
		s.killed = true
		s.d.kill()
	}
	return errors.New("instance killed")
}

func (s *killingSink) wasKilled() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.killed
}

// TestDetectionGroupMatchesHunt runs a staging burst through intake and a
// group of detection instances on six partitions while one instance joins
// in the middle and another is killed before it commits, and checks that
// the alerts topic, deduplicated by id, holds exactly the alerts hunt finds
// over the same events.
func TestDetectionGroupMatchesHunt(t *testing.T) {
	c := newCluster(t, 6)
	addrs := c.ListenAddrs()
	pcl := producer(t, addrs)
	adm := kadm.NewClient(pcl)
	cfg := testConfig(t, addrs)
	b := newBurst(12, 15)

	intake := must(NewIntake(cfg))
	t.Cleanup(intake.Close)
	run(t, intake)
	sinkA := must(NewAlertProducer(cfg))
	t.Cleanup(sinkA.Close)
	a := must(NewDetection(cfg, defaultFactory(t), sinkA))
	t.Cleanup(a.Close)
	run(t, a)

	vcfg := cfg
	vcfg.InstanceID = "victim"
	vsink := &killingSink{}
	v := must(NewDetection(vcfg, defaultFactory(t), vsink))
	vsink.d = v
	run(t, v)

	waitFor(t, "two members to share the partitions", 20*time.Second, func() bool {
		return a.Stats().Partitions+v.Stats().Partitions == 6 && a.Stats().Partitions > 0 && v.Stats().Partitions > 0
	})
	produceRaw(t, pcl, b.part(0, 8))
	waitFor(t, "the first half to be detected and committed", 30*time.Second, func() bool {
		return caughtUp(t, adm, "sw.intake", rawTopic) && caughtUp(t, adm, "sw.detect", DefaultEventsTopic)
	})

	// A third instance joins in the middle of the burst.
	sinkB := must(NewAlertProducer(cfg))
	t.Cleanup(sinkB.Close)
	bi := must(NewDetection(cfg, defaultFactory(t), sinkB))
	t.Cleanup(bi.Close)
	run(t, bi)
	waitFor(t, "the joiner to own partitions", 20*time.Second, func() bool {
		return bi.Stats().Partitions > 0 && a.Stats().Partitions+bi.Stats().Partitions+v.Stats().Partitions == 6
	})
	produceRaw(t, pcl, b.part(8, 15))
	waitFor(t, "the second half to be detected and committed", 30*time.Second, func() bool {
		return caughtUp(t, adm, "sw.intake", rawTopic) && caughtUp(t, adm, "sw.detect", DefaultEventsTopic)
	})

	// The ticks close the episodes; the victim dies at its first alerts.
	produceRaw(t, pcl, b.ticks())
	waitFor(t, "the victim to be killed", 30*time.Second, vsink.wasKilled)
	waitFor(t, "the survivors to take over and commit everything", 60*time.Second, func() bool {
		return a.Stats().Partitions+bi.Stats().Partitions == 6 &&
			caughtUp(t, adm, "sw.intake", rawTopic) && caughtUp(t, adm, "sw.detect", DefaultEventsTopic)
	})
	if s := a.Stats().Restored + bi.Stats().Restored; s == 0 {
		t.Error("no event was replayed to restore windows")
	}

	got := latestByID(decodeAlerts(t, readAll(t, addrs, DefaultAlertsTopic)))
	var seen []*stagewatch.Event
	for _, r := range readAll(t, addrs, DefaultEventsTopic) {
		seen = append(seen, must(native.Unmarshal(r.Value)))
	}
	want := latestByID(huntAlerts(t, seen))
	if len(want) < b.hosts {
		t.Fatalf("hunt finds %d alerts over %d hosts; the burst should raise one per host", len(want), b.hosts)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("alerts topic by id vs hunt (-hunt +topic):\n%s", diff)
	}
	// The decoders word some fields differently from the generator's own
	// events (user case, unknown sizes), so the ids differ; the episodes
	// must not.
	if diff := cmp.Diff(episodes(huntAlerts(t, b.all)), episodes(huntAlerts(t, seen))); diff != "" {
		t.Errorf("hunt over the generated events vs over the events topic (-generated +topic):\n%s", diff)
	}
	t.Logf("alerts: %d; restored events: %d + %d", len(got), a.Stats().Restored, bi.Stats().Restored)
}

// episodes is the analytic, host and span of each alert, sorted.
func episodes(alerts []stagewatch.Alert) []string {
	var out []string
	for _, a := range alerts {
		out = append(out, a.Analytic+" "+a.Host+" "+a.FirstSeen.UTC().Format(time.RFC3339)+" "+a.LastSeen.UTC().Format(time.RFC3339))
	}
	slices.Sort(out)
	return out
}

// TestDetectionShutdown stops an instance gracefully: it has committed
// what it read and left the group, so its partitions move at once.
func TestDetectionShutdown(t *testing.T) {
	c := newCluster(t, 6)
	addrs := c.ListenAddrs()
	pcl := producer(t, addrs)
	adm := kadm.NewClient(pcl)
	cfg := testConfig(t, addrs)
	cfg.SessionTimeout = time.Minute // a member that did not leave would hold on for a minute
	b := newBurst(6, 4)
	b.part(0, 4)
	var recs []*kgo.Record
	for i, ev := range b.all {
		recs = append(recs, &kgo.Record{Topic: DefaultEventsTopic, Partition: int32(i % 6), Value: must(native.Marshal(ev))})
	}
	if err := pcl.ProduceSync(context.Background(), recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
	d := must(NewDetection(cfg, defaultFactory(t), &memSink{}))
	in := run(t, d)
	waitFor(t, "the events to be committed", 20*time.Second, func() bool {
		return caughtUp(t, adm, "sw.detect", DefaultEventsTopic)
	})
	in.shutdown(t)
	d.Close()
	groups, err := adm.DescribeGroups(context.Background(), "sw.detect")
	if err != nil {
		t.Fatal(err)
	}
	if g := groups["sw.detect"]; len(g.Members) != 0 || g.State != "Empty" {
		t.Errorf("group after shutdown: state %s, %d members; want Empty, 0", g.State, len(g.Members))
	}
}
