package mde

import (
	"bytes"
	"strings"
	"unicode/utf8"
	"unsafe"

	"github.com/stagewatch/stagewatch"
)

// strbuf hands out the strings of one event from a single allocation: each
// value is appended (unescaped, invalid UTF-8 replaced) and returned as a
// string over the appended bytes. Bytes are never changed once handed out;
// if an append outgrows the buffer, earlier strings keep the old array.
type strbuf struct {
	b []byte
}

func (s *strbuf) reset(size int) { s.b = make([]byte, 0, size) }

// str returns s.b[start:] as a string sharing the buffer.
func (s *strbuf) str(start int) string {
	if start == len(s.b) {
		return ""
	}
	return unsafe.String(&s.b[start], len(s.b)-start)
}

// appendValue appends the decoded bytes of a value and makes them valid
// UTF-8. Invalid bytes become U+FFFD: a path with one bad byte is still
// worth matching.
func (s *strbuf) appendValue(v []byte, k valueKind) {
	start := len(s.b)
	if k == vEscaped {
		s.b = unescape(s.b, v)
	} else {
		s.b = append(s.b, v...)
	}
	if !utf8.Valid(s.b[start:]) {
		fixed := bytes.ToValidUTF8(s.b[start:], []byte("\uFFFD"))
		s.b = append(s.b[:start], fixed...)
	}
}

// value returns field f of r as a string, "" when absent.
func (s *strbuf) value(r *row, f field) string {
	if !r.has(f) {
		return ""
	}
	start := len(s.b)
	s.appendValue(r.raw(f), r.f[f].kind)
	return s.str(start)
}

// lower returns field f of r in ASCII lower case.
func (s *strbuf) lower(r *row, f field) string {
	if !r.has(f) {
		return ""
	}
	start := len(s.b)
	s.appendValue(r.raw(f), r.f[f].kind)
	for i := start; i < len(s.b); i++ {
		if c := s.b[i]; 'A' <= c && c <= 'Z' {
			s.b[i] = c + 'a' - 'A'
		}
	}
	return s.str(start)
}

// join returns the full path of a file given MDE's folder and file name
// columns, and the file name. FolderPath usually holds the full path
// already, but DeviceEvents rows and some InitiatingProcessFolderPath
// values hold the folder only (formats.md 1.3): the two are joined unless
// the folder's last element is the file name. The rule is applied to every
// table alike, because exports do not always say which table a row is from.
func (s *strbuf) join(os stagewatch.OS, r *row, folder, name field) (full, base string) {
	start := len(s.b)
	if r.has(folder) {
		s.appendValue(r.raw(folder), r.f[folder].kind)
	}
	folderEnd := len(s.b)
	if !r.has(name) || string(r.raw(name)) == "/" {
		full = s.str(start)
		return full, baseName(os, full)
	}
	sep := byte('\\')
	if os != stagewatch.Windows {
		sep = '/'
	}
	if folderEnd > start && s.b[folderEnd-1] != sep && s.b[folderEnd-1] != '/' {
		s.b = append(s.b, sep)
	}
	nameStart := len(s.b)
	s.appendValue(r.raw(name), r.f[name].kind)
	base = s.str(nameStart)
	if folderEnd == start {
		return base, base
	}
	folderStr := unsafe.String(&s.b[start], folderEnd-start)
	if strings.EqualFold(baseName(os, folderStr), base) {
		return folderStr, base
	}
	return s.str(start), base
}

// baseName returns the last element of a path.
func baseName(os stagewatch.OS, p string) string {
	i := strings.LastIndexByte(p, '/')
	if os == stagewatch.Windows {
		i = strings.LastIndexAny(p, `\/`)
	}
	return p[i+1:]
}

// size bounds the bytes the kept fields of r need in a strbuf.
func (r *row) size() int {
	n := 48 + int(r.f[fFolderPath].end-r.f[fFolderPath].off) // slack for FileType
	for f := fDeviceID; f < fAdditionalFields; f++ {
		if r.f[f].kind != vAbsent {
			n += int(r.f[f].end-r.f[f].off) + 1
		}
	}
	return n
}

// parseInt reads a decimal integer from a JSON number or a string column.
func parseInt(b []byte) (int64, bool) {
	neg := false
	if len(b) > 0 && (b[0] == '-' || b[0] == '+') {
		neg = b[0] == '-'
		b = b[1:]
	}
	if len(b) == 0 || len(b) > 19 {
		return 0, false
	}
	var v int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int64(c-'0')
	}
	if v < 0 {
		return 0, false
	}
	if neg {
		v = -v
	}
	return v, true
}

func (r *row) int(f field) (int64, bool) {
	if !r.has(f) || r.f[f].kind == vObject {
		return 0, false
	}
	return parseInt(r.raw(f))
}
