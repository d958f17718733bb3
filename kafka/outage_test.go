package kafka

import (
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/decode/native"
)

// TestBrokerOutage stops the broker in the middle of a burst and starts it
// again on the same address from its data directory: intake and detection
// reconnect and the alerts topic still holds hunt's alerts.
func TestBrokerOutage(t *testing.T) {
	dir := t.TempDir()
	seed := []kfake.Opt{
		kfake.NumBrokers(1),
		kfake.SeedTopics(6, rawTopic, DefaultEventsTopic, DefaultAlertsTopic),
		kfake.GroupMinSessionTimeout(100 * time.Millisecond),
		kfake.DataDir(dir),
	}
	c1, err := kfake.NewCluster(seed...)
	if err != nil {
		t.Fatal(err)
	}
	addrs := c1.ListenAddrs()
	_, port, _ := net.SplitHostPort(addrs[0])
	cfg := testConfig(t, addrs)
	b := newBurst(6, 12)

	intake := must(NewIntake(cfg))
	t.Cleanup(intake.Close)
	run(t, intake)
	snk := must(NewAlertProducer(cfg))
	t.Cleanup(snk.Close)
	d := must(NewDetection(cfg, defaultFactory(t), snk))
	t.Cleanup(d.Close)
	run(t, d)

	pcl := producer(t, addrs)
	adm := kadm.NewClient(pcl)
	produceRaw(t, pcl, b.part(0, 6))
	waitFor(t, "the first half to be detected and committed", 30*time.Second, func() bool {
		return caughtUp(t, adm, "sw.intake", rawTopic) && caughtUp(t, adm, "sw.detect", DefaultEventsTopic)
	})

	// The broker goes away while the second half is in flight: intake and
	// detection are somewhere between fetch, produce, emit and commit.
	produceRaw(t, pcl, b.part(6, 12))
	c1.Close()
	// The outage lasts long enough for fetches, heartbeats and commits to fail.
	time.Sleep(time.Second)
	c2, err := kfake.NewCluster(append(seed, kfake.Ports(must(strconv.Atoi(port))))...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c2.Close)

	produceRaw(t, pcl, b.ticks())
	waitFor(t, "the rest to be detected and committed after the outage", 60*time.Second, func() bool {
		return caughtUp(t, adm, "sw.intake", rawTopic) && caughtUp(t, adm, "sw.detect", DefaultEventsTopic) &&
			d.Stats().Partitions == 6
	})

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
	if n := len(seen); n != len(b.all) {
		t.Logf("events topic holds %d events for %d generated (at least once: intake produced again what it had not committed when the broker went away)", n, len(b.all))
	}
}
