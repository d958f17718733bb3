package gcp

import (
	"flag"
	"io"
	"testing"

	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/decode/internal/cloudtest"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func open(r io.Reader, name string) stagewatch.Source {
	return NewDecoder(r, Options{File: name})
}

// TestGolden decodes the fixtures under testdata: a VM service account
// staging 200 objects among nightly backups and CI copies, denied writes,
// snapshots and an image made public, a bucket shared, gcloud, Pub/Sub
// push and pull shapes, and bad entries.
func TestGolden(t *testing.T) {
	cloudtest.Golden(t, "testdata", "testdata", *update, open)
}

// TestSamples decodes the shared format samples.
func TestSamples(t *testing.T) {
	cloudtest.Golden(t, "../../../shared/samples/gcp", "testdata/samples", *update, open)
}
