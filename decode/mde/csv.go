package mde

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"time"
)

// csvState holds the header and the current record of a CSV input.
type csvState struct {
	cols   []field // what each column holds; fNone for unused ones
	rec    []byte  // the unescaped fields of the current record, back to back
	ends   []int   // end offset in rec of each field
	tsLoc  *time.Location
	genLoc *time.Location
	// tooLong is the length of the last record skipped for exceeding
	// MaxLine, up to the end of the line it was cut at.
	tooLong int64
}

type csvStatus uint8

const (
	csvOK       csvStatus = iota
	csvEOF                // no record left
	csvTooLong            // the record exceeds MaxLine; it was skipped
	csvBadQuote           // the input ends inside a quoted field
)

// stepCSV reads the header, or one record, and queues what it yields.
func (d *Decoder) stepCSV() {
	if d.csv == nil {
		d.csv = &csvState{}
		d.header()
		return
	}
	c := d.csv
	line, st := d.readRecord()
	switch st {
	case csvEOF:
		d.finish()
		return
	case csvTooLong:
		d.record++
		d.fail(d.origin(line), "line too long",
			fmt.Errorf("line %d is %d bytes, longer than the MaxLine limit of %d", line, c.tooLong, d.in.max))
		return
	case csvBadQuote:
		d.record++
		d.fail(d.origin(line), "bad csv", errors.New("input ends inside a quoted field"))
		return
	}
	if len(c.ends) != len(c.cols) {
		d.record++
		d.fail(d.origin(line), "bad csv",
			fmt.Errorf("record has %d fields, the header %d", len(c.ends), len(c.cols)))
		return
	}
	r := &d.row
	*r = row{src: c.rec, tsLoc: c.tsLoc, genLoc: c.genLoc}
	start := 0
	for i, f := range c.cols {
		if f != fNone && f < fProperties {
			r.set(f, start, c.ends[i], vString)
		}
		start = c.ends[i]
	}
	d.emit(r, line)
}

// header reads the header record and maps its columns. Sentinel exports
// name datetime columns "<Name> [Local Time]" or "<Name> [UTC]"; local ones
// are read in Options.Location.
func (d *Decoder) header() {
	c := d.csv
	line, st := d.readRecord()
	if st != csvOK {
		d.done = fmt.Errorf("%s: no csv header on line %d", d.fileName(), line)
		return
	}
	start := 0
	var have uint64
	for _, end := range c.ends {
		name := strings.TrimSpace(string(c.rec[start:end]))
		start = end
		loc := time.UTC
		if base, ok := strings.CutSuffix(name, "[Local Time]"); ok {
			name, loc = strings.TrimSpace(base), d.opts.Location
		} else if base, ok := strings.CutSuffix(name, "[UTC]"); ok {
			name = strings.TrimSpace(base)
		}
		f := lookup([]byte(name))
		switch f {
		case fTimestamp:
			c.tsLoc = loc
		case fTimeGenerated:
			c.genLoc = loc
		}
		have |= 1 << f
		c.cols = append(c.cols, f)
	}
	var missing []string
	if have&(1<<fTimestamp|1<<fTimeGenerated) == 0 {
		missing = append(missing, "Timestamp (or TimeGenerated)")
	}
	if have&(1<<fActionType|1<<fType) == 0 {
		missing = append(missing, "ActionType (or Type)")
	}
	if missing != nil {
		d.done = fmt.Errorf("%s: csv header on line %d lacks required columns: %s",
			d.fileName(), line, strings.Join(missing, ", "))
	}
}

func (d *Decoder) fileName() string {
	if d.opts.File == "" {
		return "<input>"
	}
	return d.opts.File
}

// readRecord reads one RFC 4180 record into csv.rec and csv.ends and
// returns the line it starts on. Quoted fields may hold commas, doubled
// quotes and line breaks; a CR before the LF that ends a record is dropped.
// Blank lines are skipped.
func (d *Decoder) readRecord() (int64, csvStatus) {
	in := &d.in
	c := d.csv
	c.rec, c.ends = c.rec[:0], c.ends[:0]
	for {
		if in.start == in.end && !in.fill() {
			return in.line, csvEOF
		}
		b := in.buf[in.start]
		if b == '\n' {
			in.consumeLine(0)
			continue
		}
		if b == '\r' && in.start+1 < in.end && in.buf[in.start+1] == '\n' {
			in.consume(2)
			continue
		}
		break
	}
	line := in.line
	i := 0 // parse position, relative to in.start
	// more makes in.buf[in.start+i] readable; false at the end of input.
	more := func() bool {
		return in.start+i < in.end || in.fill()
	}
	for {
		if i > in.max {
			in.consume(i)
			c.tooLong = int64(i) + in.skipLine()
			return line, csvTooLong
		}
		if !more() {
			c.ends = append(c.ends, len(c.rec))
			in.consume(i)
			return line, csvOK
		}
		quoted := in.buf[in.start+i] == '"'
		if quoted {
			i++
			for {
				if !more() {
					in.consume(i)
					return line, csvBadQuote
				}
				j := bytes.IndexByte(in.buf[in.start+i:in.end], '"')
				if j < 0 {
					c.rec = append(c.rec, in.buf[in.start+i:in.end]...)
					i = in.end - in.start
					if i > in.max {
						in.consume(i)
						c.tooLong = int64(i) + in.skipLine()
						return line, csvTooLong
					}
					continue
				}
				c.rec = append(c.rec, in.buf[in.start+i:in.start+i+j]...)
				i += j + 1
				if more() && in.buf[in.start+i] == '"' {
					c.rec = append(c.rec, '"')
					i++
					continue
				}
				break
			}
		}
		// Unquoted text, or stray text after a closing quote (kept, as
		// lazy CSV readers do).
		fieldStart := len(c.rec)
		for more() && i <= in.max {
			j := indexEither(in.buf[:in.end], in.start+i, ',', '\n') - in.start
			c.rec = append(c.rec, in.buf[in.start+i:in.start+j]...)
			i = j
			if in.start+i < in.end {
				break // at a delimiter
			}
		}
		if !more() {
			if i > in.max {
				continue // the loop top reports it
			}
			if n := len(c.rec); n > fieldStart && c.rec[n-1] == '\r' {
				c.rec = c.rec[:n-1]
			}
			c.ends = append(c.ends, len(c.rec))
			in.consume(i)
			return line, csvOK
		}
		if in.buf[in.start+i] == ',' {
			c.ends = append(c.ends, len(c.rec))
			i++
			continue
		}
		if in.buf[in.start+i] == '\n' {
			if n := len(c.rec); n > fieldStart && c.rec[n-1] == '\r' {
				c.rec = c.rec[:n-1]
			}
			c.ends = append(c.ends, len(c.rec))
			in.consume(i + 1)
			return line, csvOK
		}
	}
}
