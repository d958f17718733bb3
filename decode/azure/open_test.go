package azure_test

import (
	"bytes"
	"os"
	"testing"

	"github.com/stagewatch/stagewatch/decode"
	"github.com/stagewatch/stagewatch/decode/azure"
)

// TestSniff checks that Open picks the azure format for every shape
// it reads, and that --format azure forces it.
func TestSniff(t *testing.T) {
	for _, name := range []string{"activity.jsonl", "azure_activity_table.json", "bad.jsonl", "storage_blob_logs.json"} {
		t.Run(name, func(t *testing.T) {
			b, err := os.ReadFile("testdata/" + name)
			if err != nil {
				t.Fatal(err)
			}
			in, err := decode.Open(name, bytes.NewReader(b), decode.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if in.Format() != azure.Format {
				t.Errorf("sniffed %q, want %q", in.Format(), azure.Format)
			}
		})
	}
	if azure.Sniff([]byte(`{"operationName":"x"}`)) || azure.Sniff([]byte(`operationName callerIpAddress`)) {
		t.Error("sniffed a non-record")
	}
}
