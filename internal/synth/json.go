package synth

import (
	"strconv"
	"time"
	"unicode/utf8"
)

// timeLayout is how MDE streams timestamps: up to seven fractional digits,
// trailing zeros dropped ("2026-07-18T10:59:30.693377Z").
const timeLayout = "2006-01-02T15:04:05.9999999Z"

// object appends one JSON object with keys in the order they are written,
// so output is byte-identical for a seed (a map would reorder keys).
type object struct {
	b     []byte
	first bool
}

func (o *object) open() {
	o.b = append(o.b, '{')
	o.first = true
}

func (o *object) close() { o.b = append(o.b, '}') }

func (o *object) key(k string) {
	if !o.first {
		o.b = append(o.b, ',')
	}
	o.first = false
	o.b = append(o.b, '"')
	o.b = append(o.b, k...)
	o.b = append(o.b, '"', ':')
}

func (o *object) str(k, v string) {
	o.key(k)
	o.b = appendString(o.b, v)
}

// strOrNull writes null for an empty value, as streamed rows do.
func (o *object) strOrNull(k, v string) {
	if v == "" {
		o.null(k)
		return
	}
	o.str(k, v)
}

func (o *object) num(k string, v int64) {
	o.key(k)
	o.b = strconv.AppendInt(o.b, v, 10)
}

func (o *object) null(k string) {
	o.key(k)
	o.b = append(o.b, "null"...)
}

func (o *object) boolean(k string, v bool) {
	o.key(k)
	o.b = strconv.AppendBool(o.b, v)
}

func (o *object) time(k string, t time.Time) {
	o.key(k)
	o.b = append(o.b, '"')
	o.b = t.UTC().AppendFormat(o.b, timeLayout)
	o.b = append(o.b, '"')
}

// nested starts an object-valued key; the caller closes it.
func (o *object) nested(k string) {
	o.key(k)
	o.open()
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string. Non-ASCII UTF-8 is kept as is;
// invalid bytes become U+FFFD so every line is valid JSON.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				b = append(b, s[start:i]...)
				b = append(b, `\ufffd`...)
				i++
				start = i
				continue
			}
			i += size
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		default:
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		}
		i++
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
