package auditd

import (
	"errors"
	"fmt"
	"strings"

	"github.com/stagewatch/stagewatch"
)

// Format is the Origin.Format of events read from raw audit.log.
const Format = "auditd"

// maxParents bounds the pid → image memory used to fill ParentImage.
const maxParents = 8192

// Stream turns audit records, fed one line at a time, into events. It is
// the core of Decoder and of carriers that wrap audit lines in something
// else (Sentinel Syslog rows). It is not safe for concurrent use.
type Stream struct {
	format  string
	file    string
	asm     assembler
	done    []*group
	out     []result
	ignored int
	failed  int
	parents map[parentKey]parent
}

type result struct {
	ev  *stagewatch.Event
	err error
}

type parentKey struct {
	host string
	pid  int64
}

type parent struct{ image, cmdline string }

// NewStream returns a Stream whose events carry the given Origin.Format
// and Origin.File.
func NewStream(format, file string) *Stream {
	return &Stream{format: format, file: file, parents: make(map[parentKey]parent)}
}

// Add reads one line, numbered line in the input. record, when not 0, is
// the carrier's record number (a Syslog row), which an event's
// Origin.Record takes from its first record; with 0, events are numbered
// in the order they start. host names the machine when the record has no
// node= prefix (a Syslog row's Computer); it may be empty. A line that is
// not an audit record is reported by Next as a *stagewatch.DecodeError;
// blank lines and ausearch separators are skipped.
func (s *Stream) Add(text string, line, record int64, host string) {
	text = strings.TrimRight(text, "\r\n")
	if t := strings.TrimSpace(text); t == "" || t == "----" || strings.HasPrefix(t, "time->") {
		return
	}
	r, err := parseRecord(text)
	if err != nil {
		reason := "not an audit record"
		switch {
		case errors.Is(err, errBadHeader):
			reason = "bad audit header"
		case errors.Is(err, errInterpreted):
			reason = "ausearch -i output"
		}
		s.out = append(s.out, result{err: &stagewatch.DecodeError{
			Origin: stagewatch.Origin{Format: s.format, File: s.file, Line: line, Record: record},
			Reason: reason,
			Err:    fmt.Errorf("%w: %q", err, clip(text, 60)),
		}})
		return
	}
	r.line, r.record = line, record
	s.done = s.asm.add(r, host, s.done[:0])
	s.emit()
}

// Close completes the events still open at the end of input.
func (s *Stream) Close() {
	s.done = s.asm.flush(s.done[:0])
	s.emit()
}

// Next returns the next finished event or error; ok is false when none is
// ready.
func (s *Stream) Next() (ev *stagewatch.Event, err error, ok bool) {
	if len(s.out) == 0 {
		return nil, nil, false
	}
	r := s.out[0]
	s.out[0] = result{}
	s.out = s.out[1:]
	if len(s.out) == 0 {
		s.out = s.out[:0:0]
	}
	return r.ev, r.err, true
}

// Ignored returns how many events were read but not returned: events of no
// kind stagewatch uses (logins, other syscalls, records without a
// syscall) and failed system calls.
func (s *Stream) Ignored() int { return s.ignored }

// Failed returns how many of the ignored events were failed system calls
// (success=no), which did nothing.
func (s *Stream) Failed() int { return s.failed }

// emit maps the completed groups to results.
func (s *Stream) emit() {
	for _, g := range s.done {
		ev, err := s.mapGroup(g)
		switch {
		case err != nil:
			s.out = append(s.out, result{err: err})
		case ev == nil:
			s.ignored++
		default:
			s.out = append(s.out, result{ev: ev})
		}
	}
	clear(s.done)
}

// mapGroup turns one event's records into an Event, or nil when it is of
// no use.
func (s *Stream) mapGroup(g *group) (*stagewatch.Event, error) {
	first := &g.recs[0]
	origin := stagewatch.Origin{Format: s.format, File: s.file, Line: first.line, Record: g.index, RecordID: first.id()}
	if first.record > 0 {
		origin.Record = first.record
	}
	var (
		c    call
		node = g.key.node
		ok   bool
		err  error
	)
	if first.auoms != "" {
		var n string
		c, n, ok = auomsCall(first)
		if node == "" {
			node = n
		}
	} else {
		c, ok, err = rawCall(g)
	}
	if err != nil {
		return nil, &stagewatch.DecodeError{Origin: origin, Reason: "bad syscall record", Err: fmt.Errorf("bad syscall record: %w", err)}
	}
	if !ok {
		return nil, nil
	}
	if c.failed() {
		s.failed++
		return nil, nil
	}
	if node == "" {
		node = g.host
	}
	ev := &stagewatch.Event{
		Time:   first.time,
		Host:   stagewatch.Host{Name: node, OS: stagewatch.Linux},
		Origin: origin,
	}
	if !c.toEvent(ev) {
		return nil, nil
	}
	if c.key != "" {
		if ev.Attrs == nil {
			ev.Attrs = make(map[string]string, 1)
		}
		ev.Attrs["key"] = c.key
	}
	if ev.Kind == stagewatch.ProcessStart {
		s.linkParent(ev)
	}
	return ev, nil
}

// linkParent fills the parent's image and command line from an earlier
// execve of the parent pid on the same host, and remembers this process.
func (s *Stream) linkParent(ev *stagewatch.Event) {
	p := &ev.Proc
	if par, ok := s.parents[parentKey{ev.Host.Name, p.ParentPID}]; ok && p.ParentPID != 0 {
		p.ParentImage = par.image
		if par.image != "" {
			_, p.ParentName = stagewatch.SplitPath(stagewatch.Linux, par.image)
		}
		p.ParentCommandLine = par.cmdline
	}
	if len(s.parents) >= maxParents {
		clear(s.parents)
	}
	s.parents[parentKey{ev.Host.Name, p.PID}] = parent{image: p.Image, cmdline: p.CommandLine}
}

// clip returns at most n bytes of s, for error messages.
func clip(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}
