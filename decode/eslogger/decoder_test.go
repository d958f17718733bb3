package eslogger

import (
	"bytes"
	"encoding/json"
	"flag"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

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
		return map[string]int{"ignored": d.Ignored(), "unknown_versions": d.UnknownVersions(), "folded_writes": d.FoldedWrites()}
	}})
}

// TestGolden decodes every input in testdata.
func TestGolden(t *testing.T) {
	decodetest.Golden(t, "testdata/*.jsonl", *update, func(t *testing.T, name string, b []byte) []byte {
		return decodeAll(t, bytes.NewReader(b), name)
	})
}

// TestSamples decodes the real eslogger records in ../shared/samples.
func TestSamples(t *testing.T) {
	decodetest.Samples(t, filepath.Join(shared, "samples", "eslogger", "*.jsonl"), filepath.Join("testdata", "samples"), *update, func(t *testing.T, name string, b []byte) []byte {
		if !Sniff(b) {
			t.Errorf("Sniff rejects %s", name)
		}
		return decodeAll(t, bytes.NewReader(b), name)
	})
}

func TestAuditToken(t *testing.T) {
	tests := []struct {
		name, in string
		want     auditToken
		err      bool
	}{
		{"object", `{"auid":501,"asid":100019,"egid":20,"pid":97391,"pidversion":149091,"rgid":21,"euid":0,"ruid":502}`,
			auditToken{Set: true, AUID: 501, EUID: 0, EGID: 20, RUID: 502, RGID: 21, PID: 97391, ASID: 100019, PIDVersion: 149091}, false},
		{"array", `[501,0,20,502,21,97391,100019,149091]`,
			auditToken{Set: true, AUID: 501, EUID: 0, EGID: 20, RUID: 502, RGID: 21, PID: 97391, ASID: 100019, PIDVersion: 149091}, false},
		{"unset auid", `[4294967295,0,0,0,0,1,100012,1029]`,
			auditToken{Set: true, AUID: 4294967295, PID: 1, ASID: 100012, PIDVersion: 1029}, false},
		{"null", `null`, auditToken{}, false},
		{"short array", `[1,2,3]`, auditToken{}, true},
		{"string", `"x"`, auditToken{}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got auditToken
			err := json.Unmarshal([]byte(tc.in), &got)
			if (err != nil) != tc.err {
				t.Fatalf("error %v, want error %v", err, tc.err)
			}
			if diff := cmp.Diff(tc.want, got); !tc.err && diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestJoinArgs(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"ditto", "-c", "-k", "/Users/a/Documents", "/Users/Shared/.x/d.zip"}, "ditto -c -k /Users/a/Documents /Users/Shared/.x/d.zip"},
		{[]string{"rsync", "/Users/a/Library/Application Support/x"}, "rsync '/Users/a/Library/Application Support/x'"},
		{[]string{"sh", "-c", "echo it's"}, `sh -c 'echo it'\''s'`},
		{[]string{"zip", "-i", "*.docx", ""}, "zip -i '*.docx' ''"},
		{nil, ""},
	}
	for _, tc := range tests {
		if diff := cmp.Diff(tc.want, joinArgs(tc.args)); diff != "" {
			t.Errorf("joinArgs(%q) (-want +got):\n%s", tc.args, diff)
		}
	}
}

func TestSourceIP(t *testing.T) {
	tests := map[string]string{
		"10.0.0.5:/export":                      "10.0.0.5",
		"//alice@10.1.2.3/share":                "10.1.2.3",
		"//alice@fileserver.corp.example/share": "",
		"afp://192.168.1.9/Backup":              "192.168.1.9",
		"[fe80::1]:/export":                     "fe80::1",
		"nas.local:/volume1":                    "",
		"/dev/disk3s1":                          "",
		"map auto_home":                         "",
	}
	for in, want := range tests {
		if got := sourceIP(in); got != want {
			t.Errorf("sourceIP(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSniff(t *testing.T) {
	b, err := os.ReadFile("testdata/attacker_macos.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	tests := map[string]bool{
		string(b): true,
		"{\"schema_version\":1,\"event\":{\"cre\n" + string(b):                   true, // a damaged first line
		`{"time":"2026-03-01T09:10:11Z","kind":"FileCreate"}`:                    false,
		`{"schema_version":1,"event":{"exec":{}}}`:                               false,
		`{"@timestamp":"2026-03-01T09:10:11Z","event":{"category":["process"]}}`: false,
		"": false,
	}
	for in, want := range tests {
		if got := Sniff([]byte(in)); got != want {
			t.Errorf("Sniff(%.60q) = %v, want %v", in, got, want)
		}
	}
}

func TestProcTable(t *testing.T) {
	pt := newProcTable()
	pt.put(10, procInfo{pidVersion: 5, image: "/bin/zsh", commandLine: "-zsh"})
	tests := []struct {
		name       string
		pid, pidv  int64
		want       string
		wantUnseen bool
	}{
		{"same pidversion", 10, 5, "/bin/zsh", false},
		{"any pidversion", 10, 0, "/bin/zsh", false},
		{"reused pid", 10, 6, "", true},
		{"unknown pid", 11, 0, "", true},
	}
	for _, tc := range tests {
		info, ok := pt.get(tc.pid, tc.pidv)
		if info.image != tc.want || ok == tc.wantUnseen {
			t.Errorf("%s: get(%d, %d) = %q, %v", tc.name, tc.pid, tc.pidv, info.image, ok)
		}
	}
	// see keeps the command line learned from exec for the same image, and
	// forgets it when the pid runs another image.
	pt.see(&process{AuditToken: auditToken{PID: 10, PIDVersion: 5}, Executable: file{Path: "/bin/zsh"}})
	if info, _ := pt.get(10, 5); info.commandLine != "-zsh" {
		t.Errorf("see dropped the command line: %+v", info)
	}
	pt.see(&process{AuditToken: auditToken{PID: 10, PIDVersion: 7}, Executable: file{Path: "/usr/bin/ssh"}})
	if info, _ := pt.get(10, 7); info.image != "/usr/bin/ssh" || info.commandLine != "" {
		t.Errorf("see kept a stale entry: %+v", info)
	}
	for pid := int64(1); pid <= maxProcs+10; pid++ {
		pt.put(pid, procInfo{image: "/x"})
	}
	if len(pt.m) > maxProcs {
		t.Errorf("table holds %d entries, more than %d", len(pt.m), maxProcs)
	}
}
