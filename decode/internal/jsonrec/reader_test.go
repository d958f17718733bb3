package jsonrec

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
)

// readAll renders every record and error as one line: "L3 {..}" or
// "L3 !reason".
func readAll(t testing.TB, in string, o Options) []string {
	t.Helper()
	r := New(strings.NewReader(in), o)
	var out []string
	for i := 0; i < 1000; i++ {
		rec, err := r.Next()
		if err == io.EOF {
			return out
		}
		var e *Error
		switch {
		case errors.As(err, &e):
			out = append(out, fmt.Sprintf("L%d !%s", e.Line, e.Reason))
		case err != nil:
			t.Fatalf("fatal: %v", err)
		default:
			w := ""
			if r.Wrapper() != "" {
				w = r.Wrapper() + ":"
			}
			out = append(out, fmt.Sprintf("L%d %s%s", r.Line(), w, rec))
		}
	}
	t.Fatal("reader does not end")
	return nil
}

func TestReader(t *testing.T) {
	env := Options{Wrappers: []string{"Records", "records"}}
	tests := []struct {
		name string
		in   string
		opts Options
		want []string
	}{
		{"ndjson", "{\"a\":1}\n\n{\"b\":[1,{\"c\":null}]}\n", env,
			[]string{`L1 {"a":1}`, `L3 {"b":[1,{"c":null}]}`}},
		{"envelope", `{"Records":[{"a":1},{"b":"x,]}"}]}`, env,
			[]string{`L1 Records:{"a":1}`, `L1 Records:{"b":"x,]}"}`}},
		{"envelope after other members", "{\"n\":{\"x\":[1]},\n\"records\": [\n {\"a\":1}\n ], \"next\": \"t\"}\n{\"z\":2}", env,
			[]string{`L3 records:{"a":1}`, `L5 {"z":2}`}},
		{"not a wrapper name", `{"Items":[{"a":1}]}`, env, []string{`L1 {"Items":[{"a":1}]}`}},
		{"empty envelope", `{"Records":[]}`, env, nil},
		{"array", "[\n {\"a\":1},\n {\"b\":2}\n]\n[]", env, []string{`L2 {"a":1}`, `L3 {"b":2}`}},
		{"pretty", "{\n  \"a\": {\n    \"b\": true\n  }\n}\n", env, []string{"L1 {\n  \"a\": {\n    \"b\": true\n  }\n}"}},
		{"cut line then good line", "{\"a\":\"b\n{\"c\":1}\n", env, []string{`L1 !bad json`, `L2 {"c":1}`}},
		{"unclosed object then good line", "{\"a\":1,\"b\":{\"c\":2\n{\"d\":1}\n", env, []string{`L1 !bad json`, `L2 {"d":1}`}},
		{"missing comma", "{\"a\":1 \"b\":2}\n{\"d\":1}", env, []string{`L1 !bad json`, `L2 {"d":1}`}},
		{"garbage line", "hello\n{\"d\":1}", env, []string{`L1 !bad json`, `L2 {"d":1}`}},
		{"truncated envelope", `{"Records":[{"a":1},{"b":2},{"c":`, env,
			[]string{`L1 Records:{"a":1}`, `L1 Records:{"b":2}`, `L1 !truncated json`}},
		{"truncated after element", `{"Records":[{"a":1},`, env,
			[]string{`L1 Records:{"a":1}`, `L1 !truncated json`}},
		{"truncated envelope tail", `{"Records":[{"a":1}], "x":`, env,
			[]string{`L1 Records:{"a":1}`, `L1 !truncated json`}},
		{"bad element resyncs", "[\n{\"a\":1},\n{\"b\" 2},\n{\"c\":3}\n]", env,
			[]string{`L2 {"a":1}`, `L3 !bad json`, `L4 {"c":3}`}},
		{"too large", "{\"a\":\"0123456789\"}\n{\"b\":1}", Options{MaxRecord: 10},
			[]string{`L1 !record too large`, `L2 {"b":1}`}},
		{"too large element", `[{"a":"0123456789"},{"b":1}]`, Options{MaxRecord: 10},
			[]string{`L1 !record too large`, `L1 {"b":1}`}},
		{"bad literal", "{\"a\":nul}\n{\"b\":1}", env, []string{`L1 !bad json`, `L2 {"b":1}`}},
		{"escaped quote", `{"a":"x\"}"}`, env, []string{`L1 {"a":"x\"}"}`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := readAll(t, tt.in, tt.opts)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("-want +got:\n%s", diff)
			}
		})
	}
}

// TestReaderSmallReads reads through a one-byte reader, so every record
// crosses buffer refills.
func TestReaderSmallReads(t *testing.T) {
	in := `{"Records":[{"a":"xyz","b":[1,2,{"c":true}]},{"d":-1.5e3}]}`
	r := New(iotest.OneByteReader(strings.NewReader(in)), Options{Wrappers: []string{"Records"}})
	var got []string
	for {
		rec, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, string(rec))
	}
	want := []string{`{"a":"xyz","b":[1,2,{"c":true}]}`, `{"d":-1.5e3}`}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("-want +got:\n%s", diff)
	}
}

func FuzzReader(f *testing.F) {
	for _, s := range []string{`{"Records":[{"a":1}]}`, "{\"a\":1}\n{\"b\":2}", `[{"a":[1,2]}]`, `{"a":"\"`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		r := New(strings.NewReader(in), Options{Wrappers: []string{"Records"}, MaxRecord: 64})
		for i := 0; ; i++ {
			rec, err := r.Next()
			if err == io.EOF {
				return
			}
			if len(rec) > 64 {
				t.Fatalf("record of %d bytes exceeds the limit", len(rec))
			}
			if i > len(in)+2 {
				t.Fatalf("more results (%d) than input bytes", i)
			}
		}
	})
}
