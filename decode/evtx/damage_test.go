package evtx

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// damageFile is a corpus file of several chunks that the damage tests copy
// and break.
const damageFile = "rogue_msi_url_1040_1042.evtx"

func damageData(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(corpusDir, damageFile))
	if err != nil {
		t.Skipf("corpus file not available: %v", err)
	}
	return data
}

// chunkAt returns chunk i (0-based) of an EVTX file.
func chunkAt(data []byte, i int) []byte {
	off := fileHeaderSize + i*chunkSize
	return data[off : off+chunkSize]
}

// chunkIDs returns the first and last record id a chunk header claims.
func chunkIDs(c []byte) (uint64, uint64) {
	return binary.LittleEndian.Uint64(c[24:]), binary.LittleEndian.Uint64(c[32:])
}

// fixChunkChecksums recomputes both checksums of a chunk, so a test can
// damage what the checksums do not catch.
func fixChunkChecksums(c []byte) {
	le := binary.LittleEndian
	free := min(int(le.Uint32(c[48:])), len(c))
	if free >= chunkHeaderSize {
		le.PutUint32(c[52:], crc32.ChecksumIEEE(c[chunkHeaderSize:free]))
	}
	le.PutUint32(c[124:], crc32.ChecksumIEEE(append(append([]byte(nil), c[:120]...), c[128:chunkHeaderSize]...)))
}

func fixHeaderChecksum(b []byte) {
	binary.LittleEndian.PutUint32(b[124:], crc32.ChecksumIEEE(b[:120]))
}

// summary is what a damage test checks: record ids, and errors.
type summary struct {
	IDs    []string
	Errors []string
	Fatal  string
}

func summarize(t *testing.T, data []byte) (summary, Stats) {
	t.Helper()
	res, d := decodeResults(t, data, Options{File: "f.evtx"})
	var s summary
	for _, r := range res {
		switch {
		case r.Fatal != "":
			s.Fatal = r.Fatal
		case r.Error != "":
			s.Errors = append(s.Errors, r.Reason+": "+r.Error)
		default:
			s.IDs = append(s.IDs, r.Origin.RecordID)
		}
	}
	return s, d.Stats()
}

// without returns ids less those from first to last.
func without(ids []string, first, last uint64) []string {
	var out []string
	for _, s := range ids {
		if id, _ := strconv.ParseUint(s, 10, 64); id < first || id > last {
			out = append(out, s)
		}
	}
	return out
}

func TestDamage(t *testing.T) {
	clean := damageData(t)
	base, _ := summarize(t, clean)
	if len(base.Errors) > 0 || base.Fatal != "" || len(base.IDs) == 0 {
		t.Fatalf("clean file: %+v", base)
	}
	all := base.IDs
	first2, last2 := chunkIDs(chunkAt(clean, 1))
	but2 := without(all, first2, last2)
	tests := []struct {
		name   string
		damage func(b []byte) []byte
		want   summary
	}{
		{"records of chunk 2 flipped", func(b []byte) []byte {
			chunkAt(b, 1)[9000] ^= 0xff
			return b
		}, summary{IDs: but2, Errors: []string{
			"bad evtx chunk: f.evtx: chunk 2 (file offset 69632): chunk records checksum mismatch",
		}}},
		{"header of chunk 2 flipped", func(b []byte) []byte {
			chunkAt(b, 1)[300] ^= 0x01
			return b
		}, summary{IDs: but2, Errors: []string{
			"bad evtx chunk: f.evtx: chunk 2 (file offset 69632): chunk header checksum mismatch",
		}}},
		{"chunk 2 overwritten with garbage", func(b []byte) []byte {
			copy(chunkAt(b, 1), bytes.Repeat([]byte("garbage!"), chunkSize/8))
			return b
		}, summary{IDs: but2, Errors: []string{
			`bad evtx chunk: f.evtx: chunk 2 (file offset 69632): chunk magic is "garbage!", want "ElfChnk\x00"`,
		}}},
		{"file header checksum", func(b []byte) []byte {
			b[100] ^= 0xff
			return b
		}, summary{IDs: all, Errors: []string{
			"bad evtx file header: f.evtx: file header checksum mismatch; chunks are read all the same",
		}}},
		{"file header magic", func(b []byte) []byte {
			copy(b, "NotAFile")
			return b
		}, summary{IDs: all, Errors: []string{
			`bad evtx file header: f.evtx: file header magic is "NotAFile", want "ElfFile\x00"; chunks are read all the same`,
		}}},
		{"dirty and stale header", func(b []byte) []byte {
			binary.LittleEndian.PutUint32(b[120:], flagDirty)
			binary.LittleEndian.PutUint16(b[42:], 1) // chunk count not updated
			fixHeaderChecksum(b)
			return b
		}, summary{IDs: all}},
		{"truncated inside the file header", func(b []byte) []byte {
			return b[:1000]
		}, summary{Fatal: "truncated evtx file: 1000 bytes, shorter than its 4096-byte header"}},
		{"header only", func(b []byte) []byte {
			return b[:fileHeaderSize]
		}, summary{}},
		{"truncated inside chunk 2", func(b []byte) []byte {
			return b[:fileHeaderSize+chunkSize+20000]
		}, summary{Errors: []string{truncated}}},
		{"garbage", func(b []byte) []byte {
			return bytes.Repeat([]byte{0xde, 0xad, 0xbe, 0xef}, 30000)
		}, summary{Fatal: "not an evtx file: no ElfFile header and no ElfChnk chunk"}},
		{"evtx magic then garbage", func(b []byte) []byte {
			g := bytes.Repeat([]byte{0xde, 0xad, 0xbe, 0xef}, 30000)
			return append([]byte("ElfFile\x00"), g...)
		}, summary{Errors: []string{
			"bad evtx file header: f.evtx: file header checksum mismatch; chunks are read all the same",
			`bad evtx chunk: f.evtx: chunk 1 (file offset 4096): chunk magic is "\xde\xad\xbe\xef\xde\xad\xbe\xef", want "ElfChnk\x00"`,
			`bad evtx chunk: f.evtx: chunk 2 (file offset 69632): chunk magic is "\xde\xad\xbe\xef\xde\xad\xbe\xef", want "ElfChnk\x00"`,
		}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, _ := summarize(t, tc.damage(bytes.Clone(clean)))
			if len(tc.want.Errors) == 1 && tc.want.Errors[0] == truncated {
				checkTruncated(t, clean, got)
				return
			}
			// Errors are compared up to the detail after the last colon
			// where the detail holds computed checksums.
			for i, e := range got.Errors {
				if j := strings.Index(e, " ("); j > 0 && strings.Contains(e, "checksum mismatch (") {
					got.Errors[i] = e[:j+strings.Index(e[j:], "mismatch")+len("mismatch")]
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

const truncated = "(see checkTruncated)"

// checkTruncated checks a file cut inside its second chunk: the first
// chunk whole, the complete records of the second, one error.
func checkTruncated(t *testing.T, clean []byte, got summary) {
	t.Helper()
	first1, last1 := chunkIDs(chunkAt(clean, 0))
	first2, last2 := chunkIDs(chunkAt(clean, 1))
	n := len(got.IDs)
	if n <= int(last1-first1+1) || n >= int(last1-first1+1+last2-first2+1) {
		t.Errorf("%d records, want all of chunk 1 (%d) and some of chunk 2 (%d)", n, last1-first1+1, last2-first2+1)
	}
	want := []string{"truncated evtx chunk: f.evtx: chunk 2 (file offset 69632): chunk cut short at 20000 of 65536 bytes, records end at 65000"}
	if len(got.Errors) != 1 || !strings.HasPrefix(got.Errors[0], want[0][:strings.Index(want[0], "records end")]) {
		t.Errorf("errors %q, want one like %q", got.Errors, want)
	}
}

// TestBadRecord damages one record's Binary XML and fixes the checksums:
// that record is reported, the others of its chunk decoded.
func TestBadRecord(t *testing.T) {
	data := bytes.Clone(damageData(t))
	c := chunkAt(data, 0)
	// The third record: walk the sizes from the first.
	pos := chunkHeaderSize
	for range 2 {
		pos += int(binary.LittleEndian.Uint32(c[pos+4:]))
	}
	id := strconv.FormatUint(binary.LittleEndian.Uint64(c[pos+8:]), 10)
	c[pos+recordHeaderLen+4] = 0xee // the template instance token
	fixChunkChecksums(c)
	got, st := summarize(t, data)
	clean, _ := summarize(t, damageData(t))
	n, _ := strconv.ParseUint(id, 10, 64)
	if diff := cmp.Diff(without(clean.IDs, n, n), got.IDs); diff != "" {
		t.Errorf("record ids (-want +got):\n%s", diff)
	}
	want := []string{"bad evtx record: f.evtx: record 3: chunk 1 (file offset 4096): record at chunk offset " +
		itoa(pos) + ": unexpected token 0xee at offset " + itoa(pos+recordHeaderLen+4)}
	if diff := cmp.Diff(want, got.Errors); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
	if st.BadRecords != 1 || st.BadChunks != 0 {
		t.Errorf("stats %+v, want one bad record", st)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }
