package sysmonlinux

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stagewatch/stagewatch"
)

// FuzzDecode checks that no input makes the decoder panic or loop, that
// every record-level error is a *stagewatch.DecodeError with a reason, and
// that every event has a time and a Linux host.
func FuzzDecode(f *testing.F) {
	for _, pattern := range []string{"testdata/*.log", filepath.Join(samplesDir, "*.log")} {
		files, _ := filepath.Glob(pattern)
		for _, name := range files {
			if b, err := os.ReadFile(name); err == nil {
				f.Add(b)
			}
		}
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		d := NewDecoder(bytes.NewReader(in), Options{File: "fuzz", MaxLine: 1 << 16})
		for n := 0; ; n++ {
			if n > len(in)+10 {
				t.Fatalf("more results (%d) than input bytes", n)
			}
			ev, err := d.Decode()
			if err == io.EOF {
				return
			}
			var de *stagewatch.DecodeError
			if errors.As(err, &de) {
				if de.Reason == "" {
					t.Fatalf("decode error without a reason: %v", err)
				}
				continue
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if ev.Time.IsZero() || ev.Host.OS != stagewatch.Linux {
				t.Fatalf("event without time or Linux host: %+v", ev)
			}
		}
	})
}
