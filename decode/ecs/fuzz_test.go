package ecs

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stagewatch/stagewatch"
)

// FuzzDecode checks that any input decodes to events or errors without
// panicking or looping, and that every result carries its origin.
func FuzzDecode(f *testing.F) {
	files, _ := filepath.Glob("testdata/*")
	for _, name := range files {
		if strings.HasSuffix(name, ".golden.jsonl") || strings.HasSuffix(name, ".md") {
			continue
		}
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"@timestamp":1,"event.category":"file","event.action":"mounted","file.path":"/m","mount.source":"//[::1]:445/x"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		d := NewDecoder(bytes.NewReader(data), Options{File: "fuzz", MaxRecord: 4096})
		for i := 0; ; i++ {
			if i > len(data)+10 {
				t.Fatal("more results than input bytes: decoder does not progress")
			}
			ev, err := d.Decode()
			if err == io.EOF {
				return
			}
			var de *stagewatch.DecodeError
			switch {
			case errors.As(err, &de):
				if de.Reason == "" || de.Origin.Line == 0 || de.Origin.Record == 0 {
					t.Fatalf("decode error without reason or origin: %+v", de)
				}
			case err != nil:
				t.Fatalf("unexpected error: %v", err)
			case ev.Kind == stagewatch.KindUnknown || ev.Origin.Record == 0:
				t.Fatalf("incomplete event: %+v", ev)
			}
		}
	})
}
