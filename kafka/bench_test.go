package kafka

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/stagewatch/stagewatch"
)

// countingSink counts alerts and keeps nothing.
type countingSink struct{ n counter }

func (s *countingSink) Emit(_ context.Context, alerts []stagewatch.Alert) error {
	s.n.Add(int64(len(alerts)))
	return nil
}

// BenchmarkPipeline measures events per second from raw MDE Event Hubs
// batches (100 rows a record) through intake, the events topic and one
// detection instance with every default analytic, over an in-process kfake
// broker on loopback. One op is 64 hosts x 100 writes, produced
// back to back; a tenth of the hosts
// stage files. Run it with
//
//	go test ./kafka -run '^$' -bench Pipeline -benchtime 10x
func BenchmarkPipeline(b *testing.B) {
	c := newCluster(b, 6)
	addrs := c.ListenAddrs()
	cfg := testConfig(b, addrs)
	cfg.Logger = nil
	in := must(NewIntake(cfg))
	defer in.Close()
	snk := &countingSink{}
	d := must(NewDetection(cfg, defaultFactory(b), snk))
	defer d.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{}, 2)
	go func() { in.Run(ctx); done <- struct{}{} }()
	go func() { d.Run(ctx); done <- struct{}{} }()
	defer func() { cancel(); <-done; <-done }()

	pcl := producer(b, addrs)
	start := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	// ops builds the raw records of op i: 64 hosts x 100 writes, an hour
	// of event time after op i-1.
	ops := func(i int) (recs []*kgo.Record, events, size int64) {
		for h := range 64 {
			var rows []string
			for f := range 100 {
				w := write{host: "ws" + string(rune('a'+h%26)) + string(rune('a'+h/26)), dir: `C:\Users\bob\Documents`,
					name: "n.txt", proc: "winword.exe", cmd: "winword.exe", pid: 100 + h, seq: f,
					t: start.Add(time.Duration(i)*2*time.Hour + time.Duration(f)*time.Second)}
				if h%10 == 0 {
					w.dir, w.proc, w.cmd = `C:\Users\Public\stage`, "robocopy.exe", `robocopy.exe \\fs\x C:\Users\Public\stage`
				}
				w.name = "f" + string(rune('a'+f%26)) + string(rune('a'+f/26)) + ".docx"
				rows = append(rows, mdeRow(w))
				events++
			}
			v := []byte(`{"records":[` + strings.Join(rows, ",") + `]}`)
			size += int64(len(v))
			recs = append(recs, &kgo.Record{Topic: rawTopic, Partition: int32(h % 6), Value: v})
		}
		return recs, events, size
	}
	wait := func(want int64) {
		deadline := time.Now().Add(2 * time.Minute)
		for d.Stats().Events < want {
			if time.Now().After(deadline) {
				b.Fatalf("detection saw %d events of %d", d.Stats().Events, want)
			}
			time.Sleep(2 * time.Millisecond)
		}
	}
	// Warm up: join both groups.
	recs, total, _ := ops(0)
	if err := pcl.ProduceSync(ctx, recs...).FirstErr(); err != nil {
		b.Fatal(err)
	}
	wait(total)
	batches := make([][]*kgo.Record, b.N)
	var bytes, measured int64
	for i := range b.N {
		var n, size int64
		batches[i], n, size = ops(i + 1)
		bytes += size
		measured += n
	}
	total += measured
	b.ResetTimer()
	t0, cpu0 := time.Now(), cpuTime()
	// Produce every op before waiting, so the stages overlap as they do
	// under a steady load and the figure is throughput, not round trips.
	for _, recs := range batches {
		if err := pcl.ProduceSync(ctx, recs...).FirstErr(); err != nil {
			b.Fatal(err)
		}
	}
	wait(total)
	el, cpu := time.Since(t0), cpuTime()-cpu0
	b.StopTimer()
	b.SetBytes(bytes / int64(b.N))
	b.ReportMetric(float64(measured)/el.Seconds(), "events/s")
	if cpu > 0 {
		// Broker, intake and detection share the process: this is the whole
		// pipeline's cost per CPU second, steadier than wall time on a busy
		// machine.
		b.ReportMetric(float64(measured)/cpu.Seconds(), "events/cpu-s")
	}
}
