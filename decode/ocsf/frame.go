package ocsf

import (
	"bufio"
	"errors"
	"io"
)

// framer cuts a byte stream into top-level JSON objects: NDJSON, pretty
// printed objects one after another, or arrays of objects (streamed one
// element at a time, never read whole). It tracks strings and escapes only,
// so it is fast and leaves validation to encoding/json; a broken object
// ends at its closing brace or at the next line starting with '{' at top
// level, so one bad record does not swallow the rest.
type framer struct {
	br      *bufio.Reader
	max     int
	line    int64 // lines consumed so far (0-based count of newlines)
	inArray bool
	buf     []byte
}

// frame results besides ok.
var (
	errTooLong   = errors.New("record too long")
	errTruncated = errors.New("truncated json")
	errGarbage   = errors.New("not a json object")
)

// next returns the next object and the 1-based line it starts on. Bad
// input yields one of the errors above (the framer has skipped it);
// io.EOF ends the stream; other errors are read failures.
func (f *framer) next() (obj []byte, line int64, err error) {
	for {
		c, err := f.br.ReadByte()
		if err != nil {
			return nil, 0, err
		}
		switch c {
		case '\n':
			f.line++
		case ' ', '\t', '\r', ',':
		case '[':
			if f.inArray {
				return nil, f.line + 1, f.skipLine(errGarbage)
			}
			f.inArray = true
		case ']':
			if !f.inArray {
				return nil, f.line + 1, f.skipLine(errGarbage)
			}
			f.inArray = false
		case '{':
			start := f.line + 1
			obj, err := f.object()
			return obj, start, err
		case 0xEF, 0xBB, 0xBF: // a stray byte-order mark
		default:
			return nil, f.line + 1, f.skipLine(errGarbage)
		}
	}
}

// skipLine drops the rest of the current line and returns why.
func (f *framer) skipLine(why error) error {
	for {
		c, err := f.br.ReadByte()
		if err != nil {
			return why
		}
		if c == '\n' {
			f.line++
			return why
		}
	}
}

// object reads the rest of an object whose '{' was just read.
func (f *framer) object() ([]byte, error) {
	f.buf = append(f.buf[:0], '{')
	depth, inStr, esc, tooLong := 1, false, false, false
	col, prev := 1, byte('{') // column in the line; last non-blank byte
	for {
		c, err := f.br.ReadByte()
		if err == io.EOF {
			return nil, errTruncated
		}
		if err != nil {
			return nil, err
		}
		if c == '\n' {
			f.line++
			col = 0
			if inStr {
				// JSON strings hold no raw newline: the string was
				// never closed. Resynchronise on the next line.
				inStr, esc = false, false
			}
		} else {
			if c == '{' && col == 0 && !inStr && prev != ',' && prev != '[' && prev != ':' {
				// An unindented brace after a line that cannot continue
				// into an object: a new record starts before this one
				// closed (a truncated NDJSON line).
				f.br.UnreadByte()
				return nil, errTruncated
			}
			col++
		}
		if c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			prev = c
		}
		if !tooLong {
			if len(f.buf) >= f.max {
				tooLong = true
			} else {
				f.buf = append(f.buf, c)
			}
		}
		switch {
		case esc:
			esc = false
		case inStr:
			if c == '\\' {
				esc = true
			} else if c == '"' {
				inStr = false
			}
		case c == '"':
			inStr = true
		case c == '{' || c == '[':
			depth++
		case c == '}' || c == ']':
			depth--
			if depth == 0 {
				if tooLong {
					return nil, errTooLong
				}
				return f.buf, nil
			}
		}
	}
}
