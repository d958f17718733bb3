package ecs

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// benchInput repeats an NDJSON fixture to about 8 MiB.
func benchInput(b *testing.B, name string) []byte {
	b.Helper()
	one, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		b.Fatal(err)
	}
	one = append(bytes.TrimRight(one, "\n"), '\n')
	return bytes.Repeat(one, 8<<20/len(one)+1)
}

// benchDecode decodes in b.N times and reports MB/s and events per second.
func benchDecode(b *testing.B, in []byte) {
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	events := 0
	cpu0 := cpuTime()
	for b.Loop() {
		d := NewDecoder(bytes.NewReader(in), Options{})
		for {
			_, err := d.Decode()
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
	// Per CPU second (all threads, GC included): wall-clock rates
	// understate throughput when other processes share the cores.
	if cpu := cpuTime() - cpu0; cpu > 0 {
		b.ReportMetric(float64(len(in))*float64(b.N)/1e6/cpu.Seconds(), "MB/cpu-s")
		b.ReportMetric(float64(events)/cpu.Seconds(), "events/cpu-s")
	}
}

func BenchmarkDecode(b *testing.B) {
	b.Run("endpoint_macos", func(b *testing.B) { benchDecode(b, benchInput(b, "endpoint_macos.ndjson")) })
	b.Run("auditbeat_linux", func(b *testing.B) { benchDecode(b, benchInput(b, "auditbeat_linux.ndjson")) })
}
