package eslogger

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// benchInput repeats the attacker fixture and the real exec sample to about
// 8 MiB. Global sequence numbers repeat, which the decoder does not mind.
func benchInput(b *testing.B) []byte {
	b.Helper()
	one, err := os.ReadFile(filepath.Join("testdata", "attacker_macos.jsonl"))
	if err != nil {
		b.Fatal(err)
	}
	one = append(bytes.TrimRight(one, "\n"), '\n')
	if real, err := os.ReadFile(filepath.Join(shared, "samples", "eslogger", "macos15_v9_exec.jsonl")); err == nil {
		one = append(one, bytes.TrimRight(real, "\n")...)
		one = append(one, '\n')
	}
	return bytes.Repeat(one, 8<<20/len(one)+1)
}

// BenchmarkDecode reports MB/s and events per second over eslogger lines,
// about a third of which (fork, exit, signal, unmodified close, repeated
// writes) are read but produce no event.
func BenchmarkDecode(b *testing.B) {
	in := benchInput(b)
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
