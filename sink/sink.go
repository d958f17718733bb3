// Package sink writes alerts for people and machines: a terminal table,
// JSON, NDJSON and CSV. Every format streams through the same small Sink
// interface so the engine does not care where alerts go.
package sink

import (
	"fmt"
	"io"
	"strings"

	"github.com/stagewatch/stagewatch"
)

// Sink receives alerts one at a time.
//
// A Sink is not safe for concurrent use: one goroutine owns it, calls Write
// for each alert in the order they should appear and then Close once. Close
// flushes whatever the format holds back (the JSON array's closing bracket,
// the table that waits for its column widths) but does not close the
// underlying io.Writer, which stays the caller's.
type Sink interface {
	// Write records one alert. It may write immediately or hold the alert
	// until Close, depending on the format. The sink does not keep
	// references into a after Write returns, except the table, which keeps
	// a copy of what it prints.
	Write(a stagewatch.Alert) error
	// Close ends the output. It must be called even when no alert was
	// written, so that empty outputs are still well formed ("[]" for JSON,
	// the header row for CSV).
	Close() error
}

// Options tune the output formats. The zero value is a good default for a
// file or pipe.
type Options struct {
	// Color enables ANSI colours in the table. The caller decides: it should
	// be set only when the output is a terminal and the user has not asked
	// for plain output. Other formats ignore it.
	Color bool
	// Width is the terminal width in columns the table fits its lines into.
	// Zero means 100. Other formats ignore it.
	Width int
}

// Formats returns the names New accepts, in a stable order.
func Formats() []string {
	return []string{"table", "json", "ndjson", "csv"}
}

// New returns a Sink that writes alerts in the named format to w.
func New(format string, w io.Writer, o Options) (Sink, error) {
	switch format {
	case "table":
		return newTable(w, o), nil
	case "json":
		return &jsonSink{w: w}, nil
	case "ndjson":
		return &ndjsonSink{w: w}, nil
	case "csv":
		return newCSV(w), nil
	}
	return nil, fmt.Errorf("unknown output format %q (known: %s)", format, strings.Join(Formats(), ", "))
}
