package azure

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

// TestGolden decodes the fixtures under testdata: a service principal
// staging 150 blobs (some as PutBlock + PutBlockList) into
// acmestage/tmp-transfer among nightly SAS backups and CI uploads, denied
// writes, StorageBlobLogs rows, Activity log snapshots, images, a disk SAS
// export and listKeys, an AzureActivity row, and bad records.
func TestGolden(t *testing.T) {
	cloudtest.Golden(t, "testdata", "testdata", *update, open)
}

// TestSamples decodes the shared format samples.
func TestSamples(t *testing.T) {
	cloudtest.Golden(t, "../../../shared/samples/azure", "testdata/samples", *update, open)
}
