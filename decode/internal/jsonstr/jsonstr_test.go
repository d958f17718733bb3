package jsonstr

import (
	"encoding/json"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

func TestUnescape(t *testing.T) {
	for _, tc := range []struct {
		name, in, want, reason string
	}{
		{"plain", `abc`, "abc", ""},
		{"simple escapes", `a\"b\\c\/d\b\f\n\r\t`, "a\"b\\c/d\b\f\n\r\t", ""},
		{"unicode", `\u00e9\u20AC`, "é€", ""},
		{"surrogate pair", `\ud83d\ude00`, "😀", ""},
		{"lone high surrogate", `\ud83dx`, "\uFFFDx", ""},
		{"lone low surrogate", `\ude00`, "\uFFFD", ""},
		{"high then non-surrogate", `\ud83d\u0041`, "\uFFFDA", ""},
		{"invalid utf8", "a\xffb\xfe", "a\uFFFDb\uFFFD", ""},
		{"bad escape", `a\x`, "a", BadEscape},
		{"trailing backslash", `a\`, "a", BadEscape},
		{"bad unicode", `\u12g4`, "", BadUnicodeEscape},
		{"short unicode", `\u12`, "", BadUnicodeEscape},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, reason := Unescape(nil, []byte(tc.in))
			if diff := cmp.Diff([2]string{tc.want, tc.reason}, [2]string{string(got), reason}); diff != "" {
				t.Errorf("Unescape(%q) (-want +got):\n%s", tc.in, diff)
			}
		})
	}
}

// FuzzUnescape checks Unescape against encoding/json on every string both
// accept.
func FuzzUnescape(f *testing.F) {
	for _, s := range []string{`a\nb`, `\ud83d\ude00`, `\ud83d`, "\xff", `\u00`, `\/`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, reason := Unescape(nil, []byte(s))
		if !utf8.Valid(got) {
			t.Fatalf("Unescape(%q) = %q, not valid UTF-8", s, got)
		}
		var want string
		if err := json.Unmarshal([]byte(`"`+s+`"`), &want); err != nil {
			return // control characters and quotes are the scanner's to reject
		}
		if reason != "" || string(got) != want {
			t.Fatalf("Unescape(%q) = %q, %q; encoding/json gives %q", s, got, reason, want)
		}
	})
}
