package ocsf

import (
	"bytes"
	"io"
	"os"
	"testing"
)

// BenchmarkDecode decodes the cloud and file fixtures repeated to about
// 4 MB, NDJSON and pretty-printed array mixed.
func BenchmarkDecode(b *testing.B) {
	var one []byte
	for _, f := range []string{"testdata/cloud.jsonl", "testdata/files.json"} {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		one = append(append(one, data...), '\n')
	}
	input := bytes.Repeat(one, 4<<20/len(one))
	b.SetBytes(int64(len(input)))
	b.ReportAllocs()
	events := 0
	for b.Loop() {
		d := NewDecoder(bytes.NewReader(input), Options{})
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
}
