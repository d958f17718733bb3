package evtx

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	oracle "www.velocidex.com/golang/evtx"
)

// benchFiles are the corpus files benchmarks read: the large application
// log the issue names, and the largest Security log.
var benchFiles = []string{"many-events-application.evtx", "smb-password-guessing-security.evtx"}

func benchData(b *testing.B, name string) []byte {
	data, err := os.ReadFile(filepath.Join(corpusDir, name))
	if err != nil {
		b.Skipf("corpus file not available: %v", err)
	}
	return data
}

// BenchmarkDecode measures Records per second and MB per second. Run with
// -cpu 1 for the per-core number (chunks are then decoded on the caller's
// goroutine).
func BenchmarkDecode(b *testing.B) {
	for _, name := range benchFiles {
		b.Run(name, func(b *testing.B) {
			data := benchData(b, name)
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			events := 0
			cpu0 := cpuTime()
			for b.Loop() {
				d := NewDecoder(bytes.NewReader(data), Options{File: name})
				for {
					_, _, err := d.Next()
					if err == io.EOF {
						break
					}
					if err != nil {
						b.Fatal(err)
					}
					events++
				}
			}
			report(b, events, len(data), cpu0)
		})
	}
}

// BenchmarkDecodeEvents adds winevent.Map: Records to stagewatch events,
// as hunt reads an EVTX file. events/s counts records read.
func BenchmarkDecodeEvents(b *testing.B) {
	name := benchFiles[1]
	data := benchData(b, name)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	records := 0
	cpu0 := cpuTime()
	for b.Loop() {
		d := NewDecoder(bytes.NewReader(data), Options{File: name})
		for {
			_, err := d.Decode()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
		}
		records += d.Stats().Records
	}
	report(b, records, len(data), cpu0)
}

// BenchmarkOracle is the same work done by Velocidex's parser, which builds
// every record's whole document.
func BenchmarkOracle(b *testing.B) {
	for _, name := range benchFiles {
		b.Run(name, func(b *testing.B) {
			data := benchData(b, name)
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			events := 0
			cpu0 := cpuTime()
			for b.Loop() {
				r := bytes.NewReader(data)
				chunks, err := oracle.GetChunks(r)
				if err != nil {
					b.Fatal(err)
				}
				for _, c := range chunks {
					recs, err := c.Parse(0)
					if err != nil {
						b.Fatal(err)
					}
					events += len(recs)
				}
			}
			report(b, events, len(data), cpu0)
		})
	}
}

// report adds events per second of wall time, and events and MB per CPU
// second (all threads, GC included): on a shared machine wall time
// understates throughput, and with several workers it overstates the
// throughput of one core.
func report(b *testing.B, events, size int, cpu0 time.Duration) {
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
	if cpu := cpuTime() - cpu0; cpu > 0 {
		b.ReportMetric(float64(events)/cpu.Seconds(), "events/cpu-s")
		b.ReportMetric(float64(size)*float64(b.N)/1e6/cpu.Seconds(), "MB/cpu-s")
	}
}
