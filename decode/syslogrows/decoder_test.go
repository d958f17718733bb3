package syslogrows

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/internal/golden"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden.jsonl")

// decodeAll decodes r to the end and renders every event, decode error,
// the ignored count and a fatal error as JSON lines.
func decodeAll(t testing.TB, r io.Reader, opts Options) []byte {
	t.Helper()
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	d := NewDecoder(r, opts)
	for {
		ev, err := d.Decode()
		if err == io.EOF {
			break
		}
		var de *stagewatch.DecodeError
		switch {
		case errors.As(err, &de):
			enc.Encode(map[string]any{"error": de.Error(), "reason": de.Reason, "line": de.Origin.Line})
			continue
		case err != nil:
			enc.Encode(map[string]string{"fatal": err.Error()})
		default:
			enc.Encode(ev)
			continue
		}
		break
	}
	enc.Encode(map[string]int{"ignored": d.Ignored()})
	return out.Bytes()
}

// TestGolden decodes every fixture in testdata.
func TestGolden(t *testing.T) {
	inputs, err := filepath.Glob("testdata/*.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(inputs) == 0 {
		t.Fatal("no fixtures")
	}
	for _, in := range inputs {
		name := strings.TrimSuffix(filepath.Base(in), ".json")
		t.Run(name, func(t *testing.T) {
			f, err := os.Open(in)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			got := decodeAll(t, f, Options{File: filepath.Base(in)})
			golden.Check(t, filepath.Join("testdata", name+".golden.jsonl"), got, *update)
		})
	}
}
