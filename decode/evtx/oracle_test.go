package evtx

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/Velocidex/ordereddict"
	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/decode/winevent"
	oracle "www.velocidex.com/golang/evtx"
)

// corpusDir holds real EVTX files (../shared/corpus, beside the repository).
var corpusDir = filepath.Join("..", "..", "..", "shared", "corpus", "windows", "evtx")

// corpusFiles returns the corpus EVTX files, skipping the test when there
// are none.
func corpusFiles(t testing.TB) []string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(corpusDir, "*.evtx"))
	if len(files) == 0 {
		t.Skipf("no EVTX corpus at %s", corpusDir)
	}
	return files
}

// readAll decodes a whole file with this package.
func readAll(t testing.TB, name string, opts Options) ([]*winevent.Record, []error) {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d := NewDecoder(f, opts)
	var recs []*winevent.Record
	var errs []error
	for {
		r, _, err := d.Next()
		if err == io.EOF {
			return recs, errs
		}
		if err != nil {
			errs = append(errs, err)
			if !isDecodeError(err) {
				return recs, errs
			}
			continue
		}
		recs = append(recs, r)
	}
}

// TestOracle decodes every corpus file with this package and with
// Velocidex's parser, and compares record count, EventID, RecordID, time,
// System strings and every EventData/UserData value.
func TestOracle(t *testing.T) {
	for _, name := range corpusFiles(t) {
		t.Run(filepath.Base(name), func(t *testing.T) {
			got, errs := readAll(t, name, Options{File: name})
			if len(errs) > 0 {
				t.Errorf("errors decoding a clean file: %v", errs)
			}
			want := oracleRecords(t, name)
			if len(got) != len(want) {
				t.Fatalf("%d records, oracle has %d", len(got), len(want))
			}
			for i, w := range want {
				if diff := compareRecord(got[i], w); diff != "" {
					t.Errorf("record %d (id %d): %s", i+1, w.Header.RecordID, diff)
				}
			}
		})
	}
}

func oracleRecords(t *testing.T, name string) []*oracle.EventRecord {
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunks, err := oracle.GetChunks(f)
	if err != nil {
		t.Fatalf("oracle: %v", err)
	}
	var recs []*oracle.EventRecord
	for _, c := range chunks {
		rs, err := c.Parse(0)
		if err != nil {
			t.Fatalf("oracle: %v", err)
		}
		recs = append(recs, rs...)
	}
	return recs
}

// compareRecord returns how r differs from the oracle's record, or "".
func compareRecord(r *winevent.Record, w *oracle.EventRecord) string {
	var diffs []string
	add := func(format string, args ...any) { diffs = append(diffs, fmt.Sprintf(format, args...)) }
	if r.RecordID != w.Header.RecordID {
		add("RecordID %d, oracle %d", r.RecordID, w.Header.RecordID)
	}
	ev := dict(dict(w.Event).get("Event"))
	sys := dict(ev.get("System"))
	eid := sys.get("EventID")
	if d, ok := eid.(*ordereddict.Dict); ok {
		eid, _ = d.Get("Value")
	}
	if s := render(eid); s != fmt.Sprint(r.EventID) {
		add("EventID %d, oracle %s", r.EventID, s)
	}
	if st, ok := dict(sys.get("TimeCreated")).get("SystemTime").(float64); ok {
		want := float64(r.TimeCreated.UnixNano()) / 1e9
		if math.Abs(st-want) > 1e-6 {
			add("TimeCreated %v, oracle %v", r.TimeCreated, time.Unix(0, int64(st*1e9)).UTC())
		}
	}
	for _, f := range []struct {
		name      string
		got, want any
	}{
		{"Provider", r.Provider, dict(sys.get("Provider")).get("Name")},
		{"Channel", r.Channel, sys.get("Channel")},
		{"Computer", r.Computer, sys.get("Computer")},
		{"UserSID", r.UserSID, dict(sys.get("Security")).get("UserID")},
		{"ExecPID", fmt.Sprint(r.ExecPID), dict(sys.get("Execution")).get("ProcessID")},
	} {
		if f.want != nil && !sameValue(f.got.(string), f.want) {
			add("%s %q, oracle %q", f.name, f.got, render(f.want))
		}
	}
	var values []any
	if ed, ok := ev.get("EventData").(*ordereddict.Dict); ok {
		for _, k := range ed.Keys() {
			v, _ := ed.Get(k)
			if k == "Data" { // Data without names: one value or a list
				if list, ok := v.([]any); ok {
					values = append(values, list...)
				} else {
					values = append(values, v)
				}
				continue
			}
			if k == "Binary" || (k == "Name" && r.Get("Name") == "") {
				continue // <Binary>, and the Name attribute of <EventData Name=..>
			}
			if r.Get(k) == "" && v != nil && render(v) != "" {
				add("EventData %s missing, oracle %q", k, render(v))
			}
			values = append(values, namedValue{k, v})
		}
	}
	if ud, ok := ev.get("UserData").(*ordereddict.Dict); ok {
		leaves(ud, &values)
	}
	var unnamed []string
	for _, f := range r.Data {
		if f.Name == "" {
			unnamed = append(unnamed, f.Value)
		}
	}
	for _, v := range values {
		nv, named := v.(namedValue)
		if !named {
			if _, nested := v.(*ordereddict.Dict); nested {
				continue
			}
			if len(unnamed) == 0 {
				add("unnamed Data %q missing", render(v))
				continue
			}
			if !sameValue(unnamed[0], v) {
				add("unnamed Data %q, oracle %q", unnamed[0], render(v))
			}
			unnamed = unnamed[1:]
			continue
		}
		if _, nested := nv.v.(*ordereddict.Dict); nested {
			continue
		}
		if nv.v == nil {
			continue
		}
		if got := r.Get(nv.name); !sameValue(got, nv.v) {
			add("%s %q, oracle %q", nv.name, got, render(nv.v))
		}
	}
	return strings.Join(diffs, "; ")
}

type namedValue struct {
	name string
	v    any
}

// leaves collects the leaf values under a UserData element.
func leaves(d *ordereddict.Dict, out *[]any) {
	for _, k := range d.Keys() {
		v, _ := d.Get(k)
		if sub, ok := v.(*ordereddict.Dict); ok {
			leaves(sub, out)
			continue
		}
		if !strings.HasPrefix(k, "xmlns") {
			*out = append(*out, namedValue{k, v})
		}
	}
}

// sameValue compares one of our renderings with an oracle value, which is
// typed: numbers (hexadecimal ones too), GUIDs without braces, FILETIMEs as
// seconds.
func sameValue(got string, want any) bool {
	switch w := want.(type) {
	case uint8, uint16, uint32, uint64, int8, int16, int32, int64, int:
		x, ok := parseUint(got)
		if !ok {
			return false
		}
		return fmt.Sprint(w) == fmt.Sprint(x) || fmt.Sprint(w) == fmt.Sprint(int64(x)) ||
			fmt.Sprint(w) == fmt.Sprint(int32(x))
	case float64:
		if t, err := time.Parse(timeLayout, got); err == nil {
			return math.Abs(float64(t.UnixNano())/1e9-w) < 1e-6
		}
		return got == fmt.Sprint(w)
	case string:
		if len(got) == 38 && got[0] == '{' && strings.EqualFold(got[1:37], w) {
			return true // a GUID
		}
		return got == w
	}
	return got == render(want)
}

// render renders an oracle value the way this package does, for messages
// and for the types whose rendering is shared.
func render(v any) string {
	switch w := v.(type) {
	case nil:
		return ""
	case []byte:
		return string(appendHexUpper(nil, w))
	case []string:
		return strings.Join(w, ", ")
	case bool:
		return fmt.Sprint(w)
	}
	return fmt.Sprint(v)
}

// odict wraps a possibly nil ordered dictionary.
type odict struct{ d *ordereddict.Dict }

func dict(v any) odict {
	switch d := v.(type) {
	case *ordereddict.Dict:
		return odict{d}
	case odict:
		return d
	}
	return odict{}
}

func (o odict) get(k string) any {
	if o.d == nil {
		return nil
	}
	v, _ := o.d.Get(k)
	return v
}

func isDecodeError(err error) bool {
	var de *stagewatch.DecodeError
	return errors.As(err, &de)
}
