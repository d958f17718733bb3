// Package mde decodes Microsoft Defender for Endpoint advanced-hunting rows
// (DeviceFileEvents, DeviceProcessEvents, DeviceNetworkEvents and the few
// DeviceEvents types that carry file or process data) into stagewatch
// events, in every shape they are delivered (formats.md section 1.2):
//
//   - JSON Lines of bare rows or streaming records
//     {"time":..,"category":"AdvancedHunting-<Table>","properties":{row}}
//     (storage-account export, LF or CRLF);
//   - Advanced Hunting API {"Schema":..,"Results":[..]} and Graph
//     {"schema":..,"results":[..]} responses;
//   - Event Hub messages {"records":[..]}, the Splunk wrapper
//     {"body":{record},..}, pretty-printed or concatenated;
//   - Defender portal CSV and Sentinel / Log Analytics CSV exports.
//
// The JSON Lines path does not use encoding/json: a lazy scanner walks each
// line once, keeps the spans of the columns it needs and skips the rest, and
// each event's strings share one allocation.
//
// Invalid UTF-8 in a kept value is replaced by U+FFFD rather than failing
// the row.
package mde

import (
	"io"
	"time"

	"github.com/stagewatch/stagewatch"
)

// Format is the Origin.Format of every event this package decodes.
const Format = "mde"

// DefaultMaxLine is the longest line or record accepted when
// Options.MaxLine is 0.
const DefaultMaxLine = 16 << 20

// maxMaxLine keeps span offsets within int32.
const maxMaxLine = 1 << 30

// Options configure a Decoder.
type Options struct {
	File     string         // name for Origin.File and error messages ("-" for stdin)
	Location *time.Location // zone for Sentinel "[Local Time]" CSV columns; nil = UTC
	MaxLine  int            // longest line/record accepted in bytes; 0 = 16 MiB default
}

// Decoder reads MDE rows from one input. It is not safe for concurrent
// use.
type Decoder struct {
	in      input
	opts    Options
	mode    mode
	queue   []result // decoded but not yet returned
	next    int      // index of the next result in queue
	record  int64    // rows seen, for Origin.Record
	ignored int
	table   string
	done    error // io.EOF or a fatal error, returned once queue is empty

	// After a JSON error that may leave the rest of a multi-line value
	// behind, lines are skipped until one starts a value, and counted.
	resync   bool
	skipped  int
	skipFrom int64
	stream   streamState
	row      row // reused scratch rows
	sub      row
	csv      *csvState
}

type mode uint8

const (
	modeUnknown mode = iota
	modeJSON
	modeCSV
)

type result struct {
	ev    *stagewatch.Event
	err   error
	table string
}

// NewDecoder returns a Decoder reading r. The format shape (JSON of any
// kind or CSV) is detected from the content.
func NewDecoder(r io.Reader, opts Options) *Decoder {
	if opts.MaxLine <= 0 {
		opts.MaxLine = DefaultMaxLine
	}
	if opts.MaxLine > maxMaxLine {
		opts.MaxLine = maxMaxLine
	}
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	return &Decoder{in: newInput(r, opts.MaxLine), opts: opts}
}

// Decode returns the next event. It returns io.EOF at the end of input, a
// *stagewatch.DecodeError for a bad record (call Decode again to go on),
// and any other error when the input cannot be read further. Rows that no
// analytic uses are skipped and counted by Ignored.
func (d *Decoder) Decode() (*stagewatch.Event, error) {
	for {
		if d.next < len(d.queue) {
			r := d.queue[d.next]
			d.queue[d.next] = result{}
			d.next++
			d.table = r.table
			return r.ev, r.err
		}
		d.queue, d.next = d.queue[:0], 0
		if d.done != nil {
			return nil, d.done
		}
		switch d.mode {
		case modeUnknown:
			d.detect()
		case modeJSON:
			d.stepJSON()
		case modeCSV:
			d.stepCSV()
		}
	}
}

// Table returns the advanced-hunting table of the row behind the last
// event or error Decode returned ("DeviceFileEvents"), or "" when unknown.
func (d *Decoder) Table() string { return d.table }

// Ignored returns how many rows were read and skipped because their
// ActionType means nothing to any analytic (registry, logon and other
// DeviceEvents). Bad rows are not counted here: Decode reports each one.
func (d *Decoder) Ignored() int { return d.ignored }

// detect skips a UTF-8 byte order mark and picks JSON or CSV from the first
// byte that is not white space.
func (d *Decoder) detect() {
	in := &d.in
	for in.end-in.start < 3 && in.fill() {
	}
	if b := in.data(); len(b) >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF {
		in.start += 3
	}
	if !in.skipSpace() {
		d.finish()
		return
	}
	switch in.buf[in.start] {
	case '{', '[':
		d.mode = modeJSON
	default:
		d.mode = modeCSV
	}
}

// finish ends decoding with io.EOF or the read error that stopped it.
func (d *Decoder) finish() {
	if err := d.in.readErr(); err != nil {
		d.done = err
		return
	}
	d.done = io.EOF
}

// origin returns the Origin of a record starting on line.
func (d *Decoder) origin(line int64) stagewatch.Origin {
	return stagewatch.Origin{Format: Format, File: d.opts.File, Line: line, Record: d.record}
}

// fail queues a DecodeError.
func (d *Decoder) fail(o stagewatch.Origin, reason string, err error) {
	d.queue = append(d.queue, result{err: &stagewatch.DecodeError{Origin: o, Reason: reason, Err: err}})
}

// emit maps one row that starts on line and queues its event or error.
func (d *Decoder) emit(r *row, line int64) {
	d.record++
	o := d.origin(line)
	if r.seen&rowFields == 0 {
		d.fail(o, "not an mde row", errNotRow)
		return
	}
	m := toEvent(r, o)
	switch {
	case m.err != nil:
		d.queue = append(d.queue, result{err: &stagewatch.DecodeError{Origin: o, Reason: m.reason, Err: m.err}, table: m.table})
	case m.ev == nil:
		d.ignored++
	default:
		d.queue = append(d.queue, result{ev: m.ev, table: m.table})
	}
}

// rowFields are the columns at least one of which every MDE row has.
const rowFields = 1<<fTimestamp | 1<<fTimeGenerated | 1<<fActionType | 1<<fDeviceID | 1<<fDeviceName
