package seedrule

import (
	"strings"

	"github.com/stagewatch/stagewatch"
)

// has reports whether needle occurs in hay as KQL's has operator sees it:
// case-insensitively, and where the needle begins (ends) with a term
// character, the match must begin (end) at a term boundary. KQL's terms are
// runs of alphanumeric characters, so "robocopy" is found in
// "robocopy.exe" but ".zip" is not found in "report.zipx". A needle that
// begins and ends with punctuation, such as `\Temp\`, has no boundary to
// respect and becomes a plain case-insensitive substring test.
//
// Case folding is ASCII only and every non-ASCII byte counts as a term
// character; both match what Kusto does for the Latin paths and command
// lines the seed looks at.
func has(hay, needle string) bool {
	if needle == "" {
		return true
	}
	h := stagewatch.LowerASCII(hay)
	n := stagewatch.LowerASCII(needle)
	leftTerm := isTermByte(n[0])
	rightTerm := isTermByte(n[len(n)-1])
	for off := 0; off <= len(h)-len(n); {
		i := strings.Index(h[off:], n)
		if i < 0 {
			return false
		}
		start := off + i
		end := start + len(n)
		if (!leftTerm || start == 0 || !isTermByte(h[start-1])) &&
			(!rightTerm || end == len(h) || !isTermByte(h[end])) {
			return true
		}
		off = start + 1
	}
	return false
}

// hasAny is KQL's has_any: has for at least one needle.
func hasAny(hay string, needles []string) bool {
	for _, n := range needles {
		if has(hay, n) {
			return true
		}
	}
	return false
}

// inCI is KQL's in~: case-insensitive equality with one of the values.
func inCI(s string, values []string) bool {
	for _, v := range values {
		if strings.EqualFold(s, v) {
			return true
		}
	}
	return false
}

// lastDotPart is tolower(tostring(split(s, ".")[-1])): the text after the
// last dot, or the whole name when it has none.
func lastDotPart(s string) string {
	return stagewatch.LowerASCII(s[strings.LastIndexByte(s, '.')+1:])
}

func isTermByte(c byte) bool {
	return ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9') || c >= 0x80
}
