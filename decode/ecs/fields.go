package ecs

import (
	"encoding/json"
	"strconv"
	"strings"
)

// doc is one ECS document as decoded by encoding/json with UseNumber.
// Producers write fields as nested objects ({"process":{"pid":1}}), as
// dotted keys ({"process.pid":1}) or as a mix of both at any level, so
// every lookup goes through get, which tries each split of the path.
type doc map[string]any

// get returns the value at the dotted path, or nil. Keys match exactly:
// ECS names are lower case and a case-insensitive match could pick the
// wrong field.
func (d doc) get(path string) any {
	return lookup(map[string]any(d), path)
}

func lookup(m map[string]any, path string) any {
	if v, ok := m[path]; ok {
		return v
	}
	// Try the longest dotted prefix first: "process.parent" may be one
	// key holding {"pid":1}.
	for i := strings.LastIndexByte(path, '.'); i > 0; i = strings.LastIndexByte(path[:i], '.') {
		sub, ok := m[path[:i]].(map[string]any)
		if !ok {
			continue
		}
		if v := lookup(sub, path[i+1:]); v != nil {
			return v
		}
	}
	return nil
}

// str returns the value at path as a string: a string as is, a number in
// its JSON spelling, the first element of an array, "" otherwise.
func (d doc) str(path string) string { return text(d.get(path)) }

// text renders a scalar value as a string.
func text(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		return strconv.FormatBool(x)
	case []any:
		if len(x) > 0 {
			return text(x[0])
		}
	}
	return ""
}

// first returns the first non-empty string among paths.
func (d doc) first(paths ...string) string {
	for _, p := range paths {
		if s := d.str(p); s != "" {
			return s
		}
	}
	return ""
}

// int returns the value at path as an integer, from a JSON number or a
// decimal string; ok is false when there is none.
func (d doc) int(path string) (int64, bool) {
	s := d.str(path)
	if s == "" {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		f, ferr := strconv.ParseFloat(s, 64)
		if ferr != nil {
			return 0, false
		}
		return int64(f), true
	}
	return n, true
}

// strs returns the value at path as a list of strings: an array's string
// elements, or a single scalar as a one-element list (non-Elastic producers
// write event.category as a string).
func (d doc) strs(path string) []string {
	switch x := d.get(path).(type) {
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			if s := text(e); s != "" {
				out = append(out, s)
			}
		}
		return out
	case nil:
		return nil
	default:
		if s := text(x); s != "" {
			return []string{s}
		}
	}
	return nil
}

// has reports whether list holds one of the values, ignoring ASCII case.
func has(list []string, values ...string) bool {
	for _, s := range list {
		for _, v := range values {
			if strings.EqualFold(s, v) {
				return true
			}
		}
	}
	return false
}
