package winjson

import (
	"bytes"
	"io"
)

// Reasons for values the framer cannot deliver whole. They are the
// DecodeError reasons too.
const (
	reasonTruncated = "truncated json"
	reasonTooLong   = "record too long"
	reasonNotJSON   = "not json"
)

// framer cuts an input into top-level JSON values: one object per line,
// pretty-printed or concatenated objects, or the elements of top-level
// arrays, in any mix. It finds a value's end by counting brackets outside
// strings, without parsing.
//
// A broken value must not swallow the records after it, so a value also
// ends, as truncated, at a raw newline inside a string (JSON forbids one)
// and at a line that starts with `{"` in column 0 while brackets are open
// (the next line of NDJSON; pretty-printers indent nested objects).
type framer struct {
	r          io.Reader
	buf        []byte
	start, end int   // unconsumed bytes are buf[start:end]
	line       int64 // line number of buf[start]
	max        int
	inArray    bool // inside a top-level array
	eof        bool
	err        error // read error other than io.EOF
}

func newFramer(r io.Reader, max int) *framer {
	return &framer{r: r, buf: make([]byte, 64<<10), line: 1, max: max}
}

// fill reads more input, compacting or growing the buffer. It returns
// false when nothing more can be read.
func (f *framer) fill() bool {
	if f.eof {
		return false
	}
	if f.start > 0 && (f.start == f.end || f.end == len(f.buf)) {
		n := copy(f.buf, f.buf[f.start:f.end])
		f.start, f.end = 0, n
	}
	if f.end == len(f.buf) {
		nb := make([]byte, 2*len(f.buf))
		copy(nb, f.buf[:f.end])
		f.buf = nb
	}
	for range 100 {
		n, err := f.r.Read(f.buf[f.end:])
		f.end += n
		if err != nil {
			f.eof = true
			if err != io.EOF {
				f.err = err
			}
			return n > 0
		}
		if n > 0 {
			return true
		}
	}
	f.eof, f.err = true, io.ErrNoProgress
	return false
}

// consume drops n bytes, counting their newlines.
func (f *framer) consume(n int) {
	for _, c := range f.buf[f.start : f.start+n] {
		if c == '\n' {
			f.line++
		}
	}
	f.start += n
}

// next returns the next top-level value and the line it starts on. raw is
// valid until the next call. A value that cannot be delivered whole comes
// back with a reason (truncated json, record too long, not json) and no
// bytes. At the end of input err is io.EOF, or the read error.
func (f *framer) next() (raw []byte, line int64, reason string, err error) {
	for {
		if f.start == f.end && !f.fill() {
			if f.err != nil {
				return nil, f.line, "", f.err
			}
			return nil, f.line, "", io.EOF
		}
		c := f.buf[f.start]
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			f.consume(1)
		case c == 0xEF && f.line == 1 && f.bom():
			f.consume(3)
		case c == '[' && !f.inArray:
			f.inArray = true
			f.consume(1)
		case c == ',' && f.inArray:
			f.consume(1)
		case c == ']' && f.inArray:
			f.inArray = false
			f.consume(1)
		case c == '{':
			return f.value()
		default:
			line = f.line
			f.skipLine()
			return nil, line, reasonNotJSON, nil
		}
	}
}

// bom reports whether a UTF-8 byte order mark starts the unconsumed input.
func (f *framer) bom() bool {
	for f.end-f.start < 3 && f.fill() {
	}
	b := f.buf[f.start:f.end]
	return len(b) >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF
}

// skipLine drops input up to and including the next newline.
func (f *framer) skipLine() {
	for {
		for i := f.start; i < f.end; i++ {
			if f.buf[i] == '\n' {
				f.consume(i - f.start + 1)
				return
			}
		}
		f.consume(f.end - f.start)
		if !f.fill() {
			return
		}
	}
}

// value scans the object at buf[start].
func (f *framer) value() (raw []byte, line int64, reason string, err error) {
	line = f.line
	var (
		pos     int // scanned bytes, relative to start
		depth   int
		inStr   bool
		esc     bool
		tooLong bool
	)
	for {
		b := f.buf[f.start:f.end]
	scan:
		for ; pos < len(b); pos++ {
			if inStr {
				if esc {
					esc = false
					continue
				}
				// Jump to the next quote, unless a backslash or a
				// newline comes first.
				rest := b[pos:]
				q := bytes.IndexByte(rest, '"')
				if q < 0 {
					q = len(rest)
				}
				seg := rest[:q]
				if nl := bytes.IndexByte(seg, '\n'); nl >= 0 {
					f.consume(pos + nl + 1)
					return nil, line, reasonTruncated, nil
				}
				if bs := bytes.IndexByte(seg, '\\'); bs >= 0 {
					pos += bs
					esc = true
					continue
				}
				if q == len(rest) {
					pos = len(b)
					break scan
				}
				pos += q // the loop steps over the quote
				inStr = false
				continue
			}
			c := b[pos]
			switch c {
			case '"':
				inStr = true
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					pos++
					if tooLong || pos > f.max {
						f.consume(pos)
						return nil, line, reasonTooLong, nil
					}
					raw = f.buf[f.start : f.start+pos]
					f.consume(pos)
					return raw, line, "", nil
				}
			case '\n':
				if pos+2 >= len(b) && !f.eof {
					break scan // need the next line's first bytes
				}
				if pos+2 < len(b) && b[pos+1] == '{' && b[pos+2] == '"' {
					f.consume(pos + 1)
					return nil, line, reasonTruncated, nil
				}
			}
		}
		if pos > f.max {
			// Keep scanning to the value's end without keeping it.
			tooLong = true
			keep := pos
			if keep > 2 {
				keep -= 2 // a newline's lookahead may still need these
			}
			f.consume(keep)
			pos -= keep
		}
		if !f.fill() {
			n := f.end - f.start
			f.consume(n)
			if tooLong {
				return nil, line, reasonTooLong, nil
			}
			return nil, line, reasonTruncated, nil
		}
	}
}
