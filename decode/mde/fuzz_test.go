package mde

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/stagewatch/stagewatch"
)

// addTestdata seeds a fuzz corpus with the golden inputs.
func addTestdata(f *testing.F, pattern string) {
	files, _ := filepath.Glob(filepath.Join("testdata", pattern))
	for _, name := range files {
		b, err := os.ReadFile(name) // fails for the fuzz directory
		if strings.HasSuffix(name, ".golden.jsonl") {
			continue
		}
		if err == nil {
			f.Add(b)
		}
	}
}

// FuzzDecode checks that any input decodes to events or errors without
// panicking or looping, that decode errors carry a reason and origin, and
// that kept strings are valid UTF-8.
func FuzzDecode(f *testing.F) {
	addTestdata(f, "*")
	f.Add([]byte(`{"records":[{"properties":{"Timestamp":"2024-01-01T00:00:00Z","ActionType":"FileCreated"}}]}`))
	f.Add([]byte("[\n{\"Timestamp\":\"2024-01-01T00:00:00Z\",\"ActionType\":\"ProcessCreated\"}\n]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		d := NewDecoder(bytes.NewReader(data), Options{File: "fuzz", MaxLine: 512})
		for i := 0; ; i++ {
			if i > len(data)+10 {
				t.Fatalf("more results than input bytes: decoder does not progress")
			}
			ev, err := d.Decode()
			if err == io.EOF {
				return
			}
			var de *stagewatch.DecodeError
			switch {
			case errors.As(err, &de):
				if de.Reason == "" || de.Origin.Format != Format {
					t.Fatalf("decode error without reason or origin: %#v", de)
				}
			case err != nil:
				return // fatal: bad CSV header
			case ev == nil:
				t.Fatal("nil event without error")
			default:
				for _, s := range []string{ev.File.Path, ev.Proc.Image, ev.Proc.CommandLine, ev.Host.Name} {
					if !utf8.ValidString(s) {
						t.Fatalf("invalid UTF-8 kept: %q", s)
					}
				}
			}
		}
	})
}

// FuzzCSVRecord holds the CSV reader to encoding/csv on input both accept.
func FuzzCSVRecord(f *testing.F) {
	f.Add([]byte("a,b,c\n1,\"2,\"\"x\"\"\",3\r\n"))
	f.Add([]byte("\"multi\nline\",x\n"))
	f.Add([]byte("a,\"b\nc\"\n\n\nd,e"))
	addTestdata(f, "*.csv")
	f.Fuzz(func(t *testing.T, data []byte) {
		want, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
		d := NewDecoder(bytes.NewReader(data), Options{MaxLine: 1 << 16})
		d.csv = &csvState{}
		var got [][]string
		for {
			_, st := d.readRecord()
			if st == csvEOF {
				break
			}
			if st != csvOK {
				got = nil
				break
			}
			var rec []string
			start := 0
			for _, end := range d.csv.ends {
				rec = append(rec, string(d.csv.rec[start:end]))
				start = end
			}
			got = append(got, rec)
		}
		if err != nil || !utf8.Valid(data) || bytes.ContainsRune(data, '\r') {
			return // encoding/csv is stricter, or rewrites CR inside quotes
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("records differ from encoding/csv (-want +got):\n%s", diff)
		}
	})
}

// TestSetPathEquivalent holds setPath to File.SetPath.
func TestSetPathEquivalent(t *testing.T) {
	tests := []struct {
		name string
		os   stagewatch.OS
		path string
	}{
		{"windows", stagewatch.Windows, `C:\Users\Bob\AppData\Local\Temp\x.zip`},
		{"windows root", stagewatch.Windows, `C:\x.zip`},
		{"windows slashes", stagewatch.Windows, `C:/Users/Public/x.zip`},
		{"nt device", stagewatch.Windows, `\Device\HarddiskVolume3\Users\Public\x.zip`},
		{"long path prefix", stagewatch.Windows, `\\?\C:\Temp\x.zip`},
		{"env var", stagewatch.Windows, `%TEMP%\x.zip`},
		{"unc", stagewatch.Windows, `\\fs\Share$\x.zip`},
		{"bare name", stagewatch.Windows, `x.zip`},
		{"linux", stagewatch.Linux, `/tmp//.x/dump.gz`},
		{"linux root", stagewatch.Linux, `/dump.gz`},
		{"linux backslash", stagewatch.Linux, `/tmp/a\b/c`},
		{"macos", stagewatch.MacOS, `/Users/Kim/Library/Caches/a.zip`},
		{"tmpdir", stagewatch.MacOS, `$TMPDIR/a.zip`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var want, got stagewatch.File
			want.SetPath(tc.os, tc.path)
			var sb strbuf
			sb.reset(8)
			setPath(&got, &sb, tc.os, tc.path)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("setPath differs from SetPath (-want +got):\n%s", diff)
			}
		})
	}
}

func FuzzSetPath(f *testing.F) {
	for _, p := range []string{`C:\a\B.zip`, `/tmp/x`, `\Device\HarddiskVolume1\x\y`, `%temp%\y`, `a/b\c`} {
		f.Add(p, true)
	}
	f.Fuzz(func(t *testing.T, p string, windows bool) {
		os := stagewatch.Linux
		if windows {
			os = stagewatch.Windows
		}
		var want, got stagewatch.File
		want.SetPath(os, p)
		var sb strbuf
		sb.reset(0)
		setPath(&got, &sb, os, p)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("setPath(%q) differs from SetPath (-want +got):\n%s", p, diff)
		}
	})
}

func TestSniff(t *testing.T) {
	tests := []struct {
		name string
		head string
		want bool
	}{
		{"streaming record", `{"time":"x","category":"AdvancedHunting-DeviceFileEvents","properties":{}}`, true},
		{"bare row", `{"Timestamp":"2024-01-01T00:00:00Z","DeviceName":"a","ActionType":"FileCreated"}`, true},
		{"api response", "{\n \"Schema\": [],\n \"Results\": [{\"Timestamp\": \"x\", \"DeviceId\": \"d\"}]}", true},
		{"bom and space", "\xef\xbb\xbf\n  {\"DeviceId\":\"d\",\"InitiatingProcessFileName\":\"x\"}", true},
		{"portal csv", "Timestamp,DeviceId,DeviceName,ActionType,FileName\n", true},
		{"sentinel csv", "TenantId,ActionType,DeviceName,\"Timestamp [Local Time]\",Type\r\n", true},
		{"sysmon json", `{"EventID":11,"Computer":"x","TargetFilename":"C:\\x"}`, false},
		{"cloudtrail", `{"Records":[{"eventTime":"x","eventName":"PutObject"}]}`, false},
		{"other csv", "time,host,action\n", false},
		{"empty", "", false},
		{"binary", "\x00\x01\x02", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Sniff([]byte(tc.head)); got != tc.want {
				t.Errorf("Sniff(%q) = %v, want %v", tc.head, got, tc.want)
			}
		})
	}
}
