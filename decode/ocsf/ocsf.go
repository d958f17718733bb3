// Package ocsf reads Open Cybersecurity Schema Framework events as generic
// input: API Activity (6003) becomes the cloud kinds, File System Activity
// (1001) the file kinds and Mount, Process Activity (1007) Launch a
// ProcessStart. Records may come as NDJSON, pretty-printed objects one after
// another, or JSON arrays of objects. Other classes and activities are
// skipped; records that break the schema's base rules (class_uid,
// activity_id, type_uid, time) are reported as DecodeErrors.
package ocsf

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/stagewatch/stagewatch"
)

// Format is the format name, in Origins and for --format.
const Format = "ocsf"

// Options configure a Decoder.
type Options struct {
	File      string // the input's name, for Origins and errors
	MaxRecord int    // the largest record accepted, in bytes; 0 means 16 MiB
}

// Decoder reads OCSF events.
type Decoder struct {
	opts Options
	fr   framer
	rec  int64
}

// NewDecoder returns a Decoder reading r.
func NewDecoder(r io.Reader, o Options) *Decoder {
	if o.MaxRecord <= 0 {
		o.MaxRecord = 16 << 20
	}
	return &Decoder{opts: o, fr: framer{br: bufio.NewReaderSize(r, 64<<10), max: o.MaxRecord}}
}

// Decode returns the next event, io.EOF at the end, or a
// *stagewatch.DecodeError for a record that cannot be read; records of
// classes and activities stagewatch does not use are skipped.
func (d *Decoder) Decode() (*stagewatch.Event, error) {
	for {
		obj, line, err := d.fr.next()
		switch {
		case err == io.EOF:
			return nil, io.EOF
		case errors.Is(err, errTooLong):
			d.rec++
			return nil, d.fail(line, "record too long", fmt.Errorf("record longer than %d bytes", d.opts.MaxRecord))
		case errors.Is(err, errTruncated):
			d.rec++
			return nil, d.fail(line, "truncated json", err)
		case errors.Is(err, errGarbage):
			return nil, d.fail(line, "not a json object", err)
		case err != nil:
			return nil, err
		}
		d.rec++
		var r record
		if err := json.Unmarshal(obj, &r); err != nil {
			return nil, d.fail(line, "bad json", err)
		}
		if reason, err := r.validate(); err != nil {
			return nil, d.fail(line, reason, err)
		}
		ev, ok := d.event(&r)
		if !ok {
			continue
		}
		t, err := r.eventTime()
		if err != nil {
			return nil, d.fail(line, "bad time", err)
		}
		ev.Time = t
		ev.Origin = stagewatch.Origin{Format: Format, File: d.opts.File, Line: line, Record: d.rec, RecordID: r.Metadata.UID}
		return ev, nil
	}
}

func (d *Decoder) fail(line int64, reason string, err error) error {
	return &stagewatch.DecodeError{
		Origin: stagewatch.Origin{Format: Format, File: d.opts.File, Line: line, Record: d.rec},
		Reason: reason,
		Err:    err,
	}
}

// event maps a valid record; false for classes and activities that carry
// nothing the analytics use.
func (d *Decoder) event(r *record) (*stagewatch.Event, bool) {
	ev := &stagewatch.Event{}
	act := *r.ActivityID
	switch *r.ClassUID {
	case classAPI:
		mapCloud(r, ev)
		if ev.Cloud.Action == "" {
			return nil, false
		}
	case classFileSystem:
		if !mapFile(r, ev, act) {
			return nil, false
		}
	case classProcess:
		if act != 1 {
			return nil, false
		}
		mapProcess(r, ev)
	default:
		return nil, false
	}
	if r.Metadata.Product.Name != "" {
		ev.Attrs = map[string]string{"product": r.Metadata.Product.Name}
	}
	if r.ClassName != "" {
		if ev.Attrs == nil {
			ev.Attrs = map[string]string{}
		}
		ev.Attrs["class"] = r.ClassName + " (" + strconv.FormatInt(*r.ClassUID, 10) + ")"
	}
	return ev, true
}

// Sniff reports whether head starts with an OCSF record: its first object
// (possibly inside an array) has a numeric class_uid and an activity_id or
// type_uid. When the first record is longer than head, the keys must at
// least appear in head.
func Sniff(head []byte) bool {
	t := bytes.TrimLeft(bytes.TrimPrefix(head, []byte{0xEF, 0xBB, 0xBF}), " \t\r\n")
	if len(t) > 0 && t[0] == '[' {
		t = bytes.TrimLeft(t[1:], " \t\r\n")
	}
	if len(t) == 0 || t[0] != '{' {
		return false
	}
	fr := framer{br: bufio.NewReader(bytes.NewReader(t)), max: len(t) + 1}
	obj, _, err := fr.next()
	if err != nil {
		return bytes.Contains(t, []byte(`"class_uid"`)) && (bytes.Contains(t, []byte(`"type_uid"`)) || bytes.Contains(t, []byte(`"activity_id"`))) &&
			bytes.Contains(t, []byte(`"metadata"`))
	}
	var base struct {
		ClassUID   *int64 `json:"class_uid"`
		ActivityID *int64 `json:"activity_id"`
		TypeUID    *int64 `json:"type_uid"`
	}
	if json.Unmarshal(obj, &base) != nil || base.ClassUID == nil {
		return false
	}
	return *base.ClassUID >= 1000 && (base.ActivityID != nil || base.TypeUID != nil)
}
