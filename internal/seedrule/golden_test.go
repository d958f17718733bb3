package seedrule

import (
	"encoding/json"
	"flag"
	"github.com/stagewatch/stagewatch/internal/golden"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the testdata/*.seed.golden.json files")

// TestSeedGolden runs the seed reference over every fixture and compares its
// rows with testdata/<case>.seed.golden.json.
func TestSeedGolden(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join("testdata", "*.ndjson"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, path := range paths {
		name := strings.TrimSuffix(filepath.Base(path), ".ndjson")
		t.Run(name, func(t *testing.T) {
			hits := Run(readFixture(t, name), time.Time{})
			got, err := json.MarshalIndent(hits, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			golden.Check(t, filepath.Join("testdata", name+".seed.golden.json"), got, *update)
		})
	}
}

// readFixture reads testdata/<name>.ndjson as the seed sees it.
func readFixture(t *testing.T, name string) []Row {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name+".ndjson"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := ReadRows(f, name)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}
