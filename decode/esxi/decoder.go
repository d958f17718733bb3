// Package esxi reads VMware ESXi logs: shell.log, hostd.log, vmkernel.log,
// auth.log, vobd.log, syslog.log and the per-VM vmware.log, in the ESXi
// 5/6/7 and 8/9 line formats and as forwarded syslog (RFC 3164 and RFC 5424).
// It turns the lines that matter for data staging into events: shell
// commands (ProcessStart), snapshot creation (Snapshot), NFS datastore
// mounts (Mount), guest file transfers (FileCreate) and SSH or host client
// logins (NetConnect inbound).
//
// Continuation lines ("-->" at the start of a line, or "+"/"-->" right after
// the header) fold into the entry before them. RFC 3164 timestamps carry no
// year; see Options.Year for how it is inferred.
package esxi

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/decode/internal/lines"
)

// Format is the format name in Origins and --format.
const Format = "esxi"

// Options configure a Decoder.
type Options struct {
	File    string // the input's name, for Origins and errors
	MaxLine int    // the longest line accepted, in bytes; 0 means 1 MiB
	// Year is the year of RFC 3164 timestamps ("Dec  5 17:36:17", no year)
	// when the input gives none. The year is inferred, in this order: from
	// the latest ISO-dated line read before (ESXi writes ISO timestamps in
	// its own files and often inside forwarded messages); for lines before
	// any dated line, from the first ISO-dated line within the first 64 KiB
	// of the input; else Year. A month going back (Dec, then Jan) moves to
	// the next year. With no year from any of these a line is a
	// DecodeError with Reason "no year" — never the wall clock's year.
	Year int
}

const defaultMaxLine = 1 << 20

type result struct {
	ev  *stagewatch.Event
	err error
}

// Decoder reads ESXi log lines. It is not safe for concurrent use.
type Decoder struct {
	opts   Options
	lr     *lines.Reader
	line   int64
	record int64
	eof    bool

	held  *entry   // the entry continuation lines may still fold into
	queue []result // decoded results not yet returned

	year      int      // current year for RFC 3164 lines; 0 = unknown
	lastMonth int      // month of the latest dated line, for roll-over
	guest     *guestOp // a guest transfer waiting for its "Guest File Path is" line
	sshd      map[int64]sshConn
	labels    map[string]string // NFS server:path -> datastore label
	vmName    string            // VM folder of a vmware.log input, from its file name
}

// NewDecoder returns a Decoder reading r.
func NewDecoder(r io.Reader, o Options) *Decoder {
	if o.MaxLine <= 0 {
		o.MaxLine = defaultMaxLine
	}
	br := bufio.NewReaderSize(r, 64<<10)
	d := &Decoder{opts: o, lr: lines.New(br, o.MaxLine)}
	if head, _ := br.Peek(64 << 10); len(head) > 0 {
		d.year = firstYear(head)
	}
	if d.year == 0 {
		d.year = o.Year
	}
	d.vmName = vmFolder(o.File)
	return d
}

// vmFolder returns <VM> for an input named ".../<VM>/vmware.log" (or
// vmware-N.log), the VM whose snapshots the file records.
func vmFolder(name string) string {
	dir, base := stagewatch.SplitPath(stagewatch.ESXi, name)
	if !strings.HasPrefix(base, "vmware") || !strings.HasSuffix(base, ".log") {
		return ""
	}
	_, vm := stagewatch.SplitPath(stagewatch.ESXi, dir)
	return vm
}

// firstYear returns the year of the first ISO timestamp (yyyy-mm-ddT) in
// head, or 0.
func firstYear(head []byte) int {
	for i := 0; i+11 <= len(head); i++ {
		j := bytes.IndexByte(head[i:], 'T')
		if j < 0 {
			return 0
		}
		i += j
		if i >= 10 {
			s := head[i-10 : i]
			if s[4] == '-' && s[7] == '-' && allDigits(string(s[:4])) && allDigits(string(s[5:7])) && allDigits(string(s[8:10])) {
				y := int(s[0]-'0')*1000 + int(s[1]-'0')*100 + int(s[2]-'0')*10 + int(s[3]-'0')
				if y >= 1990 {
					return y
				}
			}
		}
	}
	return 0
}

// Decode returns the next event, io.EOF at the end, or a
// *stagewatch.DecodeError for a line that cannot be read (the caller may go
// on calling Decode).
func (d *Decoder) Decode() (*stagewatch.Event, error) {
	for {
		if len(d.queue) > 0 {
			r := d.queue[0]
			d.queue[0] = result{}
			d.queue = d.queue[1:]
			return r.ev, r.err
		}
		if d.eof {
			if d.held != nil {
				d.process(d.held)
				d.held = nil
				continue
			}
			if d.guest != nil {
				d.emitGuest("")
				continue
			}
			return nil, io.EOF
		}
		line, tooLong, err := d.lr.Next()
		if err == io.EOF {
			d.eof = true
			continue
		}
		if err != nil {
			return nil, err
		}
		d.line++
		if tooLong {
			d.flushHeld()
			d.record++
			d.fail(d.line, "line too long", fmt.Errorf("line longer than %d bytes", d.opts.MaxLine))
			continue
		}
		d.readEntry(string(bytes.TrimRight(line, " \t")))
	}
}

// readEntry handles one line: a continuation folds into the held entry, a
// header line starts a new one.
func (d *Decoder) readEntry(s string) {
	if strings.TrimSpace(s) == "" {
		return
	}
	if cont, ok := continuation(s); ok {
		if d.held != nil {
			d.held.msg += "\n" + cont
			return
		}
		d.record++
		d.fail(d.line, "continuation without entry", nil)
		return
	}
	e, err := parseLine(s)
	if err != nil {
		d.flushHeld()
		d.record++
		d.fail(d.line, err.Error(), nil)
		return
	}
	if d.held != nil && (strings.HasPrefix(e.msg, "-->") || strings.HasPrefix(e.msg, "+")) &&
		e.app == d.held.app && e.pid == d.held.pid {
		// ESXi 8 continuation: the header is repeated, then "+" or "-->".
		m := strings.TrimLeft(strings.TrimPrefix(e.msg, "+"), " ")
		d.held.msg += "\n" + strings.TrimLeft(strings.TrimPrefix(m, "-->"), " ")
		return
	}
	d.flushHeld()
	d.record++
	e.line, e.record = d.line, d.record
	if !d.date(&e) {
		d.fail(e.line, "no year", errors.New("RFC 3164 timestamp without a year and no dated line before it (give a year)"))
		return
	}
	d.held = &e
}

// continuation reports whether s continues the previous entry: a line
// starting with "-->" or with white space (ESXi 6/7 multi-line entries).
func continuation(s string) (string, bool) {
	if rest, ok := strings.CutPrefix(s, "-->"); ok {
		return strings.TrimLeft(rest, " "), true
	}
	if s[0] == ' ' || s[0] == '\t' {
		return strings.TrimLeft(s, " \t"), true
	}
	return "", false
}

// date gives e its time: ISO-dated entries set the current year; RFC 3164
// entries take it. It returns false when no year is known.
func (d *Decoder) date(e *entry) bool {
	if e.undated == nil {
		d.year, d.lastMonth = e.time.Year(), int(e.time.Month())
		return true
	}
	if d.year == 0 {
		return false
	}
	m := int(e.undated.month)
	if d.lastMonth == 12 && m == 1 {
		d.year++
	}
	d.lastMonth = m
	e.time = e.undated.resolve(d.year)
	e.undated = nil
	return true
}

func (d *Decoder) flushHeld() {
	if d.held != nil {
		d.process(d.held)
		d.held = nil
	}
}

// fail queues a DecodeError for the line.
func (d *Decoder) fail(line int64, reason string, err error) {
	d.queue = append(d.queue, result{err: &stagewatch.DecodeError{
		Origin: stagewatch.Origin{Format: Format, File: d.opts.File, Line: line, Record: d.record},
		Reason: reason,
		Err:    err,
	}})
}

// emit queues an event.
func (d *Decoder) emit(ev *stagewatch.Event) {
	d.queue = append(d.queue, result{ev: ev})
}
