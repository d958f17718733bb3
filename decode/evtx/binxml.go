package evtx

import (
	"encoding/binary"
	"fmt"
)

// elem is an element being compiled.
type elem struct {
	st       state
	name     string
	children bool // has child elements
	began    bool // a UserData leaf's field was started
	nameLit  string
	nameSub  int32
}

// maxDepth bounds element nesting and Binary XML values nested in
// substitutions, so hostile input cannot exhaust the stack.
const maxDepth = 32

// compiler turns Binary XML into ops. c is the whole chunk: names and
// templates are found by chunk offset.
type compiler struct {
	c     []byte
	names map[uint32]string
	ops   []op
	dep   bool // element starts carry a dependency id (template definitions)
}

// compile walks the Binary XML in c[pos:end] whose content sits in state st
// and returns its ops.
func (cp *compiler) compile(pos, end int, st state, dep bool) ([]op, error) {
	cp.ops, cp.dep = nil, dep
	root := elem{st: st, nameSub: -1}
	if _, err := cp.content(pos, end, &root, true, 0); err != nil {
		return nil, err
	}
	return cp.ops, nil
}

func (cp *compiler) emit(o op) { cp.ops = append(cp.ops, o) }

// content walks the content of e up to its end element (or, at the top,
// the end-of-fragment token) and returns the position after it.
func (cp *compiler) content(pos, end int, e *elem, top bool, depth int) (int, error) {
	c := cp.c
	for pos < end {
		tok := c[pos]
		switch tok &^ 0x40 {
		case 0x00: // end of fragment
			if !top {
				return 0, fmt.Errorf("end of fragment inside <%s> at offset %d", e.name, pos)
			}
			return pos + 1, nil
		case 0x04: // end element
			if top {
				return 0, fmt.Errorf("unbalanced end element at offset %d", pos)
			}
			return pos + 1, nil
		case 0x01:
			if depth >= maxDepth {
				return 0, fmt.Errorf("elements nested deeper than %d at offset %d", maxDepth, pos)
			}
			var err error
			if pos, err = cp.element(pos, end, e, depth+1); err != nil {
				return 0, err
			}
		case 0x05, 0x07: // value text (with a type byte), CDATA
			count := pos + 1
			if tok&^0x40 == 0x05 {
				count++
			}
			s, next, err := cp.utf16(count, end)
			if err != nil {
				return 0, err
			}
			cp.literal(e, s)
			pos = next
		case 0x08: // character reference
			if pos+3 > end {
				return 0, errShort(pos)
			}
			cp.literal(e, string(rune(binary.LittleEndian.Uint16(c[pos+1:]))))
			pos += 3
		case 0x09: // entity reference
			if pos+5 > end {
				return 0, errShort(pos)
			}
			name, next, err := cp.name(pos+5, end)
			if err != nil {
				return 0, err
			}
			cp.literal(e, entity(name))
			pos = next
		case 0x0d, 0x0e: // normal and optional substitution
			if pos+4 > end {
				return 0, errShort(pos)
			}
			cp.substitution(e, int32(binary.LittleEndian.Uint16(c[pos+1:])))
			pos += 4
		case 0x0a: // processing instruction target
			_, next, err := cp.name(pos+5, end)
			if err != nil {
				return 0, err
			}
			pos = next
		case 0x0b: // processing instruction data
			_, next, err := cp.utf16(pos+1, end)
			if err != nil {
				return 0, err
			}
			pos = next
		case 0x0f: // fragment header
			pos += 4
		default:
			return 0, fmt.Errorf("unexpected token 0x%02x at offset %d", tok, pos)
		}
	}
	return 0, fmt.Errorf("binary xml runs past its end at offset %d", end)
}

// element compiles the element starting at pos inside parent.
func (cp *compiler) element(pos, end int, parent *elem, depth int) (int, error) {
	c := cp.c
	hasAttrs := c[pos]&0x40 != 0
	pos++
	if cp.dep {
		pos += 2
	}
	pos += 4 // data size
	name, pos, err := cp.name(pos+4, end)
	if err != nil {
		return 0, err
	}
	if hasAttrs {
		pos += 4 // attribute list size
	}
	e := elem{st: child(parent.st, name), name: name, nameSub: -1}
	parent.children = true
	for pos < end && c[pos]&^0x40 == 0x06 {
		var attr string
		if attr, pos, err = cp.name(pos+5, end); err != nil {
			return 0, err
		}
		if pos, err = cp.attribute(pos, end, &e, attr); err != nil {
			return 0, err
		}
	}
	if e.st == sData {
		cp.emit(op{kind: opField, sub: e.nameSub, lit: e.nameLit})
	}
	if pos >= end {
		return 0, errShort(pos)
	}
	switch c[pos] {
	case 0x02: // close start element: content follows
		if pos, err = cp.content(pos+1, end, &e, false, depth); err != nil {
			return 0, err
		}
	case 0x03: // close empty element
		pos++
	default:
		return 0, fmt.Errorf("unexpected token 0x%02x after the start of <%s> at offset %d", c[pos], name, pos)
	}
	if e.st == sUserLeaf && !e.began && !e.children {
		cp.emit(op{kind: opField, sub: -1, lit: name})
	}
	return pos, nil
}

// attribute compiles the value tokens of attribute attr of e.
func (cp *compiler) attribute(pos, end int, e *elem, attr string) (int, error) {
	kind, keep := attrOp(e.st, attr)
	c := cp.c
	for pos < end {
		var lit string
		sub := int32(-1)
		switch c[pos] &^ 0x40 {
		case 0x05:
			s, next, err := cp.utf16(pos+2, end)
			if err != nil {
				return 0, err
			}
			lit, pos = s, next
		case 0x0d, 0x0e:
			if pos+4 > end {
				return 0, errShort(pos)
			}
			sub = int32(binary.LittleEndian.Uint16(c[pos+1:]))
			pos += 4
		case 0x08:
			if pos+3 > end {
				return 0, errShort(pos)
			}
			lit = string(rune(binary.LittleEndian.Uint16(c[pos+1:])))
			pos += 3
		case 0x09:
			name, next, err := cp.name(pos+5, end)
			if err != nil {
				return 0, err
			}
			lit, pos = entity(name), next
		default:
			return pos, nil
		}
		switch {
		case !keep:
		case e.st == sData:
			if sub >= 0 {
				e.nameSub = sub
			} else {
				e.nameLit += lit
			}
		default:
			cp.emit(op{kind: kind, state: sSkip, sub: sub, lit: lit})
		}
	}
	return pos, nil
}

// literal handles literal text inside e.
func (cp *compiler) literal(e *elem, s string) {
	if k, ok := cp.textOp(e); ok {
		cp.emit(op{kind: k, state: e.st, sub: -1, lit: s})
	}
}

// substitution handles a substitution inside e.
func (cp *compiler) substitution(e *elem, sub int32) {
	if k, ok := cp.textOp(e); ok {
		cp.emit(op{kind: k, state: e.st, sub: sub})
		return
	}
	if e.st != sSkip {
		cp.emit(op{kind: opNested, state: e.st, sub: sub})
	}
}

// textOp returns the op that text inside e fills, starting a UserData
// leaf's field on its first value.
func (cp *compiler) textOp(e *elem) (opKind, bool) {
	var k opKind
	switch e.st {
	case sEventID:
		k = opEventID
	case sVersion:
		k = opVersion
	case sChannel:
		k = opChannel
	case sComputer:
		k = opComputer
	case sData:
		k = opValue
	case sUserLeaf:
		k = opValue
		if !e.began {
			e.began = true
			cp.emit(op{kind: opField, sub: -1, lit: e.name})
		}
	default:
		return 0, false
	}
	return k, true
}

// utf16 reads a string stored as a 16-bit character count at pos followed
// by UTF-16LE characters, and returns the position after it.
func (cp *compiler) utf16(pos, end int) (string, int, error) {
	if pos+2 > end {
		return "", 0, errShort(pos)
	}
	n := int(binary.LittleEndian.Uint16(cp.c[pos:]))
	start := pos + 2
	if start+2*n > end {
		return "", 0, errShort(pos)
	}
	return string(appendUTF16(nil, cp.c[start:start+2*n])), start + 2*n, nil
}

// name reads a name reference whose 4-byte chunk offset ends at pos. A name
// stored inline (its offset is pos) is skipped over.
func (cp *compiler) name(pos, end int) (string, int, error) {
	if pos > end {
		return "", 0, errShort(pos - 4)
	}
	off := binary.LittleEndian.Uint32(cp.c[pos-4:])
	s, size, err := cp.nameAt(off)
	if err != nil {
		return "", 0, err
	}
	if int(off) == pos {
		if pos+size > end {
			return "", 0, errShort(pos)
		}
		pos += size
	}
	return s, pos, nil
}

// nameAt returns the name stored at chunk offset off and its stored size.
func (cp *compiler) nameAt(off uint32) (string, int, error) {
	c := cp.c
	if int64(off)+8 > int64(len(c)) {
		return "", 0, fmt.Errorf("name offset %d outside the chunk", off)
	}
	n := int(binary.LittleEndian.Uint16(c[off+6:]))
	size := 8 + 2*n + 2
	if int(off)+size > len(c) {
		return "", 0, fmt.Errorf("name at offset %d runs past the chunk", off)
	}
	if s, ok := cp.names[off]; ok {
		return s, size, nil
	}
	s := string(appendUTF16(nil, c[int(off)+8:int(off)+8+2*n]))
	cp.names[off] = s
	return s, size, nil
}

func entity(name string) string {
	switch name {
	case "lt":
		return "<"
	case "gt":
		return ">"
	case "amp":
		return "&"
	case "quot":
		return `"`
	case "apos":
		return "'"
	}
	return "&" + name + ";"
}

func errShort(pos int) error { return fmt.Errorf("binary xml cut short at offset %d", pos) }
