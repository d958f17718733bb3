package mde

import (
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stagewatch/stagewatch"
)

// repeatReader yields n copies of one byte without holding them.
type repeatReader struct {
	c byte
	n int
}

func (r *repeatReader) Read(p []byte) (int, error) {
	if r.n == 0 {
		return 0, io.EOF
	}
	n := min(len(p), r.n)
	for i := range p[:n] {
		p[i] = r.c
	}
	r.n -= n
	return n, nil
}

const goodLine = `{"Timestamp":"2024-09-02T00:00:02Z","DeviceName":"ws8","ActionType":"FileCreated","FileName":"after.txt","FolderPath":"C:\\after.txt"}` + "\n"

// outcome is what one Decode call returned, for comparison.
type outcome struct {
	Path   string
	Reason string
	Err    string
	Line   int64
}

func collect(t *testing.T, d *Decoder) []outcome {
	t.Helper()
	var out []outcome
	for {
		ev, err := d.Decode()
		if err == io.EOF {
			return out
		}
		var de *stagewatch.DecodeError
		switch {
		case errors.As(err, &de):
			out = append(out, outcome{Reason: de.Reason, Err: de.Error(), Line: de.Origin.Line})
		case err != nil:
			t.Fatalf("fatal: %v", err)
		default:
			out = append(out, outcome{Path: ev.File.Path, Line: ev.Origin.Line})
		}
	}
}

// TestGiantLine feeds a 50 MB line with the default limit: it is skipped
// with an error, memory stays near MaxLine, and the next line decodes.
func TestGiantLine(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 50 MB")
	}
	const size = 50 << 20
	r := io.MultiReader(
		strings.NewReader(`{"Timestamp":"2024-09-02T00:00:01Z","ProcessCommandLine":"`),
		&repeatReader{c: 'A', n: size},
		strings.NewReader("\"}\n"+goodLine),
	)
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	got := collect(t, NewDecoder(r, Options{File: "giant.json"}))
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	want := []outcome{
		{Reason: "line too long", Line: 1,
			Err: "giant.json:1: line 1 is 52428860 bytes, longer than the MaxLine limit of 16777216"},
		{Path: `C:\after.txt`, Line: 2},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
	if grown := after.TotalAlloc - before.TotalAlloc; grown > 3*DefaultMaxLine {
		t.Errorf("allocated %d bytes for a %d-byte line; want it skipped in chunks", grown, size)
	}
}

func TestCSVLineTooLong(t *testing.T) {
	in := "Timestamp,ActionType,FileName,FolderPath\n" +
		"2024-01-01T00:00:00Z,FileCreated,a.txt,C:\\" + strings.Repeat("x", 300) + "\n" +
		"2024-01-01T00:00:01Z,FileCreated,b.txt,C:\\b.txt\n"
	got := collect(t, NewDecoder(strings.NewReader(in), Options{File: "long.csv", MaxLine: 200}))
	want := []outcome{
		{Reason: "line too long", Line: 2, Err: "long.csv:2: line 2 is 342 bytes, longer than the MaxLine limit of 200"},
		{Path: `C:\b.txt`, Line: 3},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}

// TestEOFRepeats checks that Decode keeps returning io.EOF, and a fatal
// error, once the input is done.
func TestEOFRepeats(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  string
	}{
		{"empty", "", "EOF"},
		{"blank", " \n\r\n\t", "EOF"},
		{"json", goodLine, "EOF"},
		{"bad header", "a,b\n1,2\n", "x.csv: csv header on line 1 lacks required columns: Timestamp (or TimeGenerated), ActionType (or Type)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := NewDecoder(strings.NewReader(tc.input), Options{File: "x.csv"})
			var last error
			for range 5 {
				_, err := d.Decode()
				if err != nil {
					last = err
				}
			}
			if _, err := d.Decode(); err == nil || err.Error() != tc.want || last.Error() != tc.want {
				t.Errorf("Decode after the end = %v, want %s", err, tc.want)
			}
		})
	}
}

// errReader fails after its data.
type errReader struct {
	data string
	err  error
}

func (r *errReader) Read(p []byte) (int, error) {
	if r.data == "" {
		return 0, r.err
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

func TestReadErrorIsFatal(t *testing.T) {
	boom := errors.New("disk on fire")
	d := NewDecoder(&errReader{data: goodLine, err: boom}, Options{})
	if _, err := d.Decode(); err != nil {
		t.Fatalf("first Decode: %v", err)
	}
	if _, err := d.Decode(); !errors.Is(err, boom) {
		t.Errorf("Decode = %v, want %v", err, boom)
	}
}
