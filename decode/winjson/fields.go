package winjson

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/stagewatch/stagewatch/decode/timestamp"
	"github.com/stagewatch/stagewatch/decode/winevent"
)

// recordError is a problem with one record; reason becomes the
// DecodeError's reason.
type recordError struct {
	reason string
	err    error
}

func (e *recordError) Error() string { return e.err.Error() }

// eventID parses an event id written as a number, a string, or an element
// with "#text" (Qualifiers as an attribute).
func eventID(v *value) (int, error) {
	s := strings.TrimSpace(v.text())
	if s == "" {
		return 0, &recordError{"missing event id", fmt.Errorf("no event id")}
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, &recordError{"bad event id", fmt.Errorf("bad event id %q", cut(s))}
	}
	return n, nil
}

// parseTime parses a timestamp value; absent or empty is the zero time.
// Times without a zone are in loc (nil means UTC).
func parseTime(v *value, loc *time.Location) (time.Time, error) {
	s := strings.TrimSpace(v.text())
	if s == "" {
		return time.Time{}, nil
	}
	t, err := timestamp.ParseIn(s, loc)
	if err != nil {
		return time.Time{}, &recordError{"bad timestamp", err}
	}
	return t, nil
}

// firstTime returns the first of vs that is present, parsed.
func firstTime(loc *time.Location, vs ...*value) (time.Time, error) {
	for _, v := range vs {
		if v != nil && v.text() != "" {
			return parseTime(v, loc)
		}
	}
	return time.Time{}, nil
}

// atoi parses a decimal int, or 0.
func atoi(s string) int {
	n, _ := strconv.Atoi(strings.TrimSpace(s))
	return n
}

// atou parses a decimal unsigned id, or 0.
func atou(s string) uint64 {
	n, _ := parseUint(strings.TrimSpace(s), 10)
	return n
}

// parseUint parses digits in base 10 or 16 without sign or prefix.
func parseUint(s string, base int) (uint64, bool) {
	if s == "" || s[0] == '+' || s[0] == '-' {
		return 0, false
	}
	n, err := strconv.ParseUint(s, base, 64)
	return n, err == nil
}

// first returns the text of the first of vs that is present and not
// empty.
func first(vs ...*value) string {
	for _, v := range vs {
		if s := v.text(); s != "" {
			return s
		}
	}
	return ""
}

// cut shortens a value quoted in an error message.
func cut(s string) string {
	if len(s) > 64 {
		return s[:64] + "..."
	}
	return s
}

// has reports whether r already has a field called name.
func has(r *winevent.Record, name string) bool {
	for i := range r.Data {
		if r.Data[i].Name == name {
			return true
		}
	}
	return false
}

// appendObject appends every scalar member of obj as a field, except the
// keys skip reports.
func appendObject(dst []winevent.Field, obj *value, skip func(key string, v *value) bool) []winevent.Field {
	if obj == nil || obj.kind != kObject {
		return dst
	}
	for i := range obj.obj {
		m := &obj.obj[i]
		if skip != nil && skip(m.key, &m.val) {
			continue
		}
		dst = append(dst, winevent.Field{Name: m.key, Value: m.val.text()})
	}
	return dst
}
