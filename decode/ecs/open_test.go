package ecs_test

import (
	"io"
	"path/filepath"
	"testing"

	"github.com/stagewatch/stagewatch/decode"
)

var shared = filepath.Join("..", "..", "..", "shared")

// TestOpenSniffs opens inputs through the format registry and checks that
// each goes to the right format: Winlogbeat ECS documents (with winlog.*)
// to winjson, Elastic Endpoint and Auditbeat documents to ecs, eslogger
// lines (which also have "event" and "process" objects) to eslogger.
func TestOpenSniffs(t *testing.T) {
	tests := []struct {
		glob, format string
	}{
		{"testdata/endpoint_macos.ndjson", "ecs"},
		{"testdata/auditbeat_linux.ndjson", "ecs"},
		{"testdata/endpoint_windows.json", "ecs"},
		{"testdata/search_response.json", "ecs"},
		{"../eslogger/testdata/attacker_macos.jsonl", "eslogger"},
		{"../winjson/testdata/winlogbeat.ndjson", "winjson"},
		{filepath.Join(shared, "samples/ecs/*.json"), "winjson"},
		{filepath.Join(shared, "samples/sysmon/*.json"), "winjson"},
		{filepath.Join(shared, "samples/eslogger/*.jsonl"), "eslogger"},
		{filepath.Join(shared, "samples/mde/*"), "mde"},
	}
	for _, tc := range tests {
		files, _ := filepath.Glob(tc.glob)
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
				} else if err != nil && tc.format == "ecs" {
					t.Errorf("%v", err)
				}
			}
			in.Close()
		}
	}
}
