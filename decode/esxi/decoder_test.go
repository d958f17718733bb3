package esxi

import (
	"bytes"
	"errors"
	"flag"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/decode/internal/decodetest"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden.jsonl")

// samplesDir holds the real ESXi lines of formats.md section 5.
var samplesDir = filepath.Join("..", "..", "..", "shared", "samples", "esxi")

// decodeAll decodes r to the end and renders it with decodetest.Render.
func decodeAll(t testing.TB, r io.Reader, opts Options) []byte {
	t.Helper()
	return decodetest.Render(t, NewDecoder(r, opts), decodetest.Options{At: "line"})
}

// TestGolden decodes every fixture in testdata, whole and one byte at a
// time.
func TestGolden(t *testing.T) {
	decodetest.Golden(t, "testdata/*.log", *update, func(t *testing.T, name string, b []byte) []byte {
		if !Sniff(b) && name != "orphan.log" {
			t.Errorf("Sniff rejects %s", name)
		}
		got := decodeAll(t, bytes.NewReader(b), Options{File: name})
		if again := decodeAll(t, &decodetest.OneByte{B: b}, Options{File: name}); !bytes.Equal(got, again) {
			t.Errorf("one-byte reads decode differently:\n%s", cmp.Diff(string(got), string(again)))
		}
		return got
	})
}

// TestSamples decodes the real lines in ../shared/samples/esxi.
func TestSamples(t *testing.T) {
	decodetest.Samples(t, filepath.Join(samplesDir, "*.log"), filepath.Join("testdata", "samples"), *update, func(t *testing.T, name string, b []byte) []byte {
		if !Sniff(b) {
			t.Errorf("Sniff rejects %s", name)
		}
		return decodeAll(t, bytes.NewReader(b), Options{File: name})
	})
}

// TestYear checks the year rules for RFC 3164 lines.
func TestYear(t *testing.T) {
	const line = "<14>Mar 14 02:11:00 esx01 shell[1]: [root]: ls\n"
	tests := []struct {
		name  string
		in    string
		year  int
		want  string
		error string
	}{
		{name: "option", in: line, year: 2024, want: "2024-03-14T02:11:00Z"},
		{name: "none", in: line, error: "no year"},
		{name: "lookahead wins", in: line + "2023-01-01T00:00:00Z shell[1]: [root]: id\n", year: 2024, want: "2023-03-14T02:11:00Z"},
		{name: "embedded", in: "<14>Mar 14 02:11:00 esx01 2021-03-14T02:11:00.5Z In(14) shell[1]: [root]: ls\n", want: "2021-03-14T02:11:00.5Z"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := NewDecoder(strings.NewReader(tc.in), Options{File: "y.log", Year: tc.year})
			ev, err := d.Decode()
			var de *stagewatch.DecodeError
			if tc.error != "" {
				if !errors.As(err, &de) || de.Reason != tc.error {
					t.Fatalf("got %v, want reason %q", err, tc.error)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, ev.Time.Format("2006-01-02T15:04:05.999999999Z07:00")); diff != "" {
				t.Error(diff)
			}
		})
	}
}

// TestSniff checks that other syslog-like inputs are not claimed.
func TestSniff(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want bool
	}{
		{"esxi8 shell", "2023-12-05T17:36:17.835Z In(14) shell[1053659]: [root]: vim-cmd vmsvc/getallvms\n", true},
		{"esxi5 login", "2011-08-29T18:01:00Z login[64386]: root login on 'char/tty/1'\n", true},
		{"vmkernel", "2012-04-03T17:24:25.522Z cpu21:3239)NFS: 190: NFS mount x:/y failed\n", true},
		{"forwarded hostd", "<166>Dec  5 17:36:17 esx01 Hostd[1]: [Originator@6876 sub=x] y\n", true},
		{"linux syslog", "<86>Dec  5 17:36:17 web01 sshd[1]: Accepted password for root from 1.2.3.4 port 2 ssh2\n<78>Dec  5 17:36:18 web01 CRON[2]: (root) CMD (x)\n", false},
		{"sysmon for linux", "Dec  5 17:36:17 web01 sysmon: <Event><System><Provider Name=\"Linux-Sysmon\"/></System></Event>\n", false},
		{"rsyslog iso", "2023-12-05T17:36:17.835123+00:00 web01 sshd[1]: Accepted password for root\n", false},
		{"auditd", "type=SYSCALL msg=audit(1519924845.499:257): arch=c000003e\n", false},
		{"json", `{"time":"2023-12-05T17:36:17Z"}` + "\n", false},
	}
	for _, tc := range tests {
		if got := Sniff([]byte(tc.in)); got != tc.want {
			t.Errorf("%s: Sniff = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestVMFolder checks the VM name taken from a vmware.log input's folder.
func TestVMFolder(t *testing.T) {
	for in, want := range map[string]string{
		"/vmfs/volumes/ds1/dc01/vmware.log":   "dc01",
		"/vmfs/volumes/ds1/dc01/vmware-3.log": "dc01",
		"vmware.log":                          "",
		"/var/log/hostd.log":                  "",
	} {
		if got := vmFolder(in); got != want {
			t.Errorf("vmFolder(%q) = %q, want %q", in, got, want)
		}
	}
}
