// Package native reads stagewatch's own normalized events: NDJSON with one
// stagewatch.Event per line, as `stagewatch normalize` prints them and as
// `stagewatch serve` passes them between instances over Kafka. Reading them
// back gives the analytics exactly the events they would have seen from the
// original input.
package native

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/decode/internal/lines"
)

// Options configure a Decoder.
type Options struct {
	File    string // the input's name, for errors
	MaxLine int    // the longest line accepted, in bytes; 0 means 16 MiB
}

// Decoder reads normalized events, one JSON object per line.
type Decoder struct {
	opts Options
	lr   *lines.Reader
	line int64
	rec  int64
}

// NewDecoder returns a Decoder reading r.
func NewDecoder(r io.Reader, o Options) *Decoder {
	lr := lines.New(r, o.MaxLine)
	o.MaxLine = lr.Max()
	return &Decoder{opts: o, lr: lr}
}

// Decode returns the next event, io.EOF at the end, or a
// *stagewatch.DecodeError for a line that is not a normalized event.
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
		ev, err := Unmarshal(line)
		if err != nil {
			return nil, d.fail("bad event", err)
		}
		ev.Origin = keepOrigin(ev.Origin, d)
		return ev, nil
	}
}

// keepOrigin keeps the origin the event was first read from; an event
// without one is placed in this input.
func keepOrigin(o stagewatch.Origin, d *Decoder) stagewatch.Origin {
	if o.Format != "" || o.File != "" {
		return o
	}
	return stagewatch.Origin{Format: "stagewatch", File: d.opts.File, Line: d.line, Record: d.rec}
}

func (d *Decoder) fail(reason string, err error) error {
	return &stagewatch.DecodeError{
		Origin: stagewatch.Origin{Format: "stagewatch", File: d.opts.File, Line: d.line, Record: d.rec},
		Reason: reason,
		Err:    err,
	}
}

// Marshal encodes ev as one line of normalized JSON, without the newline.
func Marshal(ev *stagewatch.Event) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(ev); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

// Unmarshal decodes one normalized event and restores the derived fields
// that are not serialized (the normalized folder). It rejects objects that
// lack an event time or kind, so that a stray JSON document is an error,
// not an empty event.
func Unmarshal(b []byte) (*stagewatch.Event, error) {
	ev := new(stagewatch.Event)
	if err := json.Unmarshal(b, ev); err != nil {
		return nil, err
	}
	if ev.Time.IsZero() {
		return nil, errors.New(`normalized event has no "time"`)
	}
	if ev.Kind == stagewatch.KindUnknown {
		return nil, errors.New(`normalized event has no "kind"`)
	}
	ev.Time = ev.Time.UTC()
	if ev.File.Dir != "" {
		ev.File.NormDir = stagewatch.NormalizeDir(ev.Host.OS, ev.File.Dir)
	}
	return ev, nil
}

// Sniff reports whether head starts with a normalized event: an object
// whose first keys are "time" and "kind", in the order Marshal writes them.
func Sniff(head []byte) bool {
	t := bytes.TrimLeft(head, " \t\r\n")
	if !bytes.HasPrefix(t, []byte(`{"time":"`)) {
		return false
	}
	line := t
	if i := bytes.IndexByte(t, '\n'); i >= 0 {
		line = t[:i]
	}
	i := bytes.Index(line, []byte(`","kind":"`))
	return i > 0 && i < 64
}
