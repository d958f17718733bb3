// Package jsonrec splits a stream of JSON into records without loading it
// whole. It reads the shapes that cloud log exports take: one object per
// line (NDJSON), a pretty-printed object or a sequence of them, a top-level
// array of records, and an envelope object whose array member holds the
// records ({"Records":[...]}, {"records":[...]}, {"Events":[...]}).
//
// Records are validated structurally as they are read (strings, nesting,
// commas and colons), so a cut or broken record is reported where it
// happened and the reader resynchronises on the next line instead of
// swallowing the rest of the input. Only one record is held in memory at a
// time: a 100 MB {"Records":[...]} delivery file is read in constant memory.
//
// Decoder is the whole of a decoder that maps each record to one event
// (CloudTrail, Cloud Audit Logs, Azure Monitor): the format supplies its
// ParseFunc and its envelope names.
package jsonrec

import (
	"errors"
	"io"
)

// Options configure a Reader.
type Options struct {
	// Wrappers are the member names whose array value, in a top-level
	// object, holds the records (for example "Records"). Names match
	// exactly.
	Wrappers []string
	// MaxRecord is the largest record accepted, in bytes; 0 means 16 MiB.
	// A larger record is skipped and reported as "record too large".
	MaxRecord int
}

const defaultMaxRecord = 16 << 20

// Error reports a record that could not be read. Reason is short and
// stable: "truncated json", "bad json" or "record too large".
type Error struct {
	Reason string
	Line   int64 // 1-based line where the record started
	Err    error
}

func (e *Error) Error() string { return e.Err.Error() }

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// Reader returns the records of a JSON stream one at a time.
type Reader struct {
	opts Options
	src  io.Reader
	buf  []byte
	pos  int
	end  int
	eof  bool
	rerr error

	line  int64 // current line, 1-based
	start int64 // line where the last record started

	rec      []byte
	capture  bool
	mark     int // start of the uncaptured part of buf while capturing
	tooLarge bool

	state   int    // where the reader is between records
	wrapper string // the envelope member being read, in stateEnvelope
	resync  bool   // after an error: skip lines until one starts a value
	fresh   bool   // the last skipSpace crossed a line end
	lost    bool   // an array was abandoned: its closing brackets may follow
	stack   []byte
}

const (
	stateTop      = iota // between top-level values
	stateArray           // inside a top-level array of records
	stateEnvelope        // inside an envelope's record array
)

// New returns a Reader of r.
func New(r io.Reader, o Options) *Reader {
	if o.MaxRecord <= 0 {
		o.MaxRecord = defaultMaxRecord
	}
	return &Reader{opts: o, src: r, buf: make([]byte, 64<<10), line: 1}
}

// Line returns the 1-based line where the record last returned by Next
// (or reported by its error) started.
func (r *Reader) Line() int64 { return r.start }

// Wrapper returns the envelope member the last record came from, or "" for
// a record that stood on its own or in a top-level array.
func (r *Reader) Wrapper() string {
	if r.state == stateEnvelope {
		return r.wrapper
	}
	return ""
}

// Next returns the bytes of the next record, valid until the following
// call. It returns io.EOF at the end of the input, an *Error for a record
// that cannot be read (the caller may call Next again to go on), and any
// other error when the input cannot be read further.
func (r *Reader) Next() ([]byte, error) {
	for {
		c, err := r.skipSpace()
		if err != nil {
			if err == io.EOF && r.state != stateTop {
				r.state = stateTop
				r.start = r.line
				return nil, r.fail("truncated json", errors.New("input ends inside the record array"))
			}
			return nil, err
		}
		switch r.state {
		case stateTop:
			if r.lost && (c == ']' || c == '}' || c == ',') {
				r.pos++ // the remains of an array abandoned earlier
				continue
			}
			if r.resync && c != '{' && c != '[' {
				if err := r.skipLine(); err != nil {
					return nil, err
				}
				continue
			}
			if c == '[' {
				r.pos++
				r.state = stateArray
				if done, err := r.firstElement(); done || err != nil {
					if err != nil {
						return nil, err
					}
					continue
				}
				return r.element()
			}
			if c == '{' {
				rec, isEnv, err := r.topObject()
				if err != nil || !isEnv {
					if err == nil {
						r.resync = false
					}
					return rec, err
				}
				r.state = stateEnvelope
				if done, err := r.firstElement(); done || err != nil {
					if err != nil {
						return nil, err
					}
					if err := r.finishEnvelope(); err != nil {
						return nil, err
					}
					continue
				}
				return r.element()
			}
			r.start = r.line
			err := r.fail("bad json", errors.New("input is not a JSON object or array"))
			if serr := r.skipLine(); serr != nil && serr != io.EOF {
				return nil, serr
			}
			return nil, err
		default:
			// Between elements: a comma, or the end of the array.
			switch c {
			case ',':
				r.pos++
				return r.element()
			case ']':
				r.pos++
				if r.state == stateEnvelope {
					if err := r.finishEnvelope(); err != nil {
						return nil, err
					}
				}
				r.state = stateTop
				continue
			}
			r.start = r.line
			return nil, r.abandon("bad json", errors.New("expected , or ] between records"))
		}
	}
}

// firstElement is called after an opening bracket: it reports whether the
// array is empty (and consumes its closing bracket).
func (r *Reader) firstElement() (bool, error) {
	c, err := r.skipSpace()
	if err != nil {
		if err == io.EOF {
			r.state = stateTop
			r.start = r.line
			return false, r.fail("truncated json", errors.New("input ends inside the record array"))
		}
		return false, err
	}
	if c == ']' {
		r.pos++
		if r.state == stateArray {
			r.state = stateTop
		}
		return true, nil
	}
	return false, nil
}

// element reads one array element as a record.
func (r *Reader) element() ([]byte, error) {
	if _, err := r.skipSpace(); err != nil {
		if err == io.EOF {
			r.state = stateTop
			r.start = r.line
			return nil, r.fail("truncated json", errors.New("input ends inside the record array"))
		}
		return nil, err
	}
	r.start = r.line
	r.beginCapture()
	err := r.scanValue()
	rec := r.endCapture()
	if err != nil {
		return nil, r.broken(err)
	}
	if r.tooLarge {
		return nil, r.fail("record too large", errors.New("record larger than the limit"))
	}
	r.resync = false
	return rec, nil
}

// finishEnvelope skips the members that follow the record array in an
// envelope object, up to its closing brace.
func (r *Reader) finishEnvelope() error {
	r.state = stateTop
	for {
		c, err := r.skipSpace()
		if err != nil {
			return r.endOfEnvelope(err)
		}
		r.pos++
		switch c {
		case '}':
			return nil
		case ',':
			if c, err = r.skipSpace(); err != nil {
				return r.endOfEnvelope(err)
			}
			if c != '"' {
				return r.abandon("bad json", errors.New("expected a member name"))
			}
			if err := r.scanValue(); err != nil { // the name
				return r.broken(err)
			}
			if err := r.expect(':'); err != nil {
				return r.broken(err)
			}
			if err := r.scanValue(); err != nil {
				return r.broken(err)
			}
		default:
			return r.abandon("bad json", errors.New("expected , or } after the record array"))
		}
	}
}

func (r *Reader) endOfEnvelope(err error) error {
	if err == io.EOF {
		r.start = r.line
		return r.fail("truncated json", errors.New("input ends inside the envelope object"))
	}
	return err
}

// broken reports an error met inside a value: structural errors and a cut
// input become an *Error, read errors pass through.
func (r *Reader) broken(err error) error {
	r.capture = false
	if !errors.As(err, new(*syntaxError)) && err != io.ErrUnexpectedEOF {
		return err
	}
	if err == io.ErrUnexpectedEOF {
		err = errors.New("input ends inside the record")
	}
	return r.abandon(reasonOf(err), err)
}

// abandon reports an error inside a record and resynchronises: the rest of
// the line is skipped (unless the error was met at the start of a line,
// which may begin the next good record) and reading goes on at the top
// level, skipping lines until one starts a value.
func (r *Reader) abandon(reason string, err error) error {
	e := r.fail(reason, err)
	if r.state != stateTop {
		r.lost = true
	}
	r.state = stateTop
	if reason != "truncated json" && !r.fresh {
		if serr := r.skipLine(); serr != nil && serr != io.EOF {
			return serr
		}
	}
	return e
}

func (r *Reader) fail(reason string, err error) error {
	r.resync = true
	return &Error{Reason: reason, Line: r.start, Err: err}
}

func reasonOf(err error) string {
	if errors.As(err, new(*syntaxError)) {
		return "bad json"
	}
	return "truncated json"
}
