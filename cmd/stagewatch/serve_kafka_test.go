package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/rogpeppe/go-internal/txtar"
	"github.com/spf13/pflag"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/config"
	"github.com/stagewatch/stagewatch/decode/native"
	"github.com/stagewatch/stagewatch/kafka"
)

// kafkaScenario holds the raw records of the Kafka scenario (four hosts,
// three of which stage twelve files; see kafka/scenario_test.go).
const kafkaScenario = "testdata/script/kafka.txtar"

// syncBuffer is a bytes.Buffer two goroutines may use.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// inProcess is `stagewatch serve` running in this test process.
type inProcess struct {
	url    string
	stderr *syncBuffer
	cancel context.CancelFunc
	done   chan error
}

// startInProcess runs serve with args through run and waits until /readyz
// answers 200 (in Kafka mode: the consumers have joined their groups).
func startInProcess(t *testing.T, args ...string) *inProcess {
	t.Helper()
	ready := filepath.Join(t.TempDir(), "ready")
	ctx, cancel := context.WithCancel(context.Background())
	p := &inProcess{stderr: new(syncBuffer), cancel: cancel, done: make(chan error, 1)}
	args = append([]string{"serve", "--insecure-no-auth", "--listen", "127.0.0.1:0", "--ready-file", ready}, args...)
	go func() { p.done <- run(ctx, args, nil, io.Discard, p.stderr) }()
	t.Cleanup(func() { p.stop(t) })
	deadline := time.Now().Add(20 * time.Second)
	for {
		if b, err := os.ReadFile(ready); err == nil && p.url == "" {
			p.url = "http://" + strings.TrimSpace(string(b))
		}
		if p.url != "" {
			if resp, err := http.Get(p.url + "/readyz"); err == nil {
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					return p
				}
			}
		}
		select {
		case err := <-p.done:
			t.Fatalf("serve exited: %v\n%s", err, p.stderr)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve not ready within 20s:\n%s", p.stderr)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// stop cancels serve's context, as SIGTERM does, and waits for it to exit.
func (p *inProcess) stop(t *testing.T) {
	t.Helper()
	if p.cancel == nil {
		return
	}
	p.cancel()
	p.cancel = nil
	select {
	case err := <-p.done:
		if err != nil {
			t.Errorf("serve exited with %v:\n%s", err, p.stderr)
		}
	case <-time.After(20 * time.Second):
		t.Errorf("serve did not stop within 20s:\n%s", p.stderr)
	}
}

// TestServeKafka runs two serve instances against an in-process Kafka:
// raw records go through intake, one host's events come in over HTTP, and
// the alerts (alert files and alerts topic, by id) must be hunt's.
func TestServeKafka(t *testing.T) {
	if testing.Short() {
		t.Skip("runs two Kafka-mode services; skipped with -short")
	}
	data, err := os.ReadFile(kafkaScenario)
	if err != nil {
		t.Skipf("scenario absent: %v", err)
	}
	ar := txtar.Parse(data)
	dir := t.TempDir()
	for _, f := range ar.Files {
		if err := os.WriteFile(filepath.Join(dir, f.Name), f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var huntOut bytes.Buffer
	if err := run(context.Background(), []string{"hunt", "-q", "--output", "ndjson", dir}, nil, &huntOut, io.Discard); err != nil {
		t.Fatal(err)
	}
	want := alertsByID(t, huntOut.String())
	if len(want) != 3 {
		t.Fatalf("hunt finds %d alerts, want 3:\n%s", len(want), huntOut.String())
	}

	// Six partitions, as in kafka/scenario_test.go: each host's events land
	// on a partition of their own. Lateness is per partition, so a host
	// whose events arrive after another host's end-of-day tick on a shared
	// partition would be late (hunt sorts everything; Kafka does not).
	const parts = 6
	c, err := kfake.NewCluster(kfake.NumBrokers(1),
		kfake.SeedTopics(parts, "raw", "stagewatch.events", "stagewatch.alerts"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	brokers := strings.Join(c.ListenAddrs(), ",")
	var alertFiles []string
	var insts []*inProcess
	for i := range 2 {
		af := filepath.Join(dir, fmt.Sprintf("alerts%d.out", i))
		alertFiles = append(alertFiles, af)
		insts = append(insts, startInProcess(t, "--data-dir", filepath.Join(dir, fmt.Sprintf("data%d", i)),
			"--alerts", af, "--kafka-brokers", brokers, "--kafka-group", "sw", "--kafka-raw-topics", "raw",
			"--kafka-alerts-topic", "stagewatch.alerts"))
	}

	cl, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...), kgo.RecordPartitioner(kgo.ManualPartitioner()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	var posted int
	for i, f := range ar.Files {
		if strings.HasSuffix(f.Name, ".ndjson") {
			// Over HTTP, gzipped: lands on the events topic, not in the
			// instance that took it.
			resp, err := http.Post(insts[1].url+"/v1/events", "application/x-ndjson", bytes.NewReader(gzipBytes(f.Data)))
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusAccepted {
				t.Fatalf("POST %s: %d %s", f.Name, resp.StatusCode, body)
			}
			posted = bytes.Count(f.Data, []byte("\n"))
			continue
		}
		r := &kgo.Record{Topic: "raw", Partition: int32(i % parts), Value: f.Data}
		if err := cl.ProduceSync(context.Background(), r).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}

	// Wait until every hunt alert has come out in its final version, in an
	// alert file and on the alerts topic.
	topic := newTopicReader(t, c.ListenAddrs(), "stagewatch.alerts")
	deadline := time.Now().Add(25 * time.Second)
	var files, onTopic map[string][]string
	for {
		files = make(map[string][]string)
		for _, af := range alertFiles {
			b, _ := os.ReadFile(af)
			for id, ls := range alertsByID(t, string(b)) {
				files[id] = append(files[id], ls...)
			}
		}
		onTopic = topic.byID()
		if covers(files, want) && covers(onTopic, want) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("alerts after 25s:\nfiles %v\ntopic %v\nwant %v\nlogs 0:\n%s\nlogs 1:\n%s", files, onTopic, want, insts[0].stderr, insts[1].stderr)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if diff := cmp.Diff(keys(want), keys(files)); diff != "" {
		t.Errorf("alert ids in the files vs hunt (-hunt +files):\n%s", diff)
	}
	if diff := cmp.Diff(keys(want), keys(onTopic)); diff != "" {
		t.Errorf("alert ids on the topic vs hunt (-hunt +topic):\n%s", diff)
	}

	// The events topic: the HTTP events are there, keyed and stamped like
	// intake's.
	evTopic := newTopicReader(t, c.ListenAddrs(), "stagewatch.events")
	var ws02 int
	for _, r := range evTopic.all() {
		ev, err := native.Unmarshal(r.Value)
		if err != nil {
			t.Fatalf("events record %d/%d: %v", r.Partition, r.Offset, err)
		}
		if got, want := string(r.Key), stagewatch.RoutingKey(ev); got != want {
			t.Errorf("events record %d/%d: key %q, want %q", r.Partition, r.Offset, got, want)
		}
		if !r.Timestamp.Equal(ev.Time) {
			t.Errorf("events record %d/%d: timestamp %v, event time %v", r.Partition, r.Offset, r.Timestamp, ev.Time)
		}
		if ev.Host.Name == "ws02" {
			ws02++
		}
	}
	if ws02 != posted {
		t.Errorf("events topic holds %d events of ws02, %d were posted", ws02, posted)
	}

	// Metrics: intake counted its records and detection its restores.
	resp, err := http.Get(insts[0].url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, m := range []string{"stagewatch_kafka_intake_records_total", "stagewatch_kafka_detect_events_total",
		"stagewatch_kafka_detect_restored_events_total", "stagewatch_kafka_http_events_produced_total"} {
		if !bytes.Contains(metrics, []byte("\n"+m+" ")) {
			t.Errorf("/metrics has no %s", m)
		}
	}
	for _, p := range insts {
		p.stop(t)
	}
}

// alertsByID groups NDJSON alert lines by id, in order.
func alertsByID(t *testing.T, s string) map[string][]string {
	t.Helper()
	out := make(map[string][]string)
	for l := range strings.SplitSeq(s, "\n") {
		if l == "" {
			continue
		}
		var a struct{ ID string }
		if err := json.Unmarshal([]byte(l), &a); err != nil || a.ID == "" {
			t.Fatalf("alert line %q: %v", l, err)
		}
		out[a.ID] = append(out[a.ID], comparable(t, l))
	}
	return out
}

// comparable drops an alert line's evidence, whose origins name the input
// (a file for hunt, topic/partition/offset for Kafka intake).
func comparable(t *testing.T, line string) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(line), &m); err != nil {
		t.Fatalf("alert line %q: %v", line, err)
	}
	delete(m, "evidence")
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// covers reports whether every alert of want (hunt: one line per id) came
// out in its final version among got's versions of the id.
func covers(got, want map[string][]string) bool {
	for id, w := range want {
		found := false
		for _, l := range got[id] {
			found = found || l == w[len(w)-1]
		}
		if !found {
			return false
		}
	}
	return true
}

func keys(m map[string][]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func gzipBytes(b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

// topicReader reads a topic from its start, a little more at each call.
type topicReader struct {
	t    *testing.T
	cl   *kgo.Client
	recs []*kgo.Record
}

func newTopicReader(t *testing.T, addrs []string, topic string) *topicReader {
	cl, err := kgo.NewClient(kgo.SeedBrokers(addrs...), kgo.ConsumeTopics(topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.FetchMaxWait(50*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	return &topicReader{t: t, cl: cl}
}

// all returns the records read so far after one more fetch.
func (r *topicReader) all() []*kgo.Record {
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	r.cl.PollFetches(ctx).EachRecord(func(rec *kgo.Record) { r.recs = append(r.recs, rec) })
	return r.recs
}

// byID returns the alert lines read so far by id, after one more fetch.
func (r *topicReader) byID() map[string][]string {
	var b strings.Builder
	for _, rec := range r.all() {
		if string(rec.Key) == "" {
			r.t.Errorf("alert record %d/%d has no key", rec.Partition, rec.Offset)
		}
		b.Write(rec.Value)
		b.WriteByte('\n')
	}
	return alertsByID(r.t, b.String())
}

// TestKafkaSettingsPrecedence checks flag > environment > file for the
// Kafka settings, and where the SASL password comes from.
func TestKafkaSettingsPrecedence(t *testing.T) {
	dir := t.TempDir()
	pwFile := filepath.Join(dir, "pw")
	os.WriteFile(pwFile, []byte("from-file\n"), 0o600)
	tests := []struct {
		name  string
		args  []string
		env   map[string]string
		file  config.Serve // the file's settings
		want  kafka.Config
		roles []string
	}{
		{
			name: "file",
			file: config.Serve{KafkaBrokers: []string{"f:9092"}, KafkaGroup: "fg", KafkaRoles: []string{"detect"}, KafkaEventsTopic: "ev"},
			want: kafka.Config{Brokers: []string{"f:9092"}, Group: "fg", EventsTopic: "ev"}, roles: []string{"detect"},
		},
		{
			name:  "env over file",
			env:   map[string]string{"STAGEWATCH_KAFKA_BROKERS": "e1:9092,e2:9092", "STAGEWATCH_KAFKA_ROLES": "intake", "STAGEWATCH_KAFKA_RAW_TOPICS": "mde,sysmon"},
			file:  config.Serve{KafkaBrokers: []string{"f:9092"}, KafkaGroup: "fg", KafkaRoles: []string{"detect"}, KafkaEventsTopic: "ev"},
			want:  kafka.Config{Brokers: []string{"e1:9092", "e2:9092"}, Group: "fg", EventsTopic: "ev", RawTopics: []string{"mde", "sysmon"}},
			roles: []string{"intake"},
		},
		{
			name: "flag over env; password from env",
			args: []string{"--kafka-brokers", "a:1,b:2", "--kafka-roles", "detect,intake", "--kafka-raw-topics", "raw", "--kafka-sasl-mechanism", "plain", "--kafka-sasl-user", "$ConnectionString"},
			env:  map[string]string{"STAGEWATCH_KAFKA_BROKERS": "e:9092", "STAGEWATCH_KAFKA_SASL_PASSWORD": "from-env"},
			file: config.DefaultServe(),
			want: kafka.Config{Brokers: []string{"a:1", "b:2"}, Group: "stagewatch", EventsTopic: "stagewatch.events", RawTopics: []string{"raw"},
				SASL: kafka.SASL{Mechanism: "plain", User: "$ConnectionString", Password: "from-env"}},
			roles: []string{"detect", "intake"},
		},
		{
			name: "password file over env",
			args: []string{"--kafka-brokers", "a:1", "--kafka-roles", "detect", "--kafka-sasl-mechanism", "SCRAM-SHA-512", "--kafka-sasl-user", "u", "--kafka-sasl-password-file", pwFile},
			env:  map[string]string{"STAGEWATCH_KAFKA_SASL_PASSWORD": "from-env"},
			file: config.DefaultServe(),
			want: kafka.Config{Brokers: []string{"a:1"}, Group: "stagewatch", EventsTopic: "stagewatch.events",
				SASL: kafka.SASL{Mechanism: "SCRAM-SHA-512", User: "u", Password: "from-file"}},
			roles: []string{"detect"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := pflag.NewFlagSet("serve", pflag.ContinueOnError)
			flags := config.DefaultServe()
			kafkaFlags(fs, &flags)
			for _, s := range serveSettings() {
				if fs.Lookup(s.flag) == nil {
					fs.String(s.flag, "", "") // not under test
				}
			}
			if err := fs.Parse(tt.args); err != nil {
				t.Fatal(err)
			}
			sc := tt.file
			lookup := func(k string) (string, bool) { v, ok := tt.env[k]; return v, ok }
			if err := resolveServe(fs, &flags, &sc, lookup); err != nil {
				t.Fatal(err)
			}
			kc, roles, err := kafkaConfig(sc, time.Hour, nil, func(k string) string { return tt.env[k] })
			if err != nil {
				t.Fatal(err)
			}
			got := kafka.Config{Brokers: kc.Brokers, Group: kc.Group, EventsTopic: kc.EventsTopic, RawTopics: kc.RawTopics, SASL: kc.SASL}
			if diff := cmp.Diff(tt.want, got, cmpopts.IgnoreUnexported(kafka.Config{})); diff != "" {
				t.Errorf("config (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.roles, roles); diff != "" {
				t.Errorf("roles (-want +got):\n%s", diff)
			}
		})
	}
}
