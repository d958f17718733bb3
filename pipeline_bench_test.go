package stagewatch_test

import (
	"bytes"
	"context"
	"io"
	"testing"
	"time"

	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/analytic"
	"github.com/stagewatch/stagewatch/config"
	"github.com/stagewatch/stagewatch/decode"
	"github.com/stagewatch/stagewatch/detect"
	"github.com/stagewatch/stagewatch/internal/synth"
)

// pipelineData is realistic MDE streaming NDJSON: mostly benign, 2% staging.
func pipelineData(b *testing.B) []byte {
	b.Helper()
	return synth.MDEBytes(synth.Options{
		Seed: 1, Events: 50_000, Hosts: 50, StagingRatio: 0.02,
		Start: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC),
	})
}

func newEngine(b *testing.B) *detect.Engine {
	b.Helper()
	specs := analytic.All()
	cfg := config.Default(specs)
	dets, err := cfg.Detectors(specs)
	if err != nil {
		b.Fatal(err)
	}
	eng, err := detect.New(dets, detect.Options{Lateness: cfg.Lateness})
	if err != nil {
		b.Fatal(err)
	}
	return eng
}

// BenchmarkPipelineOneCore measures decode plus every analytic on one
// goroutine: the per-core throughput of the whole detection path.
func BenchmarkPipelineOneCore(b *testing.B) {
	data := pipelineData(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var events, alerts int
	for b.Loop() {
		in, err := decode.Open("bench", bytes.NewReader(data), decode.Options{})
		if err != nil {
			b.Fatal(err)
		}
		eng := newEngine(b)
		events = 0
		for {
			ev, err := in.Decode()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			events++
			eng.Observe(ev)
		}
		alerts = len(eng.Close())
	}
	reportEvents(b, events, alerts)
}

// BenchmarkPipelineRun measures the hunt runner: decoding on its own
// goroutine, merging and detection on the caller's.
func BenchmarkPipelineRun(b *testing.B) {
	data := pipelineData(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var events, alerts int
	for b.Loop() {
		in, err := decode.Open("bench", bytes.NewReader(data), decode.Options{})
		if err != nil {
			b.Fatal(err)
		}
		eng := newEngine(b)
		alerts = 0
		sum, err := detect.Run(context.Background(), []detect.Input{{Name: "bench", Source: in}}, eng, detect.Hooks{
			OnAlert: func(stagewatch.Alert) error { alerts++; return nil },
		})
		if err != nil {
			b.Fatal(err)
		}
		events = int(sum.Engine.Events)
	}
	reportEvents(b, events, alerts)
}

func reportEvents(b *testing.B, events, alerts int) {
	b.Helper()
	perOp := b.Elapsed().Seconds() / float64(b.N)
	if perOp > 0 {
		b.ReportMetric(float64(events)/perOp, "events/s")
	}
	b.ReportMetric(float64(alerts), "alerts")
}
