// Package eslogger reads macOS Endpoint Security events as Apple's eslogger
// prints them: JSON Lines, one es_message_t per line, message versions 9
// (macOS 15) and 10 (macOS 26, where audit tokens are 8-int arrays).
//
// The event is chosen by the single key inside "event", never by the
// event_type number, which third-party fixtures often get wrong. exec is a
// ProcessStart of event.exec.target; create, link and clone are
// FileCreate; rename is FileRename; write and close with modified:true are
// FileModify; unlink is FileDelete; a read-only open is FileRead; mount is
// Mount. fork produces no event but teaches the decoder which image a pid
// runs, so that later events get parent images and command lines. Other
// events (exit, signal...) are valid data of no use here and are counted
// as ignored.
//
// eslogger names no host: Host.Name stays empty and Host.OS is macos.
// Users are numeric: User.SID is the effective uid.
package eslogger

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/decode/internal/lines"
)

// Format is the format's name in Origins and --format.
const Format = "eslogger"

// Options configure a Decoder.
type Options struct {
	File    string // the input's name, for Origins and errors
	MaxLine int    // the longest line accepted, in bytes; 0 means 16 MiB
}

// Decoder reads eslogger JSON Lines. It is not safe for concurrent use.
type Decoder struct {
	opts Options
	lr   *lines.Reader
	line int64
	rec  int64

	lex   lexer
	procs procTable

	writes       map[writeKey]struct{}
	writeSec     int64
	foldedWrites int

	ignored         int
	unknownVersions int
}

type writeKey struct {
	pid  int64
	path string
}

// NewDecoder returns a Decoder reading r.
func NewDecoder(r io.Reader, o Options) *Decoder {
	lr := lines.New(r, o.MaxLine)
	o.MaxLine = lr.Max()
	return &Decoder{
		opts:   o,
		lr:     lr,
		procs:  newProcTable(),
		writes: make(map[writeKey]struct{}),
	}
}

// Ignored returns how many valid messages produced no event: events of no
// use to stagewatch (fork, exit, signal...), opens for writing, unmodified
// closes and writes folded into an earlier one.
func (d *Decoder) Ignored() int { return d.ignored }

// UnknownVersions returns how many messages had a message version other
// than 9 or 10. They are decoded all the same, since the payloads that
// stagewatch reads have kept their shape across versions.
func (d *Decoder) UnknownVersions() int { return d.unknownVersions }

// FoldedWrites returns how many write events repeated a write of the same
// file by the same process in the same second and were dropped.
func (d *Decoder) FoldedWrites() int { return d.foldedWrites }

// Decode returns the next event, io.EOF at the end of input, or a
// *stagewatch.DecodeError for a line that cannot be read as a message.
func (d *Decoder) Decode() (*stagewatch.Event, error) {
	for {
		line, tooLong, err := d.lr.Next()
		if err != nil {
			return nil, err
		}
		d.line++
		if tooLong {
			d.rec++
			return nil, d.fail("line too long", fmt.Errorf("line longer than %d bytes", d.opts.MaxLine))
		}
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		d.rec++
		ev, reason, err := d.decodeLine(line)
		if reason != "" {
			return nil, d.fail(reason, err)
		}
		if ev == nil {
			d.ignored++
			continue
		}
		return ev, nil
	}
}

// decodeLine maps one message. It returns a nil event for a valid message
// of no use, and a reason for one that cannot be mapped.
func (d *Decoder) decodeLine(line []byte) (*stagewatch.Event, string, error) {
	var m message
	d.lex.reset(line)
	d.lex.readMessage(&m)
	if err := d.lex.err; err != nil {
		if d.lex.typeErr {
			return nil, "bad message", err
		}
		return nil, "bad json", err
	}
	if m.Event == nil {
		return nil, "no event", errors.New(`message has no "event"`)
	}
	if m.Process == nil {
		return nil, "no process", errors.New(`message has no "process"`)
	}
	t, err := time.Parse(time.RFC3339Nano, m.Time)
	if err != nil {
		return nil, "bad timestamp", fmt.Errorf("bad time %q", m.Time)
	}
	ev := &stagewatch.Event{
		Time:   t.UTC(),
		Host:   stagewatch.Host{OS: stagewatch.MacOS},
		Origin: stagewatch.Origin{Format: Format, File: d.opts.File, Line: d.line, Record: d.rec, RecordID: m.GlobalSeqNum.String()},
		Attrs:  map[string]string{},
	}
	if m.Version != 9 && m.Version != 10 {
		d.unknownVersions++
		ev.Attrs["es_version"] = strconv.Itoa(m.Version)
	}
	isExec := m.Event.Exec != nil
	if !isExec {
		d.actor(m.Process, ev)
	}
	name, keep, reason, err := d.convert(m.Event, &m, ev)
	if !isExec {
		d.procs.see(m.Process)
	}
	if reason != "" {
		return nil, reason, err
	}
	if !keep {
		return nil, "", nil
	}
	ev.Action = name
	if len(ev.Attrs) == 0 {
		ev.Attrs = nil
	}
	return ev, "", nil
}

func (d *Decoder) fail(reason string, err error) error {
	return &stagewatch.DecodeError{
		Origin: stagewatch.Origin{Format: Format, File: d.opts.File, Line: d.line, Record: d.rec},
		Reason: reason,
		Err:    err,
	}
}

// sniffLines is how many leading lines Sniff looks at, so that one damaged
// first line does not hide the format.
const sniffLines = 4

// Sniff reports whether head starts with eslogger messages: one of the
// first lines is a JSON object with the es_message_t keys schema_version,
// global_seq_num, mach_time and event, in any order.
func Sniff(head []byte) bool {
	t := bytes.TrimLeft(head, " \t\r\n")
	for range sniffLines {
		if len(t) == 0 || t[0] != '{' {
			return false
		}
		line := t
		if i := bytes.IndexByte(t, '\n'); i >= 0 {
			line, t = t[:i], bytes.TrimLeft(t[i+1:], " \t\r\n")
		} else {
			t = nil
		}
		if isMessage(line) {
			return true
		}
	}
	return false
}

// isMessage reports whether line has the keys of an es_message_t.
func isMessage(line []byte) bool {
	for _, k := range [...]string{`"schema_version":`, `"global_seq_num":`, `"mach_time":`, `"event":{`} {
		if !bytes.Contains(line, []byte(k)) {
			return false
		}
	}
	return true
}
