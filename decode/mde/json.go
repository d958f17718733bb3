package mde

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math/bits"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/stagewatch/stagewatch/decode/internal/jsonstr"
)

// The lazy JSON scanner walks one object held in memory, records the spans
// of the keys it knows (see lookup) and skips everything else without
// decoding it. It does not validate what it skips beyond bracket balance and
// string boundaries: a row whose ignored parts are malformed but whose
// wanted parts are readable still decodes.

var (
	errIncomplete = errors.New("truncated json")
	errSyntax     = errors.New("malformed json")
	errDepth      = errors.New("json nested too deeply")
)

// maxDepth bounds nesting so hostile input cannot exhaust the stack.
const maxDepth = 64

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func skipSpace(b []byte, i int) int {
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	return i
}

// scanString returns the index of the quote that closes the string whose
// content starts at b[i], and whether the content holds escapes.
func scanString(b []byte, i int) (int, bool, error) {
	esc := false
	for {
		i = quoteOrBackslash(b, i)
		if i >= len(b) {
			return 0, false, errIncomplete
		}
		if b[i] == '"' {
			return i, esc, nil
		}
		esc = true
		i += 2
	}
}

// SWAR constants: a byte-wise "has this byte" test on eight bytes at once.
const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// matches returns a mask whose lowest set bit marks the first byte of x
// equal to c (higher bits may be spurious).
func matches(x uint64, c byte) uint64 {
	y := x ^ (lsb * uint64(c))
	return (y - lsb) &^ y & msb
}

// quoteOrBackslash returns the index of the first '"' or '\\' in b at or
// after i, or len(b). Strings in MDE rows are short, so this beats two
// bytes.IndexByte calls.
func quoteOrBackslash(b []byte, i int) int { return indexEither(b, i, '"', '\\') }

// indexEither returns the index of the first c1 or c2 in b at or after i,
// or len(b), testing eight bytes at a time.
func indexEither(b []byte, i int, c1, c2 byte) int {
	for i+8 <= len(b) {
		x := binary.LittleEndian.Uint64(b[i:])
		if m := matches(x, c1) | matches(x, c2); m != 0 {
			return i + bits.TrailingZeros64(m)>>3
		}
		i += 8
	}
	for i < len(b) && b[i] != c1 && b[i] != c2 {
		i++
	}
	return i
}

// scanObject walks the object at b[i] (which must be '{') into r and returns
// the index after its closing brace. "properties" and "body" objects are
// walked into the same row, so a streaming record, its Splunk wrapper and a
// bare row all fill the same fields.
func scanObject(b []byte, i int, r *row, depth int) (int, error) {
	if depth > maxDepth {
		return 0, errDepth
	}
	i = skipSpace(b, i+1)
	if i >= len(b) {
		return 0, errIncomplete
	}
	if b[i] == '}' {
		return i + 1, nil
	}
	var keyBuf [64]byte
	for {
		if i >= len(b) {
			return 0, errIncomplete
		}
		if b[i] != '"' {
			return 0, errSyntax
		}
		end, esc, err := scanString(b, i+1)
		if err != nil {
			return 0, err
		}
		key := b[i+1 : end]
		if esc && len(key) <= len(keyBuf) {
			key = unescape(keyBuf[:0], key)
		}
		f := lookup(key)
		i = skipSpace(b, end+1)
		if i >= len(b) {
			return 0, errIncomplete
		}
		if b[i] != ':' {
			return 0, errSyntax
		}
		i = skipSpace(b, i+1)
		if i >= len(b) {
			return 0, errIncomplete
		}
		switch c := b[i]; c {
		case '"':
			end, esc, err := scanString(b, i+1)
			if err != nil {
				return 0, err
			}
			if f != fNone {
				k := vString
				if esc {
					k = vEscaped
				}
				r.set(f, i+1, end, k)
			}
			i = end + 1
		case '{':
			start := i
			if f == fProperties || f == fBody {
				i, err = scanObject(b, i, r, depth+1)
			} else {
				i, err = skipNested(b, i)
			}
			if err != nil {
				return 0, err
			}
			if f == fAdditionalFields {
				r.set(f, start, i, vObject)
			}
		case '[':
			start := i
			if i, err = skipNested(b, i); err != nil {
				return 0, err
			}
			if f == fRows || f == fAdditionalFields {
				r.set(f, start, i, vObject)
			}
		default:
			start := i
			for i < len(b) && b[i] != ',' && b[i] != '}' && b[i] != ']' && !isSpace(b[i]) {
				i++
			}
			if i == start {
				return 0, errSyntax
			}
			if f != fNone {
				if i-start == 4 && string(b[start:i]) == "null" {
					r.set(f, start, start, vAbsent)
				} else {
					r.set(f, start, i, vNumber)
				}
			}
		}
		i = skipSpace(b, i)
		if i >= len(b) {
			return 0, errIncomplete
		}
		switch b[i] {
		case ',':
			i = skipSpace(b, i+1)
		case '}':
			return i + 1, nil
		default:
			return 0, errSyntax
		}
	}
}

// skipNested skips the object or array at b[i] and returns the index after
// it. It tracks strings and bracket depth only.
func skipNested(b []byte, i int) (int, error) {
	depth := 0
	for i < len(b) {
		switch b[i] {
		case '"':
			end, _, err := scanString(b, i+1)
			if err != nil {
				return 0, err
			}
			i = end
		case '{', '[':
			depth++
			if depth > maxDepth {
				return 0, errDepth
			}
		case '}', ']':
			depth--
			if depth == 0 {
				return i + 1, nil
			}
		}
		i++
	}
	return 0, errIncomplete
}

// skipValue skips any JSON value at b[i].
func skipValue(b []byte, i int) (int, error) {
	if i >= len(b) {
		return 0, errIncomplete
	}
	switch b[i] {
	case '"':
		end, _, err := scanString(b, i+1)
		if err != nil {
			return 0, err
		}
		return end + 1, nil
	case '{', '[':
		return skipNested(b, i)
	}
	start := i
	for i < len(b) && b[i] != ',' && b[i] != '}' && b[i] != ']' && !isSpace(b[i]) {
		i++
	}
	if i == start {
		return 0, errSyntax
	}
	return i, nil
}

// unescape appends the decoded content of a JSON string to dst. Bad escapes
// are kept literally and lone surrogates become U+FFFD, as encoding/json
// does. Unlike jsonstr.Unescape it never fails and leaves invalid UTF-8 to
// strbuf, which repairs whole values: MDE exports carry odd escapes that
// are still worth reading.
func unescape(dst, s []byte) []byte {
	for len(s) > 0 {
		i := bytes.IndexByte(s, '\\')
		if i < 0 {
			return append(dst, s...)
		}
		dst = append(dst, s[:i]...)
		s = s[i:]
		if len(s) < 2 {
			return append(dst, s...)
		}
		switch c := s[1]; c {
		case '"', '\\', '/':
			dst = append(dst, c)
		case 'b':
			dst = append(dst, '\b')
		case 'f':
			dst = append(dst, '\f')
		case 'n':
			dst = append(dst, '\n')
		case 'r':
			dst = append(dst, '\r')
		case 't':
			dst = append(dst, '\t')
		case 'u':
			r, ok := jsonstr.Hex4(s[2:])
			if !ok {
				dst = append(dst, s[:2]...)
				s = s[2:]
				continue
			}
			n := 6
			if utf16.IsSurrogate(r) {
				r2 := rune(-1)
				if len(s) >= 12 && s[6] == '\\' && s[7] == 'u' {
					r2, _ = jsonstr.Hex4(s[8:])
				}
				if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
					r, n = d, 12
				} else {
					r = utf8.RuneError
				}
			}
			dst = utf8.AppendRune(dst, r)
			s = s[n:]
			continue
		default:
			dst = append(dst, s[:2]...)
		}
		s = s[2:]
	}
	return dst
}

// findKey returns the content of the string value of key in the object at
// b[i], looking at its top level only.
func findKey(b []byte, i int, key string) ([]byte, valueKind, bool) {
	i = skipSpace(b, i+1)
	for i < len(b) && b[i] == '"' {
		end, _, err := scanString(b, i+1)
		if err != nil {
			return nil, vAbsent, false
		}
		k := b[i+1 : end]
		i = skipSpace(b, end+1)
		if i >= len(b) || b[i] != ':' {
			return nil, vAbsent, false
		}
		i = skipSpace(b, i+1)
		if string(k) == key && i < len(b) && b[i] == '"' {
			vend, esc, err := scanString(b, i+1)
			if err != nil {
				return nil, vAbsent, false
			}
			kind := vString
			if esc {
				kind = vEscaped
			}
			return b[i+1 : vend], kind, true
		}
		if i, err = skipValue(b, i); err != nil {
			return nil, vAbsent, false
		}
		i = skipSpace(b, i)
		if i < len(b) && b[i] == ',' {
			i = skipSpace(b, i+1)
		}
	}
	return nil, vAbsent, false
}
