package ecs

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// toAny converts node i to what encoding/json with UseNumber makes of it.
func (t *tree) toAny(i int32) any {
	n := &t.nodes[i]
	switch n.kind {
	case kNull:
		return nil
	case kFalse:
		return false
	case kTrue:
		return true
	case kNumber:
		return json.Number(n.text)
	case kString:
		return n.text
	case kArray:
		out := []any{}
		for c := n.child; c >= 0; c = t.nodes[c].next {
			out = append(out, t.toAny(c))
		}
		return out
	}
	out := map[string]any{}
	for c := n.child; c >= 0; c = t.nodes[c].next {
		out[t.nodes[c].key] = t.toAny(c)
	}
	return out
}

// reference decodes b the way the tree must: encoding/json, UseNumber.
func reference(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if len(bytes.TrimLeft(b[dec.InputOffset():], " \t\r\n")) > 0 {
		return nil, &json.SyntaxError{}
	}
	return v, nil
}

// TestTreeMatchesEncodingJSON holds the parser to encoding/json on every
// fixture, the real samples and edge cases (escapes, surrogates, invalid
// UTF-8, repeated keys, empty containers).
func TestTreeMatchesEncodingJSON(t *testing.T) {
	var inputs [][]byte
	files, _ := filepath.Glob("testdata/*")
	samples, _ := filepath.Glob(filepath.Join(shared, "samples", "ecs", "*.json"))
	for _, name := range append(files, samples...) {
		if strings.HasSuffix(name, ".golden.jsonl") || strings.HasSuffix(name, ".md") || strings.HasPrefix(filepath.Base(name), "bad") {
			continue
		}
		if st, err := os.Stat(name); err != nil || st.IsDir() {
			continue
		}
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if b[0] == '{' && bytes.Count(bytes.TrimSpace(b), []byte("\n")) > 0 && b[1] == '"' {
			inputs = append(inputs, bytes.Split(bytes.TrimSpace(b), []byte("\n"))...)
		} else {
			inputs = append(inputs, b)
		}
	}
	for _, s := range []string{
		`{"a":"\/x\u00e9\ud83d\ude00\ud800y\"\\\b\f\n\r\t","b":[],"c":{},"d":null,"e":true,"f":false,"g":-1.5e3}`,
		`{"k":1,"k":2}`,
		"{\"bad\":\"a\xffb\",\"ok\xfe\":1}",
		`[1,[2,[3]],{"x":{"y":[]}}]`,
		` "just a string" `,
	} {
		inputs = append(inputs, []byte(s))
	}
	var tr tree
	for _, in := range inputs {
		want, werr := reference(in)
		gerr := tr.parse(in)
		if (werr != nil) != (gerr != nil) {
			t.Errorf("%.80s: encoding/json error %v, tree error %v", in, werr, gerr)
			continue
		}
		if werr != nil {
			continue
		}
		if diff := cmp.Diff(want, tr.toAny(0)); diff != "" {
			t.Errorf("%.80s: (-encoding/json +tree):\n%s", in, diff)
		}
	}
}

// FuzzTree checks the parser against encoding/json on every value
// encoding/json accepts.
func FuzzTree(f *testing.F) {
	for _, name := range []string{"endpoint_macos.ndjson", "auditbeat_linux.ndjson", "search_response.json"} {
		b, _ := os.ReadFile(filepath.Join("testdata", name))
		for _, line := range bytes.Split(b, []byte("\n")) {
			f.Add(line)
		}
	}
	f.Add([]byte(`{"a":"\ud83d\ude00\ud800","b":[1,{"c":null}]}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		var tr tree
		gerr := tr.parse(in)
		want, werr := reference(in)
		if werr != nil {
			return
		}
		if gerr != nil {
			t.Fatalf("tree error %v where encoding/json accepts %q", gerr, in)
		}
		if diff := cmp.Diff(want, tr.toAny(0)); diff != "" {
			t.Fatalf("%q: (-encoding/json +tree):\n%s", in, diff)
		}
	})
}
