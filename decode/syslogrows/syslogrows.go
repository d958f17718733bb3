// Package syslogrows decodes Microsoft Sentinel (Log Analytics) Syslog
// table rows — JSON objects with SyslogMessage, Computer, HostName,
// ProcessName, Facility, TimeGenerated... one per line or in a JSON array —
// by routing each row's message to the parser of what it carries:
//
//   - Sysmon for Linux XML (<Event>...</Event>) → decode/sysmonlinux
//   - audit records, raw (type=SYSCALL msg=audit(...), as audispd forwards
//     them) or AUOMS (type=AUOMS_EXECVE audit(...)) → decode/auditd, whose
//     grouping runs across rows, so records of one event in consecutive
//     rows still make one event
//
// Rows with any other message (cron, sshd, kernel text) are counted by
// Ignored. Event times come from the messages (the audit header, Sysmon's
// UtcTime), not TimeGenerated, which is when the row was ingested. A
// message without its own host name takes the row's Computer (else
// HostName).
package syslogrows

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/decode/auditd"
	"github.com/stagewatch/stagewatch/decode/internal/lines"
	"github.com/stagewatch/stagewatch/decode/sysmonlinux"
)

// Format is the Origin.Format of every event this package decodes.
const Format = "syslog-rows"

// DefaultMaxLine is the longest line accepted when Options.MaxLine is 0.
const DefaultMaxLine = lines.DefaultMax

// Options configure a Decoder.
type Options struct {
	File    string // name for Origin.File and error messages ("-" for stdin)
	MaxLine int    // longest line (NDJSON) accepted, in bytes; 0 = 16 MiB
}

// Decoder reads Syslog rows from one input. It is not safe for concurrent
// use.
type Decoder struct {
	opts    Options
	br      *bufio.Reader // shared with lr, for the array mode
	lr      *lines.Reader
	dec     *json.Decoder // array mode, nil until known
	array   bool
	started bool
	done    bool
	line    int64
	row     int64
	ignored int
	audit   *auditd.Stream
	sysmon  sysmonlinux.Mapper
}

// NewDecoder returns a Decoder reading r.
func NewDecoder(r io.Reader, opts Options) *Decoder {
	br := bufio.NewReaderSize(r, 64<<10)
	lr := lines.New(br, opts.MaxLine)
	opts.MaxLine = lr.Max()
	return &Decoder{opts: opts, br: br, lr: lr, audit: auditd.NewStream(Format, opts.File)}
}

// Ignored returns how many rows or events were read but not returned: rows
// whose message is neither audit nor Sysmon, Sysmon events of no kind
// stagewatch uses, and audit events auditd ignores (failed calls
// included).
func (d *Decoder) Ignored() int { return d.ignored + d.audit.Ignored() }

// Decode returns the next event, io.EOF at the end of input, a
// *stagewatch.DecodeError for a bad row or message (call Decode again to
// go on), or another error when the input cannot be read further.
func (d *Decoder) Decode() (*stagewatch.Event, error) {
	for {
		if ev, err, ok := d.audit.Next(); ok {
			return ev, err
		}
		if d.done {
			return nil, io.EOF
		}
		row, err := d.next()
		switch {
		case err == io.EOF:
			d.done = true
			d.audit.Close()
			continue
		case err != nil:
			var de *stagewatch.DecodeError
			if errors.As(err, &de) {
				return nil, err
			}
			return nil, fmt.Errorf("%s: read: %w", d.opts.File, err)
		}
		ev, err := d.route(row)
		if ev != nil || err != nil {
			return ev, err
		}
	}
}

// row is the part of a Syslog row the decoder uses.
type row struct {
	msg, computer, hostName string
}

// route hands one row's message to its parser.
func (d *Decoder) route(r row) (*stagewatch.Event, error) {
	host := r.computer
	if host == "" {
		host = r.hostName
	}
	origin := stagewatch.Origin{Format: Format, File: d.opts.File, Line: d.line, Record: d.row}
	msg := r.msg
	switch {
	case strings.Contains(msg, "<Event"):
		xml, _, _, cut := sysmonlinux.Cut([]byte(msg))
		if xml == nil {
			return nil, &stagewatch.DecodeError{Origin: origin, Reason: "truncated event", Err: errors.New("truncated event: the message ends before </Event>")}
		}
		ev, err := d.sysmon.Map(xml, origin, host)
		if ev == nil && err == nil {
			d.ignored++
		}
		if ev != nil && cut {
			// Sentinel keeps 2 KiB of a Syslog message: long command
			// lines lose the fields after them.
			sysmonlinux.MarkTruncated(ev)
		}
		return ev, err
	case strings.Contains(msg, "type=") && strings.Contains(msg, "audit("):
		for part := range strings.SplitSeq(msg, "\n") {
			d.audit.Add(part, d.line, d.row, host)
		}
		return nil, nil
	}
	d.ignored++
	return nil, nil
}

// next returns the next row: from the array when the input is one JSON
// array, else from the next non-blank line.
func (d *Decoder) next() (row, error) {
	if !d.started {
		d.started = true
		b, _ := d.br.Peek(1)
		for len(b) == 1 && (b[0] == ' ' || b[0] == '\t' || b[0] == '\r' || b[0] == '\n') {
			d.br.ReadByte()
			b, _ = d.br.Peek(1)
		}
		if len(b) == 1 && b[0] == '[' {
			d.array = true
			d.dec = json.NewDecoder(d.br)
			d.dec.UseNumber()
			if _, err := d.dec.Token(); err != nil {
				return row{}, err
			}
		}
	}
	if d.array {
		if !d.dec.More() {
			return row{}, io.EOF
		}
		d.row++
		var m map[string]any
		if err := d.dec.Decode(&m); err != nil {
			// The array cannot be followed past a syntax error.
			d.done = true
			return row{}, d.bad("bad json", err)
		}
		return rowOf(m), nil
	}
	for {
		line, tooLong, err := d.lr.Next()
		if err != nil {
			return row{}, err
		}
		d.line++
		if tooLong {
			d.row++
			return row{}, d.bad("line too long", fmt.Errorf("line longer than %d bytes", d.opts.MaxLine))
		}
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		d.row++
		var m map[string]any
		if err := json.Unmarshal(line, &m); err != nil {
			return row{}, d.bad("bad json", err)
		}
		return rowOf(m), nil
	}
}

// rowOf picks the row's fields by their exact names.
func rowOf(m map[string]any) row {
	s := func(k string) string {
		v, _ := m[k].(string)
		return v
	}
	return row{msg: s("SyslogMessage"), computer: s("Computer"), hostName: s("HostName")}
}

func (d *Decoder) bad(reason string, err error) error {
	return &stagewatch.DecodeError{Origin: stagewatch.Origin{Format: Format, File: d.opts.File, Line: d.line, Record: d.row}, Reason: reason, Err: err}
}

// Sniff reports whether head starts a JSON object or array whose first
// object has a "SyslogMessage" key and a "Computer" or "HostName" key.
func Sniff(head []byte) bool {
	b := bytes.TrimLeft(head, " \t\r\n")
	if len(b) == 0 || (b[0] != '{' && b[0] != '[') {
		return false
	}
	end := len(b)
	if i := bytes.Index(b[1:], []byte("\n{")); i >= 0 && b[0] == '{' {
		end = i + 1 // the first NDJSON line
	}
	first := b[:end]
	return bytes.Contains(first, []byte(`"SyslogMessage"`)) &&
		(bytes.Contains(first, []byte(`"Computer"`)) || bytes.Contains(first, []byte(`"HostName"`)))
}
