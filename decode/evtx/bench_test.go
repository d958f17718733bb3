package evtx

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"

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
			b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
		})
	}
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
			b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
		})
	}
}
