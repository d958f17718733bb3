package winjson

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// benchInput repeats the shape fixtures to about 8 MiB.
func benchInput(b *testing.B, files ...string) []byte {
	b.Helper()
	var one []byte
	for _, f := range files {
		p, err := os.ReadFile(filepath.Join("testdata", f))
		if err != nil {
			b.Fatal(err)
		}
		one = append(one, bytes.TrimPrefix(p, []byte{0xEF, 0xBB, 0xBF})...)
		one = append(one, '\n')
	}
	return bytes.Repeat(one, 8<<20/len(one)+1)
}

// benchDecode decodes in b.N times and reports MB/s and events.
func benchDecode(b *testing.B, in []byte) {
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	events := 0
	for b.Loop() {
		d := NewDecoder(bytes.NewReader(in), Options{})
		for {
			_, err := d.Decode()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			events++
		}
	}
	b.ReportMetric(float64(events)/float64(b.N), "events/op")
}

func BenchmarkDecode(b *testing.B) {
	b.Run("nxlog", func(b *testing.B) { benchDecode(b, benchInput(b, "nxlog.json")) })
	b.Run("evtx_dump", func(b *testing.B) { benchDecode(b, benchInput(b, "evtx_dump.json")) })
	b.Run("winlogbeat", func(b *testing.B) { benchDecode(b, benchInput(b, "winlogbeat.ndjson")) })
	b.Run("sentinel", func(b *testing.B) { benchDecode(b, benchInput(b, "sentinel.json")) })
}

// BenchmarkCorpus decodes a real NXLog capture (mostly registry, image
// load and Security events that are counted as ignored).
func BenchmarkCorpus(b *testing.B) {
	p := filepath.Join(corpusDir, "json", "covenant_dcom_executeexcel4macro_allowed_2020-09-17174542.json.gz")
	f, err := os.Open(p)
	if err != nil {
		b.Skipf("corpus not available: %v", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		b.Fatal(err)
	}
	in, err := io.ReadAll(zr)
	if err != nil {
		b.Fatal(err)
	}
	benchDecode(b, in)
}
