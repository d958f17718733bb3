// Package ecs reads Elastic Common Schema documents from Elastic Endpoint
// (Elastic Defend), Elastic Agent, Auditbeat and Filebeat: NDJSON,
// concatenated or pretty-printed objects, JSON arrays, and Elasticsearch
// search responses or hits whose documents sit under _source. Fields may
// be nested objects, dotted keys, or a mix of both.
//
// The kind comes from event.category and event.type (arrays or single
// strings): process start, file creation, change, deletion, access and
// rename (file.Ext.original.path), network connection; Auditbeat auditd
// and file integrity actions fill in where categorization is missing, and
// mounts are read when a producer reports them. Host.OS comes from
// host.os.type, host.os.family or host.os.platform.
//
// Winlogbeat documents that carry winlog.* are Windows event log records
// and belong to the winjson format, which is sniffed first; ecs reads the
// rest, Elastic Endpoint's Windows events included. Forced with --format,
// ecs reads winlog documents too, from their ECS fields alone.
package ecs

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/decode/timestamp"
)

// Format is the format's name in Origins and --format.
const Format = "ecs"

// Options configure a Decoder.
type Options struct {
	File string // the input's name, for Origins and errors
	// MaxRecord is the longest top-level JSON value accepted, in bytes
	// (a whole array or search response is one value); 0 means 256 MiB.
	MaxRecord int
}

const defaultMaxRecord = 256 << 20

// Decoder reads ECS documents. It is not safe for concurrent use.
type Decoder struct {
	opts    Options
	fr      *framer
	tree    tree // the current top-level value; pending documents point into it
	pending []pendingDoc
	rec     int64
	ignored int
}

// pendingDoc is a document unwrapped from a top-level value, waiting to be
// mapped.
type pendingDoc struct {
	d    doc
	id   string // Elasticsearch _id, when the document came in a hit
	line int64
	bad  string // a reason when the element is not a document
}

// NewDecoder returns a Decoder reading r.
func NewDecoder(r io.Reader, o Options) *Decoder {
	if o.MaxRecord <= 0 {
		o.MaxRecord = defaultMaxRecord
	}
	return &Decoder{opts: o, fr: newFramer(r, o.MaxRecord)}
}

// Ignored returns how many documents were read but observed nothing
// stagewatch uses (process ends, logons, metrics...).
func (d *Decoder) Ignored() int { return d.ignored }

// Decode returns the next event, io.EOF at the end of input, or a
// *stagewatch.DecodeError for a record that cannot be read.
func (d *Decoder) Decode() (*stagewatch.Event, error) {
	for {
		for len(d.pending) > 0 {
			p := d.pending[0]
			d.pending[0] = pendingDoc{}
			d.pending = d.pending[1:]
			d.rec++
			origin := stagewatch.Origin{Format: Format, File: d.opts.File, Line: p.line, Record: d.rec}
			if p.bad != "" {
				return nil, &stagewatch.DecodeError{Origin: origin, Reason: p.bad}
			}
			ev, reason, err := mapDoc(p.d, origin)
			if reason != "" {
				return nil, &stagewatch.DecodeError{Origin: origin, Reason: reason, Err: err}
			}
			if ev == nil {
				d.ignored++
				continue
			}
			if ev.Origin.RecordID == "" {
				ev.Origin.RecordID = p.id
			}
			return ev, nil
		}
		raw, line, reason, err := d.fr.next()
		if err != nil {
			return nil, err
		}
		if reason != "" {
			d.rec++
			var cause error
			if reason == reasonTooLong {
				cause = errTooLong(d.opts.MaxRecord)
			}
			return nil, &stagewatch.DecodeError{Origin: stagewatch.Origin{Format: Format, File: d.opts.File, Line: line, Record: d.rec}, Reason: reason, Err: cause}
		}
		if err := d.tree.parse(raw); err != nil {
			d.rec++
			return nil, &stagewatch.DecodeError{Origin: stagewatch.Origin{Format: Format, File: d.opts.File, Line: line, Record: d.rec}, Reason: "bad json", Err: err}
		}
		d.pending = unwrap(d.pending[:0], &d.tree, 0, line)
	}
}

// unwrap appends the documents value v of t holds: the elements of an
// array, the _source of each hit of a search response, the _source of one
// hit, or the value itself.
func unwrap(out []pendingDoc, t *tree, v int32, line int64) []pendingDoc {
	n := &t.nodes[v]
	switch n.kind {
	case kArray:
		for c := n.child; c >= 0; c = t.nodes[c].next {
			if t.nodes[c].kind == kArray {
				out = append(out, pendingDoc{line: line, bad: "not an object"})
				continue
			}
			out = unwrap(out, t, c, line)
		}
		return out
	case kObject:
		d := doc{t, v}
		if hits := d.get("hits.hits"); hits >= 0 && t.nodes[hits].kind == kArray {
			return unwrap(out, t, hits, line)
		}
		if src := d.member(v, "_source"); src >= 0 && t.nodes[src].kind == kObject {
			id := ""
			if i := d.member(v, "_id"); i >= 0 {
				id = d.text(i)
			}
			return append(out, pendingDoc{d: doc{t, src}, id: id, line: line})
		}
		return append(out, pendingDoc{d: d, line: line})
	}
	return append(out, pendingDoc{line: line, bad: "not an object"})
}

// mapDoc maps one document. It returns a nil event for a document of no
// use, and a reason for one that cannot be mapped.
func mapDoc(d doc, origin stagewatch.Origin) (*stagewatch.Event, string, error) {
	t, err := eventTime(d)
	if err != nil {
		return nil, "bad timestamp", err
	}
	kind, ok := kindOf(d)
	if !ok {
		return nil, "", nil
	}
	os := hostOS(d)
	ev := &stagewatch.Event{
		Time:   t,
		Kind:   kind,
		Action: d.first("event.action", "event.code"),
		Host:   stagewatch.Host{ID: d.str("host.id"), Name: d.first("host.name", "host.hostname"), OS: os},
		Origin: origin,
	}
	ev.Origin.RecordID = d.first("event.id", "auditd.sequence", "winlog.record_id", "event.sequence")
	fillUser(d, ev)
	fillProcess(d, os, ev)
	switch {
	case kind == stagewatch.ProcessStart:
		if ev.Proc.Image == "" && ev.Proc.Name == "" && ev.Proc.CommandLine == "" {
			return nil, "no process", errors.New("process start without process.executable, process.name or process.args")
		}
	case kind.IsFile():
		p := filePath(d, os)
		if p == "" {
			return nil, "no file path", errors.New("file event without file.path")
		}
		fillFile(d, os, p, ev)
	case kind == stagewatch.NetConnect:
		fillNet(d, ev)
	case kind == stagewatch.Mount:
		fillMount(d, os, ev)
	}
	if ds := d.first("event.dataset", "event.module"); ds != "" {
		ev.Attrs = map[string]string{"dataset": ds}
	}
	return ev, "", nil
}

// eventTime reads @timestamp: an ISO 8601 string, or epoch milliseconds as
// some exports write it.
func eventTime(d doc) (time.Time, error) {
	i := d.get("@timestamp")
	if i < 0 {
		if s := d.str("event.created"); s != "" {
			return timestamp.Parse(s)
		}
		return time.Time{}, errors.New(`document has no "@timestamp"`)
	}
	switch n := d.node(i); n.kind {
	case kString:
		return timestamp.Parse(n.text)
	case kNumber:
		ms, err := strconv.ParseInt(n.text, 10, 64)
		if err != nil {
			return time.Time{}, fmt.Errorf("bad @timestamp %s", n.text)
		}
		return time.UnixMilli(ms).UTC(), nil
	}
	return time.Time{}, errors.New(`"@timestamp" is not a string or number`)
}
