// Package jsonstr decodes JSON string contents the way encoding/json does,
// for the hand-written JSON readers of the decoders (eslogger, ecs, mde)
// that skip encoding/json for speed.
package jsonstr

import (
	"bytes"
	"unicode/utf16"
	"unicode/utf8"
)

// Reasons Unescape gives for a string it cannot decode.
const (
	BadEscape        = "bad escape"
	BadUnicodeEscape = "bad unicode escape"
)

// Unescape appends the content of a JSON string, s being the bytes between
// its quotes, to dst: \/ and the usual escapes are undone, \uXXXX with
// surrogate pairs, a lone surrogate and each invalid UTF-8 byte become
// U+FFFD. On a malformed escape it returns a reason (BadEscape or
// BadUnicodeEscape) and dst holds a partial result.
func Unescape(dst, s []byte) ([]byte, string) {
	for len(s) > 0 {
		k := bytes.IndexByte(s, '\\')
		if k < 0 {
			return AppendValid(dst, s), ""
		}
		dst = AppendValid(dst, s[:k])
		s = s[k:]
		if len(s) < 2 {
			return dst, BadEscape
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
			r, ok := Hex4(s[2:])
			if !ok {
				return dst, BadUnicodeEscape
			}
			s = s[6:]
			if utf16.IsSurrogate(r) {
				if len(s) >= 6 && s[0] == '\\' && s[1] == 'u' {
					if r2, ok := Hex4(s[2:]); ok {
						if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
							dst = utf8.AppendRune(dst, dec)
							s = s[6:]
							continue
						}
					}
				}
				r = utf8.RuneError
			}
			dst = utf8.AppendRune(dst, r)
			continue
		default:
			return dst, BadEscape
		}
		s = s[2:]
	}
	return dst, ""
}

// Hex4 reads the four hex digits that start s.
func Hex4(s []byte) (rune, bool) {
	if len(s) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range s[:4] {
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
		r = r<<4 | rune(c)
	}
	return r, true
}

// AppendValid appends s to dst with each invalid UTF-8 byte replaced by
// U+FFFD, as encoding/json does (bytes.ToValidUTF8 would replace a run of
// them with one).
func AppendValid(dst, s []byte) []byte {
	if utf8.Valid(s) {
		return append(dst, s...)
	}
	for len(s) > 0 {
		r, n := utf8.DecodeRune(s)
		if r == utf8.RuneError && n == 1 {
			dst = utf8.AppendRune(dst, utf8.RuneError)
		} else {
			dst = append(dst, s[:n]...)
		}
		s = s[n:]
	}
	return dst
}
