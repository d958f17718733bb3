// Package auditd decodes Linux audit logs — raw audit.log lines with or
// without a node= prefix, log_format=ENRICHED translations after \x1d,
// the kernel's numeric form (audit: type=1300 audit(...)) and AUOMS
// records — into stagewatch events.
//
// Records are parsed by go-libaudit's auparse (header, hex and quoted
// strings, syscall names by arch, sockaddr); EXECVE argument vectors,
// which auparse cannot rebuild when long arguments are split over several
// records, are rebuilt here. Records are grouped into events as they
// stream: an event ends at its EOE record, after a bounded look-ahead of
// records of other events, or at the end of input, so memory stays bounded
// and records out of order or interleaved still come together.
package auditd

import (
	"bytes"
	"fmt"
	"io"

	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/decode/internal/lines"
)

// DefaultMaxLine is the longest line accepted when Options.MaxLine is 0.
const DefaultMaxLine = lines.DefaultMax

// Options configure a Decoder.
type Options struct {
	File    string // name for Origin.File and error messages ("-" for stdin)
	MaxLine int    // longest line accepted, in bytes; 0 = 16 MiB
	// Host names the machine for records without a node= prefix; empty
	// leaves Host.Name empty.
	Host string
}

// Decoder reads audit.log lines from one input. It is not safe for
// concurrent use.
type Decoder struct {
	opts Options
	lr   *lines.Reader
	s    *Stream
	line int64
	eof  bool
}

// NewDecoder returns a Decoder reading r.
func NewDecoder(r io.Reader, opts Options) *Decoder {
	lr := lines.New(r, opts.MaxLine)
	opts.MaxLine = lr.Max()
	return &Decoder{opts: opts, lr: lr, s: NewStream(Format, opts.File)}
}

// Ignored returns how many events were read but not returned (see
// Stream.Ignored).
func (d *Decoder) Ignored() int { return d.s.Ignored() }

// Failed returns how many failed system calls were skipped.
func (d *Decoder) Failed() int { return d.s.Failed() }

// Decode returns the next event. It returns io.EOF at the end of input, a
// *stagewatch.DecodeError for a line that is not an audit record or an
// event whose SYSCALL record cannot be read (call Decode again to go on),
// and any other error when the input cannot be read further.
func (d *Decoder) Decode() (*stagewatch.Event, error) {
	for {
		if ev, err, ok := d.s.Next(); ok {
			return ev, err
		}
		if d.eof {
			return nil, io.EOF
		}
		line, tooLong, err := d.lr.Next()
		switch {
		case err == io.EOF:
			d.eof = true
			d.s.Close()
			continue
		case err != nil:
			return nil, fmt.Errorf("%s: read: %w", d.opts.File, err)
		}
		d.line++
		if tooLong {
			return nil, &stagewatch.DecodeError{
				Origin: stagewatch.Origin{Format: Format, File: d.opts.File, Line: d.line},
				Reason: "line too long",
				Err:    fmt.Errorf("line longer than %d bytes", d.opts.MaxLine),
			}
		}
		d.s.Add(string(line), d.line, 0, d.opts.Host)
	}
}

// Sniff reports whether head starts with an audit record: its first
// non-blank line holds "type=NAME msg=audit(" (or the kernel's
// "type=1300 audit(") after an optional node= or syslog/dmesg prefix.
func Sniff(head []byte) bool {
	b := bytes.TrimLeft(head, " \t\r\n")
	// ausearch output starts with "----" and "time->..." lines.
	for bytes.HasPrefix(b, []byte("----")) || bytes.HasPrefix(b, []byte("time->")) {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			return false
		}
		b = bytes.TrimLeft(b[i+1:], " \t\r\n")
	}
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		b = b[:i]
	}
	t := bytes.Index(b, []byte("type="))
	if t < 0 || t > 200 || (t > 0 && b[t-1] != ' ') {
		return false
	}
	rest := b[t:]
	sp := bytes.IndexByte(rest, ' ')
	if sp < 0 {
		return false
	}
	rest = bytes.TrimLeft(rest[sp:], " ")
	return bytes.HasPrefix(rest, []byte("msg=audit(")) || bytes.HasPrefix(rest, []byte("audit("))
}
