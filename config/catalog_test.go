package config

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stagewatch/stagewatch/analytic"
)

// The tests below run the loader over the real catalog, so an analytic
// whose parameters the loader cannot read or print fails here.

func TestCatalogDefaultsRoundTrip(t *testing.T) {
	specs := analytic.All()
	var buf bytes.Buffer
	if err := WriteDefaults(&buf, specs); err != nil {
		t.Fatalf("WriteDefaults: %v", err)
	}
	got, err := Parse("defaults.yml", buf.Bytes(), specs)
	if err != nil {
		t.Fatalf("Parse(WriteDefaults): %v\n%s", err, buf.String())
	}
	if diff := cmp.Diff(Default(specs), got); diff != "" {
		t.Errorf("Parse(WriteDefaults) differs from Default (-want +got):\n%s", diff)
	}
}

func TestCatalogKeys(t *testing.T) {
	seen := map[string]bool{}
	for _, s := range analytic.All() {
		if seen[s.ID] {
			t.Errorf("duplicate analytic id %q", s.ID)
		}
		seen[s.ID] = true
		for _, f := range fieldsOf(reflectElem(s.Defaults())) {
			if f.key == "enabled" {
				t.Errorf("%s: parameter key %q clashes with the per-analytic enabled key", s.ID, f.key)
			}
			if f.doc == "" {
				t.Errorf("%s: parameter %q has no doc tag", s.ID, f.key)
			}
		}
	}
}

func TestCatalogStrict(t *testing.T) {
	specs := analytic.All()
	if len(specs) == 0 {
		t.Skip("empty catalog")
	}
	id := specs[0].ID
	keys := fieldsOf(reflectElem(specs[0].Defaults()))
	if len(keys) == 0 {
		t.Skip("first analytic has no parameters")
	}
	key := keys[0].key
	typo := key[:len(key)-1]
	data := "analytics:\n  " + id + ":\n    enabled: false\n    " + typo + ": 1\n"
	_, err := Parse("stagewatch.yml", []byte(data), specs)
	want := "stagewatch.yml:4: analytics." + id + `: unknown key "` + typo + `" (did you mean ` + key + "?)"
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("Parse error = %v, want %s", err, want)
	}
	c, err := Parse("stagewatch.yml", []byte("analytics:\n  "+id+": {enabled: false}\n"), specs)
	if err != nil {
		t.Fatal(err)
	}
	if c.Enabled[id] {
		t.Errorf("%s still enabled", id)
	}
}

// reflectElem returns the struct type a Defaults pointer points to.
func reflectElem(params any) reflect.Type { return reflect.TypeOf(params).Elem() }
