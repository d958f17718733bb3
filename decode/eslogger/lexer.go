package eslogger

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"unicode/utf8"

	"github.com/stagewatch/stagewatch/decode/internal/jsonstr"
)

// maxDepth bounds nesting, as encoding/json does, so a hostile line cannot
// exhaust the stack.
const maxDepth = 10000

// lexer walks one JSON line without building a tree: callers ask for the
// value they expect at each key and skip the rest. It stops at the first
// problem and keeps it in err; typeErr tells a value of the wrong type in
// valid JSON ("bad message") from broken JSON ("bad json").
type lexer struct {
	b       []byte
	i       int
	depth   int
	err     error
	typeErr bool
	scratch []byte
}

func (l *lexer) reset(b []byte) {
	l.b, l.i, l.depth, l.err, l.typeErr = b, 0, 0, nil, false
}

// fail records the first problem and ends the walk.
func (l *lexer) fail(typeErr bool, format string, args ...any) {
	if l.err == nil {
		if l.i >= len(l.b) && !typeErr {
			l.err = errors.New("unexpected end of JSON input")
		} else {
			l.err = fmt.Errorf(format+" at offset %d", append(args, l.i)...)
		}
		l.typeErr = typeErr
	}
	l.i = len(l.b)
}

// peek skips white space and returns the next byte, 0 at the end.
func (l *lexer) peek() byte {
	for l.i < len(l.b) {
		switch c := l.b[l.i]; c {
		case ' ', '\t', '\r', '\n':
			l.i++
		default:
			return c
		}
	}
	return 0
}

// null consumes a null literal if one comes next.
func (l *lexer) null() bool {
	if l.peek() != 'n' {
		return false
	}
	l.literal("null")
	return true
}

func (l *lexer) literal(word string) {
	if !bytes.HasPrefix(l.b[l.i:], []byte(word)) {
		l.fail(false, "invalid literal")
		return
	}
	l.i += len(word)
}

// end checks that only white space follows the value.
func (l *lexer) end() {
	if l.peek() != 0 && l.err == nil {
		l.fail(false, "invalid character after top-level value")
	}
}

// object calls fn for each key of an object; fn must consume the value.
// null is accepted as an absent object.
func (l *lexer) object(fn func(key []byte)) {
	switch l.peek() {
	case '{':
	case 'n':
		l.literal("null")
		return
	case '[', '"', 't', 'f', '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		l.fail(true, "expected an object")
		return
	default:
		l.fail(false, "invalid character")
		return
	}
	if l.depth++; l.depth > maxDepth {
		l.fail(false, "nested too deeply")
		return
	}
	l.i++
	if l.peek() == '}' {
		l.i++
		l.depth--
		return
	}
	for l.err == nil {
		if l.peek() != '"' {
			l.fail(false, "expected a key")
			return
		}
		key := l.rawString()
		if bytes.IndexByte(key, '\\') >= 0 {
			key = []byte(l.unescape(key))
		}
		if l.peek() != ':' {
			l.fail(false, "expected a colon")
			return
		}
		l.i++
		fn(key)
		switch l.peek() {
		case ',':
			l.i++
		case '}':
			l.i++
			l.depth--
			return
		default:
			l.fail(false, "expected a comma or closing brace")
			return
		}
	}
}

// array calls fn for each element of an array; fn must consume it. null
// is accepted as an absent array.
func (l *lexer) array(fn func()) {
	switch l.peek() {
	case '[':
	case 'n':
		l.literal("null")
		return
	case '{', '"', 't', 'f', '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		l.fail(true, "expected an array")
		return
	default:
		l.fail(false, "invalid character")
		return
	}
	if l.depth++; l.depth > maxDepth {
		l.fail(false, "nested too deeply")
		return
	}
	l.i++
	if l.peek() == ']' {
		l.i++
		l.depth--
		return
	}
	for l.err == nil {
		fn()
		switch l.peek() {
		case ',':
			l.i++
		case ']':
			l.i++
			l.depth--
			return
		default:
			l.fail(false, "expected a comma or closing bracket")
			return
		}
	}
}

// skip consumes one value of any type.
func (l *lexer) skip() {
	switch c := l.peek(); {
	case c == '{':
		l.object(func([]byte) { l.skip() })
	case c == '[':
		l.array(l.skip)
	case c == '"':
		l.rawString()
	case c == 't':
		l.literal("true")
	case c == 'f':
		l.literal("false")
	case c == 'n':
		l.literal("null")
	case c == '-' || ('0' <= c && c <= '9'):
		l.number()
	default:
		l.fail(false, "invalid character")
	}
}

// rawString consumes a string and returns its bytes between the quotes,
// escapes undone by neither.
func (l *lexer) rawString() []byte {
	start := l.i + 1
	j := start
	for {
		k := bytes.IndexByte(l.b[j:], '"')
		if k < 0 {
			l.fail(false, "unterminated string")
			return nil
		}
		j += k
		n := 0
		for p := j - 1; p >= start && l.b[p] == '\\'; p-- {
			n++
		}
		if n%2 == 0 {
			break
		}
		j++
	}
	s := l.b[start:j]
	l.i = j + 1
	return s
}

// str consumes a string value; null leaves def.
func (l *lexer) str(def string) string {
	switch l.peek() {
	case '"':
	case 'n':
		l.literal("null")
		return def
	default:
		l.fail(true, "expected a string")
		return def
	}
	raw := l.rawString()
	if bytes.IndexByte(raw, '\\') >= 0 {
		return l.unescape(raw)
	}
	if !utf8.Valid(raw) {
		return string(jsonstr.AppendValid(nil, raw))
	}
	return string(raw)
}

// number consumes a number and returns its text.
func (l *lexer) number() []byte {
	start := l.i
	for l.i < len(l.b) {
		c := l.b[l.i]
		if c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E' || ('0' <= c && c <= '9') {
			l.i++
			continue
		}
		break
	}
	if start == l.i {
		l.fail(false, "invalid number")
	}
	return l.b[start:l.i]
}

// int consumes an integer; null leaves def.
func (l *lexer) int(def int64) int64 {
	switch c := l.peek(); {
	case c == 'n':
		l.literal("null")
		return def
	case c == '-' || ('0' <= c && c <= '9'):
	default:
		l.fail(true, "expected a number")
		return def
	}
	n, err := strconv.ParseInt(string(l.number()), 10, 64)
	if err != nil {
		l.fail(true, "expected an integer")
		return def
	}
	return n
}

// bool consumes a boolean; null leaves def.
func (l *lexer) bool(def bool) bool {
	switch l.peek() {
	case 't':
		l.literal("true")
		return true
	case 'f':
		l.literal("false")
		return false
	case 'n':
		l.literal("null")
		return def
	}
	l.fail(true, "expected a boolean")
	return def
}

// unescape decodes a string's escapes the way encoding/json does (see
// jsonstr.Unescape).
func (l *lexer) unescape(raw []byte) string {
	out, reason := jsonstr.Unescape(l.scratch[:0], raw)
	if reason != "" {
		l.fail(false, "%s", reason)
		return ""
	}
	l.scratch = out
	return string(out)
}
