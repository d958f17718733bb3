package winjson

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string // compact rendering
	}{
		{"object order kept", `{"b":1,"a":2}`, `{"b":1,"a":2}`},
		{"case-distinct keys", `{"ProcessID":4,"ProcessId":"13636"}`, `{"ProcessID":4,"ProcessId":"13636"}`},
		{"big number text", `{"Keywords":-9223372036854775808,"id":639199916335081329}`, `{"Keywords":-9223372036854775808,"id":639199916335081329}`},
		{"float and exponent", `[1.5,-2e10,3E+2]`, `[1.5,-2e10,3E+2]`},
		{"escapes", `"a\"b\\c\/d\n\t\u00e9\ud83d\ude00"`, `"a\"b\\c/d\u000a\u0009é😀"`},
		{"lone surrogate", `"\ud800x"`, `"\ufffdx"`},
		{"literals", ` [true, false, null] `, `[true,false,null]`},
		{"nested", `{"a":{"b":[{}, []]}}`, `{"a":{"b":[{},[]]}}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v, err := parse(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			v.compact(&b)
			want := tc.want
			if strings.Contains(want, `\ufffd`) {
				want = strings.ReplaceAll(want, `\ufffd`, "\ufffd")
			}
			if diff := cmp.Diff(want, b.String()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseRejects(t *testing.T) {
	for _, in := range []string{
		``, `{`, `{"a"}`, `{"a":}`, `{"a":1,}`, `[1,]`, `{"a":1} x`, `"abc`, "\"a\nb\"",
		`01x`, `-`, `1.`, `1e`, `tru`, `{"a":"\x"}`, `"\u12"`, `{a:1}`,
		strings.Repeat("[", maxDepth+2) + strings.Repeat("]", maxDepth+2),
	} {
		if _, err := parse(in); err == nil {
			t.Errorf("parse(%q) accepted", in)
		}
	}
}

func TestPath(t *testing.T) {
	v, err := parse(`{"process":{"pid":1,"parent.pid":2},"process.name":"a.exe","winlog.event_data":{"X":"y"}}`)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path []string
		want string
	}{
		{[]string{"process", "pid"}, "1"},
		{[]string{"process", "parent", "pid"}, "2"},
		{[]string{"process", "name"}, "a.exe"},
		{[]string{"winlog", "event_data", "X"}, "y"},
		{[]string{"process", "missing"}, ""},
	}
	for _, tc := range tests {
		if got := v.path(tc.path...).text(); got != tc.want {
			t.Errorf("path(%v) = %q, want %q", tc.path, got, tc.want)
		}
	}
}

// FuzzParse checks the parser against encoding/json: both accept or
// both reject, and strings come out valid UTF-8.
func FuzzParse(f *testing.F) {
	for _, s := range []string{`{"a":[1,"b",null]}`, `"\ud83d\ude00"`, `[1e5,-0.5]`, `{"a":{"b":{}}}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return
		}
		v, err := parse(s)
		ok := json.Valid([]byte(s))
		deep := strings.Count(s, "[")+strings.Count(s, "{") > maxDepth
		if (err == nil) != ok && !deep {
			t.Fatalf("parse error %v, json.Valid %v for %q", err, ok, s)
		}
		if err != nil {
			return
		}
		var b strings.Builder
		v.compact(&b)
		if !json.Valid([]byte(b.String())) {
			t.Fatalf("compact rendering %q is not json", b.String())
		}
	})
}
