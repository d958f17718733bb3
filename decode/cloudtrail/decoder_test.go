package cloudtrail

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

// TestGolden decodes the fixtures under testdata: an attacker role on three
// instances staging 600 objects into acme-tmp-transfer among nightly
// backups and CI uploads, snapshots and images shared and copied,
// EventBridge and LookupEvents shapes, bad records, a cut delivery file and
// a digest file.
func TestGolden(t *testing.T) {
	cloudtest.Golden(t, "testdata", "testdata", *update, open)
}

// TestSamples decodes the shared format samples.
func TestSamples(t *testing.T) {
	cloudtest.Golden(t, "../../../shared/samples/cloudtrail", "testdata/samples", *update, open)
}

// TestCorpus decodes the recorded EC2-proxied S3 exfiltration.
func TestCorpus(t *testing.T) {
	cloudtest.Golden(t, "../../../shared/corpus/cloud", "testdata/corpus", *update, open)
}
