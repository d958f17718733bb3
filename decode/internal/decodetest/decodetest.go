// Package decodetest holds the test loops that the decoders' golden and
// fuzz tests share: decode an input to the end and render what came out,
// check every testdata input against its golden file, seed a fuzz corpus
// from files, and drain a decoder under fuzzing checking the Source
// contract.
package decodetest

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/internal/golden"
)

// Options shape what Render writes.
type Options struct {
	// At names the Origin field written with each decode error: "line",
	// "record", or "" for none.
	At string
	// Counts, when set, is called at the end and its map written as the
	// last line (a decoder's Ignored and similar counters).
	Counts func() map[string]int
}

// Render decodes src to the end and renders each event and decode error as
// one JSON line: the event itself, or {"error", "reason"} with the Origin
// field named by o.At. Another error is written as {"fatal"} and ends the
// input.
func Render(t testing.TB, src stagewatch.Source, o Options) []byte {
	t.Helper()
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	for {
		ev, err := src.Decode()
		if err == io.EOF {
			break
		}
		var de *stagewatch.DecodeError
		if errors.As(err, &de) {
			line := map[string]any{"error": de.Error(), "reason": de.Reason}
			switch o.At {
			case "line":
				line["line"] = de.Origin.Line
			case "record":
				line["record"] = de.Origin.Record
			}
			enc.Encode(line)
			continue
		}
		if err != nil {
			enc.Encode(map[string]string{"fatal": err.Error()})
			break
		}
		enc.Encode(ev)
	}
	if o.Counts != nil {
		enc.Encode(o.Counts())
	}
	return out.Bytes()
}

// RenderFunc decodes one input file, named name, and renders the result.
type RenderFunc func(t *testing.T, name string, data []byte) []byte

// Golden runs render over every input file matching pattern (see Inputs),
// each in a subtest named after the file, and checks the result against
// the file of the same name with the extension replaced by
// ".golden.jsonl". With update it rewrites the golden files. It fails when
// no input matches.
func Golden(t *testing.T, pattern string, update bool, render RenderFunc) {
	t.Helper()
	files := Inputs(t, pattern)
	if len(files) == 0 {
		t.Fatalf("no inputs match %s", pattern)
	}
	check(t, files, "", update, render)
}

// Samples is Golden for inputs outside the package (the shared samples and
// corpus): the golden files are kept in goldenDir, and the test is skipped
// when no input matches.
func Samples(t *testing.T, pattern, goldenDir string, update bool, render RenderFunc) {
	t.Helper()
	files := Inputs(t, pattern)
	if len(files) == 0 {
		t.Skipf("no inputs match %s", pattern)
	}
	check(t, files, goldenDir, update, render)
}

func check(t *testing.T, files []string, goldenDir string, update bool, render RenderFunc) {
	for _, in := range files {
		name := filepath.Base(in)
		want := strings.TrimSuffix(in, filepath.Ext(in)) + ".golden.jsonl"
		if goldenDir != "" {
			want = filepath.Join(goldenDir, strings.TrimSuffix(name, filepath.Ext(name))+".golden.jsonl")
		}
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			golden.Check(t, want, render(t, name, data), update)
		})
	}
}

// Inputs returns the files matching pattern that are test inputs: not
// folders, golden files (*.golden.jsonl) or notes (*.md).
func Inputs(t testing.TB, pattern string) []string {
	t.Helper()
	files, err := filepath.Glob(pattern)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range files {
		if strings.HasSuffix(f, ".golden.jsonl") || strings.HasSuffix(f, ".md") {
			continue
		}
		if st, err := os.Stat(f); err != nil || st.IsDir() {
			continue
		}
		out = append(out, f)
	}
	return out
}

// Seed adds the input files matching each pattern to f's corpus. A
// pattern matching nothing (shared samples absent) adds nothing.
func Seed(f *testing.F, patterns ...string) {
	for _, p := range patterns {
		for _, name := range Inputs(f, p) {
			if b, err := os.ReadFile(name); err == nil {
				f.Add(b)
			}
		}
	}
}

// Checks validate results beyond the Source contract while draining.
type Checks struct {
	Error func(*stagewatch.DecodeError) bool // nil: a reason is enough
	Event func(*stagewatch.Event) bool       // nil: any event
	// Key, when set, makes Drain return one line per result: the error's
	// text, or Key of the event; fuzz targets compare two decodings of
	// one input with it.
	Key func(*stagewatch.Event) string
}

// Drain decodes src to the end, as a fuzz target does, and fails t when
// src returns more than limit results (a decoder that does not progress),
// a nil event without an error, an error that is not a
// *stagewatch.DecodeError, a DecodeError without a reason, or a result its
// check rejects. With c.Key set it returns the results, one line each.
func Drain(t testing.TB, src stagewatch.Source, limit int, c Checks) []string {
	t.Helper()
	var out []string
	for n := 0; ; n++ {
		if n > limit {
			t.Fatalf("more than %d results: the decoder does not progress", limit)
		}
		ev, err := src.Decode()
		if err == io.EOF {
			return out
		}
		var de *stagewatch.DecodeError
		switch {
		case errors.As(err, &de):
			if de.Reason == "" || (c.Error != nil && !c.Error(de)) {
				t.Fatalf("decode error without reason or origin: %#v", de)
			}
		case err != nil:
			t.Fatalf("error from an in-memory reader: %v", err)
		case ev == nil:
			t.Fatal("nil event without error")
		case c.Event != nil && !c.Event(ev):
			t.Fatalf("incomplete event: %+v", ev)
		}
		if c.Key != nil {
			if err != nil {
				out = append(out, err.Error())
			} else {
				out = append(out, c.Key(ev))
			}
		}
	}
}

// OneByte is a reader that returns one byte per Read, to exercise every
// buffer boundary of a decoder.
type OneByte struct{ B []byte }

// Read implements io.Reader.
func (r *OneByte) Read(p []byte) (int, error) {
	if len(r.B) == 0 {
		return 0, io.EOF
	}
	if len(p) == 0 {
		return 0, nil
	}
	p[0], r.B = r.B[0], r.B[1:]
	return 1, nil
}
