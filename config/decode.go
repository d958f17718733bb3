package config

import (
	"encoding"
	"fmt"
	"reflect"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/stagewatch/stagewatch/analytic"
)

// nodeBudget bounds how many YAML nodes one Parse visits, so that a small
// file of nested aliases (a "billion laughs") cannot expand without end.
const nodeBudget = 200_000

// maxErrors is how many problems one Parse reports before it stops.
const maxErrors = 20

var (
	durationType        = reflect.TypeFor[time.Duration]()
	listType            = reflect.TypeFor[analytic.List]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
	textMarshalerType   = reflect.TypeFor[encoding.TextMarshaler]()
)

// decoder fills Go values from a yaml.Node tree and collects every problem
// with its line instead of stopping at the first.
type decoder struct {
	file   string
	errs   []error
	budget int
}

// fail records a problem at node n (its line) under the dotted key path.
func (d *decoder) fail(n *yaml.Node, path, format string, args ...any) {
	if len(d.errs) >= maxErrors {
		return
	}
	e := &Error{File: d.file, Path: path, Msg: fmt.Sprintf(format, args...)}
	if n != nil {
		e.Line = n.Line
	}
	d.errs = append(d.errs, e)
}

// resolve follows aliases and spends budget. It returns nil when the budget
// is spent, after recording the problem once.
func (d *decoder) resolve(n *yaml.Node, path string) *yaml.Node {
	d.budget--
	if d.budget == 0 {
		d.fail(n, path, "document too large or too deeply aliased")
	}
	if d.budget <= 0 {
		return nil
	}
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// describe names what a node holds for "expected X, got Y" messages.
func describe(n *yaml.Node) string {
	switch {
	case n.Kind == yaml.MappingNode:
		return "a mapping"
	case n.Kind == yaml.SequenceNode:
		return "a list"
	case isNull(n):
		return "nothing"
	}
	return fmt.Sprintf("%q", n.Value)
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// decode sets v, which must be settable, from n. path names v in messages.
func (d *decoder) decode(n *yaml.Node, v reflect.Value, path string) {
	if n = d.resolve(n, path); n == nil {
		return
	}
	t := v.Type()
	switch {
	case t == durationType:
		if s, ok := d.scalar(n, path, "a duration"); ok {
			dur, err := ParseDuration(s)
			if err != nil {
				d.fail(n, path, "bad duration %q: %v", s, err)
				return
			}
			v.SetInt(int64(dur))
		}
		return
	case t == listType:
		d.list(n, v, path)
		return
	case reflect.PointerTo(t).Implements(textUnmarshalerType):
		if s, ok := d.scalar(n, path, "a string"); ok {
			if err := v.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(s)); err != nil {
				d.fail(n, path, "%v", err)
			}
		}
		return
	}
	switch t.Kind() {
	case reflect.Bool:
		if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!bool" {
			var b bool
			if err := n.Decode(&b); err == nil {
				v.SetBool(b)
				return
			}
		}
		d.fail(n, path, "expected true or false, got %s", describe(n))
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		var i int64
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" || n.Decode(&i) != nil {
			d.fail(n, path, "expected an integer, got %s", describe(n))
			return
		}
		if v.OverflowInt(i) {
			d.fail(n, path, "%s is out of range", n.Value)
			return
		}
		v.SetInt(i)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		var i int64
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" || n.Decode(&i) != nil || i < 0 {
			d.fail(n, path, "expected a non-negative integer, got %s", describe(n))
			return
		}
		if v.OverflowUint(uint64(i)) {
			d.fail(n, path, "%s is out of range", n.Value)
			return
		}
		v.SetUint(uint64(i))
	case reflect.Float32, reflect.Float64:
		var f float64
		tag := n.ShortTag()
		if n.Kind != yaml.ScalarNode || (tag != "!!float" && tag != "!!int") || n.Decode(&f) != nil {
			d.fail(n, path, "expected a number, got %s", describe(n))
			return
		}
		if v.OverflowFloat(f) {
			d.fail(n, path, "%s is out of range", n.Value)
			return
		}
		v.SetFloat(f)
	case reflect.String:
		if s, ok := d.scalar(n, path, "a string"); ok {
			v.SetString(s)
		}
	case reflect.Slice:
		d.slice(n, v, path)
	case reflect.Struct:
		d.structure(n, v, path, nil)
	default:
		// A parameter struct with a field type this package cannot read is
		// a bug in the analytic, not in the user's file.
		d.fail(n, path, "parameter type %s is not supported by the configuration loader", t)
	}
}

// scalar returns the text of a scalar node, or records that a want was
// expected. Null is a missing value, not an empty string.
func (d *decoder) scalar(n *yaml.Node, path, want string) (string, bool) {
	if n.Kind != yaml.ScalarNode || isNull(n) {
		d.fail(n, path, "expected %s, got %s", want, describe(n))
		return "", false
	}
	return n.Value, true
}

// slice replaces v with the elements of a sequence node. Struct elements
// start from their zero value.
func (d *decoder) slice(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.SequenceNode {
		d.fail(n, path, "expected a list, got %s", describe(n))
		return
	}
	if len(n.Content) == 0 && v.Len() == 0 {
		return // keep nil as nil so an empty default reads back unchanged
	}
	out := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
	for i, item := range n.Content {
		d.decode(item, out.Index(i), fmt.Sprintf("%s[%d]", path, i))
	}
	v.Set(out)
}

// list reads an analytic.List: a sequence replaces it, a mapping with add
// and remove edits the current (default) entries.
func (d *decoder) list(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.MappingNode {
		if n.Kind != yaml.SequenceNode {
			d.fail(n, path, "expected a list or a mapping with add/remove, got %s", describe(n))
			return
		}
		d.slice(n, v, path)
		return
	}
	cur := append(analytic.List(nil), v.Interface().(analytic.List)...)
	var edit struct {
		Add    []string `yaml:"add"`
		Remove []string `yaml:"remove"`
	}
	d.structure(n, reflect.ValueOf(&edit).Elem(), path, nil)
	for i, r := range edit.Remove {
		j := indexFold(cur, r)
		if j < 0 {
			at := n
			if rm := valueOf(n, "remove"); rm != nil && rm.Kind == yaml.SequenceNode && i < len(rm.Content) {
				at = rm.Content[i]
			}
			d.fail(at, join(path, "remove"), "%q is not in the list", r)
			continue
		}
		cur = append(cur[:j], cur[j+1:]...)
	}
	for _, a := range edit.Add {
		if indexFold(cur, a) < 0 {
			cur = append(cur, a)
		}
	}
	v.Set(reflect.ValueOf(cur))
}

func indexFold(list analytic.List, s string) int {
	for i, x := range list {
		if strings.EqualFold(x, s) {
			return i
		}
	}
	return -1
}

// valueOf returns the value node of key in mapping n, or nil.
func valueOf(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}
