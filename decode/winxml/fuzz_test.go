package winxml

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
		files, _ := filepath.Glob(filepath.Join(dir, "*.xml"))
		for _, file := range files {
			if b, err := os.ReadFile(file); err == nil {
				f.Add(b)
				f.Add(b[:len(b)/2])
			}
		}
	}
	f.Add([]byte(`<Events><Event><System><EventID>1</EventID></System></Event>`))
	f.Add([]byte("<Event\n<Event>"))
	f.Add([]byte(`<Event><![CDATA[</Event>]]></Event>`))
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
	return decodetest.Drain(t, NewDecoder(r, Options{File: "fuzz.xml", MaxEvent: 4096}), size+2, decodetest.Checks{
		Error: func(de *stagewatch.DecodeError) bool { return de.Origin.Line >= 1 },
		Event: func(ev *stagewatch.Event) bool {
			return ev.Origin.Format == Format && ev.Origin.Line >= 1 && ev.Origin.Record >= 1 && !ev.Time.IsZero()
		},
		Key: func(ev *stagewatch.Event) string {
			return ev.Origin.RecordID + " " + ev.Kind.String() + " " + ev.File.Path + ev.Proc.CommandLine
		},
	})
}
