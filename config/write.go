package config

import (
	"bytes"
	"encoding"
	"fmt"
	"github.com/stagewatch/stagewatch"
	"io"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/stagewatch/stagewatch/analytic"
)

// WriteDefaults writes a complete configuration file to w: every key with
// its compiled-in default and a comment from its doc tag, and a header per
// analytic with its title and ATT&CK mapping. Parse reads it back to exactly
// Default(specs).
func WriteDefaults(w io.Writer, specs []analytic.Spec) error {
	c := Default(specs)
	root := mapping()
	root.HeadComment = "stagewatch configuration with every key at its compiled-in default.\n" +
		"Every key is optional: keep only what you change. Lists take a sequence,\n" +
		"which replaces the default, or {add: [...], remove: [...]}, which edits it.\n" +
		"Durations take Go syntax (90s, 30m, 1h30m) or days (7d)."
	g := globals{Lateness: c.Lateness, EvidenceCap: c.EvidenceCap}
	if err := appendFields(root, reflect.ValueOf(g), "", true); err != nil {
		return err
	}
	all := mapping()
	appendKey(root, "analytics", "", all).HeadComment = "Per analytic: enabled, then the analytic's parameters."
	for _, s := range specs {
		body := mapping()
		appendKey(body, "enabled", "run this analytic", scalar("!!bool", "true"))
		v := reflect.ValueOf(c.Analytics[s.ID])
		if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
			return fmt.Errorf("analytic %s: defaults are %T, not a pointer to a struct", s.ID, c.Analytics[s.ID])
		}
		if err := appendFields(body, v.Elem(), s.ID, true); err != nil {
			return err
		}
		appendKey(all, s.ID, "", body).HeadComment = analyticHeader(s)
	}
	sv := mapping()
	if err := appendFields(sv, reflect.ValueOf(c.Serve), "serve", true); err != nil {
		return err
	}
	appendKey(root, "serve", "", sv).HeadComment = "Settings of `stagewatch serve`; each is also a flag and a STAGEWATCH_* variable\n" +
		"(flags override variables, which override this file). See docs/operations.md."
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(root); err != nil {
		return err
	}
	if err := enc.Close(); err != nil {
		return err
	}
	_, err := w.Write(spaceBlocks(buf.Bytes()))
	return err
}

// spaceBlocks puts an empty line before each top-level key's comment and
// each analytic's header comment, which the encoder cannot do, so the
// blocks read apart.
func spaceBlocks(b []byte) []byte {
	lines := bytes.SplitAfter(b, []byte("\n"))
	var out bytes.Buffer
	var prev []byte
	for _, l := range lines {
		header := bytes.HasPrefix(l, []byte("# ")) || bytes.HasPrefix(l, []byte("  # "))
		opens := bytes.HasSuffix(prev, []byte(":\n"))
		if header && prev != nil && !opens && !bytes.HasPrefix(bytes.TrimLeft(prev, " "), []byte("#")) {
			out.WriteByte('\n')
		}
		prev = l
		out.Write(l)
	}
	return out.Bytes()
}

// analyticHeader is the comment above an analytic's block.
func analyticHeader(s analytic.Spec) string {
	h := s.Title
	var ids []string
	for _, id := range []string{s.Attack.Technique, s.Attack.Strategy, s.Attack.Analytic} {
		if id != "" {
			ids = append(ids, id)
		}
	}
	if len(ids) > 0 {
		h += " (" + strings.Join(ids, ", ") + ")"
	}
	if line := ""; s.Description != "" {
		// Wrap the description so the file reads well in an 80-column editor.
		for _, w := range strings.Fields(s.Description) {
			if line != "" && len(line)+1+len(w) > 76 {
				h += "\n" + line
				line = ""
			}
			if line != "" {
				line += " "
			}
			line += w
		}
		h += "\n" + line
	}
	return h
}

func mapping() *yaml.Node { return &yaml.Node{Kind: yaml.MappingNode} }

func scalar(tag, value string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: value}
}

// appendKey adds key: value to mapping m with doc as a comment and returns
// the key node. Scalars and empty lists take the comment on their line;
// blocks take it above the key.
func appendKey(m *yaml.Node, key, doc string, value *yaml.Node) *yaml.Node {
	k := scalar("!!str", key)
	if doc != "" {
		if value.Kind == yaml.ScalarNode || len(value.Content) == 0 {
			value.LineComment = doc
		} else {
			k.HeadComment = doc
		}
	}
	m.Content = append(m.Content, k, value)
	return k
}

// appendFields adds the fields of struct v to mapping m. Inside list items
// (withDocs false) it leaves out docs, which would repeat on every item, and
// zero values, which items start from anyway.
func appendFields(m *yaml.Node, v reflect.Value, path string, withDocs bool) error {
	for _, f := range fieldsOf(v.Type()) {
		fv := v.FieldByIndex(f.index)
		if !withDocs && fv.IsZero() {
			continue
		}
		n, err := node(fv, join(path, f.key))
		if err != nil {
			return err
		}
		doc := f.doc
		if !withDocs {
			doc = ""
		}
		if n.Kind == yaml.SequenceNode && len(n.Content) == 0 {
			if et := fv.Type().Elem(); et.Kind() == reflect.Struct {
				doc = strings.TrimSpace(doc + "; items have keys: " + itemKeys(et))
			}
		}
		appendKey(m, f.key, doc, n)
	}
	return nil
}

// itemKeys lists the keys of a struct type, for the comment on an empty
// list of structs such as suppression rules.
func itemKeys(t reflect.Type) string {
	var keys []string
	for _, f := range fieldsOf(t) {
		keys = append(keys, f.key)
	}
	return strings.Join(keys, ", ")
}

// node builds the YAML node for v, mirroring what decode accepts.
func node(v reflect.Value, path string) (*yaml.Node, error) {
	t := v.Type()
	switch {
	case t == durationType:
		return scalar("!!str", stagewatch.FormatDuration(time.Duration(v.Int()))), nil
	case t.Implements(textMarshalerType):
		b, err := v.Interface().(encoding.TextMarshaler).MarshalText()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return scalar("!!str", string(b)), nil
	}
	switch t.Kind() {
	case reflect.Bool:
		return scalar("!!bool", strconv.FormatBool(v.Bool())), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return scalar("!!int", strconv.FormatInt(v.Int(), 10)), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return scalar("!!int", strconv.FormatUint(v.Uint(), 10)), nil
	case reflect.Float32, reflect.Float64:
		return scalar("!!float", floatText(v.Float())), nil
	case reflect.String:
		return scalar("!!str", v.String()), nil
	case reflect.Slice:
		seq := &yaml.Node{Kind: yaml.SequenceNode}
		if v.Len() == 0 {
			seq.Style = yaml.FlowStyle
		}
		for i := range v.Len() {
			item, err := node(v.Index(i), fmt.Sprintf("%s[%d]", path, i))
			if err != nil {
				return nil, err
			}
			seq.Content = append(seq.Content, item)
		}
		return seq, nil
	case reflect.Struct:
		m := mapping()
		if err := appendFields(m, v, path, !strings.HasSuffix(path, "]")); err != nil {
			return nil, err
		}
		return m, nil
	}
	return nil, fmt.Errorf("%s: parameter type %s is not supported by the configuration loader", path, t)
}

// floatText prints f so that it reads back as the same float.
func floatText(f float64) string {
	switch {
	case math.IsNaN(f):
		return ".nan"
	case math.IsInf(f, 1):
		return ".inf"
	case math.IsInf(f, -1):
		return "-.inf"
	}
	s := strconv.FormatFloat(f, 'g', -1, 64)
	if !strings.ContainsAny(s, ".e") {
		s += ".0"
	}
	return s
}
