package demo

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stagewatch/stagewatch/internal/demo/gen"
)

var update = flag.Bool("update", false, "rewrite data/ from the gen package")

// dataFile is the one file the generator writes.
const dataFile = "mde_morning.ndjson"

// TestDataUpToDate checks that the committed dataset is what the generator
// produces; -update rewrites it.
func TestDataUpToDate(t *testing.T) {
	var buf bytes.Buffer
	if err := gen.WriteNDJSON(&buf, gen.Dataset()); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("data", dataFile)
	if *update {
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, buf.Bytes()) {
		t.Errorf("%s is stale; run go generate ./internal/demo", path)
	}
	var again bytes.Buffer
	if err := gen.WriteNDJSON(&again, gen.Dataset()); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again.Bytes(), buf.Bytes()) {
		t.Error("gen.Dataset is not deterministic")
	}
}
