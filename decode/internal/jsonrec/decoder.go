package jsonrec

import (
	"errors"
	"fmt"
	"io"

	"github.com/stagewatch/stagewatch"
)

// ParseFunc maps one record to an event. A nil event with a nil error
// skips the record; an error comes with a short, stable reason for the
// DecodeError. The event's Origin is filled by the Decoder, apart from
// RecordID, which ParseFunc sets from the record.
type ParseFunc func(raw []byte) (ev *stagewatch.Event, reason string, err error)

// Decoder is the shell of a record-per-event decoder: it reads records
// with a Reader, counts them, maps each with a ParseFunc and places events
// and errors in the input (Format, File, Line, Record). A format's
// decoder is its ParseFunc, its Wrappers and its sniffer.
type Decoder struct {
	format string
	file   string
	parse  ParseFunc
	rd     *Reader
	rec    int64
}

// NewDecoder returns a Decoder of r for the format named format, in Origins
// and errors; file names the input.
func NewDecoder(r io.Reader, format, file string, o Options, parse ParseFunc) *Decoder {
	return &Decoder{format: format, file: file, parse: parse, rd: New(r, o)}
}

// Decode returns the next event, io.EOF at the end of the input, a
// *stagewatch.DecodeError for a record it skipped (call Decode again to go
// on), or the error that stopped reading the input.
func (d *Decoder) Decode() (*stagewatch.Event, error) {
	for {
		raw, err := d.rd.Next()
		if err != nil {
			var je *Error
			if errors.As(err, &je) {
				d.rec++
				return nil, d.fail(je.Reason, fmt.Errorf("record %d: %w", d.rec, je.Err))
			}
			return nil, err
		}
		d.rec++
		ev, reason, err := d.parse(raw)
		if err != nil {
			return nil, d.fail(reason, fmt.Errorf("record %d: %w", d.rec, err))
		}
		if ev == nil {
			continue
		}
		ev.Origin.Format = d.format
		ev.Origin.File = d.file
		ev.Origin.Line = d.rd.Line()
		ev.Origin.Record = d.rec
		return ev, nil
	}
}

func (d *Decoder) fail(reason string, err error) error {
	return &stagewatch.DecodeError{
		Origin: stagewatch.Origin{Format: d.format, File: d.file, Line: d.rd.Line(), Record: d.rec},
		Reason: reason,
		Err:    err,
	}
}
