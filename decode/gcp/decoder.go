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
	d *jsonrec.Decoder
}

// NewDecoder returns a Decoder reading r.
func NewDecoder(r io.Reader, o Options) *Decoder {
	// "entries" is the shape of the entries.list REST response.
	ro := jsonrec.Options{Wrappers: []string{"entries", "receivedMessages"}, MaxRecord: o.MaxLine}
	return &Decoder{d: jsonrec.NewDecoder(r, Format, o.File, ro, Parse)}
}

// Decode returns the next event, io.EOF at the end of the input, or a
// *stagewatch.DecodeError for an entry it skipped.
func (d *Decoder) Decode() (*stagewatch.Event, error) { return d.d.Decode() }

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
