package stagewatch

import "fmt"

// DecodeError reports one bad record. Decoders return it for a record they
// must skip and go on with the next; the run summary counts it and --strict
// makes it fatal.
type DecodeError struct {
	Origin Origin
	Reason string // a short, stable category for the summary: "truncated json", "bad timestamp"...
	Err    error
}

// Error names the file and the line or record.
func (e *DecodeError) Error() string {
	where := e.Origin.File
	if where == "" {
		where = "<input>"
	}
	switch {
	case e.Origin.Line > 0:
		where = fmt.Sprintf("%s:%d", where, e.Origin.Line)
	case e.Origin.Record > 0:
		where = fmt.Sprintf("%s: record %d", where, e.Origin.Record)
	}
	if e.Err == nil {
		return where + ": " + e.Reason
	}
	return where + ": " + e.Err.Error()
}

// Unwrap returns the underlying error.
func (e *DecodeError) Unwrap() error { return e.Err }

// Source yields decoded events.
type Source interface {
	// Decode returns the next event. It returns io.EOF at the end of input,
	// a *DecodeError for a bad record (the caller may call Decode again to
	// go on), and any other error when the input cannot be read further.
	// Each call returns a new Event that the caller owns.
	Decode() (*Event, error)
}
