package lines

import (
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
)

type rec struct {
	Line    int64
	Text    string
	TooLong bool
}

// readAll reads r to its end and returns each line with its number.
func readAll(t testing.TB, r *Reader) []rec {
	var out []rec
	for {
		line, tooLong, err := r.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		g := rec{Line: r.Line(), TooLong: tooLong}
		if !tooLong {
			g.Text = string(line)
		}
		out = append(out, g)
	}
}

func TestNext(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		max  int
		want []rec
	}{
		{name: "empty", in: "", want: nil},
		{name: "lf", in: "a\nbb\n", want: []rec{{1, "a", false}, {2, "bb", false}}},
		{name: "crlf", in: "a\r\nbb\r\n", want: []rec{{1, "a", false}, {2, "bb", false}}},
		{name: "no final newline", in: "a\nbb", want: []rec{{1, "a", false}, {2, "bb", false}}},
		{name: "final cr without newline", in: "a\nbb\r", want: []rec{{1, "a", false}, {2, "bb", false}}},
		{name: "blank lines kept", in: "\n\nx\n", want: []rec{{1, "", false}, {2, "", false}, {3, "x", false}}},
		{name: "spaces kept", in: " a \t\n", want: []rec{{1, " a \t", false}}},
		{name: "too long", in: "abc\n123456\nxy\n", max: 5, want: []rec{{1, "abc", false}, {2, "", true}, {3, "xy", false}}},
		{name: "too long at end", in: "abc\n123456", max: 5, want: []rec{{1, "abc", false}, {2, "", true}}},
		{name: "exactly max with newline", in: "abcd\n", max: 5, want: []rec{{1, "abcd", false}}},
		{name: "longer than the buffer", in: strings.Repeat("x", 200<<10) + "\nok\n", max: 100 << 10, want: []rec{{1, "", true}, {2, "ok", false}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := readAll(t, New(strings.NewReader(tc.in), tc.max))
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("lines (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLongLineKept(t *testing.T) {
	long := strings.Repeat("y", 300<<10)
	got := readAll(t, New(iotest.HalfReader(strings.NewReader(long+"\r\nz")), 0))
	want := []rec{{1, long, false}, {2, "z", false}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("lines (-want +got):\n%.300s", diff)
	}
}

func TestReadError(t *testing.T) {
	boom := errors.New("boom")
	r := New(io.MultiReader(strings.NewReader("a\nb"), iotest.ErrReader(boom)), 0)
	if line, _, err := r.Next(); err != nil || string(line) != "a" {
		t.Fatalf("first line = %q, %v", line, err)
	}
	if _, _, err := r.Next(); !errors.Is(err, boom) {
		t.Fatalf("second Next error = %v, want boom", err)
	}
}

func TestDefaultMax(t *testing.T) {
	if got := New(strings.NewReader(""), 0).Max(); got != DefaultMax {
		t.Errorf("Max() = %d, want %d", got, DefaultMax)
	}
}

// FuzzNext checks that Next splits any input like strings.Split does when
// no line is too long, and never returns more than Max bytes.
func FuzzNext(f *testing.F) {
	for _, s := range []string{"", "a\nb\n", "a\r\nb", "\n\n", "abcdefgh\nx", "\r\r\n"} {
		f.Add(s, 4)
	}
	f.Fuzz(func(t *testing.T, in string, max int) {
		if max <= 0 || max > 1<<20 {
			max = 1 << 20
		}
		r := New(strings.NewReader(in), max)
		parts := strings.SplitAfter(in, "\n")
		if parts[len(parts)-1] == "" {
			parts = parts[:len(parts)-1]
		}
		for i, p := range parts {
			line, tooLong, err := r.Next()
			if err != nil {
				t.Fatalf("line %d: %v", i+1, err)
			}
			if r.Line() != int64(i+1) {
				t.Fatalf("Line() = %d, want %d", r.Line(), i+1)
			}
			if len(line) > max {
				t.Fatalf("line %d: %d bytes kept, max %d", i+1, len(line), max)
			}
			if tooLong != (len(p) > max) {
				t.Fatalf("line %d (%d bytes): tooLong = %v with max %d", i+1, len(p), tooLong, max)
			}
			if want := strings.TrimRight(p, "\r\n"); !tooLong && string(line) != want {
				t.Fatalf("line %d = %q, want %q", i+1, line, want)
			}
		}
		if _, _, err := r.Next(); err != io.EOF {
			t.Fatalf("after %d lines: err = %v, want EOF", len(parts), err)
		}
	})
}
