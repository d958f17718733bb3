package winjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/decode/internal/decodetest"
	"github.com/stagewatch/stagewatch/decode/winevent"
	"github.com/stagewatch/stagewatch/internal/golden"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden.jsonl")

// caseOptions are the options of golden cases that need more than a file
// name.
var caseOptions = map[string]Options{
	"nxlog_local.json": {Location: time.FixedZone("UTC-5", -5*3600)},
	"long_record.json": {MaxLine: 300},
}

// decodeAll reads r to the end at the Record level and renders each
// record, its shape and what winevent.Map made of it, or the error, as
// JSON lines.
func decodeAll(t testing.TB, r io.Reader, opts Options) []byte {
	t.Helper()
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	d := NewDecoder(r, opts)
	for {
		rec, err := d.Record()
		if err == io.EOF {
			break
		}
		var de *stagewatch.DecodeError
		switch {
		case errors.As(err, &de):
			enc.Encode(map[string]string{"error": de.Error(), "reason": de.Reason, "shape": d.Shape().String()})
			continue
		case err != nil:
			enc.Encode(map[string]string{"fatal": err.Error()})
		default:
			ev, ok := winevent.Map(rec, d.Origin())
			if !ok {
				ev = nil
			}
			enc.Encode(struct {
				Shape  string            `json:"shape"`
				Record *winevent.Record  `json:"record"`
				Event  *stagewatch.Event `json:"event"`
			}{d.Shape().String(), rec, ev})
			continue
		}
		break
	}
	return out.Bytes()
}

func TestGolden(t *testing.T) {
	decodetest.Golden(t, "testdata/*", *update, func(t *testing.T, name string, b []byte) []byte {
		opts := caseOptions[name]
		opts.File = name
		return decodeAll(t, bytes.NewReader(b), opts)
	})
}

// sampleDirs hold the real records of formats.md section 2.
var sampleDirs = []string{
	filepath.Join("..", "..", "..", "shared", "samples", "sysmon"),
	filepath.Join("..", "..", "..", "shared", "samples", "ecs"),
}

// TestSamples decodes the real JSON samples against golden files kept
// here (the samples themselves stay in ../shared).
func TestSamples(t *testing.T) {
	for _, dir := range sampleDirs {
		files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
		if len(files) == 0 {
			t.Skipf("samples not available in %s", dir)
		}
		for _, in := range files {
			name := filepath.Base(in)
			t.Run(filepath.Base(dir)+"/"+name, func(t *testing.T) {
				b, err := os.ReadFile(in)
				if err != nil {
					t.Fatal(err)
				}
				if !Sniff(b) {
					t.Errorf("Sniff rejects %s", name)
				}
				got := decodeAll(t, bytes.NewReader(b), Options{File: name})
				golden.Check(t, filepath.Join("testdata", "samples", filepath.Base(dir), strings.TrimSuffix(name, ".json")+".golden.jsonl"), got, *update)
			})
		}
	}
}

// TestDecodeAgreesWithRecord checks that Decode returns what Record and
// winevent.Map give, skipping and counting unmapped records.
func TestDecodeAgreesWithRecord(t *testing.T) {
	inputs, _ := filepath.Glob("testdata/*.json*")
	for _, in := range inputs {
		if strings.HasSuffix(in, ".golden.jsonl") {
			continue
		}
		t.Run(filepath.Base(in), func(t *testing.T) {
			b, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			opts := caseOptions[filepath.Base(in)]
			type result struct {
				Ev     *stagewatch.Event
				Reason string
			}
			var want []result
			ignored := 0
			rd := NewDecoder(bytes.NewReader(b), opts)
			for {
				rec, err := rd.Record()
				if err == io.EOF {
					break
				}
				var de *stagewatch.DecodeError
				if errors.As(err, &de) {
					want = append(want, result{Reason: de.Reason})
					continue
				}
				ev, ok := winevent.Map(rec, rd.Origin())
				switch {
				case !ok:
					ignored++
				case ev.Time.IsZero():
					want = append(want, result{Reason: "missing timestamp"})
				default:
					want = append(want, result{Ev: ev})
				}
			}
			var got []result
			d := NewDecoder(bytes.NewReader(b), opts)
			for {
				ev, err := d.Decode()
				if err == io.EOF {
					break
				}
				var de *stagewatch.DecodeError
				if errors.As(err, &de) {
					got = append(got, result{Reason: de.Reason})
					continue
				}
				got = append(got, result{Ev: ev})
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Decode differs from Record+Map (-want +got):\n%s", diff)
			}
			if d.Ignored() != ignored {
				t.Errorf("Ignored() = %d, want %d", d.Ignored(), ignored)
			}
		})
	}
}
