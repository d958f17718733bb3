package jsonrec

import (
	"errors"
	"fmt"
	"io"
)

// syntaxError is a structural error inside a value.
type syntaxError struct{ msg string }

func (e *syntaxError) Error() string { return e.msg }

func badSyntax(format string, args ...any) error {
	return &syntaxError{msg: fmt.Sprintf(format, args...)}
}

// fill makes at least one unread byte available. It returns io.EOF at the
// end of the input and the reader's error when it fails.
func (r *Reader) fill() error {
	if r.pos < r.end {
		return nil
	}
	if r.capture {
		r.keep(r.buf[r.mark:r.end])
		r.mark = 0
	}
	r.pos, r.end = 0, 0
	for !r.eof {
		n, err := r.src.Read(r.buf)
		r.end = n
		if err != nil {
			r.eof = true
			if err != io.EOF {
				r.rerr = err
			}
		}
		if n > 0 {
			return nil
		}
	}
	if r.rerr != nil {
		return r.rerr
	}
	return io.EOF
}

// keep appends b to the record being captured, up to the size limit.
func (r *Reader) keep(b []byte) {
	if r.tooLarge {
		return
	}
	if len(r.rec)+len(b) > r.opts.MaxRecord {
		r.tooLarge = true
		return
	}
	r.rec = append(r.rec, b...)
}

func (r *Reader) beginCapture() {
	r.rec = r.rec[:0]
	r.tooLarge = false
	r.capture = true
	r.mark = r.pos
}

func (r *Reader) endCapture() []byte {
	r.keep(r.buf[r.mark:r.pos])
	r.capture = false
	if r.tooLarge {
		return nil
	}
	return r.rec
}

// skipSpace skips white space and returns the next byte without consuming
// it.
func (r *Reader) skipSpace() (byte, error) {
	r.fresh = false
	for {
		if err := r.fill(); err != nil {
			return 0, err
		}
		for r.pos < r.end {
			switch c := r.buf[r.pos]; c {
			case '\n':
				r.line++
				r.pos++
				r.fresh = true
			case ' ', '\t', '\r':
				r.pos++
			default:
				return c, nil
			}
		}
	}
}

// skipLine consumes the input up to and including the next newline.
func (r *Reader) skipLine() error {
	for {
		if err := r.fill(); err != nil {
			return err
		}
		for r.pos < r.end {
			c := r.buf[r.pos]
			r.pos++
			if c == '\n' {
				r.line++
				return nil
			}
		}
	}
}

// expect skips white space and consumes c.
func (r *Reader) expect(c byte) error {
	got, err := r.skipSpace()
	if err != nil {
		return eofIsUnexpected(err)
	}
	if got != c {
		return badSyntax("expected %q, found %q", c, got)
	}
	r.pos++
	return nil
}

func eofIsUnexpected(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// topObject reads a top-level object. When one of its members is a
// wrapper holding an array, it stops just inside that array and reports
// isEnv; otherwise it returns the whole object as a record.
func (r *Reader) topObject() (rec []byte, isEnv bool, err error) {
	r.start = r.line
	r.beginCapture()
	r.pos++ // the '{'
	fail := func(err error) ([]byte, bool, error) {
		return nil, false, r.broken(err)
	}
	for first := true; ; first = false {
		c, err := r.skipSpace()
		if err != nil {
			return fail(eofIsUnexpected(err))
		}
		if c == '}' && first {
			r.pos++
			break
		}
		if c != '"' {
			return fail(badSyntax("expected a member name, found %q", c))
		}
		nameAt := len(r.rec) + r.pos - r.mark
		if err := r.scanValue(); err != nil {
			return fail(err)
		}
		r.keep(r.buf[r.mark:r.pos])
		r.mark = r.pos
		var name []byte
		if !r.tooLarge && nameAt+1 < len(r.rec) {
			name = r.rec[nameAt+1 : len(r.rec)-1]
		}
		if err := r.expect(':'); err != nil {
			return fail(err)
		}
		c, err = r.skipSpace()
		if err != nil {
			return fail(eofIsUnexpected(err))
		}
		if w := r.wrapperNamed(name); c == '[' && w != "" {
			r.pos++
			r.capture = false
			r.wrapper = w
			return nil, true, nil
		}
		if err := r.scanValue(); err != nil {
			return fail(err)
		}
		c, err = r.skipSpace()
		if err != nil {
			return fail(eofIsUnexpected(err))
		}
		if c != ',' && c != '}' {
			return fail(badSyntax("expected , or } in object, found %q", c))
		}
		r.pos++
		if c == '}' {
			break
		}
	}
	rec = r.endCapture()
	if r.tooLarge {
		return nil, false, r.fail("record too large", errors.New("record larger than the limit"))
	}
	return rec, false, nil
}

// wrapperNamed returns the wrapper called name, or "".
func (r *Reader) wrapperNamed(name []byte) string {
	for _, w := range r.opts.Wrappers {
		if string(name) == w {
			return w
		}
	}
	return ""
}

// scanValue consumes one complete JSON value, checking its structure. It
// returns a *syntaxError, io.ErrUnexpectedEOF, or a read error.
func (r *Reader) scanValue() error {
	const (
		wantValue      = iota // any value
		wantKeyOrClose        // after '{'
		wantKey               // after ',' in an object
		wantColon             // after a member name
		wantValOrClose        // after '['
		wantCommaOrEnd        // after a value inside a container
	)
	stack := r.stack[:0]
	defer func() { r.stack = stack[:0] }()
	st := wantValue
	for {
		c, err := r.skipSpace()
		if err != nil {
			return eofIsUnexpected(err)
		}
		switch st {
		case wantKeyOrClose, wantKey:
			if c == '}' && st == wantKeyOrClose {
				r.pos++
				stack = stack[:len(stack)-1]
				goto closed
			}
			if c != '"' {
				return badSyntax("expected a member name, found %q", c)
			}
			if err := r.scanString(); err != nil {
				return err
			}
			st = wantColon
			continue
		case wantColon:
			if c != ':' {
				return badSyntax("expected : after a member name, found %q", c)
			}
			r.pos++
			st = wantValue
			continue
		case wantCommaOrEnd:
			top := stack[len(stack)-1]
			switch {
			case c == ',' && top == '{':
				st = wantKey
			case c == ',':
				st = wantValue
			case c == '}' && top == '{', c == ']' && top == '[':
				r.pos++
				stack = stack[:len(stack)-1]
				goto closed
			default:
				return badSyntax("unexpected %q after a value", c)
			}
			r.pos++
			continue
		case wantValOrClose:
			if c == ']' {
				r.pos++
				stack = stack[:len(stack)-1]
				goto closed
			}
		}
		// A value starts here.
		switch {
		case c == '{':
			r.pos++
			stack = append(stack, '{')
			st = wantKeyOrClose
			continue
		case c == '[':
			r.pos++
			stack = append(stack, '[')
			st = wantValOrClose
			continue
		case c == '"':
			if err := r.scanString(); err != nil {
				return err
			}
		case c == '-' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z':
			if err := r.scanAtom(); err != nil {
				return err
			}
		default:
			return badSyntax("unexpected %q where a value belongs", c)
		}
	closed:
		if len(stack) == 0 {
			return nil
		}
		st = wantCommaOrEnd
	}
}

// scanString consumes a string, opening quote included. A raw newline is an
// error: JSON strings cannot hold one, and it is where a cut line ends.
func (r *Reader) scanString() error {
	r.fresh = false
	r.pos++
	esc := false
	for {
		if err := r.fill(); err != nil {
			return eofIsUnexpected(err)
		}
		b := r.buf[r.pos:r.end]
		for i, c := range b {
			switch {
			case esc:
				esc = false
			case c == '\\':
				esc = true
			case c == '"':
				r.pos += i + 1
				return nil
			case c == '\n':
				r.pos += i
				return badSyntax("line ends inside a string")
			}
		}
		r.pos = r.end
	}
}

// scanAtom consumes a number or a literal (true, false, null).
func (r *Reader) scanAtom() error {
	var word [8]byte
	n := 0
	r.fresh = false
	num := r.buf[r.pos] == '-' || r.buf[r.pos] <= '9'
	for {
		if err := r.fill(); err != nil {
			if err == io.EOF {
				break // a bare top-level number may end the input
			}
			return err
		}
		c := r.buf[r.pos]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c == '-' || c == '+' || c == '.' || c == 'E') {
			break
		}
		if n < len(word) {
			word[n] = c
		}
		n++
		r.pos++
	}
	if num {
		return nil // json.Unmarshal of the record checks the digits
	}
	switch string(word[:min(n, len(word))]) {
	case "true", "false", "null":
		return nil
	}
	return badSyntax("unknown literal")
}
