// Package gcp reads Google Cloud Audit Logs: LogEntry objects whose
// protoPayload is an AuditLog, one per line, in JSON arrays (`gcloud
// logging read --format=json`), pretty-printed, or wrapped in Pub/Sub
// messages (push envelopes {"message":{"data":"<base64>"}} and `gcloud
// pubsub subscriptions pull --format=json` output). Input is streamed one
// entry at a time.
//
// Cloud Storage object writes (storage.objects.create, rewrite, compose)
// become CloudWrite, object reads CloudRead, Compute Engine snapshot and
// image creation Snapshot, and every other method CloudCall.
package gcp

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/decode/internal/jsonrec"
)

// Format is the format name in Origins and for --format.
const Format = "gcp-audit"

// Options configure a Decoder.
type Options struct {
	File    string // the input's name, for Origins and errors
	MaxLine int    // the largest entry accepted, in bytes; 0 means 16 MiB
}

// Decoder reads audit log entries from a stream.
type Decoder struct {
	opts Options
	rd   *jsonrec.Reader
	rec  int64
}

// NewDecoder returns a Decoder reading r.
func NewDecoder(r io.Reader, o Options) *Decoder {
	return &Decoder{
		opts: o,
		// "entries" is the shape of the entries.list REST response.
		rd: jsonrec.New(r, jsonrec.Options{Wrappers: []string{"entries", "receivedMessages"}, MaxRecord: o.MaxLine}),
	}
}

// Decode returns the next event, io.EOF at the end of the input, or a
// *stagewatch.DecodeError for an entry it skipped.
func (d *Decoder) Decode() (*stagewatch.Event, error) {
	raw, err := d.rd.Next()
	if err != nil {
		var je *jsonrec.Error
		if errors.As(err, &je) {
			d.rec++
			return nil, d.fail(je.Reason, fmt.Errorf("record %d: %w", d.rec, je.Err))
		}
		return nil, err
	}
	d.rec++
	ev, reason, err := Parse(raw)
	if err != nil {
		return nil, d.fail(reason, fmt.Errorf("record %d: %w", d.rec, err))
	}
	ev.Origin.Format = Format
	ev.Origin.File = d.opts.File
	ev.Origin.Line = d.rd.Line()
	ev.Origin.Record = d.rec
	return ev, nil
}

func (d *Decoder) fail(reason string, err error) error {
	return &stagewatch.DecodeError{
		Origin: stagewatch.Origin{Format: Format, File: d.opts.File, Line: d.rd.Line(), Record: d.rec},
		Reason: reason,
		Err:    err,
	}
}

// Sniff reports whether head, the first bytes of an input, looks like
// Cloud Audit Log entries, bare or in Pub/Sub messages.
func Sniff(head []byte) bool {
	t := bytes.TrimLeft(bytes.TrimPrefix(head, []byte{0xEF, 0xBB, 0xBF}), " \t\r\n")
	if len(t) == 0 || (t[0] != '{' && t[0] != '[') {
		return false
	}
	if bytes.Contains(t, []byte(`"protoPayload"`)) &&
		(bytes.Contains(t, []byte(`"methodName"`)) || bytes.Contains(t, []byte(`cloudaudit.googleapis.com`))) {
		return true
	}
	if !bytes.Contains(t, []byte(`"message"`)) {
		return false
	}
	data, ok := firstData(t)
	return ok && bytes.Contains(data, []byte(`"protoPayload"`))
}
