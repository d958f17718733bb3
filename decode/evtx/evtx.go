// Package evtx reads Windows XML Event Log files (.evtx) natively: the file
// header, the 64 KiB chunks with their string and template tables, the event
// records and the Binary XML inside them, and produces winevent.Records.
//
// It is built for throughput. Each chunk is checked (CRC32 of its header
// and of its records) and decoded independently, several at once on a small
// pool of goroutines, and delivered in file order. A chunk's templates are
// compiled once, on first use, into a short list of operations that fill a
// Record straight from a record's substitution values: only the System
// fields a Record holds and the EventData or UserData values are rendered;
// the rest of the XML is never built.
//
// Damaged input is reported and skipped, never fatal unless nothing of the
// file can be read: a chunk failing its checks is skipped with one
// *stagewatch.DecodeError naming the file and chunk number; a bad record is
// one DecodeError naming the record; dirty (unclosed) files are read as far
// as their chunks are valid.
//
// Values are rendered as Windows renders them in event XML, with these
// choices: GUIDs as "{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}" in lower case,
// hexadecimal integers as "0x" and lower-case digits, binary data as
// upper-case hexadecimal, FILETIME and SYSTEMTIME values as RFC 3339 UTC with
// seven fractional digits, booleans as "true"/"false", and the items of an
// array joined with ", ".
package evtx

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
)

// Format is the Origin.Format of every record and event this package
// decodes.
const Format = "evtx"

// Layout constants of the EVTX format.
const (
	fileHeaderSize  = 4096  // the file header block; chunks follow it
	chunkSize       = 65536 // every chunk, header included
	chunkHeaderSize = 512   // chunk header with string and template tables
	recordHeaderLen = 24    // magic, size, record id, written time
)

var (
	fileMagic   = []byte("ElfFile\x00")
	chunkMagic  = []byte("ElfChnk\x00")
	recordMagic = []byte{0x2a, 0x2a, 0x00, 0x00}
)

// Sniff reports whether head, the first bytes of an input, is an EVTX
// file.
func Sniff(head []byte) bool { return bytes.HasPrefix(head, fileMagic) }

// fileHeader is what the decoder uses of the file header.
type fileHeader struct {
	firstChunk, lastChunk uint64
	nextRecordID          uint64
	major, minor          uint16
	chunks                uint16
	flags                 uint32 // 1 dirty, 2 full
}

// Header flags.
const (
	flagDirty = 1
	flagFull  = 2
)

// Reasons of DecodeErrors, stable for the run summary.
const (
	reasonHeader    = "bad evtx file header"
	reasonChunk     = "bad evtx chunk"
	reasonTruncated = "truncated evtx chunk"
	reasonRecord    = "bad evtx record"
)

var (
	errNotEVTX  = errors.New("not an evtx file: no ElfFile header and no ElfChnk chunk")
	errHeaderCk = errors.New("file header checksum mismatch")
)

// parseFileHeader checks the first block of a file. It returns the header
// and, when the header is damaged but may still be followed by chunks, a
// non-nil error describing the damage.
func parseFileHeader(b []byte) (fileHeader, error) {
	var h fileHeader
	if len(b) < 128 {
		return h, fmt.Errorf("file header is %d bytes, want at least 128", len(b))
	}
	if !bytes.Equal(b[:8], fileMagic) {
		return h, fmt.Errorf("file header magic is %s, want %s", quote(b[:8]), quote(fileMagic))
	}
	le := binary.LittleEndian
	h.firstChunk = le.Uint64(b[8:])
	h.lastChunk = le.Uint64(b[16:])
	h.nextRecordID = le.Uint64(b[24:])
	h.minor = le.Uint16(b[36:])
	h.major = le.Uint16(b[38:])
	h.chunks = le.Uint16(b[42:])
	h.flags = le.Uint32(b[120:])
	if want := le.Uint32(b[124:]); crc32.ChecksumIEEE(b[:120]) != want {
		return h, errHeaderCk
	}
	if h.major != 3 {
		return h, fmt.Errorf("file format version %d.%d, want 3.x", h.major, h.minor)
	}
	return h, nil
}

// chunkState is the verdict on one chunk's bytes.
type chunkState uint8

const (
	chunkOK    chunkState = iota
	chunkEmpty            // never written (all zero header): skipped silently
	chunkBad              // fails its checks: skipped and reported
	chunkShort            // cut short: records that are complete are kept
)

// checkChunk validates the chunk header and the records checksum. c may be
// shorter than chunkSize when the file is truncated. It returns the end of
// the record area (the free space offset, clipped to len(c)).
func checkChunk(c []byte) (end int, st chunkState, err error) {
	if len(c) < chunkHeaderSize {
		if allZero(c) {
			return 0, chunkEmpty, nil
		}
		return 0, chunkBad, fmt.Errorf("chunk is %d bytes, too short for its %d-byte header", len(c), chunkHeaderSize)
	}
	if !bytes.Equal(c[:8], chunkMagic) {
		if allZero(c[:chunkHeaderSize]) {
			return 0, chunkEmpty, nil
		}
		return 0, chunkBad, fmt.Errorf("chunk magic is %s, want %s", quote(c[:8]), quote(chunkMagic))
	}
	le := binary.LittleEndian
	sum := crc32.ChecksumIEEE(c[:120])
	sum = crc32.Update(sum, crc32.IEEETable, c[128:chunkHeaderSize])
	if want := le.Uint32(c[124:]); sum != want {
		return 0, chunkBad, fmt.Errorf("chunk header checksum mismatch (%08x, header says %08x)", sum, want)
	}
	free := int(le.Uint32(c[48:]))
	if free < chunkHeaderSize || free > chunkSize {
		return 0, chunkBad, fmt.Errorf("chunk free space offset %d out of range", free)
	}
	if free > len(c) {
		return len(c), chunkShort, fmt.Errorf("chunk cut short at %d of %d bytes, records end at %d", len(c), chunkSize, free)
	}
	if got, want := crc32.ChecksumIEEE(c[chunkHeaderSize:free]), le.Uint32(c[52:]); got != want {
		return 0, chunkBad, fmt.Errorf("chunk records checksum mismatch (%08x, header says %08x)", got, want)
	}
	return free, chunkOK, nil
}

// quote quotes bytes for an error message, escaping each byte that is not
// printable ASCII.
func quote(b []byte) string {
	out := []byte{'"'}
	for _, c := range b {
		switch {
		case c == '"' || c == '\\':
			out = append(out, '\\', c)
		case c >= 0x20 && c < 0x7f:
			out = append(out, c)
		default:
			out = append(out, '\\', 'x', hexLower[c>>4], hexLower[c&15])
		}
	}
	return string(append(out, '"'))
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}
