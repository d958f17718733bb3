package mde

import (
	"bytes"
	"errors"
	"fmt"
)

var (
	errNotRow  = errors.New("not an mde row: no Timestamp, ActionType or Device column")
	errNotJSON = errors.New("not json: expected an object")
)

// streamState walks a JSON document too large to hold: a top-level array
// of rows, or an object whose "records"/"Results"/"results" array holds
// them. Each row is still buffered whole (up to MaxLine).
type streamState struct {
	inObject bool  // inside the top-level object, between keys
	inArray  bool  // inside the array of rows
	sawRows  bool  // the object had a rows array
	line     int64 // line the document started on
}

// stepJSON decodes the next top-level JSON value, queueing what it yields.
func (d *Decoder) stepJSON() {
	in := &d.in
	if d.stream.inArray || d.stream.inObject {
		d.stepStream()
		return
	}
	if !in.skipSpace() {
		d.endResync()
		d.finish()
		return
	}
	line := in.line
	c := in.buf[in.start]
	if d.resync && c != '{' && c != '[' {
		if d.skipped == 0 {
			d.skipFrom = line
		}
		d.skipped++
		in.skipLine()
		return
	}
	d.endResync()
	switch c {
	case '[':
		in.consume(1)
		d.stream = streamState{inArray: true, line: line}
		return
	case '{':
	default:
		d.record++
		d.fail(d.origin(line), "malformed json", errNotJSON)
		in.skipLine()
		return
	}

	// Fast path: the object ends on this line (JSON Lines).
	n, fits, _ := in.lineLen()
	if !fits {
		d.record++
		skipped := in.skipLine()
		d.fail(d.origin(line), "line too long",
			fmt.Errorf("line %d is %d bytes, longer than the MaxLine limit of %d", line, skipped, in.max))
		return
	}
	b := in.buf[in.start : in.start+n]
	d.row = row{src: b}
	end, err := scanObject(b, 0, &d.row, 0)
	if err == nil {
		d.object(&d.row, line)
		if len(bytes.TrimSpace(b[end:])) == 0 {
			in.consumeLine(n)
		} else {
			in.consume(end) // another value follows on this line
		}
		return
	}
	if err != errIncomplete {
		d.record++
		d.fail(d.origin(line), "malformed json", err)
		in.skipLine()
		d.resync = true
		return
	}

	// Slow path: a value spanning lines (pretty-printed).
	size, st := d.extent(true)
	switch st {
	case extOK:
		b := in.buf[in.start : in.start+size]
		d.row = row{src: b}
		if _, err := scanObject(b, 0, &d.row, 0); err != nil {
			d.record++
			d.fail(d.origin(line), "malformed json", err)
		} else {
			d.object(&d.row, line)
		}
		in.consume(size)
	case extTooLong:
		in.consume(1)
		d.stream = streamState{inObject: true, line: line}
	case extTruncated:
		d.record++
		d.fail(d.origin(line), "truncated json", errIncomplete)
		in.consume(size)
		d.resync = true
	}
}

// endResync ends skipping after a bad record that may have spanned lines,
// and reports the lines skipped so that none is dropped silently.
func (d *Decoder) endResync() {
	if d.skipped > 0 {
		d.record++
		d.fail(d.origin(d.skipFrom), "malformed json",
			fmt.Errorf("skipped %d lines that follow a bad record (lines %d-%d)", d.skipped, d.skipFrom, d.in.line-1))
	}
	d.resync, d.skipped = false, 0
}

// object queues the events of a scanned top-level object: the rows of its
// rows array if it has one, else the object itself as a row.
func (d *Decoder) object(r *row, line int64) {
	if !r.has(fRows) {
		d.emit(r, line)
		return
	}
	arr := r.raw(fRows)
	if arr[0] != '[' {
		d.record++
		d.fail(d.origin(line), "not an mde row", errNotRow)
		return
	}
	line += int64(bytes.Count(r.src[:r.f[fRows].off], []byte{'\n'}))
	last := 0
	i := skipSpace(arr, 1)
	for i < len(arr) && arr[i] != ']' {
		line += int64(bytes.Count(arr[last:i], []byte{'\n'}))
		last = i
		if arr[i] != '{' {
			end, err := skipValue(arr, i)
			d.record++
			d.fail(d.origin(line), "not an mde row", errNotRow)
			if err != nil {
				return
			}
			i = end
		} else {
			d.sub = row{src: arr}
			end, err := scanObject(arr, i, &d.sub, 1)
			if err != nil {
				d.record++
				d.fail(d.origin(line), "malformed json", err)
				return
			}
			d.sub.f[fRows] = span{} // rows arrays do not nest
			d.emit(&d.sub, line)
			i = end
		}
		i = skipSpace(arr, i)
		if i < len(arr) && arr[i] == ',' {
			i = skipSpace(arr, i+1)
		}
	}
}

// stepStream takes the next step through a large document.
func (d *Decoder) stepStream() {
	in := &d.in
	s := &d.stream
	for {
		if !in.skipSpace() {
			d.record++
			d.fail(d.origin(s.line), "truncated json", fmt.Errorf("document starting on line %d ends early", s.line))
			*s = streamState{}
			return
		}
		if in.buf[in.start] != ',' {
			break
		}
		in.consume(1)
	}
	line := in.line
	c := in.buf[in.start]
	switch {
	case s.inArray && c == ']':
		in.consume(1)
		s.inArray = false
	case s.inArray && c == '{':
		size, st := d.extent(true)
		switch st {
		case extOK:
			b := in.buf[in.start : in.start+size]
			d.row = row{src: b}
			if _, err := scanObject(b, 0, &d.row, 0); err != nil {
				d.record++
				d.fail(d.origin(line), "malformed json", err)
			} else {
				d.row.f[fRows] = span{}
				d.emit(&d.row, line)
			}
			in.consume(size)
		case extTooLong:
			d.record++
			d.extent(false)
			d.fail(d.origin(line), "line too long",
				fmt.Errorf("record on line %d is longer than the MaxLine limit of %d", line, in.max))
		case extTruncated:
			d.record++
			d.fail(d.origin(line), "truncated json", errIncomplete)
			in.consume(size)
			*s = streamState{}
			d.resync = true
		}
	case s.inArray:
		d.record++
		d.fail(d.origin(line), "not an mde row", errNotRow)
		d.extent(false)
	case c == '}':
		in.consume(1)
		if !s.sawRows {
			d.record++
			d.fail(d.origin(s.line), "line too long",
				fmt.Errorf("object starting on line %d is longer than the MaxLine limit of %d and holds no rows array", s.line, in.max))
		}
		*s = streamState{}
	case c == '"':
		d.streamKey()
	default:
		d.record++
		d.fail(d.origin(line), "malformed json", errSyntax)
		*s = streamState{}
		in.skipLine()
		d.resync = true
	}
}

// streamKey reads one key of a large top-level object and either enters
// its rows array or skips its value.
func (d *Decoder) streamKey() {
	in := &d.in
	s := &d.stream
	size, st := d.extent(true)
	if st != extOK || size > 256 {
		d.record++
		d.fail(d.origin(in.line), "malformed json", errSyntax)
		*s = streamState{}
		d.resync = true
		return
	}
	f := lookup(in.buf[in.start+1 : in.start+size-1])
	in.consume(size)
	if !in.skipSpace() || in.buf[in.start] != ':' {
		return // stepStream reports what follows
	}
	in.consume(1)
	if !in.skipSpace() {
		return
	}
	if f == fRows && in.buf[in.start] == '[' {
		in.consume(1)
		s.inArray, s.sawRows = true, true
		return
	}
	if _, st := d.extent(false); st == extTruncated {
		d.record++
		d.fail(d.origin(s.line), "truncated json", errIncomplete)
		*s = streamState{}
	}
}
