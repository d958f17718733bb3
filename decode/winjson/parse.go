package winjson

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// members moves the members stacked since base into the slab.
func (p *parser) members(base int) []member {
	n := len(p.mstack) - base
	if cap(p.mslab)-len(p.mslab) < n {
		p.mslab = make([]member, 0, max(2*cap(p.mslab), n, 64))
	}
	out := p.mslab[len(p.mslab) : len(p.mslab)+n : len(p.mslab)+n]
	p.mslab = p.mslab[:len(p.mslab)+n]
	copy(out, p.mstack[base:])
	clear(p.mstack[base:])
	p.mstack = p.mstack[:base]
	return out
}

// elements moves the array elements stacked since base into the slab.
func (p *parser) elements(base int) []value {
	n := len(p.vstack) - base
	if cap(p.vslab)-len(p.vslab) < n {
		p.vslab = make([]value, 0, max(2*cap(p.vslab), n, 16))
	}
	out := p.vslab[len(p.vslab) : len(p.vslab)+n : len(p.vslab)+n]
	p.vslab = p.vslab[:len(p.vslab)+n]
	copy(out, p.vstack[base:])
	clear(p.vstack[base:])
	p.vstack = p.vstack[:base]
	return out
}

// maxDepth bounds nesting; Windows events nest a handful of levels.
const maxDepth = 64

var errDepth = errors.New("json nested too deeply")

// parser parses one JSON value from src. Strings without escapes are
// slices of src, so a record's strings share its one allocation.
//
// Objects and arrays are cut from slabs the parser reuses: a parsed tree
// is valid only until the next parse with the same parser, which is all
// a decoder needs (records keep strings, never values).
type parser struct {
	src    string
	i      int
	mstack []member // members of the objects being parsed
	vstack []value  // elements of the arrays being parsed
	mslab  []member
	vslab  []value
}

// parse parses src, which must hold exactly one JSON value (surrounding
// white space allowed). src must be valid UTF-8.
func parse(src string) (value, error) {
	var p parser
	return p.parse(src)
}

// parse parses src with p's slabs, invalidating the previous tree.
func (p *parser) parse(src string) (value, error) {
	p.src, p.i = src, 0
	p.mstack, p.vstack = p.mstack[:0], p.vstack[:0]
	p.mslab, p.vslab = p.mslab[:0], p.vslab[:0]
	v, err := p.value(0)
	if err != nil {
		return value{}, err
	}
	p.space()
	if p.i != len(p.src) {
		return value{}, p.errorf("unexpected %q after the value", p.src[p.i])
	}
	return v, nil
}

func (p *parser) errorf(format string, args ...any) error {
	return fmt.Errorf("offset %d: "+format, append([]any{p.i}, args...)...)
}

func (p *parser) space() {
	for p.i < len(p.src) {
		switch p.src[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *parser) value(depth int) (value, error) {
	if depth > maxDepth {
		return value{}, errDepth
	}
	p.space()
	if p.i >= len(p.src) {
		return value{}, p.errorf("unexpected end of json")
	}
	switch c := p.src[p.i]; {
	case c == '{':
		return p.object(depth)
	case c == '[':
		return p.array(depth)
	case c == '"':
		s, err := p.string()
		return value{kind: kString, s: s}, err
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	case strings.HasPrefix(p.src[p.i:], "true"):
		p.i += 4
		return value{kind: kBool, s: "true"}, nil
	case strings.HasPrefix(p.src[p.i:], "false"):
		p.i += 5
		return value{kind: kBool, s: "false"}, nil
	case strings.HasPrefix(p.src[p.i:], "null"):
		p.i += 4
		return value{kind: kNull}, nil
	default:
		return value{}, p.errorf("unexpected %q", c)
	}
}

func (p *parser) object(depth int) (value, error) {
	p.i++ // {
	v := value{kind: kObject}
	p.space()
	if p.i < len(p.src) && p.src[p.i] == '}' {
		p.i++
		return v, nil
	}
	base := len(p.mstack)
	for {
		p.space()
		if p.i >= len(p.src) || p.src[p.i] != '"' {
			return value{}, p.errorf("expected a key")
		}
		key, err := p.string()
		if err != nil {
			return value{}, err
		}
		p.space()
		if p.i >= len(p.src) || p.src[p.i] != ':' {
			return value{}, p.errorf("expected ':' after key %q", key)
		}
		p.i++
		val, err := p.value(depth + 1)
		if err != nil {
			return value{}, err
		}
		p.mstack = append(p.mstack, member{key, val})
		p.space()
		if p.i >= len(p.src) {
			return value{}, p.errorf("unexpected end of json")
		}
		switch p.src[p.i] {
		case ',':
			p.i++
		case '}':
			p.i++
			v.obj = p.members(base)
			return v, nil
		default:
			return value{}, p.errorf("expected ',' or '}'")
		}
	}
}

func (p *parser) array(depth int) (value, error) {
	p.i++ // [
	v := value{kind: kArray}
	p.space()
	if p.i < len(p.src) && p.src[p.i] == ']' {
		p.i++
		return v, nil
	}
	base := len(p.vstack)
	for {
		val, err := p.value(depth + 1)
		if err != nil {
			return value{}, err
		}
		p.vstack = append(p.vstack, val)
		p.space()
		if p.i >= len(p.src) {
			return value{}, p.errorf("unexpected end of json")
		}
		switch p.src[p.i] {
		case ',':
			p.i++
		case ']':
			p.i++
			v.arr = p.elements(base)
			return v, nil
		default:
			return value{}, p.errorf("expected ',' or ']'")
		}
	}
}

func (p *parser) number() (value, error) {
	start := p.i
	if p.src[p.i] == '-' {
		p.i++
	}
	digits := func() int {
		n := 0
		for p.i < len(p.src) && p.src[p.i] >= '0' && p.src[p.i] <= '9' {
			p.i++
			n++
		}
		return n
	}
	lead := p.i
	if n := digits(); n == 0 || n > 1 && p.src[lead] == '0' {
		return value{}, p.errorf("bad number")
	}
	if p.i < len(p.src) && p.src[p.i] == '.' {
		p.i++
		if digits() == 0 {
			return value{}, p.errorf("bad number")
		}
	}
	if p.i < len(p.src) && (p.src[p.i] == 'e' || p.src[p.i] == 'E') {
		p.i++
		if p.i < len(p.src) && (p.src[p.i] == '+' || p.src[p.i] == '-') {
			p.i++
		}
		if digits() == 0 {
			return value{}, p.errorf("bad number")
		}
	}
	return value{kind: kNumber, s: p.src[start:p.i]}, nil
}

// string parses a quoted string at p.i.
func (p *parser) string() (string, error) {
	p.i++ // opening quote
	start := p.i
	for p.i < len(p.src) {
		switch c := p.src[p.i]; {
		case c == '"':
			s := p.src[start:p.i]
			p.i++
			return s, nil
		case c == '\\':
			return p.escaped(start)
		case c < 0x20:
			return "", p.errorf("control character in string")
		default:
			p.i++
		}
	}
	return "", p.errorf("unterminated string")
}

// escaped finishes a string that has escapes, from p.i at the first
// backslash; start is where the string's content began.
func (p *parser) escaped(start int) (string, error) {
	b := make([]byte, 0, p.i-start+16)
	b = append(b, p.src[start:p.i]...)
	for p.i < len(p.src) {
		c := p.src[p.i]
		switch {
		case c == '"':
			p.i++
			return string(b), nil
		case c < 0x20:
			return "", p.errorf("control character in string")
		case c != '\\':
			b = append(b, c)
			p.i++
			continue
		}
		if p.i+1 >= len(p.src) {
			break
		}
		e := p.src[p.i+1]
		p.i += 2
		switch e {
		case '"', '\\', '/':
			b = append(b, e)
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'u':
			r, ok := p.hex4()
			if !ok {
				return "", p.errorf("bad \\u escape")
			}
			if utf16.IsSurrogate(r) {
				r2 := utf8.RuneError
				if strings.HasPrefix(p.src[p.i:], `\u`) {
					save := p.i
					p.i += 2
					if lo, ok := p.hex4(); ok && utf16.DecodeRune(r, lo) != utf8.RuneError {
						r2 = utf16.DecodeRune(r, lo)
					} else {
						p.i = save
					}
				}
				r = r2
			}
			b = utf8.AppendRune(b, r)
		default:
			return "", p.errorf("bad escape \\%c", e)
		}
	}
	return "", p.errorf("unterminated string")
}

// hex4 reads four hex digits at p.i.
func (p *parser) hex4() (rune, bool) {
	if p.i+4 > len(p.src) {
		return 0, false
	}
	var r rune
	for _, c := range []byte(p.src[p.i : p.i+4]) {
		r <<= 4
		switch {
		case c >= '0' && c <= '9':
			r |= rune(c - '0')
		case c >= 'a' && c <= 'f':
			r |= rune(c - 'a' + 10)
		case c >= 'A' && c <= 'F':
			r |= rune(c - 'A' + 10)
		default:
			return 0, false
		}
	}
	p.i += 4
	return r, true
}
