// Package lines reads newline-terminated records for the line-oriented
// decoders: it bounds how much of one line is kept, strips the terminator
// (LF or CRLF) and counts lines, so that every decoder reports an
// over-long line and numbers its lines the same way.
package lines

import (
	"bufio"
	"bytes"
	"errors"
	"io"
)

// DefaultMax is the longest line kept when New is given a limit of 0 or
// less.
const DefaultMax = 16 << 20

// Reader reads lines from an io.Reader. It is not safe for concurrent use.
type Reader struct {
	br   *bufio.Reader
	max  int
	buf  []byte
	line int64
}

// New returns a Reader of r that keeps lines of at most max bytes
// (terminator included); max <= 0 means DefaultMax. When r is a
// *bufio.Reader of at least 64 KiB it is read directly, so a decoder may
// Peek at it or read a differently framed input from it as well.
func New(r io.Reader, max int) *Reader {
	if max <= 0 {
		max = DefaultMax
	}
	return &Reader{br: bufio.NewReaderSize(r, 64<<10), max: max}
}

// Max returns the longest line kept, in bytes.
func (r *Reader) Max() int { return r.max }

// Line returns the number of the line Next returned last (1-based), or 0
// before the first.
func (r *Reader) Line() int64 { return r.line }

// Next returns the next line without its trailing "\r" and "\n" bytes. A
// line longer than Max is read to its end and dropped: tooLong is true and
// line holds only what was kept of it. The last line needs no terminator.
// err is io.EOF at the end of input, or the underlying reader's error, after
// which the Reader must not be used. line is valid until the next call.
func (r *Reader) Next() (line []byte, tooLong bool, err error) {
	r.buf = r.buf[:0]
	for {
		chunk, err := r.br.ReadSlice('\n')
		if len(r.buf)+len(chunk) <= r.max {
			r.buf = append(r.buf, chunk...)
		} else {
			tooLong = true
		}
		switch {
		case err == nil:
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case err == io.EOF:
			if len(r.buf) == 0 && !tooLong {
				return nil, false, io.EOF
			}
		default:
			return nil, false, err
		}
		r.line++
		return bytes.TrimRight(r.buf, "\r\n"), tooLong, nil
	}
}
