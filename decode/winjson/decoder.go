// Package winjson decodes Windows event log records delivered as JSON, in
// every common shape, recognising each object's shape by its keys
// (formats.md 2.2, 2.3):
//
//   - evtx_dump: {"Event":{"System":{..},"EventData":{name: value}}},
//     pretty-printed and concatenated;
//   - xmltodict: the same tree with "@Name" attributes, string values and
//     EventData {"Data":[{"@Name":..,"#text":..}]} or one such object;
//   - Winlogbeat / Elastic Agent before the ingest pipeline
//     (winlog.event_data) and after it (process.*, file.*, user.*);
//   - NXLog im_msvistalog to_json(), flat, with its ProcessID collision;
//   - flat "winlogbeat-lite" objects (EventID, Channel, Hostname and the
//     EventData values at the top level);
//   - Sentinel SecurityEvent, Event and WindowsEvent rows, whose EventData
//     is the event's XML as a string.
//
// Objects come one per line, pretty-printed or concatenated, or as the
// elements of a top-level array, in any mix. Each becomes a
// winevent.Record, and winevent.Map turns that into an event, so a Sysmon
// event means the same whatever shipped it.
//
// Keys are matched exactly: NXLog's ProcessID and Sysmon's ProcessId
// differ only by case (formats.md 0.2). Numbers keep their text, so ids
// beyond 2^53 lose no digits. Invalid UTF-8 is replaced by U+FFFD.
package winjson

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/decode/winevent"
)

// Format is the Origin.Format of every event this package decodes.
const Format = "winjson"

// DefaultMaxLine is the longest record accepted when Options.MaxLine is 0.
const DefaultMaxLine = 16 << 20

// Options configure a Decoder.
type Options struct {
	File string // name for Origin.File and error messages ("-" for stdin)
	// Location is the zone of NXLog EventTime values written without one
	// (NXLog writes local time); nil means UTC.
	Location *time.Location
	MaxLine  int // longest record accepted in bytes; 0 = 16 MiB default
}

// Decoder reads Windows events from one JSON input. It is not safe for
// concurrent use.
type Decoder struct {
	in      *framer
	opts    Options
	record  int64
	shape   Shape
	origin  stagewatch.Origin
	rec     winevent.Record // reused by Decode
	parser  parser
	ignored int
}

// NewDecoder returns a Decoder reading r.
func NewDecoder(r io.Reader, opts Options) *Decoder {
	if opts.MaxLine <= 0 {
		opts.MaxLine = DefaultMaxLine
	}
	return &Decoder{in: newFramer(r, opts.MaxLine), opts: opts}
}

// Decode returns the next event. It returns io.EOF at the end of input, a
// *stagewatch.DecodeError for a bad record (call Decode again to go on),
// and any other error when the input cannot be read further. Records that
// no analytic uses are skipped and counted by Ignored.
func (d *Decoder) Decode() (*stagewatch.Event, error) {
	for {
		if err := d.next(&d.rec); err != nil {
			return nil, err
		}
		ev, ok := winevent.Map(&d.rec, d.origin)
		if !ok {
			d.ignored++
			continue
		}
		if ev.Time.IsZero() {
			return nil, &stagewatch.DecodeError{Origin: d.origin, Reason: "missing timestamp",
				Err: fmt.Errorf("%s event %d has no timestamp", d.shape, d.rec.EventID)}
		}
		return ev, nil
	}
}

// Record returns the next record before mapping, in a Record the caller
// owns, with the same errors as Decode. Origin and Shape describe it.
func (d *Decoder) Record() (*winevent.Record, error) {
	r := new(winevent.Record)
	if err := d.next(r); err != nil {
		return nil, err
	}
	return r, nil
}

// Shape returns the shape of the record behind the last event or error,
// ShapeUnknown when it was not a whole JSON object.
func (d *Decoder) Shape() Shape { return d.shape }

// Origin returns where the last record Decode or Record read came from.
func (d *Decoder) Origin() stagewatch.Origin { return d.origin }

// Ignored returns how many records were read and skipped because no
// analytic uses their event (Windows logs are mostly such events).
func (d *Decoder) Ignored() int { return d.ignored }

// next reads one record into r.
func (d *Decoder) next(r *winevent.Record) error {
	raw, line, reason, err := d.in.next()
	if err != nil {
		return err
	}
	d.record++
	d.shape = ShapeUnknown
	d.origin = stagewatch.Origin{Format: Format, File: d.opts.File, Line: line, Record: d.record}
	fail := func(reason string, err error) error {
		return &stagewatch.DecodeError{Origin: d.origin, Reason: reason, Err: err}
	}
	switch reason {
	case "":
	case reasonTooLong:
		return fail(reason, fmt.Errorf("record longer than %d bytes", d.opts.MaxLine))
	case reasonNotJSON:
		return fail(reason, errors.New("not a json object"))
	default:
		return fail(reason, errors.New(reason))
	}
	src := string(raw)
	if !utf8.ValidString(src) {
		src = strings.ToValidUTF8(src, "\uFFFD")
	}
	v, err := d.parser.parse(src)
	if err != nil {
		return fail("bad json", fmt.Errorf("bad json: %w", err))
	}
	d.shape = classify(&v)
	*r = winevent.Record{Data: r.Data[:0]}
	switch d.shape {
	case ShapeEvtxDump, ShapeXMLToDict:
		err = fromSystem(systemRoot(&v), d.shape, r)
	case ShapeWinlogbeat, ShapeECS:
		err = fromBeats(&v, d.shape, r)
	case ShapeNXLog, ShapeFlat:
		err = fromFlat(&v, d.shape, d.opts.Location, r)
	case ShapeSentinel:
		err = fromSentinel(&v, r)
	default:
		return fail("unknown json shape", fmt.Errorf("unknown json shape (keys %s)", keyList(&v)))
	}
	var re *recordError
	if errors.As(err, &re) {
		return fail(re.reason, fmt.Errorf("%s: %w", d.shape, re.err))
	}
	return err
}

// keyList names the first keys of an object for an error message.
func keyList(v *value) string {
	const max = 6
	var b strings.Builder
	for i := range v.obj {
		if i == max {
			b.WriteString(", ...")
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(cut(v.obj[i].key))
	}
	if b.Len() == 0 {
		return "none"
	}
	return b.String()
}
