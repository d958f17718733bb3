package cloudtrail

import (
	"bytes"
	"io"
	"os"
	"testing"
)

// FuzzDecoder feeds arbitrary input: the decoder must not panic, must end,
// and every event must have a kind.
func FuzzDecoder(f *testing.F) {
	for _, name := range []string{"bad.jsonl", "eventbridge.json", "lookup_events.json", "truncated_records.json", "digest.json"} {
		if b, err := os.ReadFile("testdata/" + name); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"Records":[{"eventName":"PutObject","eventTime":"2026-01-01T00:00:00Z","requestParameters":{"bucketName":"b","key":"k"}}]}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		d := NewDecoder(bytes.NewReader(in), Options{MaxLine: 4096})
		for i := 0; ; i++ {
			ev, err := d.Decode()
			if err == io.EOF {
				return
			}
			if i > len(in)+2 {
				t.Fatalf("more results (%d) than input bytes", i)
			}
			if err == nil && ev.Kind == 0 {
				t.Fatalf("event without a kind: %+v", ev)
			}
		}
	})
}
