package cloudtrail

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"testing"

	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/decode/internal/cloudtest"
)

// benchRecords returns the records of the staging fixture, one JSON
// object each.
func benchRecords(tb testing.TB) [][]byte {
	tb.Helper()
	in, err := io.ReadAll(cloudtest.Input(tb, "testdata/exfil_staging.json.gz"))
	if err != nil {
		tb.Fatal(err)
	}
	var env struct{ Records []json.RawMessage }
	if err := json.Unmarshal(in, &env); err != nil {
		tb.Fatal(err)
	}
	var out [][]byte
	for _, r := range env.Records {
		out = append(out, r)
	}
	if b, err := os.ReadFile("testdata/snapshot_share.jsonl"); err == nil {
		out = append(out, bytes.Split(bytes.TrimSpace(b), []byte("\n"))...)
	}
	return out
}

func openBench(r io.Reader) stagewatch.Source { return NewDecoder(r, Options{}) }

// BenchmarkDecode decodes an 8 MiB delivery file ({"Records":[...]}) and
// the same records as NDJSON.
func BenchmarkDecode(b *testing.B) {
	recs := benchRecords(b)
	env, err := io.ReadAll(cloudtest.Envelope("Records", recs, 8<<20))
	if err != nil {
		b.Fatal(err)
	}
	ndjson := append(bytes.Join(recs, []byte("\n")), '\n')
	ndjson = bytes.Repeat(ndjson, 8<<20/len(ndjson)+1)
	b.Run("records", func(b *testing.B) { cloudtest.Bench(b, env, openBench) })
	b.Run("ndjson", func(b *testing.B) { cloudtest.Bench(b, ndjson, openBench) })
}

// TestStreamingMemory decodes a generated 16 MB Records envelope and checks
// that the live heap stays small: the input is never held whole.
// BenchmarkStreaming measures the same on 100 MB.
func TestStreamingMemory(t *testing.T) {
	_, peak := cloudtest.PeakHeap(t, NewDecoder(cloudtest.Envelope("Records", benchRecords(t), 16<<20), Options{}))
	if peak > 16<<20 {
		t.Errorf("peak live heap %d bytes; the decoder should not hold the input", peak)
	}
}

// BenchmarkStreaming decodes a generated 100 MB {"Records":[...]} document
// and reports the peak live heap.
func BenchmarkStreaming(b *testing.B) {
	recs := benchRecords(b)
	for b.Loop() {
		events, peak := cloudtest.PeakHeap(b, NewDecoder(cloudtest.Envelope("Records", recs, 100<<20), Options{}))
		b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
		b.ReportMetric(float64(events), "events/op")
	}
	b.SetBytes(100 << 20)
}
