package kafka

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/analytic"
	"github.com/stagewatch/stagewatch/config"
	"github.com/stagewatch/stagewatch/detect"
)

const rawTopic = "raw"

// newCluster starts an in-process Kafka on loopback with the raw, events
// and alerts topics, each of partitions partitions.
func newCluster(t testing.TB, partitions int32, opts ...kfake.Opt) *kfake.Cluster {
	t.Helper()
	opts = append([]kfake.Opt{
		kfake.NumBrokers(1),
		kfake.SeedTopics(partitions, rawTopic, DefaultEventsTopic, DefaultAlertsTopic, "dead"),
		kfake.GroupMinSessionTimeout(100 * time.Millisecond),
	}, opts...)
	c, err := kfake.NewCluster(opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

// testConfig is a Config for c with timings fit for tests.
func testConfig(t testing.TB, addrs []string) Config {
	return Config{
		Brokers:        addrs,
		Group:          "sw",
		RawTopics:      []string{rawTopic},
		SessionTimeout: 1500 * time.Millisecond,
		StateHorizon:   48 * time.Hour,
		Logger:         testLogger(t),
		extra: []kgo.Opt{
			kgo.FetchMaxWait(100 * time.Millisecond),
			kgo.HeartbeatInterval(200 * time.Millisecond),
			kgo.RebalanceTimeout(3 * time.Second),
			kgo.RetryBackoffFn(func(int) time.Duration { return 100 * time.Millisecond }),
		},
	}
}

// testLogger writes warnings to the test log.
func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(tbWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

type tbWriter struct{ t testing.TB }

func (w tbWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// producer returns a plain client for writing test records.
func producer(t testing.TB, addrs []string) *kgo.Client {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(addrs...), kgo.RecordPartitioner(kgo.ManualPartitioner()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	return cl
}

// readAll reads every record of topic from the start to its current end.
func readAll(t testing.TB, addrs []string, topic string) []*kgo.Record {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(addrs...), kgo.ConsumeTopics(topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.FetchMaxWait(100*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	ends := endOffsets(t, addrs, topic)
	got := make(map[int32]int64)
	var recs []*kgo.Record
	for !reached(got, ends) {
		fs := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			t.Fatalf("reading %s: %v (have %v of %v)", topic, ctx.Err(), got, ends)
		}
		fs.EachRecord(func(r *kgo.Record) {
			recs = append(recs, r)
			got[r.Partition] = r.Offset + 1
		})
	}
	return recs
}

func reached(got, ends map[int32]int64) bool {
	for p, end := range ends {
		if got[p] < end {
			return false
		}
	}
	return true
}

// endOffsets returns the end offset of every partition of topic.
func endOffsets(t testing.TB, addrs []string, topic string) map[int32]int64 {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(addrs...))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ends, err := kadm.NewClient(cl).ListEndOffsets(context.Background(), topic)
	if err != nil {
		t.Fatal(err)
	}
	out := make(map[int32]int64)
	ends.Each(func(o kadm.ListedOffset) { out[o.Partition] = o.Offset })
	return out
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t testing.TB, what string, d time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", d, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// memSink is an AlertSink that keeps every alert it was given.
type memSink struct {
	mu     sync.Mutex
	alerts []stagewatch.Alert
	emit   func(n int) error // called before keeping, with the call count
	calls  int
}

func (s *memSink) Emit(_ context.Context, alerts []stagewatch.Alert) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	if s.emit != nil {
		if err := s.emit(s.calls); err != nil {
			return err
		}
	}
	s.alerts = append(s.alerts, alerts...)
	return nil
}

// defaultFactory builds stream engines with every analytic enabled by
// default, as serve would.
func defaultFactory(t testing.TB) EngineFactory {
	specs := analytic.All()
	cfg := config.Default(specs)
	return func() (*detect.Engine, error) {
		dets, err := cfg.Detectors(specs)
		if err != nil {
			return nil, err
		}
		return detect.New(dets, detect.Options{Lateness: cfg.Lateness, Stream: true})
	}
}

// huntAlerts runs the default analytics over evs in hunt mode.
func huntAlerts(t testing.TB, evs []*stagewatch.Event) []stagewatch.Alert {
	t.Helper()
	specs := analytic.All()
	cfg := config.Default(specs)
	dets, err := cfg.Detectors(specs)
	if err != nil {
		t.Fatal(err)
	}
	eng, err := detect.New(dets, detect.Options{Lateness: cfg.Lateness})
	if err != nil {
		t.Fatal(err)
	}
	sorted := append([]*stagewatch.Event(nil), evs...)
	sort.SliceStable(sorted, func(i, j int) bool { return detect.Compare(sorted[i], sorted[j]) < 0 })
	for _, ev := range sorted {
		eng.Observe(ev)
	}
	return eng.Close()
}

// alertKey is what must agree between hunt and serve for one alert.
type alertKey struct {
	ID, Analytic, Host string
	First, Last        time.Time
	Summary            string
}

func keyOf(a stagewatch.Alert) alertKey {
	return alertKey{a.ID, a.Analytic, a.Host, a.FirstSeen.UTC(), a.LastSeen.UTC(), a.Summary}
}

// latestByID keeps the last version of each alert id, sorted by id.
func latestByID(alerts []stagewatch.Alert) []alertKey {
	m := make(map[string]alertKey)
	for _, a := range alerts {
		m[a.ID] = keyOf(a)
	}
	out := make([]alertKey, 0, len(m))
	for _, k := range m {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// decodeAlerts reads alert records as written by AlertProducer.
func decodeAlerts(t testing.TB, recs []*kgo.Record) []stagewatch.Alert {
	t.Helper()
	var out []stagewatch.Alert
	for _, r := range recs {
		var a stagewatch.Alert
		if err := json.Unmarshal(r.Value, &a); err != nil {
			t.Fatalf("alert record %d/%d: %v", r.Partition, r.Offset, err)
		}
		if string(r.Key) != a.ID {
			t.Errorf("alert record %d/%d: key %q, id %q", r.Partition, r.Offset, r.Key, a.ID)
		}
		out = append(out, a)
	}
	return out
}

func gz(b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(fmt.Sprint(err))
	}
	return v
}
