package sink

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRotatingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "alerts.ndjson")
	r, err := OpenRotating(path, 10, 2)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{"aaaa\n", "bbbb\n", "cccc\n", "dddd\n", "eeeeeeeeeeeeeeee\n", "ffff\n"} {
		if _, err := r.Write([]byte(line)); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, p := range []string{path, path + ".1", path + ".2", path + ".3"} {
		if b, err := os.ReadFile(p); err == nil {
			got[filepath.Base(p)] = string(b)
		}
	}
	want := map[string]string{
		"alerts.ndjson":   "ffff\n",
		"alerts.ndjson.1": "eeeeeeeeeeeeeeee\n",
		"alerts.ndjson.2": "cccc\ndddd\n",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
}
