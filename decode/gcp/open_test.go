package gcp_test

import (
	"bytes"
	"os"
	"testing"

	"github.com/stagewatch/stagewatch/decode"
	"github.com/stagewatch/stagewatch/decode/gcp"
)

// TestSniff checks that Open picks the gcp format for every shape
// it reads, and that --format gcp forces it.
func TestSniff(t *testing.T) {
	for _, name := range []string{"bad.jsonl", "gcloud_read.json", "pubsub_pull.json", "pubsub_push.jsonl"} {
		t.Run(name, func(t *testing.T) {
			b, err := os.ReadFile("testdata/" + name)
			if err != nil {
				t.Fatal(err)
			}
			in, err := decode.Open(name, bytes.NewReader(b), decode.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if in.Format() != gcp.Format {
				t.Errorf("sniffed %q, want %q", in.Format(), gcp.Format)
			}
		})
	}
	if gcp.Sniff([]byte(`{"protoPayload":{}}`)) || gcp.Sniff([]byte(`{"message":{"data":"aGVsbG8="}}`)) {
		t.Error("sniffed a non-record")
	}
}
