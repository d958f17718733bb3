package winjson

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
	"github.com/stagewatch/stagewatch/decode/mde"
)

func TestClassify(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Shape
	}{
		{"evtx_dump", `{"Event":{"System":{"Provider":{"#attributes":{"Name":"p"}},"EventID":1},"EventData":{}}}`, ShapeEvtxDump},
		{"evtx_dump numbers only", `{"Event":{"System":{"EventID":1}}}`, ShapeEvtxDump},
		{"xmltodict", `{"Event":{"System":{"Provider":{"@Name":"p"},"EventID":"1"}}}`, ShapeXMLToDict},
		{"xmltodict qualifiers", `{"Event":{"System":{"EventID":{"@Qualifiers":"","#text":"4"}}}}`, ShapeXMLToDict},
		{"system without root", `{"System":{"EventID":"1"},"EventData":null}`, ShapeXMLToDict},
		{"winlogbeat", `{"winlog":{"event_id":"1","event_data":{}}}`, ShapeWinlogbeat},
		{"winlogbeat dotted", `{"winlog.event_id":"1","winlog.event_data":{}}`, ShapeWinlogbeat},
		{"ecs", `{"winlog":{"event_id":"1"},"process":{"pid":1}}`, ShapeECS},
		{"ecs with leftovers", `{"winlog":{"event_id":"1","event_data":{"X":"1"}},"file":{"path":"c"}}`, ShapeECS},
		{"nxlog", `{"EventID":1,"SourceModuleType":"im_msvistalog"}`, ShapeNXLog},
		{"flat", `{"EventID":1,"Channel":"Security","Hostname":"h"}`, ShapeFlat},
		{"sentinel", `{"EventID":4688,"TimeGenerated":"2023-01-01T00:00:00Z","Computer":"h"}`, ShapeSentinel},
		{"mde row", `{"Timestamp":"2024-01-01T00:00:00Z","ActionType":"FileCreated","DeviceName":"h"}`, ShapeUnknown},
		{"event id alone", `{"EventID":1}`, ShapeUnknown},
		{"lower-case key", `{"eventid":1,"channel":"Security"}`, ShapeUnknown},
		{"not an object", `[1]`, ShapeUnknown},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v, err := parse(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if got := classify(&v); got != tc.want {
				t.Errorf("classify = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestSniff(t *testing.T) {
	long := `{"winlog":{"event_id":"1","event_data":{"X":"` + strings.Repeat("a", 200) + `"}}}`
	tests := []struct {
		name string
		in   string
		want bool
	}{
		{"nxlog line", `{"EventID":1,"SourceModuleType":"im_msvistalog"}` + "\n", true},
		{"array", "[\n" + `{"winlog":{"event_id":"1","event_data":{}}}` + "\n]", true},
		{"bom and space", "\xef\xbb\xbf \n" + `{"Event":{"System":{"EventID":1}}}`, true},
		{"first record cut by the head", long[:120], true},
		{"cut without known keys", `{"foo":"` + strings.Repeat("a", 50), false},
		{"mde row", `{"Timestamp":"2024-01-01T00:00:00Z","ActionType":"FileCreated","DeviceName":"h"}`, false},
		{"mde stream record", `{"time":"x","category":"AdvancedHunting-DeviceFileEvents","properties":{"Timestamp":"x"}}`, false},
		{"cloudtrail", `{"Records":[{"eventTime":"x","eventID":"y","eventName":"GetObject"}]}`, false},
		{"csv", "TimeGenerated,EventID,Computer\n", false},
		{"empty", "  \n", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Sniff([]byte(tc.in)); got != tc.want {
				t.Errorf("Sniff = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestSniffAgainstMDE checks that neither format's sniffer takes the
// other's inputs.
func TestSniffAgainstMDE(t *testing.T) {
	ours, _ := filepath.Glob("testdata/*.json*")
	mdeFiles, _ := filepath.Glob("../mde/testdata/*.json*")
	for _, p := range ours {
		if strings.HasSuffix(p, ".golden.jsonl") || strings.HasPrefix(filepath.Base(p), "bad") {
			continue
		}
		b, _ := os.ReadFile(p)
		if !Sniff(b) {
			t.Errorf("Sniff rejects %s", p)
		}
		if mde.Sniff(b) {
			t.Errorf("mde.Sniff takes %s", p)
		}
	}
	for _, p := range mdeFiles {
		if strings.HasSuffix(p, ".golden.jsonl") {
			continue
		}
		if b, _ := os.ReadFile(p); Sniff(b) {
			t.Errorf("Sniff takes MDE input %s", p)
		}
	}
}

// TestOneByteReads decodes every golden input one byte per read and
// requires the same output: the framer must resume anywhere.
func TestOneByteReads(t *testing.T) {
	inputs, _ := filepath.Glob("testdata/*.json*")
	for _, in := range inputs {
		if strings.HasSuffix(in, ".golden.jsonl") {
			continue
		}
		t.Run(filepath.Base(in), func(t *testing.T) {
			b, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			opts := caseOptions[filepath.Base(in)]
			want := decodeAll(t, bytes.NewReader(b), opts)
			got := decodeAll(t, iotest.OneByteReader(bytes.NewReader(b)), opts)
			if diff := cmp.Diff(string(want), string(got)); diff != "" {
				t.Errorf("one-byte reads differ (-whole +one byte):\n%s", diff)
			}
		})
	}
}

func TestMessageValue(t *testing.T) {
	tests := []struct {
		msg, label, want string
	}{
		{"Process Tampering:\r\nRuleName: -\r\nProcessId: 13636\r\nImage: x", "ProcessId", "13636"},
		{"Process Information:\r\n\tProcess ID:\t\t0x1a4\r\n\tProcess Name:\t\tC:\\x", "Process ID", "0x1a4"},
		{"Creator Process ID:\t0x10\r\nNew Process ID: 0x20", "Process ID", ""},
		{"ProcessId: \r\n", "ProcessId", ""},
		{"", "ProcessId", ""},
	}
	for _, tc := range tests {
		got, _ := messageValue(tc.msg, tc.label)
		if got != tc.want {
			t.Errorf("messageValue(%q, %q) = %q, want %q", tc.msg, tc.label, got, tc.want)
		}
	}
}

func TestUnescapeXML(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos;", `a & b <c> "d" 'e'`},
		{"&#65;&#x42;&#X43;", "ABC"},
		{"AT&T & co; &unknown; &#0; &#x110000; &", "AT&T & co; &unknown; &#0; &#x110000; &"},
		{"&amp;amp;", "&amp;"},
	}
	for _, tc := range tests {
		if got := unescapeXML(tc.in); got != tc.want {
			t.Errorf("unescapeXML(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
