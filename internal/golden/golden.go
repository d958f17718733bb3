// Package golden checks test output against golden files, the way every
// package of stagewatch tests its decoders, sinks and generators: the file
// holds the expected output, and running the tests with -update rewrites it.
//
// Each test package declares its own -update flag and passes its value, so
// this package keeps no state.
package golden

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Check compares got with the file at path. With update it writes got to
// path instead (creating its folder) and passes.
func Check(t testing.TB, path string, got []byte, update bool) {
	t.Helper()
	if update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run the test with -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("output differs from %s (-want +got; run with -update if intended):\n%s", path, diff)
	}
}
