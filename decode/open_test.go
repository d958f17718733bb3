package decode

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/google/go-cmp/cmp"
	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/internal/synth"
)

// samples returns the real MDE samples beside the project, or skips.
func samples(t testing.TB) map[string][]byte {
	t.Helper()
	out, err := readSamples()
	if err != nil {
		t.Skip("shared samples not present:", err)
	}
	return out
}

func readSamples() (map[string][]byte, error) {
	dir := filepath.Join("..", "..", "shared", "samples", "mde")
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	out := make(map[string][]byte)
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		out[e.Name()] = b
	}
	return out, nil
}

func gz(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func utf16LE(s string) []byte {
	b := []byte{0xff, 0xfe}
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u), byte(u>>8))
	}
	return b
}

// result is what reading a whole input produced.
type result struct {
	Format  string
	Events  int64
	Bad     int64
	Ignored int64
	Err     string // the error that stopped it, if any
}

// drain opens and reads a whole input.
func drain(t testing.TB, name string, b []byte, o Options) result {
	t.Helper()
	in, err := Open(name, bytes.NewReader(b), o)
	if err != nil {
		return result{Err: err.Error()}
	}
	return readAll(in)
}

func readAll(in *Input) result {
	var r result
	for {
		_, err := in.Decode()
		var de *stagewatch.DecodeError
		if err == io.EOF {
			break
		}
		if err != nil && !errors.As(err, &de) {
			r.Err = err.Error()
			break
		}
	}
	s := in.Stats()
	r.Format, r.Events, r.Bad, r.Ignored = s.Format, s.Events, s.Bad, s.Ignored
	return r
}

func TestSniffRealSamples(t *testing.T) {
	for name, b := range samples(t) {
		t.Run(name, func(t *testing.T) {
			plain := drain(t, name, b, Options{})
			if plain.Format != "mde" || plain.Err != "" {
				t.Fatalf("plain: %+v, want an mde input read to the end", plain)
			}
			variants := map[string][]byte{
				"gzip":      gz(t, b),
				"utf-8 bom": append([]byte{0xef, 0xbb, 0xbf}, b...),
				"utf-16":    utf16LE(string(b)),
			}
			for v, vb := range variants {
				if diff := cmp.Diff(plain, drain(t, name, vb, Options{})); diff != "" {
					t.Errorf("%s differs from plain (-plain +%s):\n%s", v, v, diff)
				}
			}
		})
	}
}

func synthRows(n int) []byte {
	return synth.MDEBytes(synth.Options{Seed: 1, Events: n, StagingRatio: 0.05})
}

func TestSynthReadsCompletely(t *testing.T) {
	b := synthRows(500)
	tests := []struct {
		name string
		data []byte
	}{
		{"plain", b},
		{"gzip", gz(t, b)},
		{"crlf", synth.MDEBytes(synth.Options{Seed: 1, Events: 500, CRLF: true})},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := drain(t, "synth.json", tc.data, Options{})
			want := result{Format: "mde", Events: 500}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestForcedFormat(t *testing.T) {
	// Forcing skips sniffing; the decoder then judges the content.
	got := drain(t, "odd.log", []byte("not mde at all\n"), Options{Format: "mde"})
	want := result{Format: "mde", Err: "odd.log: csv header on line 1 lacks required columns: Timestamp (or TimeGenerated), ActionType (or Type)"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("forced (-want +got):\n%s", diff)
	}
	if got := drain(t, "x.json", synthRows(3), Options{Format: "auto"}); got.Format != "mde" {
		t.Errorf("auto: format %q, want mde", got.Format)
	}
	_, err := Open("x.json", strings.NewReader("{}"), Options{Format: "nosuch"})
	wantErr := `unknown format "nosuch"; known formats: ` + knownNames()
	if err == nil || err.Error() != wantErr {
		t.Errorf("unknown forced format: got %v, want %q", err, wantErr)
	}
}

func TestWholeFileProblems(t *testing.T) {
	good := synthRows(200)
	zipped := gz(t, good)
	garbage := make([]byte, 4096)
	for i := range garbage {
		garbage[i] = byte(i*7919 + i>>3)
	}
	tests := []struct {
		name    string
		data    []byte
		wantIs  error
		wantErr string
	}{
		{"empty", nil, ErrEmpty, "f: empty file"},
		{"only blank lines", []byte("\r\n\n  \n"), ErrEmpty, "f: empty file"},
		{"empty gzip", gz(t, nil), ErrEmpty, "f: empty file after decompression"},
		{"binary garbage", garbage, ErrBinary, "f: binary file, not text (unrecognised binary data)"},
		{"zip archive", []byte("PK\x03\x04\x14\x00\x00\x00\x08\x00rest"), ErrBinary, "f: binary file, not text (zip archive; extract it first)"},
		{"unknown text", []byte("Jan  2 10:00:00 host sshd[1]: Accepted publickey\n"), ErrUnknownFormat, "f: format not recognised; known formats: " + knownNames() + "; use --format to force"},
		{"unknown json", []byte(`{"hello":"world"}` + "\n"), ErrUnknownFormat, "f: format not recognised; known formats: " + knownNames() + "; use --format to force"},
		{"gzip magic only", []byte{0x1f, 0x8b}, ErrGzip, "f: corrupt gzip: truncated stream"},
		{"gzip bad header", []byte{0x1f, 0x8b, 0x99, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3}, ErrGzip, "f: corrupt gzip: invalid header"},
		{"gzip truncated in the head", zipped[:len(zipped)/50], ErrGzip, "f: corrupt gzip: truncated stream"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Open("f", bytes.NewReader(tc.data), Options{})
			if err == nil {
				t.Fatal("opened; want an error")
			}
			var fe *FileError
			if !errors.As(err, &fe) || !errors.Is(err, tc.wantIs) {
				t.Errorf("error %v is not a *FileError wrapping %v", err, tc.wantIs)
			}
			if diff := cmp.Diff(tc.wantErr, err.Error()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestOpenEVTX opens EVTX files, plain and gzip'd, by their magic bytes.
func TestOpenEVTX(t *testing.T) {
	dir := filepath.Join("..", "..", "shared", "corpus", "windows", "evtx")
	sysmon, err := os.ReadFile(filepath.Join(dir, "exec_sysmon_1_ftp.evtx"))
	if err != nil {
		t.Skip("EVTX corpus not present:", err)
	}
	security, err := os.ReadFile(filepath.Join(dir, "new-user-security.evtx"))
	if err != nil {
		t.Skip("EVTX corpus not present:", err)
	}
	garbage := make([]byte, 4096)
	for i := range garbage {
		garbage[i] = byte(i*7919 + i>>3)
	}
	tests := []struct {
		name string
		data []byte
		want result
	}{
		{"sysmon", sysmon, result{Format: "evtx", Events: 4}},
		{"sysmon gzip", gz(t, sysmon), result{Format: "evtx", Events: 4}},
		{"security, no event an analytic uses", security, result{Format: "evtx", Ignored: 4}},
		// Bad header and a chunk too short to be one: two bad records,
		// not a whole-file error.
		{"magic then garbage", append([]byte("ElfFile\x00"), garbage...), result{Format: "evtx", Bad: 2}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, drain(t, "f.evtx", tc.data, Options{})); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestTruncatedGzipAfterTheHead(t *testing.T) {
	zipped := gz(t, synthRows(2000))
	got := drain(t, "big.json.gz", zipped[:len(zipped)*2/3], Options{})
	if got.Format != "mde" || got.Events == 0 {
		t.Errorf("got %+v, want mde events before the cut", got)
	}
	if want := "big.json.gz: corrupt gzip: truncated stream"; !strings.HasPrefix(got.Err, "big.json.gz: ") || !strings.Contains(got.Err, "corrupt gzip: truncated stream") {
		t.Errorf("error %q, want %q", got.Err, want)
	}
}

func TestStdinName(t *testing.T) {
	_, err := Open("-", strings.NewReader(""), Options{})
	if diff := cmp.Diff("<stdin>: empty file", err.Error()); diff != "" {
		t.Error(diff)
	}
}

func TestOpenFileMissing(t *testing.T) {
	_, err := OpenFile(filepath.Join(t.TempDir(), "gone.json"), Options{})
	if err == nil || !strings.HasSuffix(err.Error(), "gone.json: open: no such file or directory") {
		t.Errorf("got %v", err)
	}
}

// TestMixedFolder reads a folder of good and bad files the way hunt does:
// the good ones are read in full, each bad one is a clear error naming it.
func TestMixedFolder(t *testing.T) {
	good := synthRows(300)
	zipped := gz(t, good)
	tree(t, map[string]string{
		"in/a-good.json":          string(good),
		"in/b-empty.json":         "",
		"in/c-garbage.bin":        "\x00\x01\x02\x03binary\x00\xff\xfe\x00",
		"in/d-notes.txt":          "remember to rotate the logs\n",
		"in/sub/e-good.json.gz":   string(zipped),
		"in/sub/f-truncated.gz":   string(zipped[:len(zipped)/60]),
		"in/sub/g-good-renamed.x": string(zipped),
		"in/.cache/h-hidden.json": string(good),
	})
	files, errs := Expand([]string{"in"})
	if len(errs) != 0 {
		t.Fatalf("expand: %v", errs)
	}
	got := map[string]string{}
	for _, f := range files {
		in, err := OpenFile(f, Options{})
		if err != nil {
			got[f] = err.Error()
			continue
		}
		r := readAll(in)
		in.Close()
		got[f] = r.Format + " " + strings.Repeat("*", int(r.Events/100)) + r.Err
	}
	known := knownNames()
	want := map[string]string{
		"in/a-good.json":          "mde ***",
		"in/b-empty.json":         "in/b-empty.json: empty file",
		"in/c-garbage.bin":        "in/c-garbage.bin: binary file, not text (unrecognised binary data)",
		"in/d-notes.txt":          "in/d-notes.txt: format not recognised; known formats: " + known + "; use --format to force",
		"in/sub/e-good.json.gz":   "mde ***",
		"in/sub/f-truncated.gz":   "in/sub/f-truncated.gz: corrupt gzip: truncated stream",
		"in/sub/g-good-renamed.x": "mde ***",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestCounters(t *testing.T) {
	raw := synthRows(50)
	zipped := gz(t, raw)
	in, err := Open("c.json.gz", bytes.NewReader(zipped), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if in.Name() != "c.json.gz" || in.Format() != "mde" {
		t.Errorf("name %q format %q", in.Name(), in.Format())
	}
	readAll(in)
	want := Stats{Format: "mde", Events: 50, Bytes: int64(len(zipped))}
	if diff := cmp.Diff(want, in.Stats()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if in.BytesRead() != int64(len(zipped)) {
		t.Errorf("BytesRead %d, want %d", in.BytesRead(), len(zipped))
	}
}
