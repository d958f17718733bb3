// Package azure reads Azure Monitor logs: Storage resource logs (the
// StorageRead, StorageWrite and StorageDelete categories of blob
// diagnostic settings), the same data as StorageBlobLogs rows exported
// from Log Analytics, and Activity log records (control plane: snapshots,
// images, disk SAS exports). Records come one per line, in JSON arrays, or
// wrapped in {"records":[...]} as Azure Monitor delivers them to storage
// accounts and Event Hubs, or {"value":[...]} as the REST API lists them.
// Input is streamed one record at a time.
//
// Blob writes (PutBlob, PutBlock, PutBlockList, CopyBlob, AppendBlock...)
// become CloudWrite, GetBlob CloudRead, snapshot and image writes Snapshot,
// and everything else CloudCall. The "Start" record Activity logs write
// before each operation is skipped: the record of its outcome follows.
package azure

import (
	"bytes"
	"io"

	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/decode/internal/jsonrec"
)

// Format is the format name in Origins and for --format.
const Format = "azure"

// Options configure a Decoder.
type Options struct {
	File    string // the input's name, for Origins and errors
	MaxLine int    // the largest record accepted, in bytes; 0 means 16 MiB
}

// Decoder reads Azure log records from a stream.
type Decoder struct {
	d *jsonrec.Decoder
}

// NewDecoder returns a Decoder reading r.
func NewDecoder(r io.Reader, o Options) *Decoder {
	ro := jsonrec.Options{Wrappers: []string{"records", "value"}, MaxRecord: o.MaxLine}
	return &Decoder{d: jsonrec.NewDecoder(r, Format, o.File, ro, Parse)}
}

// Decode returns the next event, io.EOF at the end of the input, or a
// *stagewatch.DecodeError for a record it skipped.
func (d *Decoder) Decode() (*stagewatch.Event, error) { return d.d.Decode() }

// Sniff reports whether head, the first bytes of an input, looks like
// Azure Storage or Activity log records.
func Sniff(head []byte) bool {
	t := bytes.TrimLeft(bytes.TrimPrefix(head, []byte{0xEF, 0xBB, 0xBF}), " \t\r\n")
	if len(t) == 0 || (t[0] != '{' && t[0] != '[') {
		return false
	}
	has := func(s string) bool { return bytes.Contains(t, []byte(s)) }
	op := has(`"operationName"`) || has(`"OperationName"`) || has(`"OperationNameValue"`)
	if !op {
		return false
	}
	return has(`"callerIpAddress"`) || has(`"CallerIpAddress"`) ||
		(has(`"resourceId"`) && has(`"category"`)) ||
		(has(`"ObjectKey"`) && has(`"AccountName"`))
}
