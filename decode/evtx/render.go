package evtx

import (
	"encoding/binary"
	"math"
	"strconv"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// Value types of substitution values ([MS-EVEN6] 2.2.13).
const (
	tNull     = 0x00
	tString   = 0x01
	tAnsi     = 0x02
	tInt8     = 0x03
	tUint8    = 0x04
	tInt16    = 0x05
	tUint16   = 0x06
	tInt32    = 0x07
	tUint32   = 0x08
	tInt64    = 0x09
	tUint64   = 0x0a
	tReal32   = 0x0b
	tReal64   = 0x0c
	tBool     = 0x0d
	tBinary   = 0x0e
	tGUID     = 0x0f
	tSizeT    = 0x10
	tFiletime = 0x11
	tSystime  = 0x12
	tSID      = 0x13
	tHex32    = 0x14
	tHex64    = 0x15
	tBinXML   = 0x21
	tArray    = 0x80 // flag: an array of the type in the low bits
)

// timeLayout renders FILETIME and SYSTEMTIME values.
const timeLayout = "2006-01-02T15:04:05.0000000Z"

// appendUTF16 appends UTF-16LE b as UTF-8, dropping trailing NULs and
// replacing unpaired surrogates with U+FFFD.
func appendUTF16(dst, b []byte) []byte {
	n := len(b) &^ 1
	for n >= 2 && b[n-1] == 0 && b[n-2] == 0 {
		n -= 2
	}
	for i := 0; i < n; i += 2 {
		lo, hi := b[i], b[i+1]
		if hi == 0 && lo < utf8.RuneSelf {
			dst = append(dst, lo)
			continue
		}
		r := rune(lo) | rune(hi)<<8
		if utf16.IsSurrogate(r) {
			r2 := utf8.RuneError
			if r < 0xdc00 && i+3 < n {
				r2 = utf16.DecodeRune(r, rune(b[i+2])|rune(b[i+3])<<8)
			}
			if r2 != utf8.RuneError {
				i += 2
			}
			r = r2
		}
		dst = utf8.AppendRune(dst, r)
	}
	return dst
}

// fixedSize is the size of one value of a fixed-size type, or 0.
func fixedSize(t byte) int {
	switch t {
	case tInt8, tUint8:
		return 1
	case tInt16, tUint16:
		return 2
	case tInt32, tUint32, tReal32, tBool, tHex32:
		return 4
	case tInt64, tUint64, tReal64, tFiletime, tHex64:
		return 8
	case tGUID, tSystime:
		return 16
	}
	return 0
}

// appendValue appends the rendering of a substitution value of type t.
// Binary XML values are walked, not rendered, and append nothing here.
func appendValue(dst []byte, t byte, v []byte) []byte {
	if t&tArray != 0 {
		return appendArray(dst, t&^tArray, v)
	}
	le := binary.LittleEndian
	if size := fixedSize(t); size > 0 && len(v) < size {
		return dst // a value too short for its type renders as empty
	}
	switch t {
	case tString:
		return appendUTF16(dst, v)
	case tAnsi:
		for len(v) > 0 && v[len(v)-1] == 0 {
			v = v[:len(v)-1]
		}
		for _, c := range v { // Latin-1 is the best guess for a code page
			dst = utf8.AppendRune(dst, rune(c))
		}
		return dst
	case tInt8:
		return strconv.AppendInt(dst, int64(int8(v[0])), 10)
	case tUint8:
		return strconv.AppendUint(dst, uint64(v[0]), 10)
	case tInt16:
		return strconv.AppendInt(dst, int64(int16(le.Uint16(v))), 10)
	case tUint16:
		return strconv.AppendUint(dst, uint64(le.Uint16(v)), 10)
	case tInt32:
		return strconv.AppendInt(dst, int64(int32(le.Uint32(v))), 10)
	case tUint32:
		return strconv.AppendUint(dst, uint64(le.Uint32(v)), 10)
	case tInt64:
		return strconv.AppendInt(dst, int64(le.Uint64(v)), 10)
	case tUint64:
		return strconv.AppendUint(dst, le.Uint64(v), 10)
	case tReal32:
		return strconv.AppendFloat(dst, float64(math.Float32frombits(le.Uint32(v))), 'g', -1, 32)
	case tReal64:
		return strconv.AppendFloat(dst, math.Float64frombits(le.Uint64(v)), 'g', -1, 64)
	case tBool:
		if le.Uint32(v) != 0 {
			return append(dst, "true"...)
		}
		return append(dst, "false"...)
	case tBinary:
		return appendHexUpper(dst, v)
	case tGUID:
		return appendGUID(dst, v)
	case tSizeT:
		if len(v) == 4 {
			return appendHex(dst, uint64(le.Uint32(v)))
		}
		if len(v) >= 8 {
			return appendHex(dst, le.Uint64(v))
		}
		return dst
	case tFiletime:
		if t, ok := filetime(le.Uint64(v)); ok {
			return t.AppendFormat(dst, timeLayout)
		}
		return dst
	case tSystime:
		return systemtime(v).AppendFormat(dst, timeLayout)
	case tSID:
		return appendSID(dst, v)
	case tHex32:
		return appendHex(dst, uint64(le.Uint32(v)))
	case tHex64:
		return appendHex(dst, le.Uint64(v))
	}
	return dst
}

// appendArray renders an array value as its items joined with ", ".
func appendArray(dst []byte, t byte, v []byte) []byte {
	if t == tString || t == tAnsi {
		unit := 2
		if t == tAnsi {
			unit = 1
		}
		for len(v) >= unit && allZero(v[len(v)-unit:]) {
			v = v[:len(v)-unit] // terminators, and empty items at the end
		}
		first := true
		for len(v) >= unit {
			end := 0
			for end+unit <= len(v) && !allZero(v[end:end+unit]) {
				end += unit
			}
			if !first {
				dst = append(dst, ", "...)
			}
			first = false
			dst = appendValue(dst, t, v[:end])
			v = v[min(end+unit, len(v)):]
		}
		return dst
	}
	size := fixedSize(t)
	if size == 0 && t == tSID {
		for i := 0; len(v) >= 8; i++ {
			n := 8 + 4*int(v[1])
			if n > len(v) {
				break
			}
			if i > 0 {
				dst = append(dst, ", "...)
			}
			dst = appendSID(dst, v[:n])
			v = v[n:]
		}
		return dst
	}
	if size == 0 {
		return appendHexUpper(dst, v)
	}
	for i := 0; i+size <= len(v); i += size {
		if i > 0 {
			dst = append(dst, ", "...)
		}
		dst = appendValue(dst, t, v[i:i+size])
	}
	return dst
}

const hexLower = "0123456789abcdef"

func appendHex(dst []byte, x uint64) []byte {
	dst = append(dst, '0', 'x')
	return strconv.AppendUint(dst, x, 16)
}

func appendHexUpper(dst []byte, v []byte) []byte {
	const hexUpper = "0123456789ABCDEF"
	for _, c := range v {
		dst = append(dst, hexUpper[c>>4], hexUpper[c&15])
	}
	return dst
}

func appendHexBytes(dst []byte, v ...byte) []byte {
	for _, c := range v {
		dst = append(dst, hexLower[c>>4], hexLower[c&15])
	}
	return dst
}

// appendGUID renders a GUID as {xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}: the
// first three groups are little-endian integers.
func appendGUID(dst []byte, v []byte) []byte {
	dst = append(dst, '{')
	dst = appendHexBytes(dst, v[3], v[2], v[1], v[0])
	dst = append(dst, '-')
	dst = appendHexBytes(dst, v[5], v[4])
	dst = append(dst, '-')
	dst = appendHexBytes(dst, v[7], v[6])
	dst = append(dst, '-')
	dst = appendHexBytes(dst, v[8:10]...)
	dst = append(dst, '-')
	dst = appendHexBytes(dst, v[10:16]...)
	return append(dst, '}')
}

// appendSID renders a binary SID as S-R-A-S1-S2...
func appendSID(dst []byte, v []byte) []byte {
	if len(v) < 8 {
		return dst
	}
	n := int(v[1])
	if 8+4*n > len(v) {
		n = (len(v) - 8) / 4
	}
	var auth uint64
	for _, c := range v[2:8] {
		auth = auth<<8 | uint64(c)
	}
	dst = append(dst, 'S', '-')
	dst = strconv.AppendUint(dst, uint64(v[0]), 10)
	dst = append(dst, '-')
	dst = strconv.AppendUint(dst, auth, 10)
	for i := range n {
		dst = append(dst, '-')
		dst = strconv.AppendUint(dst, uint64(binary.LittleEndian.Uint32(v[8+4*i:])), 10)
	}
	return dst
}

// filetime converts 100-nanosecond intervals since 1601 to UTC time. Zero
// and values past year 9999 are not times.
func filetime(ft uint64) (time.Time, bool) {
	const epochDiff = 116444736000000000 // 1601-01-01 to 1970-01-01 in 100 ns
	if ft == 0 || ft > 2650467743999999999 {
		return time.Time{}, false
	}
	d := int64(ft) - epochDiff
	return time.Unix(d/1e7, (d%1e7)*100).UTC(), true
}

// systemtime converts a SYSTEMTIME structure (year, month, day of week,
// day, hour, minute, second, milliseconds) to UTC time.
func systemtime(v []byte) time.Time {
	le := binary.LittleEndian
	u := func(i int) int { return int(le.Uint16(v[2*i:])) }
	return time.Date(u(0), time.Month(u(1)), u(3), u(4), u(5), u(6), u(7)*1e6, time.UTC)
}

// uintValue returns an integer value of any integer type, or a decimal or
// 0x-hexadecimal string, as a uint64.
func uintValue(t byte, v []byte) (uint64, bool) {
	le := binary.LittleEndian
	if size := fixedSize(t); size > 0 && len(v) < size {
		return 0, false
	}
	switch t {
	case tInt8:
		return uint64(int8(v[0])), true
	case tUint8:
		return uint64(v[0]), true
	case tInt16:
		return uint64(int16(le.Uint16(v))), true
	case tUint16:
		return uint64(le.Uint16(v)), true
	case tInt32:
		return uint64(int32(le.Uint32(v))), true
	case tUint32, tHex32:
		return uint64(le.Uint32(v)), true
	case tInt64, tUint64, tHex64:
		return le.Uint64(v), true
	case tSizeT:
		switch len(v) {
		case 4:
			return uint64(le.Uint32(v)), true
		case 8:
			return le.Uint64(v), true
		}
	case tString, tAnsi:
		var buf [64]byte
		return parseUint(string(appendValue(buf[:0], t, v)))
	}
	return 0, false
}

// parseUint parses a decimal or 0x-hexadecimal number.
func parseUint(s string) (uint64, bool) {
	if len(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
		x, err := strconv.ParseUint(s[2:], 16, 64)
		return x, err == nil
	}
	x, err := strconv.ParseUint(s, 10, 64)
	return x, err == nil
}
