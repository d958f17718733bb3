package config

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

func BenchmarkParse(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("testdata", "tuned.good.yml"))
	if err != nil {
		b.Fatal(err)
	}
	specs := testSpecs()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse("tuned.good.yml", data, specs); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWriteDefaults(b *testing.B) {
	specs := testSpecs()
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := WriteDefaults(&buf, specs); err != nil {
			b.Fatal(err)
		}
	}
}
