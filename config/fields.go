package config

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// field is one configurable key of a parameter struct.
type field struct {
	key   string
	doc   string
	index []int // for reflect.Value.FieldByIndex, through inlined structs
}

// fieldsOf lists the keys of struct type t in declaration order. The key is
// the yaml tag's name (or the lower-cased field name, as yaml.v3 does);
// `yaml:"-"` hides a field and `yaml:",inline"` lifts an embedded struct's
// keys into t.
func fieldsOf(t reflect.Type) []field {
	var out []field
	for i := range t.NumField() {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "-" {
			continue
		}
		if slices.Contains(strings.Split(opts, ","), "inline") && f.Type.Kind() == reflect.Struct {
			for _, sub := range fieldsOf(f.Type) {
				sub.index = append([]int{i}, sub.index...)
				out = append(out, sub)
			}
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		out = append(out, field{key: name, doc: f.Tag.Get("doc"), index: []int{i}})
	}
	return out
}

// structure sets the fields of struct v from mapping n. Keys in extra are
// handed to their function instead; every other unknown key is an error
// with a suggestion. A null node leaves v unchanged.
func (d *decoder) structure(n *yaml.Node, v reflect.Value, path string, extra map[string]func(*yaml.Node)) {
	if isNull(n) {
		return
	}
	if n.Kind != yaml.MappingNode {
		d.fail(n, path, "expected a mapping, got %s", describe(n))
		return
	}
	fields := fieldsOf(v.Type())
	seen := make(map[string]bool, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := d.resolve(n.Content[i], path), n.Content[i+1]
		if k == nil {
			return
		}
		if k.Kind != yaml.ScalarNode || isNull(k) {
			d.fail(k, path, "keys must be strings, got %s", describe(k))
			continue
		}
		key := k.Value
		if k.ShortTag() == "!!merge" {
			d.fail(k, path, "merge keys (<<) are not supported")
			continue
		}
		if seen[key] {
			d.fail(k, path, "duplicate key %q", key)
			continue
		}
		seen[key] = true
		if fn, ok := extra[key]; ok {
			fn(val)
			continue
		}
		j := slices.IndexFunc(fields, func(f field) bool { return f.key == key })
		if j < 0 {
			known := make([]string, 0, len(fields)+len(extra))
			for _, f := range fields {
				known = append(known, f.key)
			}
			for k := range extra {
				known = append(known, k)
			}
			d.fail(k, path, "unknown key %q%s", key, suggest(key, known))
			continue
		}
		d.decode(val, v.FieldByIndex(fields[j].index), join(path, key))
	}
}

// suggest returns " (did you mean X?)" for the known word closest to word,
// or "" when none is close enough to be a likely typo.
func suggest(word string, known []string) string {
	slices.Sort(known) // ties go to the same word on every run
	best, bestDist := "", 0
	for _, k := range known {
		dist := editDistance(strings.ToLower(word), strings.ToLower(k))
		if best == "" || dist < bestDist {
			best, bestDist = k, dist
		}
	}
	if best == "" || bestDist > max(2, len(word)/3) {
		return ""
	}
	return fmt.Sprintf(" (did you mean %s?)", best)
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
