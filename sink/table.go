package sink

import (
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/stagewatch/stagewatch"
)

// Column limits keep one long host or analytic name from pushing the detail
// off the screen.
const (
	defaultWidth   = 100
	maxNameColumn  = 28
	minDetailWidth = 20
	tableTime      = "2006-01-02 15:04:05"
	reset          = "\x1b[0m"
)

// table prints one line per alert and its summary indented beneath. Column
// widths fit the widest value, so it holds every alert until Close.
type table struct {
	w    io.Writer
	o    Options
	rows []tableRow
}

// tableRow is an alert reduced to the cells the table prints, already made
// safe for a terminal.
type tableRow struct {
	severity stagewatch.Severity
	cells    [numColumns]string
	summary  string
}

// The table's columns, in print order.
const (
	colSeverity = iota
	colTime
	colAnalytic
	colHost
	colUser
	colDetail
	numColumns
)

func newTable(w io.Writer, o Options) *table {
	if o.Width <= 0 {
		o.Width = defaultWidth
	}
	return &table{w: w, o: o}
}

func (t *table) Write(a stagewatch.Alert) error {
	user := a.User
	if user == "" {
		user = "-"
	}
	t.rows = append(t.rows, tableRow{
		severity: a.Severity,
		cells: [numColumns]string{
			colSeverity: a.Severity.String(),
			colTime:     timeRange(a.FirstSeen, a.LastSeen),
			colAnalytic: terminalSafe(a.Analytic),
			colHost:     terminalSafe(a.Host),
			colUser:     terminalSafe(user),
			colDetail:   terminalSafe(keyDetail(&a)),
		},
		summary: terminalSafe(a.Summary),
	})
	return nil
}

func (t *table) Close() error {
	if len(t.rows) == 0 {
		_, err := io.WriteString(t.w, "no alerts\n")
		return err
	}
	header := [numColumns]string{"SEVERITY", "TIME (UTC)", "ANALYTIC", "HOST", "USER", "DETAIL"}
	var widths [numColumns]int
	for c := range numColumns {
		widths[c] = utf8.RuneCountInString(header[c])
		for _, r := range t.rows {
			widths[c] = max(widths[c], utf8.RuneCountInString(r.cells[c]))
		}
	}
	for _, c := range [...]int{colAnalytic, colHost, colUser} {
		widths[c] = min(widths[c], maxNameColumn)
	}
	used := 0
	for c := range colDetail {
		used += widths[c] + 2
	}
	widths[colDetail] = min(widths[colDetail], max(minDetailWidth, t.o.Width-used))
	indent := strings.Repeat(" ", widths[colSeverity]+2)
	summaryWidth := max(minDetailWidth, t.o.Width-len(indent))

	var b strings.Builder
	t.line(&b, header, widths, "\x1b[1m", true)
	for _, r := range t.rows {
		t.line(&b, r.cells, widths, severityColor(r.severity), false)
		for _, l := range wrap(r.summary, summaryWidth) {
			b.WriteString(indent)
			b.WriteString(l)
			b.WriteByte('\n')
		}
	}
	_, err := io.WriteString(t.w, b.String())
	t.rows = nil
	return err
}

// line writes one row of cells padded to widths. When colours are on, the
// first cell, or the whole line when whole is set, is coloured with color.
func (t *table) line(out *strings.Builder, cells [numColumns]string, widths [numColumns]int, color string, whole bool) {
	colored := t.o.Color && color != ""
	var b strings.Builder
	if colored && whole {
		b.WriteString(color)
	}
	for c, cell := range cells {
		cell = truncate(cell, widths[c])
		pad := widths[c] - utf8.RuneCountInString(cell)
		if c == colSeverity && colored && !whole {
			cell = color + cell + reset
		}
		b.WriteString(cell)
		if c < colDetail {
			b.WriteString(strings.Repeat(" ", pad+2))
		}
	}
	line := strings.TrimRight(b.String(), " ")
	if colored && whole {
		line += reset
	}
	out.WriteString(line)
	out.WriteByte('\n')
}

// severityColor returns the ANSI SGR sequence for s.
func severityColor(s stagewatch.Severity) string {
	switch s {
	case stagewatch.SeverityCritical:
		return "\x1b[1;31m"
	case stagewatch.SeverityHigh:
		return "\x1b[31m"
	case stagewatch.SeverityMedium:
		return "\x1b[33m"
	case stagewatch.SeverityLow:
		return "\x1b[36m"
	}
	return "\x1b[2m"
}

// timeRange prints first..last in UTC, leaving out the date of last when it
// is the same day.
func timeRange(first, last time.Time) string {
	first, last = first.UTC(), last.UTC()
	s := first.Format(tableTime)
	switch {
	case last.IsZero() || last.Equal(first):
		return s
	case last.Format(time.DateOnly) == first.Format(time.DateOnly):
		return s + ".." + last.Format(time.TimeOnly)
	}
	return s + ".." + last.Format(tableTime)
}

// detailKeys are the alert fields that best say where staging happened, in
// order of preference.
func detailKeys() []string {
	return []string{"folder", "dir", "destination", "bucket", "path", "share", "datastore", "target"}
}

// keyDetail picks the one value that tells an analyst where to look: the
// staging folder or bucket when the analytic reports one, else the process,
// else what the first evidence matched.
func keyDetail(a *stagewatch.Alert) string {
	for _, k := range detailKeys() {
		if s, ok := a.Fields[k].(string); ok && s != "" {
			return s
		}
	}
	if a.Process != "" {
		return a.Process
	}
	if len(a.Evidence) > 0 {
		return a.Evidence[0].What
	}
	return ""
}

// terminalSafe escapes what a terminal would act on instead of print:
// control characters (newlines, escape sequences) and the Unicode
// bidirectional controls that can make text read differently from what it
// is. Alert text comes from attacker-controlled paths and command lines.
func terminalSafe(s string) string {
	clean := true
	for _, r := range s {
		if unsafeRune(r) {
			clean = false
			break
		}
	}
	if clean && utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for i, r := range s {
		switch {
		case r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD"):
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case unsafeRune(r) && r < 0x100:
			fmt.Fprintf(&b, `\x%02x`, r)
		case unsafeRune(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func unsafeRune(r rune) bool {
	switch {
	case unicode.IsControl(r):
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f:
		return true
	}
	return false
}

// truncate shortens s to width runes, marking the cut with an ellipsis.
func truncate(s string, width int) string {
	if utf8.RuneCountInString(s) <= width {
		return s
	}
	if width <= 1 {
		return string([]rune(s)[:max(width, 0)])
	}
	return string([]rune(s)[:width-1]) + "…"
}

// wrap splits s into lines of at most width runes, breaking at spaces and
// cutting words longer than a line.
func wrap(s string, width int) []string {
	var lines []string
	var cur []rune
	for _, word := range strings.Fields(s) {
		w := []rune(word)
		if len(cur) > 0 && len(cur)+1+len(w) > width {
			lines = append(lines, string(cur))
			cur = cur[:0]
		}
		for len(w) > width {
			if len(cur) > 0 {
				lines = append(lines, string(cur))
				cur = cur[:0]
			}
			lines = append(lines, string(w[:width]))
			w = w[width:]
		}
		if len(cur) > 0 {
			cur = append(cur, ' ')
		}
		cur = append(cur, w...)
	}
	if len(cur) > 0 {
		lines = append(lines, string(cur))
	}
	return lines
}
