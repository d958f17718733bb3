package ecs

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Node kinds of a parsed JSON value.
const (
	kNull uint8 = iota
	kFalse
	kTrue
	kNumber
	kString
	kArray
	kObject
)

// maxDepth bounds nesting, as encoding/json does.
const maxDepth = 10000

// node is one JSON value in a tree. Children of an object or array are
// linked through next; text is a string's value or a number's literal.
// Strings without escapes are slices of the record's one string copy, so a
// document costs a handful of allocations instead of one per value.
type node struct {
	kind  uint8
	key   string // member name, for children of an object
	text  string
	child int32 // first child, -1 for none
	next  int32 // next sibling, -1 for none
}

// tree holds the nodes of one top-level value. Its slab is reused for the
// next value, so nodes must not be kept past it; strings may.
type tree struct {
	nodes []node
	src   string
	i     int
	depth int
	valid bool // src is valid UTF-8, so strings need no repair
}

// parse parses raw into t, replacing what it held. The root is node 0.
func (t *tree) parse(raw []byte) error {
	t.nodes = t.nodes[:0]
	t.src = string(raw)
	t.i, t.depth = 0, 0
	t.valid = utf8.ValidString(t.src)
	if _, err := t.value(); err != nil {
		return err
	}
	t.space()
	if t.i != len(t.src) {
		return t.errorf("invalid character %q after top-level value", t.src[t.i])
	}
	return nil
}

func (t *tree) errorf(format string, args ...any) error {
	if t.i >= len(t.src) {
		return errors.New("unexpected end of JSON input")
	}
	return fmt.Errorf(format+" at offset %d", append(args, t.i)...)
}

func (t *tree) space() {
	for t.i < len(t.src) {
		switch t.src[t.i] {
		case ' ', '\t', '\r', '\n':
			t.i++
		default:
			return
		}
	}
}

// add appends a node and returns its index.
func (t *tree) add(n node) int32 {
	t.nodes = append(t.nodes, n)
	return int32(len(t.nodes) - 1)
}

// value parses one value and returns its node.
func (t *tree) value() (int32, error) {
	t.space()
	if t.i >= len(t.src) {
		return -1, t.errorf("")
	}
	switch c := t.src[t.i]; {
	case c == '{' || c == '[':
		return t.container(c)
	case c == '"':
		s, err := t.str()
		if err != nil {
			return -1, err
		}
		return t.add(node{kind: kString, text: s, child: -1, next: -1}), nil
	case c == 't':
		return t.literal("true", kTrue)
	case c == 'f':
		return t.literal("false", kFalse)
	case c == 'n':
		return t.literal("null", kNull)
	case c == '-' || ('0' <= c && c <= '9'):
		start := t.i
		for t.i < len(t.src) && strings.IndexByte("0123456789+-.eE", t.src[t.i]) >= 0 {
			t.i++
		}
		return t.add(node{kind: kNumber, text: t.src[start:t.i], child: -1, next: -1}), nil
	default:
		return -1, t.errorf("invalid character %q", c)
	}
}

func (t *tree) literal(word string, kind uint8) (int32, error) {
	if !strings.HasPrefix(t.src[t.i:], word) {
		return -1, t.errorf("invalid literal")
	}
	t.i += len(word)
	return t.add(node{kind: kind, child: -1, next: -1}), nil
}

// container parses an object or array.
func (t *tree) container(open byte) (int32, error) {
	if t.depth++; t.depth > maxDepth {
		return -1, t.errorf("nested too deeply")
	}
	defer func() { t.depth-- }()
	kind, close := kArray, byte(']')
	if open == '{' {
		kind, close = kObject, '}'
	}
	self := t.add(node{kind: kind, child: -1, next: -1})
	t.i++
	t.space()
	if t.i < len(t.src) && t.src[t.i] == close {
		t.i++
		return self, nil
	}
	last := int32(-1)
	for {
		var key string
		if kind == kObject {
			t.space()
			if t.i >= len(t.src) || t.src[t.i] != '"' {
				return -1, t.errorf("expected a key")
			}
			var err error
			if key, err = t.str(); err != nil {
				return -1, err
			}
			t.space()
			if t.i >= len(t.src) || t.src[t.i] != ':' {
				return -1, t.errorf("expected a colon")
			}
			t.i++
		}
		v, err := t.value()
		if err != nil {
			return -1, err
		}
		t.nodes[v].key = key
		if last < 0 {
			t.nodes[self].child = v
		} else {
			t.nodes[last].next = v
		}
		last = v
		t.space()
		if t.i >= len(t.src) {
			return -1, t.errorf("")
		}
		switch t.src[t.i] {
		case ',':
			t.i++
		case close:
			t.i++
			return self, nil
		default:
			return -1, t.errorf("expected a comma or %q", close)
		}
	}
}

// str parses a string at t.i, undoing escapes the way encoding/json does.
func (t *tree) str() (string, error) {
	start := t.i + 1
	j := start
	escaped := false
	for ; j < len(t.src); j++ {
		c := t.src[j]
		if c == '"' {
			break
		}
		if c == '\\' {
			escaped = true
			j++
		} else if c < 0x20 {
			t.i = j
			return "", t.errorf("control character in string")
		}
	}
	if j >= len(t.src) {
		t.i = len(t.src)
		return "", t.errorf("")
	}
	t.i = j + 1
	s := t.src[start:j]
	if !escaped {
		if !t.valid && !utf8.ValidString(s) {
			return string(appendValid(nil, s)), nil
		}
		return s, nil
	}
	return t.unescape(s)
}

// unescape decodes a string's escapes: \/ and the usual ones, \uXXXX with
// surrogate pairs, U+FFFD for lone surrogates and invalid UTF-8.
func (t *tree) unescape(s string) (string, error) {
	out := make([]byte, 0, len(s))
	for len(s) > 0 {
		k := strings.IndexByte(s, '\\')
		if k < 0 {
			out = appendValid(out, s)
			break
		}
		out = appendValid(out, s[:k])
		s = s[k:]
		if len(s) < 2 {
			return "", t.errorf("bad escape")
		}
		switch c := s[1]; c {
		case '"', '\\', '/':
			out = append(out, c)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, ok := hex4(s[2:])
			if !ok {
				return "", t.errorf("bad unicode escape")
			}
			s = s[6:]
			if utf16.IsSurrogate(r) {
				if len(s) >= 6 && s[0] == '\\' && s[1] == 'u' {
					if r2, ok := hex4(s[2:]); ok {
						if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
							out = utf8.AppendRune(out, dec)
							s = s[6:]
							continue
						}
					}
				}
				r = utf8.RuneError
			}
			out = utf8.AppendRune(out, r)
			continue
		default:
			return "", t.errorf("bad escape")
		}
		s = s[2:]
	}
	return string(out), nil
}

// hex4 reads four hex digits.
func hex4(s string) (rune, bool) {
	if len(s) < 4 {
		return 0, false
	}
	var r rune
	for i := range 4 {
		c := s[i]
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r*16 + rune(c)
	}
	return r, true
}

// appendValid appends s with each invalid byte replaced by U+FFFD, as
// encoding/json does.
func appendValid(out []byte, s string) []byte {
	if utf8.ValidString(s) {
		return append(out, s...)
	}
	for len(s) > 0 {
		r, n := utf8.DecodeRuneInString(s)
		if r == utf8.RuneError && n == 1 {
			out = utf8.AppendRune(out, utf8.RuneError)
		} else {
			out = append(out, s[:n]...)
		}
		s = s[n:]
	}
	return out
}
