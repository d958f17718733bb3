package config

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse checks that no input makes Parse panic, and that every error it
// returns is made of *Error values naming the file.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.yml"))
	for _, path := range files {
		if data, err := os.ReadFile(path); err == nil {
			f.Add(data)
		}
	}
	var defaults bytes.Buffer
	if err := WriteDefaults(&defaults, testSpecs()); err != nil {
		f.Fatal(err)
	}
	f.Add(defaults.Bytes())
	f.Add([]byte("a: &a [*a]\n"))
	f.Add([]byte("a: &a [1]\nb: &b [*a, *a, *a]\nc: [*b, *b, *b, *b]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse("fuzz.yml", data, testSpecs())
		if err == nil {
			if c == nil {
				t.Fatal("nil config without error")
			}
			return
		}
		var e *Error
		if !errors.As(err, &e) || e.File != "fuzz.yml" {
			t.Fatalf("error %q is not a *Error naming the file", err)
		}
	})
}
