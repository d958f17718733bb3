// Package winxml decodes Windows events rendered as XML — wevtutil qe /f:xml,
// Event Viewer's "Save as XML", Splunk XmlWinEventLog, python-evtx — into
// stagewatch events.
//
// Events may be one per line or pretty-printed, several per file, wrapped in
// <Events> or not, after an <?xml?> declaration and comments, with single- or
// double-quoted attributes, entity references and CDATA. Each <Event> becomes
// a winevent.Record and winevent.Map makes it an Event, so Sysmon, Security
// and PowerShell events mean what they mean in every other Windows format.
//
// The decoder does not use encoding/xml: a framer finds each <Event> ...
// </Event> with bytes.Index, and a small scanner walks it once, keeping the
// System values and the EventData (or UserData) values in one string per
// event. encoding/xml is several times slower and allocates per token.
package winxml

import (
	"bytes"
	"fmt"
	"io"

	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/decode/winevent"
)

// Format is the Origin.Format of every event this package decodes.
const Format = "winxml"

// DefaultMaxEvent is the largest event accepted when Options.MaxEvent is 0.
const DefaultMaxEvent = 16 << 20

// Options configure a Decoder.
type Options struct {
	File     string // name for Origin.File and error messages ("-" for stdin)
	MaxEvent int    // largest <Event> element accepted, in bytes; 0 = 16 MiB
}

// Decoder reads rendered XML events from one input. It is not safe for
// concurrent use.
type Decoder struct {
	r       io.Reader
	opts    Options
	buf     []byte
	off     int   // start of the unconsumed bytes in buf
	line    int64 // 1-based line of buf[off]
	scanned int   // bytes after off already searched for the current event's end
	eof     bool
	err     error // a read error other than io.EOF
	skip    bool  // after bad content: skip to the next <Event
	record  int64
	ignored int
	p       parser
	rec     winevent.Record
}

// NewDecoder returns a Decoder reading r.
func NewDecoder(r io.Reader, opts Options) *Decoder {
	if opts.MaxEvent <= 0 {
		opts.MaxEvent = DefaultMaxEvent
	}
	return &Decoder{r: r, opts: opts, line: 1, buf: make([]byte, 0, 64<<10)}
}

// Ignored returns how many well-formed events no analytic uses (see
// winevent.Map) have been skipped so far.
func (d *Decoder) Ignored() int { return d.ignored }

// Decode returns the next event. It returns io.EOF at the end of input, a
// *stagewatch.DecodeError for a bad event or for content that is not an
// event (call Decode again to go on), and any other error when the input
// cannot be read further. Events no analytic uses are skipped and counted
// by Ignored.
func (d *Decoder) Decode() (*stagewatch.Event, error) {
	for {
		ev, line, err := d.next()
		if err != nil {
			return nil, err
		}
		origin := stagewatch.Origin{Format: Format, File: d.opts.File, Line: line, Record: d.record}
		timeErr, reason, err := d.p.parse(ev, &d.rec)
		if err != nil {
			return nil, &stagewatch.DecodeError{Origin: origin, Reason: reason, Err: err}
		}
		out, ok := winevent.Map(&d.rec, origin)
		if !ok {
			d.ignored++
			continue
		}
		if out.Time.IsZero() {
			if timeErr == nil {
				timeErr = fmt.Errorf("event has no time")
			}
			return nil, &stagewatch.DecodeError{Origin: out.Origin, Reason: "bad timestamp", Err: timeErr}
		}
		return out, nil
	}
}

// next returns the bytes of the next <Event> element and its line. Between
// events it skips white space, declarations, comments and the <Events>
// wrapper; anything else is reported once as "not an event" and skipped up
// to the next <Event.
func (d *Decoder) next() ([]byte, int64, error) {
	for {
		b := d.buf[d.off:]
		if d.skip {
			if k := eventStart(b, 0); k >= 0 {
				d.consume(k)
				d.skip = false
				continue
			}
			d.consume(max(0, len(b)-len("<Event")))
			if !d.fill() {
				return nil, 0, d.end()
			}
			continue
		}
		i := 0
		for i < len(b) && isSpace(b[i]) {
			i++
		}
		d.consume(i)
		b = b[i:]
		if len(b) < len("<Events>") && !d.eof {
			if !d.fill() {
				return nil, 0, d.end()
			}
			continue
		}
		if len(b) == 0 {
			return nil, 0, d.end()
		}
		if b[0] != '<' {
			return nil, 0, d.junk(b)
		}
		n, done := prolog(b)
		switch {
		case n > 0:
			d.consume(n)
			continue
		case !done:
			if len(b) >= d.opts.MaxEvent || !d.fill() {
				return nil, 0, d.junk(b)
			}
			continue
		case eventStart(b, 0) != 0:
			return nil, 0, d.junk(b)
		}
		ev, line, err, more := d.event(b)
		if more {
			if !d.fill() {
				return nil, 0, d.end()
			}
			continue
		}
		return ev, line, err
	}
}

// event frames the event starting at b[0]. more is true when the end is
// not buffered yet and more input may bring it.
func (d *Decoder) event(b []byte) (ev []byte, line int64, err error, more bool) {
	line = d.line
	from := max(len("<Event"), d.scanned)
	end, next := eventEnd(b, from)
	// A second <Event before this one's end means this one was cut.
	limit := len(b)
	if end >= 0 {
		limit = end
	}
	if k := eventStart(b[:limit], from); k >= 0 {
		d.record++
		d.scanned = 0
		err = d.badEvent(line, "truncated event", fmt.Errorf("truncated event: a new <Event> starts at line %d before </Event>", d.line+int64(bytes.Count(b[:k], []byte{'\n'}))))
		d.consume(k)
		return nil, 0, err, false
	}
	switch {
	case end >= 0 && next <= d.opts.MaxEvent:
		d.record++
		d.scanned = 0
		d.consume(next)
		return b[:next], line, nil, false
	case end < 0 && (d.eof || d.err != nil):
		d.record++
		d.scanned = 0
		err = d.badEvent(line, "truncated event", fmt.Errorf("truncated event: input ends before </Event>"))
		d.consume(len(b))
		return nil, 0, err, false
	case end >= 0 || len(b) >= d.opts.MaxEvent:
		d.record++
		d.scanned = 0
		err = d.badEvent(line, "event too large", fmt.Errorf("event larger than %d bytes", d.opts.MaxEvent))
		d.consume(len("<Event"))
		d.skip = true
		return nil, 0, err, false
	}
	d.scanned = max(0, len(b)-len("</Event>"))
	return nil, 0, nil, true
}

func (d *Decoder) badEvent(line int64, reason string, err error) error {
	return &stagewatch.DecodeError{Origin: stagewatch.Origin{Format: Format, File: d.opts.File, Line: line, Record: d.record}, Reason: reason, Err: err}
}

// junk reports content that is not an event at the current line and
// skips it.
func (d *Decoder) junk(b []byte) error {
	// Quote the rest of the line, up to 40 bytes, however the input was
	// cut into reads.
	for len(b) <= 40 && bytes.IndexAny(b, "\r\n") < 0 && d.fill() {
		b = d.buf[d.off:]
	}
	if i := bytes.IndexAny(b, "\r\n"); i >= 0 {
		b = b[:i]
	}
	err := &stagewatch.DecodeError{
		Origin: stagewatch.Origin{Format: Format, File: d.opts.File, Line: d.line},
		Reason: "not an event",
		Err:    fmt.Errorf("not a Windows event: %q", clip(b, 40)),
	}
	d.consume(min(len(d.buf)-d.off, 1))
	d.skip = true
	return err
}

// end returns the error that ends the input: a read error, else io.EOF.
func (d *Decoder) end() error {
	if d.err != nil {
		return d.err
	}
	return io.EOF
}

// consume moves past n bytes, counting lines.
func (d *Decoder) consume(n int) {
	d.line += int64(bytes.Count(d.buf[d.off:d.off+n], []byte{'\n'}))
	d.off += n
}

// fill reads more input, moving unconsumed bytes to the front and growing
// the buffer when it is full. It reports false when no more input can come.
func (d *Decoder) fill() bool {
	if d.eof || d.err != nil {
		return false
	}
	if d.off > 0 {
		n := copy(d.buf, d.buf[d.off:])
		d.buf, d.off = d.buf[:n], 0
	}
	if len(d.buf) == cap(d.buf) {
		nb := make([]byte, len(d.buf), 2*cap(d.buf))
		copy(nb, d.buf)
		d.buf = nb
	}
	n, err := d.r.Read(d.buf[len(d.buf):cap(d.buf)])
	d.buf = d.buf[:len(d.buf)+n]
	switch {
	case err == io.EOF:
		d.eof = true
	case err != nil:
		d.err = fmt.Errorf("%s: read: %w", d.opts.File, err)
	}
	return true
}
