package auditd

import (
	"encoding/hex"
	"strings"
)

// field is one key=value pair as written: raw keeps the quotes, so hex and
// quoted strings can be told apart.
type field struct {
	key, raw string
}

// fields splits a record body into key=value pairs. A value is a quoted
// string, a bracketed list, or unquoted text up to the next " key=". The
// closing quote of a quoted value is the one followed by a space and the
// next key (or the end), because AUOMS writes cmdline="bash -c "x"" with
// inner quotes unescaped. Text without "=" is skipped.
func fields(s string) []field { return appendFields(make([]field, 0, 32), s) }

// appendFields is fields appending to out, so callers can reuse a buffer.
func appendFields(out []field, s string) []field {
	i := 0
	for i < len(s) {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
			i++
		}
		k := i
		for i < len(s) && isKeyByte(s[i]) {
			i++
		}
		if i == k || i >= len(s) || s[i] != '=' {
			// Not a key: skip this word.
			for i < len(s) && s[i] != ' ' {
				i++
			}
			continue
		}
		key := s[k:i]
		i++ // '='
		v := i
		switch {
		case i < len(s) && (s[i] == '"' || s[i] == '\''):
			i = closeQuote(s, i)
		case i < len(s) && s[i] == '[':
			if j := strings.Index(s[i:], "] "); j >= 0 {
				i += j + 1
			} else {
				i = len(s)
			}
		default:
			i = nextKey(s, i)
		}
		out = append(out, field{key: key, raw: strings.TrimRight(s[v:i], " ")})
	}
	return out
}

// closeQuote returns the index after the quoted value starting at s[i].
func closeQuote(s string, i int) int {
	q := s[i]
	for j := i + 1; j < len(s); j++ {
		if s[j] != q {
			continue
		}
		if j+1 == len(s) || (s[j+1] == ' ' && startsKey(s, j+1)) {
			return j + 1
		}
	}
	// No quote followed by a key: take the first closing quote, else all.
	if j := strings.IndexByte(s[i+1:], q); j >= 0 {
		return i + 1 + j + 1
	}
	return len(s)
}

// nextKey returns the index of the space before the next " key=" at or
// after i, or len(s).
func nextKey(s string, i int) int {
	for j := i; j < len(s); j++ {
		if s[j] == ' ' && startsKey(s, j) {
			return j
		}
	}
	return len(s)
}

// startsKey reports whether s[j:] is spaces followed by key=, or only
// spaces.
func startsKey(s string, j int) bool {
	for j < len(s) && s[j] == ' ' {
		j++
	}
	if j == len(s) {
		return true
	}
	if !isKeyStart(s[j]) {
		return false
	}
	for j < len(s) && isKeyByte(s[j]) {
		j++
	}
	return j < len(s) && s[j] == '='
}

func isKeyStart(c byte) bool {
	return ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || c == '_'
}

func isKeyByte(c byte) bool {
	return isKeyStart(c) || ('0' <= c && c <= '9') || c == '-' || c == '[' || c == ']'
}

// unquote returns a string field's value: quoted → the text between the
// quotes; (null) and (none) → ""; even-length upper-case hex → the decoded
// bytes; anything else as written.
func unquote(raw string) string {
	if len(raw) >= 2 && (raw[0] == '"' || raw[0] == '\'') && raw[len(raw)-1] == raw[0] {
		return raw[1 : len(raw)-1]
	}
	switch raw {
	case "(null)", "(none)", "?":
		return ""
	}
	if b, ok := hexString(raw); ok {
		return string(b)
	}
	return raw
}

// hexString decodes raw when it is non-empty, even-length hex.
func hexString(raw string) ([]byte, bool) {
	if raw == "" || len(raw)%2 != 0 {
		return nil, false
	}
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if !('0' <= c && c <= '9' || 'A' <= c && c <= 'F' || 'a' <= c && c <= 'f') {
			return nil, false
		}
	}
	b, err := hex.DecodeString(raw)
	return b, err == nil
}

// lookup returns the raw value of key in fs.
func lookup(fs []field, key string) (string, bool) {
	for _, f := range fs {
		if f.key == key {
			return f.raw, true
		}
	}
	return "", false
}

// enrichedName returns the translated value of key (AUID, UID...) from the
// \x1d part of a record, or "".
func enrichedName(enriched, key string) string {
	if enriched == "" {
		return ""
	}
	raw, _ := lookup(fields(enriched), key)
	v := unquote(raw)
	switch v {
	case "unset", "(unknown)":
		return ""
	}
	return v
}
