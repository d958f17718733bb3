package eslogger

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/decode/internal/decodetest"
)

// FuzzDecode checks that any input decodes to events or errors without
// panicking or looping, and that every result carries its origin.
func FuzzDecode(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.jsonl")
	for _, name := range files {
		if strings.HasSuffix(name, ".golden.jsonl") {
			continue
		}
		if b, err := os.ReadFile(name); err == nil {
			for _, line := range bytes.Split(b, []byte("\n")) {
				f.Add(line)
			}
		}
	}
	f.Add([]byte(`{"version":10,"time":"2026-01-01T00:00:00Z","process":{"audit_token":[0,0,0,0,0,1,0,1]},"event":{"mount":{"statfs":{"f_mntfromname":"//a@[::1]:445/x"}}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		d := NewDecoder(bytes.NewReader(data), Options{File: "fuzz", MaxLine: 4096})
		decodetest.Drain(t, d, len(data)+10, decodetest.Checks{
			Error: func(de *stagewatch.DecodeError) bool { return de.Origin.Line != 0 },
			Event: func(ev *stagewatch.Event) bool {
				return !ev.Time.IsZero() && ev.Kind != stagewatch.KindUnknown && ev.Origin.Line != 0
			},
		})
	})
}
