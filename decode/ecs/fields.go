package ecs

import (
	"strconv"
	"strings"
)

// doc is one ECS document: an object node of a parsed tree. Producers
// write fields as nested objects ({"process":{"pid":1}}), as dotted keys
// ({"process.pid":1}) or as a mix of both at any level, so every lookup
// goes through get, which tries each split of the path.
type doc struct {
	t *tree
	n int32
}

// node returns the document's node i.
func (d doc) node(i int32) *node { return &d.t.nodes[i] }

// has reports whether the document has a value (null included) at path.
func (d doc) has(path string) bool { return d.get(path) >= 0 }

// get returns the node at the dotted path, or -1. Keys match exactly: ECS
// names are lower case and a case-insensitive match could pick the wrong
// field. Of repeated keys the last wins, as in encoding/json.
func (d doc) get(path string) int32 { return d.lookup(d.n, path) }

func (d doc) lookup(obj int32, path string) int32 {
	if d.node(obj).kind != kObject {
		return -1
	}
	if v := d.member(obj, path); v >= 0 {
		return v
	}
	// Try the longest dotted prefix first: "process.parent" may be one
	// key holding {"pid":1}.
	for i := strings.LastIndexByte(path, '.'); i > 0; i = strings.LastIndexByte(path[:i], '.') {
		sub := d.member(obj, path[:i])
		if sub < 0 {
			continue
		}
		if v := d.lookup(sub, path[i+1:]); v >= 0 {
			return v
		}
	}
	return -1
}

// member returns the last member of obj called key, or -1.
func (d doc) member(obj int32, key string) int32 {
	found := int32(-1)
	for c := d.node(obj).child; c >= 0; c = d.node(c).next {
		if d.node(c).key == key {
			found = c
		}
	}
	return found
}

// str returns the value at path as a string: a string as is, a number in
// its JSON spelling, the first element of an array, "" otherwise.
func (d doc) str(path string) string {
	if n := d.get(path); n >= 0 {
		return d.text(n)
	}
	return ""
}

// text renders a scalar node as a string.
func (d doc) text(i int32) string {
	n := d.node(i)
	switch n.kind {
	case kString, kNumber:
		return n.text
	case kTrue:
		return "true"
	case kFalse:
		return "false"
	case kArray:
		if n.child >= 0 {
			return d.text(n.child)
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
	i := d.get(path)
	if i < 0 {
		return nil
	}
	n := d.node(i)
	if n.kind != kArray {
		if s := d.text(i); s != "" {
			return []string{s}
		}
		return nil
	}
	var out []string
	for c := n.child; c >= 0; c = d.node(c).next {
		if d.node(c).kind == kArray {
			continue
		}
		if s := d.text(c); s != "" {
			out = append(out, s)
		}
	}
	return out
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
