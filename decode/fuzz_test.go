package decode

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stagewatch/stagewatch"
)

func TestUTF16(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"ascii le", []byte{0xff, 0xfe, 'h', 0, 'i', 0}, "hi"},
		{"ascii be", []byte{0xfe, 0xff, 0, 'h', 0, 'i'}, "hi"},
		{"latin and cjk", []byte{0xff, 0xfe, 0xe9, 0x00, 0x2d, 0x4e}, "é中"},
		{"surrogate pair", []byte{0xff, 0xfe, 0x3d, 0xd8, 0x00, 0xde}, "😀"},
		{"unpaired high", []byte{0xff, 0xfe, 0x3d, 0xd8, 'a', 0}, "\ufffda"},
		{"unpaired low", []byte{0xff, 0xfe, 0x00, 0xde, 'a', 0}, "\ufffda"},
		{"high then high", []byte{0xff, 0xfe, 0x3d, 0xd8, 0x3d, 0xd8, 0x00, 0xde}, "\ufffd😀"},
		{"high at end", []byte{0xff, 0xfe, 'a', 0, 0x3d, 0xd8}, "a\ufffd"},
		{"odd byte", []byte{0xff, 0xfe, 'a', 0, 'b'}, "a\ufffd"},
		{"utf-8 bom dropped", []byte{0xef, 0xbb, 0xbf, 'o', 'k'}, "ok"},
		{"no bom", []byte("plain"), "plain"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := newTextReader(bufio.NewReader(bytes.NewReader(tc.in)))
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(r)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, string(got)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// FuzzSniff checks that sniffing and opening arbitrary bytes never panics
// and that a failed open is always a *FileError.
func FuzzSniff(f *testing.F) {
	real, _ := readSamples() // seeds only; absent samples just mean fewer
	for _, b := range real {
		f.Add(b)
		f.Add(gz(f, b))
		f.Add(b[:len(b)/3])
	}
	f.Add(synthRows(3))
	f.Add([]byte{})
	f.Add([]byte{0x1f, 0x8b, 8, 0})
	f.Add([]byte{0xff, 0xfe, '{', 0})
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, b []byte) {
		Sniff(b)
		binaryKind(b)
		in, err := Open("fuzz", bytes.NewReader(b), Options{})
		if err != nil {
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("open error %v is not a *FileError", err)
			}
			return
		}
		for i := 0; i < 1000; i++ {
			ev, err := in.Decode()
			var de *stagewatch.DecodeError
			switch {
			case err == io.EOF:
				return
			case errors.As(err, &de):
			case err != nil:
				var fe *FileError
				if !errors.As(err, &fe) {
					t.Fatalf("decode error %v is not a *FileError", err)
				}
				return
			case ev == nil:
				t.Fatal("nil event without an error")
			}
		}
	})
}
