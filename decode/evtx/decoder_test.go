package evtx

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"github.com/stagewatch/stagewatch/internal/golden"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stagewatch/stagewatch"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden.jsonl")

// goldenFiles are small corpus files whose Records are kept in testdata:
// System with Qualifiers (Service Control Manager), Sysmon, and UserData
// (log cleared) events.
var goldenFiles = []string{
	"metasploit-psexec-native-target-system.evtx",
	"exec_sysmon_1_ftp.evtx",
	"eventlog-dac.evtx",
}

// result is one Next result as JSON.
type result struct {
	Origin stagewatch.Origin `json:"origin"`
	Record any               `json:"record,omitempty"`
	Error  string            `json:"error,omitempty"`
	Reason string            `json:"reason,omitempty"`
	Fatal  string            `json:"fatal,omitempty"`
}

// decodeResults decodes data to the end and returns every result.
func decodeResults(t testing.TB, data []byte, opts Options) ([]result, *Decoder) {
	t.Helper()
	d := NewDecoder(bytes.NewReader(data), opts)
	var out []result
	for i := 0; ; i++ {
		if i > len(data)/recordHeaderLen+100 {
			t.Fatalf("more results than the input could hold: decoder does not progress")
		}
		rec, o, err := d.Next()
		if err == io.EOF {
			return out, d
		}
		var de *stagewatch.DecodeError
		switch {
		case errors.As(err, &de):
			out = append(out, result{Origin: o, Error: de.Error(), Reason: de.Reason})
		case err != nil:
			return append(out, result{Origin: o, Fatal: err.Error()}), d
		default:
			out = append(out, result{Origin: o, Record: rec})
		}
	}
}

func TestGolden(t *testing.T) {
	for _, name := range goldenFiles {
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(corpusDir, name))
			if err != nil {
				t.Skipf("corpus file not available: %v", err)
			}
			res, _ := decodeResults(t, data, Options{File: name})
			var got bytes.Buffer
			enc := json.NewEncoder(&got)
			enc.SetEscapeHTML(false)
			for _, r := range res {
				if err := enc.Encode(r); err != nil {
					t.Fatal(err)
				}
			}
			golden.Check(t, filepath.Join("testdata", name[:len(name)-len(filepath.Ext(name))]+".golden.jsonl"), got.Bytes(), *update)
		})
	}
}

// TestCorpusWorkers holds the output to file order whatever the number of
// workers.
func TestCorpusWorkers(t *testing.T) {
	for _, name := range corpusFiles(t) {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		one, _ := decodeResults(t, data, Options{File: name, Workers: 1})
		many, _ := decodeResults(t, data, Options{File: name, Workers: 4})
		if diff := cmp.Diff(one, many); diff != "" {
			t.Errorf("%s: 4 workers differ from 1 (-1 +4):\n%s", filepath.Base(name), diff)
		}
	}
}

func TestSniff(t *testing.T) {
	tests := []struct {
		name string
		head string
		want bool
	}{
		{"evtx", "ElfFile\x00\x00\x00", true},
		{"magic only", "ElfFile\x00", true},
		{"chunk", "ElfChnk\x00", false},
		{"no nul", "ElfFile", false},
		{"text", `{"EventID":1}`, false},
		{"empty", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Sniff([]byte(tc.head)); got != tc.want {
				t.Errorf("Sniff(%q) = %v, want %v", tc.head, got, tc.want)
			}
		})
	}
}
