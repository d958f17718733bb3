package winjson

import (
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stagewatch/stagewatch"
)

// corpusDir is the shared corpus of real recorded logs, beside the
// repository.
var corpusDir = filepath.Join("..", "..", "..", "shared", "corpus", "windows")

// tally counts what one input decoded to.
type tally struct {
	records, events, ignored int
	errs                     map[string]int // by reason
	shapes                   map[Shape]int
	eventIDs                 map[string]int // "channel/id"
	kinds                    map[stagewatch.Kind]int
}

// decodeCorpus decodes r to the end with Record and Map separately, so
// it can count records per event ID.
func decodeCorpus(t *testing.T, r io.Reader, name string) tally {
	t.Helper()
	c := tally{errs: map[string]int{}, shapes: map[Shape]int{}, eventIDs: map[string]int{}, kinds: map[stagewatch.Kind]int{}}
	d := NewDecoder(r, Options{File: name})
	for {
		ev, err := d.Decode()
		if err == io.EOF {
			break
		}
		var de *stagewatch.DecodeError
		if errors.As(err, &de) {
			c.errs[de.Reason]++
			if c.errs[de.Reason] <= 3 {
				t.Logf("%v", de)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		c.events++
		c.kinds[ev.Kind]++
	}
	c.ignored = d.Ignored()
	return c
}

// countRecords re-reads an input at the Record level for the per-shape
// and per-event-ID counts.
func countRecords(t *testing.T, r io.Reader, name string, c *tally) {
	t.Helper()
	d := NewDecoder(r, Options{File: name})
	for {
		rec, err := d.Record()
		if err == io.EOF {
			return
		}
		c.records++
		c.shapes[d.Shape()]++
		if err == nil {
			c.eventIDs[fmt.Sprintf("%s/%d", rec.Channel, rec.EventID)]++
		}
	}
}

func openCorpus(t *testing.T, path string) io.ReadCloser {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(path, ".gz") {
		return f
	}
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	return struct {
		io.Reader
		io.Closer
	}{zr, f}
}

// render prints a count map in key order.
func render[K comparable](m map[K]int, key func(K) string) string {
	var parts []string
	for k, n := range m {
		parts = append(parts, fmt.Sprintf("%s=%d", key(k), n))
	}
	slices.Sort(parts)
	return strings.Join(parts, " ")
}

// TestCorpus decodes every file of the shared corpus that this package
// reads and requires that no record is of an unknown shape or broken.
func TestCorpus(t *testing.T) {
	for _, sub := range []string{"json", "sigma-regression"} {
		dir := filepath.Join(corpusDir, sub)
		if _, err := os.Stat(dir); err != nil {
			t.Skipf("corpus not available: %v", err)
		}
		var files []string
		filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
			if err == nil && !e.IsDir() && (strings.HasSuffix(p, ".json") || strings.HasSuffix(p, ".json.gz")) {
				files = append(files, p)
			}
			return nil
		})
		total := tally{errs: map[string]int{}, shapes: map[Shape]int{}, eventIDs: map[string]int{}, kinds: map[stagewatch.Kind]int{}}
		for _, p := range files {
			name, _ := filepath.Rel(dir, p)
			r := openCorpus(t, p)
			c := decodeCorpus(t, r, name)
			r.Close()
			r = openCorpus(t, p)
			countRecords(t, r, name, &c)
			r.Close()
			if len(c.errs) > 0 {
				t.Errorf("%s: decode errors %v", name, c.errs)
			}
			if c.events+c.ignored != c.records {
				t.Errorf("%s: %d events + %d ignored != %d records", name, c.events, c.ignored, c.records)
			}
			if sub == "json" {
				t.Logf("%s: %d records, %d events, %d ignored; shapes %s; kinds %s", name, c.records, c.events, c.ignored,
					render(c.shapes, Shape.String), render(c.kinds, stagewatch.Kind.String))
			}
			total.records += c.records
			total.events += c.events
			total.ignored += c.ignored
			for k, n := range c.shapes {
				total.shapes[k] += n
			}
			for k, n := range c.eventIDs {
				total.eventIDs[k] += n
			}
			for k, n := range c.kinds {
				total.kinds[k] += n
			}
		}
		if total.shapes[ShapeUnknown] > 0 {
			t.Errorf("%s: %d records of unknown shape", sub, total.shapes[ShapeUnknown])
		}
		t.Logf("%s: %d files, %d records, %d events, %d ignored; shapes %s; kinds %s", sub, len(files), total.records,
			total.events, total.ignored, render(total.shapes, Shape.String), render(total.kinds, stagewatch.Kind.String))
		t.Logf("%s: records per channel/EventID: %s", sub, render(total.eventIDs, func(s string) string { return s }))
	}
}
