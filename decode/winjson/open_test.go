package winjson_test

import (
	"errors"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stagewatch/stagewatch/decode"
)

var shared = filepath.Join("..", "..", "..", "shared")

// TestOpenSniffs opens real inputs through the format registry: Windows
// JSON (gzip'd or not) must be taken by winjson and MDE by mde, in both
// directions.
func TestOpenSniffs(t *testing.T) {
	tests := []struct {
		glob, format string
	}{
		{"corpus/windows/json/*.json.gz", "winjson"},
		{"corpus/windows/sigma-regression/*/*.json", "winjson"},
		{"samples/sysmon/*.json", "winjson"},
		{"samples/ecs/*.json", "winjson"},
		{"samples/mde/*", "mde"},
	}
	for _, tc := range tests {
		files, _ := filepath.Glob(filepath.Join(shared, tc.glob))
		if len(files) == 0 {
			t.Logf("skipping %s: not available", tc.glob)
			continue
		}
		for _, p := range files {
			in, err := decode.OpenFile(p, decode.Options{})
			if err != nil {
				t.Errorf("%s: %v", p, err)
				continue
			}
			if in.Format() != tc.format {
				t.Errorf("%s: format %s, want %s", p, in.Format(), tc.format)
			}
			for {
				if _, err := in.Decode(); err == io.EOF {
					break
				} else if err != nil && tc.format == "winjson" {
					t.Errorf("%v", err)
				}
			}
			if st := in.Stats(); tc.format == "winjson" && st.Bad > 0 {
				t.Errorf("%s: %d bad records", p, st.Bad)
			}
			in.Close()
		}
	}
}

// TestOpenUnknownShape checks that JSON whose head matches no shape is
// refused as a whole file, and that forcing the format reports each
// record instead.
func TestOpenUnknownShape(t *testing.T) {
	const in = `{"eventName":"GetObject","eventTime":"2024-01-01T00:00:00Z"}` + "\n"
	_, err := decode.Open("x.json", strings.NewReader(in), decode.Options{})
	if !errors.Is(err, decode.ErrUnknownFormat) {
		t.Fatalf("Open: %v, want %v", err, decode.ErrUnknownFormat)
	}
	src, err := decode.Open("x.json", strings.NewReader(in), decode.Options{Format: "winjson"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = src.Decode()
	if err == nil || !strings.Contains(err.Error(), "x.json:1: unknown json shape") {
		t.Errorf("Decode: %v, want x.json:1: unknown json shape", err)
	}
}
