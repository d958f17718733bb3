package winjson

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stagewatch/stagewatch"
)

// FuzzDecode checks that any input decodes to events or errors without
// panicking or looping, that decode errors carry a reason and an origin,
// and that kept strings are valid UTF-8.
func FuzzDecode(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.json*")
	for _, name := range files {
		if strings.HasSuffix(name, ".golden.jsonl") {
			continue
		}
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`[{"EventID":11,"Channel":"Security","TimeGenerated":"2024-01-01T00:00:00Z","EventData":"<Data Name='a'>b</Data>"}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		d := NewDecoder(bytes.NewReader(data), Options{File: "fuzz", MaxLine: 512})
		for i := 0; ; i++ {
			if i > len(data)+10 {
				t.Fatalf("more results than input bytes: decoder does not progress")
			}
			ev, err := d.Decode()
			if err == io.EOF {
				return
			}
			var de *stagewatch.DecodeError
			switch {
			case errors.As(err, &de):
				if de.Reason == "" || de.Origin.Format != Format || de.Origin.Line < 1 {
					t.Fatalf("decode error without reason or origin: %#v", de)
				}
			case err != nil:
				t.Fatalf("fatal error from a bytes.Reader: %v", err)
			case ev == nil:
				t.Fatal("nil event without error")
			default:
				for _, s := range []string{ev.File.Path, ev.Proc.Image, ev.Proc.CommandLine, ev.Host.Name, ev.User.Name} {
					if !utf8.ValidString(s) {
						t.Fatalf("invalid UTF-8 kept: %q", s)
					}
				}
			}
		}
	})
}
