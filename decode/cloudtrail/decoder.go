// Package cloudtrail reads AWS CloudTrail records: S3 delivery files
// ({"Records":[...]}, gzip undone upstream), one record per line, JSON
// arrays of records, EventBridge events (the record under "detail") and
// `aws cloudtrail lookup-events` output (each record a JSON string in
// "CloudTrailEvent"). Input is streamed one record at a time, so a delivery
// file of any size is read in constant memory.
//
// S3 object writes and reads become CloudWrite and CloudRead events,
// snapshot and image creation and copies become Snapshot, and every other
// call (sharing, deletes, listing...) becomes CloudCall, with the fields of
// stagewatch.Cloud filled as the event contract describes.
package cloudtrail

import (
	"bytes"
	"io"

	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/decode/internal/jsonrec"
)

// Format is the format name in Origins and for --format.
const Format = "cloudtrail"

// Options configure a Decoder.
type Options struct {
	File    string // the input's name, for Origins and errors
	MaxLine int    // the largest record accepted, in bytes; 0 means 16 MiB
}

// Decoder reads CloudTrail records from a stream.
type Decoder struct {
	d *jsonrec.Decoder
}

// NewDecoder returns a Decoder reading r.
func NewDecoder(r io.Reader, o Options) *Decoder {
	ro := jsonrec.Options{Wrappers: []string{"Records", "Events"}, MaxRecord: o.MaxLine}
	return &Decoder{d: jsonrec.NewDecoder(r, Format, o.File, ro, Parse)}
}

// Decode returns the next event, io.EOF at the end of the input, or a
// *stagewatch.DecodeError for a record it skipped. A digest file is
// reported as one DecodeError with the reason "cloudtrail digest file".
func (d *Decoder) Decode() (*stagewatch.Event, error) { return d.d.Decode() }

// Sniff reports whether head, the first bytes of an input, looks like
// CloudTrail in one of the shapes NewDecoder reads.
func Sniff(head []byte) bool {
	t := bytes.TrimLeft(bytes.TrimPrefix(head, []byte{0xEF, 0xBB, 0xBF}), " \t\r\n")
	if len(t) == 0 || (t[0] != '{' && t[0] != '[') {
		return false
	}
	has := func(s string) bool { return bytes.Contains(t, []byte(s)) }
	switch {
	case has(`"CloudTrailEvent"`), has(`"AWS API Call via CloudTrail"`):
		return true
	case has(`"digestStartTime"`) && has(`"awsAccountId"`):
		return true
	}
	return has(`"eventSource"`) && has(`"eventName"`) && (has(`"awsRegion"`) || has(`"userIdentity"`))
}
