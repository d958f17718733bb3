package mde

import (
	"bytes"
	"io"
)

// input is a buffered reader that hands out slices of its buffer, counts
// lines, and never holds more than about max bytes of one line or record:
// a 50 MB line is skipped in chunks, not loaded.
type input struct {
	r     io.Reader
	buf   []byte
	start int   // first unread byte
	end   int   // end of buffered data
	err   error // sticky read error; io.EOF at the end
	line  int64 // 1-based line number of buf[start]
	max   int
}

const initialBuffer = 256 << 10

func newInput(r io.Reader, max int) input {
	size := initialBuffer
	if max+1 < size {
		size = max + 1
	}
	return input{r: r, buf: make([]byte, size), line: 1, max: max}
}

// data returns the unread buffered bytes.
func (in *input) data() []byte { return in.buf[in.start:in.end] }

// fill reads more data, moving unread bytes to the front of the buffer and
// growing it (up to a little over max) when it is full. It reports whether
// any bytes were added.
func (in *input) fill() bool {
	if in.err != nil {
		return false
	}
	if in.start > 0 {
		in.end = copy(in.buf, in.buf[in.start:in.end])
		in.start = 0
	}
	if in.end == len(in.buf) {
		if len(in.buf) > in.max+4096 {
			// Callers stop before this; refuse to grow further.
			return false
		}
		size := 2 * len(in.buf)
		if size > in.max+8192 {
			size = in.max + 8192
		}
		nb := make([]byte, size)
		copy(nb, in.buf[:in.end])
		in.buf = nb
	}
	for range 100 {
		n, err := in.r.Read(in.buf[in.end:])
		in.end += n
		if err != nil {
			in.err = err
			return n > 0
		}
		if n > 0 {
			return true
		}
	}
	in.err = io.ErrNoProgress
	return false
}

// consume marks n buffered bytes read, counting the lines they end.
func (in *input) consume(n int) {
	in.line += int64(bytes.Count(in.buf[in.start:in.start+n], []byte{'\n'}))
	in.start += n
}

// consumeLine marks a line of n bytes and its '\n' read.
func (in *input) consumeLine(n int) {
	if in.start+n < in.end {
		n++ // the '\n'
		in.line++
	}
	in.start += n
}

// lineLen returns the length of the line at start, without its '\n', and
// whether it fits in max. At the end of input the last line may lack its
// '\n'; ok is false and n is 0 when nothing is left. A line longer than max
// is not buffered whole: the caller skips it with skipLine.
func (in *input) lineLen() (n int, fits, ok bool) {
	scanned := 0
	for {
		if i := bytes.IndexByte(in.buf[in.start+scanned:in.end], '\n'); i >= 0 {
			n = scanned + i
			return n, n <= in.max, true
		}
		scanned = in.end - in.start
		if scanned > in.max {
			return scanned, false, true
		}
		if !in.fill() {
			return scanned, true, scanned > 0
		}
	}
}

// skipLine consumes the line at start and its '\n', reading as much as it
// takes, and returns its length without the '\n'.
func (in *input) skipLine() int64 {
	var n int64
	for {
		if i := bytes.IndexByte(in.buf[in.start:in.end], '\n'); i >= 0 {
			in.start += i + 1
			in.line++
			return n + int64(i)
		}
		n += int64(in.end - in.start)
		in.start = in.end
		if !in.fill() {
			return n
		}
	}
}

// skipSpace consumes white space and reports whether a byte follows.
func (in *input) skipSpace() bool {
	for {
		for in.start < in.end {
			switch in.buf[in.start] {
			case '\n':
				in.line++
			case ' ', '\t', '\r':
			default:
				return true
			}
			in.start++
		}
		if !in.fill() {
			return false
		}
	}
}

// readErr returns the read error that ended the input, or nil at a clean
// end of file.
func (in *input) readErr() error {
	if in.err == io.EOF {
		return nil
	}
	return in.err
}
