package syslogrows

import (
	"bytes"
	"flag"
	"io"
	"testing"

	"github.com/stagewatch/stagewatch/decode/internal/decodetest"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden.jsonl")

// decodeAll decodes r to the end and renders it with decodetest.Render.
func decodeAll(t testing.TB, r io.Reader, opts Options) []byte {
	t.Helper()
	d := NewDecoder(r, opts)
	return decodetest.Render(t, d, decodetest.Options{At: "line", Counts: func() map[string]int {
		return map[string]int{"ignored": d.Ignored()}
	}})
}

// decodeFile decodes one input file for decodetest.Golden.
func decodeFile(t *testing.T, name string, b []byte) []byte {
	return decodeAll(t, bytes.NewReader(b), Options{File: name})
}

// TestGolden decodes every fixture in testdata.
func TestGolden(t *testing.T) {
	decodetest.Golden(t, "testdata/*.json", *update, decodeFile)
}
