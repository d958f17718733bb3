// Package sysmonlinux decodes Sysmon for Linux events as written to syslog:
// one <Event> XML element per line after a syslog prefix
// ("Nov 24 09:59:47 host sysmon: <Event>..." or RFC 5424
// "<14>1 2022-11-24T09:59:47Z host sysmon 1109 - - <Event>..."), provider
// Linux-Sysmon (formats.md 3.4).
//
// The XML is read by decode/winxml's scanner and mapped by
// decode/winevent.Map, as Windows Sysmon is, with Host.OS linux and POSIX
// paths. Lines of other programs in the same syslog file are skipped and
// counted by Ignored.
package sysmonlinux

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/decode/internal/lines"
	"github.com/stagewatch/stagewatch/decode/winevent"
	"github.com/stagewatch/stagewatch/decode/winxml"
)

// Format is the Origin.Format of events this package decodes.
const Format = "sysmon-linux"

// DefaultMaxLine is the longest line accepted when Options.MaxLine is 0.
const DefaultMaxLine = lines.DefaultMax

// Options configure a Decoder.
type Options struct {
	File    string // name for Origin.File and error messages ("-" for stdin)
	MaxLine int    // longest line accepted, in bytes; 0 = 16 MiB
}

// Mapper turns single Sysmon for Linux <Event> elements into events. It is
// shared by Decoder and by carriers of the same XML (Sentinel Syslog rows).
// It is not safe for concurrent use.
type Mapper struct {
	p   winxml.Parser
	rec winevent.Record
}

// Map parses xml, one <Event> element, and maps it. It returns nil and no
// error for an event of no kind stagewatch uses (EID 5 process terminated,
// 4 service state...), and a *stagewatch.DecodeError with origin for bad
// XML or a missing time. An empty origin.RecordID is filled from
// EventRecordID. host names the machine when the event has no Computer.
func (m *Mapper) Map(xml []byte, origin stagewatch.Origin, host string) (*stagewatch.Event, error) {
	timeErr, reason, err := m.p.Parse(xml, &m.rec)
	if err != nil {
		return nil, &stagewatch.DecodeError{Origin: origin, Reason: reason, Err: err}
	}
	if m.rec.Computer == "" {
		m.rec.Computer = host
	}
	ev, ok := winevent.Map(&m.rec, origin)
	if !ok {
		return nil, nil
	}
	if ev.Time.IsZero() {
		if timeErr == nil {
			timeErr = errors.New("event has no time")
		}
		return nil, &stagewatch.DecodeError{Origin: ev.Origin, Reason: "bad timestamp", Err: timeErr}
	}
	return ev, nil
}

// Decoder reads Sysmon for Linux syslog lines from one input. It is not
// safe for concurrent use.
type Decoder struct {
	opts    Options
	lr      *lines.Reader
	m       Mapper
	line    int64
	record  int64
	ignored int
}

// NewDecoder returns a Decoder reading r.
func NewDecoder(r io.Reader, opts Options) *Decoder {
	lr := lines.New(r, opts.MaxLine)
	opts.MaxLine = lr.Max()
	return &Decoder{opts: opts, lr: lr}
}

// Ignored returns how many lines were skipped: events of no kind
// stagewatch uses and lines of other programs.
func (d *Decoder) Ignored() int { return d.ignored }

// Decode returns the next event, io.EOF at the end of input, a
// *stagewatch.DecodeError for a bad event (call Decode again to go on),
// or another error when the input cannot be read further.
func (d *Decoder) Decode() (*stagewatch.Event, error) {
	for {
		line, tooLong, err := d.lr.Next()
		if err == io.EOF {
			return nil, io.EOF
		}
		if err != nil {
			return nil, fmt.Errorf("%s: read: %w", d.opts.File, err)
		}
		d.line++
		origin := stagewatch.Origin{Format: Format, File: d.opts.File, Line: d.line}
		if tooLong {
			d.record++
			origin.Record = d.record
			return nil, &stagewatch.DecodeError{Origin: origin, Reason: "line too long", Err: fmt.Errorf("line longer than %d bytes", d.opts.MaxLine)}
		}
		xml, host, found, cut := Cut(line)
		if !found {
			if len(bytes.TrimSpace(line)) > 0 {
				d.ignored++
			}
			continue
		}
		d.record++
		origin.Record = d.record
		if xml == nil {
			return nil, &stagewatch.DecodeError{Origin: origin, Reason: "truncated event", Err: errors.New("truncated event: the line ends before </Event>")}
		}
		ev, err := d.m.Map(xml, origin, host)
		if err != nil {
			return nil, err
		}
		if ev == nil {
			d.ignored++
			continue
		}
		if cut {
			MarkTruncated(ev)
		}
		return ev, nil
	}
}

// Cut finds the <Event> element in a syslog line and the host name of a
// syslog prefix. found is false when the line holds no "<Event". When the
// element is not closed on the line (a syslog daemon or Sentinel's 2 KiB
// Syslog limit cut it), truncated is true and xml is the element closed
// after its last complete <Data> value, or nil when not even one is there.
func Cut(line []byte) (xml []byte, host string, found, truncated bool) {
	i := bytes.Index(line, []byte("<Event"))
	for i >= 0 && i+6 < len(line) && line[i+6] != '>' && line[i+6] != ' ' {
		j := bytes.Index(line[i+6:], []byte("<Event"))
		if j < 0 {
			i = -1
			break
		}
		i += 6 + j
	}
	if i < 0 {
		return nil, "", false, false
	}
	host = syslogHost(line[:i])
	end := bytes.LastIndex(line, []byte("</Event>"))
	if end < i {
		return repair(line[i:]), host, true, true
	}
	return line[i : end+len("</Event>")], host, true, false
}

// repair closes a cut event after its last complete EventData value, so
// the values before the cut (Image, CommandLine, User...) are kept.
func repair(ev []byte) []byte {
	data := bytes.Index(ev, []byte("<EventData>"))
	last := bytes.LastIndex(ev, []byte("</Data>"))
	if data < 0 || last < data {
		return nil
	}
	out := make([]byte, 0, last+len("</Data></EventData></Event>"))
	out = append(out, ev[:last+len("</Data>")]...)
	return append(out, "</EventData></Event>"...)
}

// MarkTruncated records on ev that its event was cut in transport and
// rebuilt from the values before the cut.
func MarkTruncated(ev *stagewatch.Event) {
	if ev.Attrs == nil {
		ev.Attrs = make(map[string]string, 1)
	}
	ev.Attrs["truncated"] = "true"
}

// syslogHost returns the host field of a syslog prefix: the fourth word of
// "Mmm dd hh:mm:ss host tag:" or the third of RFC 5424
// "<pri>1 timestamp host app ...".
func syslogHost(prefix []byte) string {
	f := bytes.Fields(prefix)
	if len(f) > 0 && len(f[0]) > 0 && f[0][0] == '<' {
		// <pri>1 is RFC 5424's version; <pri>Mmm a BSD line with PRI.
		if k := bytes.IndexByte(f[0], '>'); k >= 0 {
			if rest := f[0][k+1:]; string(rest) == "1" {
				if len(f) >= 3 {
					return string(f[2])
				}
				return ""
			}
		}
	}
	if len(f) >= 5 {
		return string(f[3])
	}
	return ""
}

// Sniff reports whether head holds Sysmon for Linux syslog lines: one of its
// first lines holds both "<Event" and "Linux-Sysmon" after a syslog prefix
// (a syslog file starts with any program's lines), and the input does not
// start with XML or JSON (plain XML is winxml's, Syslog rows syslog-rows').
func Sniff(head []byte) bool {
	b := bytes.TrimLeft(head, " \t\r\n")
	if len(b) == 0 || b[0] == '{' || b[0] == '[' || (b[0] == '<' && !(len(b) > 1 && b[1] >= '0' && b[1] <= '9')) {
		return false
	}
	for n := 0; n < 64 && len(b) > 0; n++ {
		line := b
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			line, b = b[:i], b[i+1:]
		} else {
			b = nil
		}
		i := bytes.Index(line, []byte("<Event"))
		if i > 0 && bytes.Contains(line[i:], []byte("Linux-Sysmon")) {
			return true
		}
	}
	return false
}
