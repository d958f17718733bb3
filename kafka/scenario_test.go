package kafka

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/rogpeppe/go-internal/txtar"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/decode"
	"github.com/stagewatch/stagewatch/decode/native"
	"github.com/stagewatch/stagewatch/internal/golden"
)

var update = flag.Bool("update", false, "rewrite golden files")

// scenarioPath is the CLI scenario whose files are this package's raw
// records: `stagewatch hunt` runs over them there, Kafka here.
const scenarioPath = "../cmd/stagewatch/testdata/script/kafka.txtar"

const scenarioScript = `# The raw records of the Kafka tests: kafka/scenario_test.go produces each file
# below as one record onto a raw topic, runs intake and detection over kfake and
# checks that the alerts topic holds what hunt finds here. Mixed formats: an
# Event Hubs {"records":[...]} batch of MDE rows, Sysmon XML and gzipped native
# events. Three hosts stage twelve files each; ws03 stays below the threshold.
# Regenerate with: go test ./kafka -run TestScenarioFixtures -update
gzip-file ws02-native.ndjson ws02-native.ndjson.gz
rm ws02-native.ndjson
exec stagewatch hunt --output ndjson .
stdout -count=3 '^\{"id":'
stdout -count=3 '"analytic":"bulk-file-staging"'
stdout '"host":"ws00".*wrote 12 files'
stdout '"host":"ws01".*wrote 12 files'
stdout '"host":"ws02".*wrote 12 files'
! stdout '"host":"ws03"'
stderr 'read 60 events from 4 input\(s\)'
stderr 'mde 28, stagewatch 16, winxml 16'
stderr 'alerts: +3 \(critical 3\)'

# One Event Hubs batch alone, the format forced.
exec stagewatch hunt --format mde --output ndjson ws00-eventhubs.json
stdout -count=1 '"analytic":"bulk-file-staging".*"host":"ws00"'
stderr 'formats: +mde 16'
`

// scenarioFiles generates the scenario's raw records.
func scenarioFiles() []txtar.File {
	start := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	host := func(h, files int) []write {
		ws := burstHost(h, 0, files, start)
		return append(ws, burstHost(h, 0, 1, start.Add(3*time.Hour))[1:]...) // the tick
	}
	mdeBatch := func(ws []write) []byte {
		var rows []string
		for _, w := range ws {
			rows = append(rows, mdeRow(w))
		}
		return []byte(`{"records":[` + strings.Join(rows, ",") + "]}\n")
	}
	var xml, nd bytes.Buffer
	for _, w := range host(1, 12) {
		xml.WriteString(sysmonXML(w) + "\n")
	}
	for _, w := range host(2, 12) {
		nd.Write(must(native.Marshal(nativeEvent(w))))
		nd.WriteByte('\n')
	}
	return []txtar.File{
		{Name: "ws00-eventhubs.json", Data: mdeBatch(host(0, 12))},
		{Name: "ws01-sysmon.xml", Data: xml.Bytes()},
		{Name: "ws02-native.ndjson", Data: nd.Bytes()},
		{Name: "ws03-eventhubs.json", Data: mdeBatch(host(3, 9))},
	}
}

// TestScenarioFixtures keeps the CLI scenario's files in step with the
// generator.
func TestScenarioFixtures(t *testing.T) {
	ar := &txtar.Archive{Comment: []byte(scenarioScript), Files: scenarioFiles()}
	golden.Check(t, scenarioPath, txtar.Format(ar), *update)
}

// TestScenarioThroughKafka produces the scenario's files as raw records
// (the native one gzipped) and checks that two detection instances put
// exactly hunt's alerts onto the alerts topic.
func TestScenarioThroughKafka(t *testing.T) {
	data, err := os.ReadFile(scenarioPath)
	if err != nil {
		t.Skipf("scenario absent: %v", err)
	}
	ar := txtar.Parse(data)
	c := newCluster(t, 6)
	addrs := c.ListenAddrs()
	cfg := testConfig(t, addrs)
	pcl := producer(t, addrs)

	var evs []*stagewatch.Event
	for i, f := range ar.Files {
		value := f.Data
		if strings.HasSuffix(f.Name, ".ndjson") {
			value = gz(value)
		}
		r := &kgo.Record{Topic: rawTopic, Partition: int32(i % 6), Value: value}
		if err := pcl.ProduceSync(context.Background(), r).FirstErr(); err != nil {
			t.Fatal(err)
		}
		in := must(decode.Open(f.Name, bytes.NewReader(value), decode.Options{}))
		for {
			ev, err := in.Decode()
			if err != nil {
				break
			}
			evs = append(evs, ev)
		}
	}

	intake := must(NewIntake(cfg))
	t.Cleanup(intake.Close)
	run(t, intake)
	var dets []*Detection
	for range 2 {
		snk := must(NewAlertProducer(cfg))
		t.Cleanup(snk.Close)
		d := must(NewDetection(cfg, defaultFactory(t), snk))
		t.Cleanup(d.Close)
		run(t, d)
		dets = append(dets, d)
	}
	adm := kadm.NewClient(pcl)
	waitFor(t, "intake and detection to commit every record", 30*time.Second, func() bool {
		return caughtUp(t, adm, "sw.intake", rawTopic) && caughtUp(t, adm, "sw.detect", DefaultEventsTopic) &&
			dets[0].Stats().Partitions+dets[1].Stats().Partitions == 6
	})
	got := latestByID(decodeAlerts(t, readAll(t, addrs, DefaultAlertsTopic)))
	want := latestByID(huntAlerts(t, evs))
	if len(want) != 3 {
		t.Errorf("hunt finds %d alerts, want 3:\n%s", len(want), fmt.Sprint(want))
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("alerts topic by id vs hunt (-hunt +topic):\n%s", diff)
	}
}
