package ecs

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/decode/internal/decodetest"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden.jsonl")

// shared is the project's shared folder of real samples, beside the
// repository.
var shared = filepath.Join("..", "..", "..", "shared")

// decodeAll decodes r to the end and renders it with decodetest.Render.
func decodeAll(t testing.TB, r io.Reader, name string) []byte {
	t.Helper()
	d := NewDecoder(r, Options{File: name})
	return decodetest.Render(t, d, decodetest.Options{Counts: func() map[string]int {
		return map[string]int{"ignored": d.Ignored()}
	}})
}

// decodeFile decodes one input file for decodetest.Golden.
func decodeFile(t *testing.T, name string, b []byte) []byte {
	return decodeAll(t, bytes.NewReader(b), name)
}

// TestGolden decodes every input in testdata.
func TestGolden(t *testing.T) {
	decodetest.Golden(t, "testdata/*", *update, decodeFile)
}

// TestSamples decodes the real ECS samples in ../shared/samples/ecs. They
// are Winlogbeat/Elastic Agent Sysmon documents, which sniff as winjson
// (see TestOpenSniffs); forced to ecs they are read from their ECS fields.
func TestSamples(t *testing.T) {
	decodetest.Samples(t, filepath.Join(shared, "samples", "ecs", "*.json"), filepath.Join("testdata", "samples"), *update, decodeFile)
}

func TestLookup(t *testing.T) {
	d := parseDoc(t, `{"process.parent":{"pid":7},"process":{"parent.name":"zsh","args":["a","b c"]},"event.category":"file","host.os":{"type":"macos"},"a.b.c":1,"a":{"b":{"c":2}},"dup":1,"dup":"last"}`)
	tests := []struct{ path, want string }{
		{"process.parent.pid", "7"},
		{"process.parent.name", "zsh"},
		{"process.args", "a"},
		{"event.category", "file"},
		{"host.os.type", "macos"},
		{"a.b.c", "1"}, // the exact dotted key wins
		{"dup", "last"},
		{"process.parent.executable", ""},
		{"missing", ""},
	}
	for _, tc := range tests {
		if got := d.str(tc.path); got != tc.want {
			t.Errorf("str(%q) = %q, want %q", tc.path, got, tc.want)
		}
	}
	if diff := cmp.Diff([]string{"file"}, d.strs("event.category")); diff != "" {
		t.Errorf("strs(event.category) (-want +got):\n%s", diff)
	}
}

// parseDoc parses one JSON object into a document.
func parseDoc(t *testing.T, s string) doc {
	t.Helper()
	tr := new(tree)
	if err := tr.parse([]byte(s)); err != nil {
		t.Fatalf("%s: %v", s, err)
	}
	return doc{tr, 0}
}

func TestJoinArgs(t *testing.T) {
	tests := []struct {
		os   stagewatch.OS
		args []string
		want string
	}{
		{stagewatch.Linux, []string{"tar", "-czf", "/dev/shm/x.tgz", "/var/www"}, "tar -czf /dev/shm/x.tgz /var/www"},
		{stagewatch.MacOS, []string{"rsync", "/Users/a/Application Support/", "it's"}, `rsync '/Users/a/Application Support/' 'it'\''s'`},
		{stagewatch.Windows, []string{`C:\Program Files\7-Zip\7z.exe`, "a", `C:\x\*`}, `"C:\Program Files\7-Zip\7z.exe" a C:\x\*`},
		{stagewatch.Linux, nil, ""},
	}
	for _, tc := range tests {
		if diff := cmp.Diff(tc.want, joinArgs(tc.os, tc.args)); diff != "" {
			t.Errorf("joinArgs(%q) (-want +got):\n%s", tc.args, diff)
		}
	}
}

func TestHostOS(t *testing.T) {
	tests := map[string]stagewatch.OS{
		`{"host":{"os":{"type":"macos"}}}`:          stagewatch.MacOS,
		`{"host":{"os":{"family":"darwin"}}}`:       stagewatch.MacOS,
		`{"host.os.platform":"ubuntu"}`:             stagewatch.Linux,
		`{"host":{"os":{"family":"redhat"}}}`:       stagewatch.Linux,
		`{"host":{"os":{"type":"windows"}}}`:        stagewatch.Windows,
		`{"process":{"executable":"C:\\x\\y.exe"}}`: stagewatch.Windows,
		`{"file":{"path":"/tmp/x"}}`:                stagewatch.Linux,
		`{"host":{"name":"x"}}`:                     stagewatch.OSUnknown,
	}
	for in, want := range tests {
		if got := hostOS(parseDoc(t, in)); got != want {
			t.Errorf("hostOS(%s) = %q, want %q", in, got, want)
		}
	}
}

func TestKindOf(t *testing.T) {
	tests := []struct {
		name, in string
		want     stagewatch.Kind
		ok       bool
	}{
		{"process start", `{"event":{"category":["process"],"type":["start"]}}`, stagewatch.ProcessStart, true},
		{"process start string", `{"event.category":"process","event.type":"start"}`, stagewatch.ProcessStart, true},
		{"process end", `{"event":{"category":["process"],"type":["end"],"action":"end"}}`, stagewatch.KindUnknown, false},
		{"fork", `{"event":{"category":["process"],"type":["start"],"action":"fork"}}`, stagewatch.KindUnknown, false},
		{"auditd executed", `{"event":{"action":"executed"}}`, stagewatch.ProcessStart, true},
		{"file creation", `{"event":{"category":["file"],"type":["creation"]}}`, stagewatch.FileCreate, true},
		{"file change", `{"event":{"category":["file"],"type":["change"],"action":"overwrite"}}`, stagewatch.FileModify, true},
		{"endpoint rename", `{"event":{"category":["file"],"type":["change"],"action":"rename"}}`, stagewatch.FileRename, true},
		{"rename by original path", `{"event":{"category":["file"],"type":["change"]},"file":{"Ext":{"original":{"path":"/a"}}}}`, stagewatch.FileRename, true},
		{"fim moved", `{"event":{"category":["file"],"type":["change"],"action":["moved"]}}`, stagewatch.FileRename, true},
		{"file deletion", `{"event":{"category":["file"],"type":["deletion"]}}`, stagewatch.FileDelete, true},
		{"file access", `{"event":{"category":["file"],"type":["access"]}}`, stagewatch.FileRead, true},
		{"file info", `{"event":{"category":["file"],"type":["info"]}}`, stagewatch.KindUnknown, false},
		{"network", `{"event":{"category":["network"],"type":["connection","start"]}}`, stagewatch.NetConnect, true},
		{"network end", `{"event":{"category":["network"],"type":["end"],"action":"disconnect_received"}}`, stagewatch.KindUnknown, false},
		{"mount", `{"event":{"category":["file"],"type":["info"],"action":"mounted"}}`, stagewatch.Mount, true},
		{"logon", `{"event":{"category":["authentication"],"type":["start"],"action":"logged-in"}}`, stagewatch.KindUnknown, false},
		{"fim created no categories", `{"event":{"action":["created"]}}`, stagewatch.FileCreate, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := kindOf(parseDoc(t, tc.in))
			if diff := cmp.Diff(tc.want, got); diff != "" || ok != tc.ok {
				t.Errorf("kind (-want +got):\n%s; ok %v, want %v", diff, ok, tc.ok)
			}
		})
	}
}

// TestFraming checks record boundaries, line numbers and recovery: an
// object cut short is reported at its line and reading resumes at the
// next line that starts an object; a value over MaxRecord is skipped
// without being kept.
func TestFraming(t *testing.T) {
	const ok = `{"@timestamp":"2026-01-01T00:00:00Z","event":{"category":"file","type":"creation"},"file":{"path":"/tmp/%d"}}`
	in := strings.Join([]string{
		strings.Replace(ok, "%d", "1", 1),
		`{"@timestamp":"2026-01-01T00:00:00Z","file":{"path":"/tmp/cut`,
		strings.Replace(ok, "%d", "2", 1),
		`{"@timestamp":"2026-01-01T00:00:00Z","event":{"category":"file","type":"creation"},"file":{"path":"/tmp/` + strings.Repeat("x", 300) + `"}}`,
		"[\n" + strings.Replace(ok, "%d", "3", 1) + ",\n" + strings.Replace(ok, "%d", "4", 1) + "\n]",
	}, "\n")
	d := NewDecoder(strings.NewReader(in), Options{File: "f", MaxRecord: 300})
	var got []string
	for {
		ev, err := d.Decode()
		if err == io.EOF {
			break
		}
		if err != nil {
			got = append(got, err.Error())
			continue
		}
		got = append(got, fmt.Sprintf("%s line %d record %d", ev.File.Path, ev.Origin.Line, ev.Origin.Record))
	}
	want := []string{
		"/tmp/1 line 1 record 1",
		"f:2: truncated json",
		"/tmp/2 line 3 record 3",
		"f:4: record longer than 300 bytes",
		"/tmp/3 line 5 record 5",
		"/tmp/4 line 5 record 6",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
