package evtx

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"

	"github.com/stagewatch/stagewatch"
)

// fuzzSeeds are corpus files whose first chunk seeds the fuzz tests.
var fuzzSeeds = []string{
	"exec_sysmon_1_ftp.evtx",
	"metasploit-psexec-native-target-system.evtx",
	"eventlog-dac.evtx",
	"many-events-application.evtx",
}

// seedChunks returns the first chunk of each seed file that is available,
// cut after its third record: small inputs keep fuzzing (and minimizing)
// fast.
func seedChunks() [][]byte {
	var out [][]byte
	for _, name := range fuzzSeeds {
		data, err := os.ReadFile(filepath.Join(corpusDir, name))
		if err != nil || len(data) < fileHeaderSize+chunkSize {
			continue
		}
		c := bytes.Clone(data[fileHeaderSize : fileHeaderSize+chunkSize])
		end := chunkHeaderSize
		for range 3 {
			if size := int(binary.LittleEndian.Uint32(c[end+4:])); end+size <= len(c) && size > 0 {
				end += size
			}
		}
		binary.LittleEndian.PutUint32(c[48:], uint32(end))
		out = append(out, c[:end])
	}
	return out
}

// fileWith returns an EVTX file of a valid header and the given chunks.
func fileWith(chunks ...[]byte) []byte {
	h := make([]byte, fileHeaderSize)
	copy(h, fileMagic)
	binary.LittleEndian.PutUint16(h[38:], 3)
	binary.LittleEndian.PutUint16(h[36:], 1)
	fixHeaderChecksum(h)
	for _, c := range chunks {
		h = append(h, c...)
	}
	return h
}

// checkDecode decodes data to the end and checks the contract: no panic,
// progress, DecodeErrors with a reason and origin, valid UTF-8 strings.
func checkDecode(t *testing.T, data []byte, workers int) {
	d := NewDecoder(bytes.NewReader(data), Options{File: "fuzz", Workers: workers})
	for i := 0; ; i++ {
		if i > len(data)/recordHeaderLen+10 {
			t.Fatalf("more results than the input could hold: decoder does not progress")
		}
		rec, o, err := d.Next()
		if err == io.EOF {
			return
		}
		var de *stagewatch.DecodeError
		switch {
		case errors.As(err, &de):
			if de.Reason == "" || de.Origin.Format != Format || de.Origin.File != "fuzz" {
				t.Fatalf("decode error without reason or origin: %#v", de)
			}
			continue
		case err != nil:
			return // fatal: the input is not EVTX
		}
		if o.Record != int64(i+1) && o.Record == 0 {
			t.Fatalf("record without an index: %+v", o)
		}
		for _, s := range []string{rec.Provider, rec.Channel, rec.Computer, rec.UserSID} {
			if !utf8.ValidString(s) {
				t.Fatalf("invalid UTF-8 %q", s)
			}
		}
		for _, f := range rec.Data {
			if !utf8.ValidString(f.Name) || !utf8.ValidString(f.Value) {
				t.Fatalf("invalid UTF-8 in %q=%q", f.Name, f.Value)
			}
		}
	}
}

// FuzzDecode feeds whole files to the decoder. Most mutations of a real
// file fail a checksum; FuzzChunk reaches the parser behind them.
func FuzzDecode(f *testing.F) {
	for _, c := range seedChunks() {
		full := make([]byte, chunkSize)
		copy(full, c)
		fixChunkChecksums(full)
		f.Add(fileWith(full))
	}
	f.Add([]byte("ElfFile\x00"))
	f.Add(fileWith(make([]byte, chunkSize)))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkDecode(t, data, 1)
	})
}

// FuzzChunk mutates the inside of a chunk and fixes its magic and checksums,
// so mutations reach the record and Binary XML parsers.
func FuzzChunk(f *testing.F) {
	for _, c := range seedChunks() {
		f.Add(c)
	}
	f.Add(bytes.Repeat([]byte{0x0f, 0x01, 0x01, 0x00, 0x0c}, 200))
	f.Fuzz(func(t *testing.T, in []byte) {
		c := make([]byte, chunkSize)
		copy(c, in)
		copy(c, chunkMagic)
		binary.LittleEndian.PutUint32(c[48:], uint32(max(chunkHeaderSize, min(len(in), chunkSize))))
		fixChunkChecksums(c)
		checkDecode(t, fileWith(c, c), 2)
	})
}
