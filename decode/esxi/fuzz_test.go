package esxi

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/decode/internal/decodetest"
)

// FuzzDecode checks that any input decodes without panicking or looping,
// that every error is a *stagewatch.DecodeError naming a line, and that
// the result does not depend on how the input is cut into reads.
func FuzzDecode(f *testing.F) {
	for _, dir := range []string{"testdata", samplesDir} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.log"))
		for _, file := range files {
			if b, err := os.ReadFile(file); err == nil {
				f.Add(b)
				f.Add(b[:len(b)/2])
			}
		}
	}
	f.Add([]byte("<14>Dec 31 23:59:59 h shell[1]: [root]: x\n<14>Jan  1 00:00:00 h shell[1]: y\n"))
	f.Add([]byte("2025-03-14T02:10:05Z In(1) a[1]:+ -->\n-->\n \n"))
	f.Add([]byte("<1>1 2025-03-14T02:10:05Z h - - - -\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		got := fuzzDecode(t, bytes.NewReader(in), len(in))
		again := fuzzDecode(t, &decodetest.OneByte{B: in}, len(in))
		if diff := cmp.Diff(got, again); diff != "" {
			t.Errorf("one-byte reads decode differently (-whole +one byte):\n%s", diff)
		}
	})
}

// fuzzDecode drains one decoding of r: every error a *DecodeError with a
// line and a reason, every event complete; it returns the results in order.
func fuzzDecode(t *testing.T, r io.Reader, size int) []string {
	return decodetest.Drain(t, NewDecoder(r, Options{File: "fuzz.log", MaxLine: 4096}), size+2, decodetest.Checks{
		Error: func(de *stagewatch.DecodeError) bool { return de.Origin.Line >= 1 },
		Event: func(ev *stagewatch.Event) bool {
			return ev.Origin.Format == Format && ev.Origin.Line >= 1 && ev.Origin.Record >= 1 && !ev.Time.IsZero() && ev.Host.OS == stagewatch.ESXi
		},
		Key: func(ev *stagewatch.Event) string { return ev.Kind.String() + " " + ev.File.Path + ev.Proc.CommandLine },
	})
}
