package winxml

import (
	"bytes"
	"errors"
	"flag"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/decode/internal/decodetest"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden.jsonl")

// samplesDir holds the real rendered records of formats.md 2.2.
var samplesDir = filepath.Join("..", "..", "..", "shared", "samples", "sysmon")

// decodeAll decodes r to the end and renders it with decodetest.Render.
func decodeAll(t testing.TB, r io.Reader, opts Options) []byte {
	t.Helper()
	d := NewDecoder(r, opts)
	return decodetest.Render(t, d, decodetest.Options{At: "record", Counts: func() map[string]int {
		return map[string]int{"ignored": d.Ignored()}
	}})
}

// TestGolden decodes every fixture in testdata, whole and one byte at a
// time.
func TestGolden(t *testing.T) {
	decodetest.Golden(t, "testdata/*.xml", *update, func(t *testing.T, name string, b []byte) []byte {
		if !Sniff(b) && name != "bad.xml" {
			t.Errorf("Sniff rejects %s", name)
		}
		got := decodeAll(t, bytes.NewReader(b), Options{File: name})
		// The same bytes read one at a time decode the same way.
		if again := decodeAll(t, &decodetest.OneByte{B: b}, Options{File: name}); !bytes.Equal(got, again) {
			t.Errorf("one-byte reads decode differently:\n%s", cmp.Diff(string(got), string(again)))
		}
		return got
	})
}

// TestSamples decodes the real records in ../shared/samples/sysmon; their
// golden files live in testdata/samples.
func TestSamples(t *testing.T) {
	decodetest.Samples(t, filepath.Join(samplesDir, "*.xml"), filepath.Join("testdata", "samples"), *update, func(t *testing.T, name string, b []byte) []byte {
		if !Sniff(b) {
			t.Errorf("Sniff rejects %s", name)
		}
		got := decodeAll(t, bytes.NewReader(b), Options{File: name})
		if bytes.Contains(got, []byte(`"error"`)) {
			t.Errorf("a real sample gave decode errors:\n%s", got)
		}
		return got
	})
}

func TestMaxEvent(t *testing.T) {
	big := `<Event><System><EventID>11</EventID><TimeCreated SystemTime='2024-01-01T00:00:00Z'/><Provider Name='Microsoft-Windows-Sysmon'/></System><EventData><Data Name='TargetFilename'>C:\` +
		strings.Repeat("a", 300) + `</Data></EventData></Event>` + "\n"
	small := `<Event><System><Provider Name='Microsoft-Windows-Sysmon'/><EventID>11</EventID><TimeCreated SystemTime='2024-01-01T00:00:01Z'/></System><EventData><Data Name='TargetFilename'>C:\b</Data></EventData></Event>`
	d := NewDecoder(strings.NewReader(big+small), Options{File: "big.xml", MaxEvent: 250})
	var got []string
	for {
		ev, err := d.Decode()
		if err == io.EOF {
			break
		}
		if err != nil {
			got = append(got, err.Error())
			continue
		}
		got = append(got, ev.File.Path)
	}
	want := []string{"big.xml:1: event larger than 250 bytes", `C:\b`}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}

type errReader struct{ data []byte }

func (r *errReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, errors.New("disk on fire")
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

func TestReadError(t *testing.T) {
	d := NewDecoder(&errReader{[]byte("<Event><System><EventID>1")}, Options{File: "x.xml"})
	_, err := d.Decode()
	var de *stagewatch.DecodeError
	if !errors.As(err, &de) || de.Reason != "truncated event" {
		t.Fatalf("first Decode = %v, want a truncated event", err)
	}
	_, err = d.Decode()
	if err == nil || err == io.EOF || errors.As(err, &de) || !strings.Contains(err.Error(), "x.xml: read: disk on fire") {
		t.Fatalf("second Decode = %v, want the read error naming the file", err)
	}
}
