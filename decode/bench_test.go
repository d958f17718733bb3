package decode

import (
	"bytes"
	"io"
	"testing"

	"github.com/stagewatch/stagewatch/internal/synth"
)

// benchmarkOpen opens and reads data whole; throughput is measured against
// raw, the uncompressed size, so plain and gzip numbers compare.
func benchmarkOpen(b *testing.B, raw, data []byte) {
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	events := 0
	for b.Loop() {
		in, err := Open("bench.json", bytes.NewReader(data), Options{})
		if err != nil {
			b.Fatal(err)
		}
		for {
			_, err := in.Decode()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			events++
		}
	}
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
}

func BenchmarkOpenAndDecode(b *testing.B) {
	raw := synth.MDEBytes(synth.Options{Seed: 1, Events: 20000, StagingRatio: 0.05})
	b.Run("plain", func(b *testing.B) { benchmarkOpen(b, raw, raw) })
	b.Run("gzip", func(b *testing.B) { benchmarkOpen(b, raw, gz(b, raw)) })
}
