package ecs

import (
	"bytes"
	"testing"

	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/decode/internal/decodetest"
)

// FuzzDecode checks that any input decodes to events or errors without
// panicking or looping, and that every result carries its origin.
func FuzzDecode(f *testing.F) {
	decodetest.Seed(f, "testdata/*")
	f.Add([]byte(`{"@timestamp":1,"event.category":"file","event.action":"mounted","file.path":"/m","mount.source":"//[::1]:445/x"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		d := NewDecoder(bytes.NewReader(data), Options{File: "fuzz", MaxRecord: 4096})
		decodetest.Drain(t, d, len(data)+10, decodetest.Checks{
			Error: func(de *stagewatch.DecodeError) bool { return de.Origin.Line != 0 && de.Origin.Record != 0 },
			Event: func(ev *stagewatch.Event) bool { return ev.Kind != stagewatch.KindUnknown && ev.Origin.Record != 0 },
		})
	})
}
