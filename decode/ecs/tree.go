package ecs

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/stagewatch/stagewatch/decode/internal/jsonstr"
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
	raw   []byte // the bytes src was copied from, during parse
	i     int
	depth int
	valid bool // src is valid UTF-8, so strings need no repair
}

// parse parses raw into t, replacing what it held. The root is node 0.
func (t *tree) parse(raw []byte) error {
	t.nodes = t.nodes[:0]
	t.src = string(raw)
	t.raw = raw
	defer func() { t.raw = nil }()
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
			return string(jsonstr.AppendValid(nil, t.raw[start:j])), nil
		}
		return s, nil
	}
	return t.unescape(t.raw[start:j])
}

// unescape decodes a string's escapes the way encoding/json does (see
// jsonstr.Unescape).
func (t *tree) unescape(raw []byte) (string, error) {
	out, reason := jsonstr.Unescape(make([]byte, 0, len(raw)), raw)
	if reason != "" {
		return "", t.errorf("%s", reason)
	}
	return string(out), nil
}
