package ecs

import (
	"bufio"
	"errors"
	"fmt"
	"io"
)

// Reasons a framer gives for bytes that are not a JSON value.
const (
	reasonTruncated = "truncated json"
	reasonNotJSON   = "not json"
	reasonTooLong   = "record too long"
)

// framer cuts a byte stream into top-level JSON values without parsing
// them: NDJSON, concatenated or pretty-printed objects, and arrays are all
// sequences of values. It tracks line numbers for Origins and recovers
// from damage, so one bad record does not lose the rest of the input:
// text outside a value is skipped to the end of its line, and an object
// still open when a new line starts with '{' is reported as truncated and
// framing restarts at that line (pretty-printed objects indent their inner
// lines, so a '{' in column one begins a new record).
type framer struct {
	br   *bufio.Reader
	max  int
	line int64 // line of the next unread byte, 1-based
	buf  []byte
}

func newFramer(r io.Reader, max int) *framer {
	return &framer{br: bufio.NewReaderSize(r, 64<<10), max: max, line: 1}
}

// next returns the next value and the line it starts on. A damaged value
// comes back with a reason and no bytes; err is io.EOF at the end of input
// or a read error.
func (f *framer) next() (raw []byte, line int64, reason string, err error) {
	c, err := f.skipSpace()
	if err != nil {
		return nil, f.line, "", err
	}
	line = f.line
	opener := c
	if c != '{' && c != '[' {
		if err := f.skipLine(); err != nil && err != io.EOF {
			return nil, line, "", err
		}
		return nil, line, reasonNotJSON, nil
	}
	f.buf = append(f.buf[:0], c)
	depth, inString, escaped, tooLong := 1, false, false, false
	for {
		chunk, err := f.br.Peek(max(f.br.Buffered(), 1))
		if len(chunk) == 0 {
			if err == io.EOF {
				return nil, line, reasonTruncated, nil
			}
			return nil, line, "", err
		}
		i, done, newline := 0, false, false
	scan:
		for ; i < len(chunk); i++ {
			c := chunk[i]
			switch {
			case c == '\n':
				newline = true
				i++
				break scan
			case inString:
				switch {
				case escaped:
					escaped = false
				case c == '\\':
					escaped = true
				case c == '"':
					inString = false
				}
			case c == '"':
				inString = true
			case c == '{' || c == '[':
				depth++
			case c == '}' || c == ']':
				depth--
				if depth == 0 {
					i++
					done = true
					break scan
				}
			}
		}
		if len(f.buf)+i <= f.max {
			f.buf = append(f.buf, chunk[:i]...)
		} else {
			// Over the limit: keep scanning to the value's end, keep
			// nothing more.
			f.buf = append(f.buf, chunk[:max(f.max-len(f.buf), 0)]...)
			tooLong = true
		}
		f.br.Discard(i)
		if done {
			if tooLong {
				return nil, line, reasonTooLong, nil
			}
			return f.buf, line, "", nil
		}
		if newline {
			f.line++
			escaped = false
			if opener == '{' {
				if b, err := f.br.Peek(1); err == nil && b[0] == '{' {
					return nil, line, reasonTruncated, nil
				}
			}
		}
	}
}

// skipSpace consumes whitespace and commas between values (some tools
// separate records with them) and returns the first other byte.
func (f *framer) skipSpace() (byte, error) {
	for {
		c, err := f.br.ReadByte()
		if err != nil {
			return 0, err
		}
		switch c {
		case '\n':
			f.line++
		case ' ', '\t', '\r', ',':
		default:
			return c, nil
		}
	}
}

// skipLine consumes the rest of the current line.
func (f *framer) skipLine() error {
	for {
		b, err := f.br.ReadSlice('\n')
		if err == nil {
			f.line++
			return nil
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if len(b) > 0 && err == io.EOF {
			return io.EOF
		}
		return err
	}
}

// errTooLong describes a value over the limit.
func errTooLong(max int) error { return fmt.Errorf("record longer than %d bytes", max) }
