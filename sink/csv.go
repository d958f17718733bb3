package sink

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/stagewatch/stagewatch"
)

// csvHeader names the CSV columns. Nested values (fields, parameters,
// evidence, guide) are JSON-encoded into one cell each, in the last four
// columns.
func csvHeader() []string {
	return []string{
		"id", "analytic", "title",
		"technique", "tactic", "strategy", "attack_analytic",
		"severity", "confidence", "risk",
		"host", "user", "process",
		"first_seen", "last_seen", "summary",
		"fields", "parameters", "evidence", "guide",
	}
}

// csvSink writes RFC 4180 CSV (CRLF line ends, quoted cells where needed)
// with a header row. Cells that a spreadsheet would run as a formula are
// defused, see safeCell.
type csvSink struct {
	w      *csv.Writer
	header bool
	err    error
}

func newCSV(w io.Writer) *csvSink {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	return &csvSink{w: cw}
}

func (s *csvSink) writeHeader() error {
	if s.header {
		return nil
	}
	s.header = true
	return s.w.Write(csvHeader())
}

func (s *csvSink) Write(a stagewatch.Alert) error {
	if s.err != nil {
		return s.err
	}
	row, err := csvRow(&a)
	if err != nil {
		return err
	}
	if s.err = s.writeHeader(); s.err != nil {
		return s.err
	}
	if s.err = s.w.Write(row); s.err != nil {
		return s.err
	}
	// Flush per alert so a tailing reader sees whole rows as they come.
	s.w.Flush()
	s.err = s.w.Error()
	return s.err
}

func (s *csvSink) Close() error {
	if s.err != nil {
		return s.err
	}
	if s.err = s.writeHeader(); s.err != nil {
		return s.err
	}
	s.w.Flush()
	s.err = s.w.Error()
	return s.err
}

// csvRow flattens a into the columns of csvHeader.
func csvRow(a *stagewatch.Alert) ([]string, error) {
	var nested [4]string
	names := [...]string{"fields", "parameters", "evidence", "guide"}
	for i, v := range [...]any{a.Fields, a.Parameters, a.Evidence, a.Guide} {
		cell, err := jsonCell(v)
		if err != nil {
			return nil, fmt.Errorf("alert %s: %s: %w", a.ID, names[i], err)
		}
		nested[i] = cell
	}
	row := []string{
		a.ID, a.Analytic, a.Title,
		a.Attack.Technique, a.Attack.Tactic, a.Attack.Strategy, a.Attack.Analytic,
		a.Severity.String(), a.Confidence.String(), strconv.Itoa(a.Risk),
		a.Host, a.User, a.Process,
		csvTime(a.FirstSeen), csvTime(a.LastSeen), a.Summary,
		nested[0], nested[1], nested[2], nested[3],
	}
	for i, c := range row {
		// Invalid UTF-8 from raw telemetry would make some importers reject
		// the whole file; JSON output replaces it the same way.
		row[i] = safeCell(strings.ToValidUTF8(c, "\uFFFD"))
	}
	return row, nil
}

// jsonCell encodes v compactly; empty maps and slices give an empty cell.
func jsonCell(v any) (string, error) {
	switch x := v.(type) {
	case map[string]any:
		if len(x) == 0 {
			return "", nil
		}
	case []stagewatch.Evidence:
		if len(x) == 0 {
			return "", nil
		}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	return string(bytes.TrimSuffix(buf.Bytes(), []byte("\n"))), nil
}

func csvTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// safeCell defuses spreadsheet formula injection: a cell that starts with
// "=", "+", "-" or "@" (or a tab or carriage return, which some spreadsheets
// skip before looking for those) is prefixed with a single quote, so Excel,
// LibreOffice and Google Sheets show it as text instead of evaluating it.
// Attackers control command lines and file names, so `=cmd|' /C calc'!A0`
// in a command line must not run when an analyst opens the export.
func safeCell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}
