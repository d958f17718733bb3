package sink

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/stagewatch/stagewatch"
)

// marshal encodes a as JSON without HTML escaping, so command lines with
// "<", ">" and "&" stay readable. indent is the per-level indent; "" gives
// one compact line. The result has no trailing newline.
func marshal(a *stagewatch.Alert, prefix, indent string) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if indent != "" {
		enc.SetIndent(prefix, indent)
	}
	if err := enc.Encode(a); err != nil {
		return nil, fmt.Errorf("alert %s: %w", a.ID, err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// jsonSink writes one indented JSON array. It streams: each alert is
// written as it arrives and Close writes the closing bracket.
type jsonSink struct {
	w   io.Writer
	n   int
	err error
}

func (s *jsonSink) Write(a stagewatch.Alert) error {
	if s.err != nil {
		return s.err
	}
	b, err := marshal(&a, "  ", "  ")
	if err != nil {
		return err
	}
	sep := ",\n  "
	if s.n == 0 {
		sep = "[\n  "
	}
	s.n++
	_, s.err = io.WriteString(s.w, sep)
	if s.err == nil {
		_, s.err = s.w.Write(b)
	}
	return s.err
}

func (s *jsonSink) Close() error {
	if s.err != nil {
		return s.err
	}
	end := "\n]\n"
	if s.n == 0 {
		end = "[]\n"
	}
	_, s.err = io.WriteString(s.w, end)
	return s.err
}

// ndjsonSink writes one compact JSON object per line, the form log
// shippers and SIEMs ingest. Each line is written with a single Write call
// so concurrent appenders to the same file do not interleave within a line.
type ndjsonSink struct {
	w   io.Writer
	err error
}

func (s *ndjsonSink) Write(a stagewatch.Alert) error {
	if s.err != nil {
		return s.err
	}
	b, err := marshal(&a, "", "")
	if err != nil {
		return err
	}
	_, s.err = s.w.Write(append(b, '\n'))
	return s.err
}

func (s *ndjsonSink) Close() error { return s.err }
