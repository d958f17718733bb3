package decode

import (
	"bufio"
	"bytes"
	"io"
	"unicode/utf16"
	"unicode/utf8"
)

// newTextReader drops a UTF-8 byte order mark (Excel and some exporters
// write one) and converts UTF-16 text with a byte order mark (Windows
// PowerShell's default redirection) to UTF-8, so every decoder and sniffer
// sees UTF-8.
func newTextReader(br *bufio.Reader) (*bufio.Reader, error) {
	bom, err := br.Peek(3)
	if err != nil && err != io.EOF {
		return nil, err
	}
	switch {
	case bytes.HasPrefix(bom, []byte{0xef, 0xbb, 0xbf}):
		br.Discard(3)
		return br, nil
	case bytes.HasPrefix(bom, []byte{0xff, 0xfe}):
		br.Discard(2)
		return bufio.NewReaderSize(&utf16Reader{src: br}, HeadSize), nil
	case bytes.HasPrefix(bom, []byte{0xfe, 0xff}):
		br.Discard(2)
		return bufio.NewReaderSize(&utf16Reader{src: br, bigEndian: true}, HeadSize), nil
	}
	return br, nil
}

// utf16Reader converts UTF-16 to UTF-8. Unpaired surrogates and a trailing
// odd byte become U+FFFD.
type utf16Reader struct {
	src       *bufio.Reader
	bigEndian bool
	out       []byte // converted bytes not yet returned
	pending   rune   // a high surrogate waiting for its pair, or -1
	err       error
	started   bool
}

func (u *utf16Reader) Read(p []byte) (int, error) {
	if !u.started {
		u.pending, u.started = -1, true
	}
	for len(u.out) == 0 {
		if u.err != nil {
			return 0, u.err
		}
		u.fill()
	}
	n := copy(p, u.out)
	u.out = u.out[n:]
	return n, nil
}

// fill converts up to 4 KiB of code units into u.out.
func (u *utf16Reader) fill() {
	out := u.out[:0]
	for i := 0; i < 2048; i++ {
		unit, err := u.unit()
		if err != nil {
			if u.pending >= 0 {
				out = utf8.AppendRune(out, utf8.RuneError)
				u.pending = -1
			}
			if err == io.ErrUnexpectedEOF {
				out = utf8.AppendRune(out, utf8.RuneError)
				err = io.EOF
			}
			u.err = err
			break
		}
		r := rune(unit)
		switch {
		case u.pending >= 0:
			if d := utf16.DecodeRune(u.pending, r); d != utf8.RuneError {
				out = utf8.AppendRune(out, d)
				u.pending = -1
				continue
			}
			out = utf8.AppendRune(out, utf8.RuneError)
			u.pending = -1
			if utf16.IsSurrogate(r) && r < 0xdc00 {
				u.pending = r
				continue
			}
			out = utf8.AppendRune(out, surrogateAsError(r))
		case utf16.IsSurrogate(r) && r < 0xdc00:
			u.pending = r
		default:
			out = utf8.AppendRune(out, surrogateAsError(r))
		}
	}
	u.out = out
}

func surrogateAsError(r rune) rune {
	if utf16.IsSurrogate(r) {
		return utf8.RuneError
	}
	return r
}

// unit reads one code unit.
func (u *utf16Reader) unit() (uint16, error) {
	a, err := u.src.ReadByte()
	if err != nil {
		return 0, err
	}
	b, err := u.src.ReadByte()
	if err != nil {
		if err == io.EOF {
			return 0, io.ErrUnexpectedEOF
		}
		return 0, err
	}
	if u.bigEndian {
		return uint16(a)<<8 | uint16(b), nil
	}
	return uint16(b)<<8 | uint16(a), nil
}

// magics are the signatures of binary files people point a log tool at by
// mistake, so the error can say what the file is.
var magics = []struct {
	prefix, what string
}{
	{"PK\x03\x04", "zip archive; extract it first"},
	{"7z\xbc\xaf\x27\x1c", "7-Zip archive; extract it first"},
	{"Rar!\x1a\x07", "RAR archive; extract it first"},
	{"\xfd7zXZ\x00", "xz stream; decompress it first"},
	{"\x28\xb5\x2f\xfd", "zstd stream; decompress it first"},
	{"BZh", "bzip2 stream; decompress it first"},
	{"\x7fELF", "executable"},
	{"MZ", "executable"},
	{"%PDF-", "PDF document"},
}

// binaryKind reports whether head is binary rather than text, and what it
// looks like. Text has no NUL bytes and few control or invalid UTF-8 bytes.
func binaryKind(head []byte) (string, bool) {
	for _, m := range magics {
		if bytes.HasPrefix(head, []byte(m.prefix)) {
			if m.prefix == "BZh" || m.prefix == "MZ" {
				if !looksBinary(head) {
					continue // text that happens to start with these letters
				}
			}
			return m.what, true
		}
	}
	if looksBinary(head) {
		return "unrecognised binary data", true
	}
	return "", false
}

func looksBinary(head []byte) bool {
	if bytes.IndexByte(head, 0) >= 0 {
		return true
	}
	odd := 0
	for i := 0; i < len(head); {
		c := head[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v' && c != 0x1b {
				odd++
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(head[i:])
		if r == utf8.RuneError && size == 1 && len(head)-i >= utf8.UTFMax {
			odd++ // an invalid byte, not a rune cut off by the head's end
		}
		i += size
	}
	return odd*10 > len(head)
}
