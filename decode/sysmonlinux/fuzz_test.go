package sysmonlinux

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/decode/internal/decodetest"
)

// FuzzDecode checks that no input makes the decoder panic or loop, that
// every record-level error is a *stagewatch.DecodeError with a reason, and
// that every event has a time and a Linux host.
func FuzzDecode(f *testing.F) {
	decodetest.Seed(f, "testdata/*.log", filepath.Join(samplesDir, "*.log"))
	f.Fuzz(func(t *testing.T, in []byte) {
		d := NewDecoder(bytes.NewReader(in), Options{File: "fuzz", MaxLine: 1 << 16})
		decodetest.Drain(t, d, len(in)+10, decodetest.Checks{Event: func(ev *stagewatch.Event) bool {
			return !ev.Time.IsZero() && ev.Host.OS == stagewatch.Linux
		}})
	})
}
