package winjson

import "strings"

// kind is the JSON type of a value.
type kind uint8

const (
	kNull kind = iota
	kBool
	kNumber
	kString
	kObject
	kArray
)

// value is one parsed JSON value. Objects keep their members in document
// order with their keys exactly as written: lookups are case-sensitive, so
// NXLog's ProcessID and Sysmon's ProcessId never collide (formats.md 0.2).
// Numbers keep their text, so ids beyond 2^53 lose no digits.
type value struct {
	kind kind
	s    string // string value, number text, or "true"/"false"
	obj  []member
	arr  []value
}

// member is one key of an object.
type member struct {
	key string
	val value
}

// get returns the member called key (exact case), or nil.
func (v *value) get(key string) *value {
	for i := range v.obj {
		if v.obj[i].key == key {
			return &v.obj[i].val
		}
	}
	return nil
}

// path returns the value at a dotted path, accepting nested objects
// ("process": {"pid": 1}) and dotted keys ("process.pid": 1) at any level,
// as ECS producers write either.
func (v *value) path(parts ...string) *value {
	if v == nil || v.kind != kObject {
		return nil
	}
	for n := len(parts); n >= 1; n-- {
		key := parts[0]
		if n > 1 {
			key = strings.Join(parts[:n], ".")
		}
		m := v.get(key)
		if m == nil {
			continue
		}
		if n == len(parts) {
			return m
		}
		if r := m.path(parts[n:]...); r != nil {
			return r
		}
	}
	return nil
}

// text renders a scalar as Windows event data renders it: strings as they
// are, numbers as written, booleans as "true"/"false", null as "". An object
// with a "#text" member (an XML element with attributes) gives that text;
// other objects and arrays give their compact JSON.
func (v *value) text() string {
	if v == nil {
		return ""
	}
	switch v.kind {
	case kString, kNumber, kBool:
		return v.s
	case kNull:
		return ""
	case kObject:
		if t := v.get("#text"); t != nil {
			return t.text()
		}
	}
	var b strings.Builder
	v.compact(&b)
	return b.String()
}

// compact writes v as compact JSON.
func (v *value) compact(b *strings.Builder) {
	switch v.kind {
	case kNull:
		b.WriteString("null")
	case kString:
		quote(b, v.s)
	case kNumber, kBool:
		b.WriteString(v.s)
	case kObject:
		b.WriteByte('{')
		for i := range v.obj {
			if i > 0 {
				b.WriteByte(',')
			}
			quote(b, v.obj[i].key)
			b.WriteByte(':')
			v.obj[i].val.compact(b)
		}
		b.WriteByte('}')
	case kArray:
		b.WriteByte('[')
		for i := range v.arr {
			if i > 0 {
				b.WriteByte(',')
			}
			v.arr[i].compact(b)
		}
		b.WriteByte(']')
	}
}

// quote writes s as a JSON string. s is valid UTF-8.
func quote(b *strings.Builder, s string) {
	const hex = "0123456789abcdef"
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20:
			b.WriteString(`\u00`)
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&0xF])
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
}
