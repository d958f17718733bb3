package sink

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"flag"
	"github.com/stagewatch/stagewatch/internal/golden"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stagewatch/stagewatch"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

// hostileAlerts returns alerts whose text fields carry what attackers and
// odd telemetry put there: newlines, quotes, commas, escape sequences,
// bidi controls, non-Latin scripts, spreadsheet formulas, invalid UTF-8 and
// a very long summary.
func hostileAlerts() []stagewatch.Alert {
	t0 := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	bulk := stagewatch.Alert{
		ID:         stagewatch.AlertID("bulk-file-staging", `ws01|CORP\alice|robocopy.exe|C:\Users\Public\stage\`, t0),
		Analytic:   "bulk-file-staging",
		Title:      "Bulk file staging",
		Attack:     stagewatch.Attack{Technique: "T1074.001", Tactic: "collection", Strategy: "DET0014", Analytic: "AN0040"},
		Severity:   stagewatch.SeverityHigh,
		Confidence: stagewatch.ConfidenceMedium,
		Risk:       stagewatch.RiskScore(stagewatch.SeverityHigh, stagewatch.ConfidenceMedium),
		Host:       "WS01.corp.example",
		User:       `CORP\alice`,
		Process:    `robocopy.exe "\\fs01\finance" C:\Users\Public\stage /s /e`,
		FirstSeen:  t0,
		LastSeen:   t0.Add(12*time.Minute + 33*time.Second),
		Summary:    `robocopy.exe wrote 14 files (3.2 MB, .docx .xlsx) into C:\Users\Public\stage\ within 12m33s.`,
		Fields: map[string]any{
			"folder":     `C:\Users\Public\stage\`,
			"files":      14,
			"bytes":      3355443,
			"extensions": []string{".docx", ".xlsx"},
		},
		Parameters: map[string]any{"min_files": 10, "window": "24h"},
		Evidence: []stagewatch.Evidence{{
			Time:   t0,
			Kind:   stagewatch.FileCreate,
			What:   `C:\Users\Public\stage\Q1, "final".xlsx`,
			Origin: stagewatch.Origin{Format: "mde", File: "mde/device_file_events.jsonl", Line: 7, RecordID: "r-7"},
		}},
		Guide: stagewatch.Guide{
			Investigate: []string{"List the staged files and where they came from."},
			Respond:     []string{"Isolate the host if the files are sensitive."},
			Benign:      []string{"Backup agents copying into Public."},
		},
	}
	formula := stagewatch.Alert{
		ID:         stagewatch.AlertID("archive-command", "ws02|7z", t0),
		Analytic:   "archive-command",
		Title:      "Archiver with password",
		Attack:     stagewatch.Attack{Technique: "T1074.001", Tactic: "collection", Strategy: "DET0014", Analytic: "AN0040"},
		Severity:   stagewatch.SeverityCritical,
		Confidence: stagewatch.ConfidenceHigh,
		Risk:       stagewatch.RiskScore(stagewatch.SeverityCritical, stagewatch.ConfidenceHigh),
		Host:       "=cmd|' /C calc'!A0",
		User:       "@evil",
		Process:    "=cmd|' /C calc'!A0 \"a\",b\nline2\x1b[31mred\x1b[0m",
		FirstSeen:  t0.Add(time.Hour),
		LastSeen:   t0.Add(26 * time.Hour),
		Summary: "+1 -2 \"quoted\", comma\nnew line \u202egnp.exe\u202c 日本語のファイル αρχείο 📁 bad\xffbyte " +
			strings.Repeat("a very long summary that keeps going ", 12) + "end.",
		Fields:   map[string]any{"destination": "-x C:\\Temp\\out.7z <script>&amp;"},
		Evidence: nil,
		Guide:    stagewatch.Guide{},
	}
	bare := stagewatch.Alert{
		ID:        stagewatch.AlertID("cloud-bucket-staging", "acct|stage-bucket", t0),
		Analytic:  "cloud-bucket-staging",
		Title:     "Cloud bucket staging",
		Attack:    stagewatch.Attack{Technique: "T1074.002", Tactic: "collection", Strategy: "DET0071", Analytic: "AN0198"},
		Severity:  stagewatch.SeverityInfo,
		Host:      "123456789012",
		FirstSeen: t0,
		LastSeen:  t0,
		Summary:   "",
	}
	return []stagewatch.Alert{bulk, formula, bare}
}

func render(t *testing.T, format string, o Options, alerts []stagewatch.Alert) []byte {
	t.Helper()
	var buf bytes.Buffer
	s, err := New(format, &buf, o)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range alerts {
		if err := s.Write(a); err != nil {
			t.Fatalf("Write: %v", err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	return buf.Bytes()
}

func TestGolden(t *testing.T) {
	tests := []struct {
		name   string
		format string
		opts   Options
		alerts []stagewatch.Alert
	}{
		{"table", "table", Options{}, hostileAlerts()},
		{"table_narrow_color", "table", Options{Color: true, Width: 60}, hostileAlerts()},
		{"table_empty", "table", Options{}, nil},
		{"json", "json", Options{}, hostileAlerts()},
		{"json_empty", "json", Options{}, nil},
		{"ndjson", "ndjson", Options{}, hostileAlerts()},
		{"ndjson_empty", "ndjson", Options{}, nil},
		{"csv", "csv", Options{}, hostileAlerts()},
		{"csv_empty", "csv", Options{}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := render(t, tt.format, tt.opts, tt.alerts)
			golden.Check(t, filepath.Join("testdata", tt.name+".golden"), got, *update)
		})
	}
}

func TestJSONRoundTrip(t *testing.T) {
	alerts := hostileAlerts()
	for _, format := range []string{"json", "ndjson"} {
		t.Run(format, func(t *testing.T) {
			out := render(t, format, Options{}, alerts)
			var got []stagewatch.Alert
			if format == "json" {
				if err := json.Unmarshal(out, &got); err != nil {
					t.Fatal(err)
				}
			} else {
				for line := range strings.SplitSeq(strings.TrimSuffix(string(out), "\n"), "\n") {
					var a stagewatch.Alert
					if err := json.Unmarshal([]byte(line), &a); err != nil {
						t.Fatalf("line %q: %v", line, err)
					}
					got = append(got, a)
				}
			}
			if len(got) != len(alerts) {
				t.Fatalf("got %d alerts, want %d", len(got), len(alerts))
			}
			for i := range alerts {
				// Fields and Parameters lose their Go types in JSON; the
				// rest must survive unchanged, hostile text included
				// (invalid UTF-8 becomes U+FFFD, as encoding/json does).
				want := alerts[i]
				want.Summary = strings.ToValidUTF8(want.Summary, "\uFFFD")
				want.Process = strings.ToValidUTF8(want.Process, "\uFFFD")
				if want.Evidence == nil {
					want.Evidence = []stagewatch.Evidence{} // written as [], never null
				}
				if diff := cmp.Diff(want, got[i], cmp.FilterPath(func(p cmp.Path) bool {
					s := p.String()
					return s == "Fields" || s == "Parameters"
				}, cmp.Ignore())); diff != "" {
					t.Errorf("alert %d (-want +got):\n%s", i, diff)
				}
			}
		})
	}
}

func TestNDJSONKeys(t *testing.T) {
	out := render(t, "ndjson", Options{}, hostileAlerts()[:1])
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(out, &obj); err != nil {
		t.Fatal(err)
	}
	var got []string
	for k := range obj {
		got = append(got, k)
	}
	want := []string{"id", "analytic", "title", "attack", "severity", "confidence", "risk", "host", "user",
		"process", "first_seen", "last_seen", "summary", "fields", "parameters", "evidence", "guide"}
	slices.Sort(want)
	slices.Sort(got)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ndjson keys (-want +got):\n%s", diff)
	}
}

func TestCSVSafe(t *testing.T) {
	out := render(t, "csv", Options{}, hostileAlerts())
	r := csv.NewReader(bytes.NewReader(out))
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatalf("output is not valid CSV: %v", err)
	}
	if got, want := len(rows), 1+len(hostileAlerts()); got != want {
		t.Fatalf("got %d rows, want %d", got, want)
	}
	for i, row := range rows {
		if len(row) != len(csvHeader()) {
			t.Errorf("row %d has %d cells, want %d", i, len(row), len(csvHeader()))
		}
		for j, cell := range row {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("row %d column %s starts with %q: formula injection", i, rows[0][j], cell[0])
			}
		}
	}
	if got, want := rows[2][10], "'=cmd|' /C calc'!A0"; got != want {
		t.Errorf("host cell = %q, want %q", got, want)
	}
}

func TestSafeCell(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"plain", "WS01", "WS01"},
		{"equals", "=1+1", "'=1+1"},
		{"plus", "+1", "'+1"},
		{"minus", "-2", "'-2"},
		{"at", "@SUM(A1)", "'@SUM(A1)"},
		{"tab", "\t=1", "'\t=1"},
		{"inner equals", "a=b", "a=b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, safeCell(tt.in)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestTerminalSafe(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", `C:\Users\Public\`, `C:\Users\Public\`},
		{"newline", "a\nb", `a\nb`},
		{"escape", "\x1b[31mred", `\x1b[31mred`},
		{"bidi override", "\u202egnp.exe", `\u202egnp.exe`},
		{"invalid utf8", "a\xffb", `a\xffb`},
		{"real replacement char", "a\uFFFDb", "a\uFFFDb"},
		{"unicode kept", "日本語 📁", "日本語 📁"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, terminalSafe(tt.in)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestWrap(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		width int
		want  []string
	}{
		{"empty", "", 10, nil},
		{"fits", "one two", 10, []string{"one two"}},
		{"breaks at spaces", "one two three", 9, []string{"one two", "three"}},
		{"cuts long words", "abcdefghij k", 4, []string{"abcd", "efgh", "ij k"}},
		{"runes not bytes", "日本語日本語", 3, []string{"日本語", "日本語"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, wrap(tt.in, tt.width)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestNewUnknownFormat(t *testing.T) {
	_, err := New("xml", &bytes.Buffer{}, Options{})
	want := `unknown output format "xml" (known: table, json, ndjson, csv)`
	if err == nil || err.Error() != want {
		t.Errorf("New(xml) error = %v, want %s", err, want)
	}
	for _, f := range Formats() {
		if _, err := New(f, &bytes.Buffer{}, Options{}); err != nil {
			t.Errorf("New(%q): %v", f, err)
		}
	}
}
