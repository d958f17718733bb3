package synth

import (
	"bytes"
	"encoding/json"
	"flag"
	"github.com/stagewatch/stagewatch/internal/golden"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestSameSeedSameBytes(t *testing.T) {
	o := Options{Seed: 42, Events: 3000, Hosts: 7, StagingRatio: 0.1}
	var a, b bytes.Buffer
	if err := MDE(&a, o); err != nil {
		t.Fatal(err)
	}
	if err := MDE(&b, o); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("two runs with the same seed differ")
	}
	if !bytes.Equal(a.Bytes(), MDEBytes(o)) {
		t.Fatal("MDEBytes differs from MDE")
	}
	if !bytes.Equal(a.Bytes(), bytes.Join(MDERows(o), nil)) {
		t.Fatal("MDERows differs from MDE")
	}
	o.Seed = 43
	if bytes.Equal(a.Bytes(), MDEBytes(o)) {
		t.Fatal("a different seed gave the same bytes")
	}
}

// record is the streaming envelope as the MDE decoder reads it.
type record struct {
	Time          string         `json:"time"`
	TenantID      string         `json:"tenantId"`
	OperationName string         `json:"operationName"`
	Category      string         `json:"category"`
	Properties    map[string]any `json:"properties"`
}

func decodeRows(t *testing.T, rows [][]byte) []record {
	t.Helper()
	recs := make([]record, 0, len(rows))
	for i, line := range rows {
		var r record
		if err := json.Unmarshal(line, &r); err != nil {
			t.Fatalf("row %d is not JSON: %v\n%s", i+1, err, line)
		}
		recs = append(recs, r)
	}
	return recs
}

func TestRowsAreStreamingRecords(t *testing.T) {
	rows := MDERows(Options{Seed: 7, Events: 5000, StagingRatio: 0.05})
	if len(rows) != 5000 {
		t.Fatalf("got %d rows, want 5000", len(rows))
	}
	byCategory := map[string]int{}
	for i, r := range decodeRows(t, rows) {
		if r.OperationName != "Publish" || r.TenantID == "" || r.Time == "" {
			t.Fatalf("row %d: incomplete envelope %+v", i+1, r)
		}
		byCategory[r.Category]++
		ts, _ := r.Properties["Timestamp"].(string)
		if _, err := time.Parse(time.RFC3339Nano, ts); err != nil {
			t.Fatalf("row %d: Timestamp %q: %v", i+1, ts, err)
		}
		for _, k := range []string{"DeviceName", "DeviceId", "ActionType", "ReportId", "InitiatingProcessFileName"} {
			if _, ok := r.Properties[k]; !ok {
				t.Fatalf("row %d: no %s", i+1, k)
			}
		}
	}
	if len(byCategory) != 3 {
		t.Fatalf("categories %v, want file, process and network rows", byCategory)
	}
	if f := byCategory["AdvancedHunting-DeviceFileEvents"]; f < len(rows)*3/5 {
		t.Errorf("only %d of %d rows are DeviceFileEvents; want most", f, len(rows))
	}
}

func TestStagingRatio(t *testing.T) {
	tests := []struct {
		name  string
		ratio float64
	}{
		{"none", 0},
		{"one percent", 0.01},
		{"five percent", 0.05},
		{"a third", 0.33},
		{"all", 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := newGen(Options{Seed: 3, Events: 20000, StagingRatio: tc.ratio})
			for {
				if _, ok := g.next(nil); !ok {
					break
				}
			}
			got := float64(g.stagedOut) / float64(g.emitted)
			if math.Abs(got-tc.ratio) > 0.02 {
				t.Errorf("staging share %.3f, want %.3f", got, tc.ratio)
			}
		})
	}
}

func TestTimestampsSlightlyOutOfOrder(t *testing.T) {
	start := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	recs := decodeRows(t, MDERows(Options{Seed: 9, Events: 4000, Start: start}))
	var prev time.Time
	backwards := 0
	for i, r := range recs {
		ts, _ := time.Parse(time.RFC3339Nano, r.Properties["Timestamp"].(string))
		if ts.Before(start.Add(-3 * time.Second)) {
			t.Fatalf("row %d: %v is before the start", i+1, ts)
		}
		if ts.Before(prev) {
			backwards++
			if prev.Sub(ts) > 5*time.Second {
				t.Fatalf("row %d: %v is %v before the row above", i+1, ts, prev.Sub(ts))
			}
		}
		prev = ts
	}
	if backwards == 0 || backwards > len(recs)/2 {
		t.Errorf("%d of %d rows go back in time; want a few", backwards, len(recs))
	}
}

func TestCRLF(t *testing.T) {
	for i, row := range MDERows(Options{Seed: 1, Events: 50, CRLF: true}) {
		if !bytes.HasSuffix(row, []byte("}\r\n")) || bytes.Count(row, []byte("\n")) != 1 {
			t.Fatalf("row %d does not end in CRLF: %q", i+1, row[max(0, len(row)-10):])
		}
	}
}

// TestFieldsMatchRealSample checks that generated DeviceFileEvents rows
// carry every property of a real streamed row.
func TestFieldsMatchRealSample(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "samples", "mde", "streaming_storage_DeviceFileEvents_FileCreated.json"))
	if err != nil {
		t.Skip("shared samples not present:", err)
	}
	var real record
	if err := json.Unmarshal(b, &real); err != nil {
		t.Fatal(err)
	}
	for _, r := range decodeRows(t, MDERows(Options{Seed: 5, Events: 200})) {
		if r.Category != real.Category {
			continue
		}
		if diff := cmp.Diff(keys(real.Properties), keys(r.Properties)); diff != "" {
			t.Fatalf("property names differ from the real sample (-real +synth):\n%s", diff)
		}
		return
	}
	t.Fatal("no DeviceFileEvents row generated")
}

func keys(m map[string]any) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func BenchmarkMDE(b *testing.B) {
	o := Options{Seed: 1, Events: 10000, StagingRatio: 0.05}
	b.SetBytes(int64(len(MDEBytes(o))))
	b.ReportAllocs()
	for b.Loop() {
		if err := MDE(io.Discard, o); err != nil {
			b.Fatal(err)
		}
	}
}

var update = flag.Bool("update", false, "rewrite testdata golden files")

// TestGolden pins the output for one seed, so a change to the generator
// (and so to every benchmark input) is a visible diff. Refresh it with
// go test ./internal/synth -update.
func TestGolden(t *testing.T) {
	got := MDEBytes(Options{Seed: 1, Events: 6, Hosts: 2, StagingRatio: 0.5})
	golden.Check(t, filepath.Join("testdata", "seed1.golden.ndjson"), got, *update)
}
