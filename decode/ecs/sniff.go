package ecs

import (
	"bytes"
)

// sniffValues is how many leading top-level values Sniff looks at.
const sniffValues = 4

// Sniff reports whether head, the first bytes of an input (possibly cut
// mid-record), holds ECS documents: objects (bare, in an array, or as
// _source of search hits) with an @timestamp and ECS's event or ecs
// field set. Documents with winlog.* are refused, because they are Windows
// event log records for the winjson format. When the first value is
// longer than head, it looks for those keys in the text instead.
func Sniff(head []byte) bool {
	t := bytes.TrimLeft(bytes.TrimPrefix(head, []byte{0xEF, 0xBB, 0xBF}), " \t\r\n")
	if len(t) == 0 || (t[0] != '{' && t[0] != '[') {
		return false
	}
	fr := newFramer(bytes.NewReader(t), len(t))
	complete := false
	for range sniffValues {
		raw, _, reason, err := fr.next()
		if err != nil || reason == reasonTruncated {
			break
		}
		if reason != "" {
			continue
		}
		var t tree
		if t.parse(raw) != nil {
			continue
		}
		complete = true
		for _, p := range unwrap(nil, &t, 0, 0) {
			if p.bad == "" && isECS(p.d) {
				return true
			}
		}
	}
	if complete {
		return false
	}
	return hasKey(t, "@timestamp") && (hasKey(t, "ecs") || hasKey(t, "ecs.version") || hasKey(t, "event.category") ||
		bytes.Contains(t, []byte(`"category"`))) && !hasKey(t, "winlog") && !bytes.Contains(t, []byte(`"winlog.`))
}

// isECS reports whether a document looks like ECS and is not a Winlogbeat
// record.
func isECS(d doc) bool {
	if !d.has("@timestamp") || d.has("winlog") || d.has("winlog.channel") || d.has("winlog.event_id") {
		return false
	}
	if d.has("ecs.version") {
		return true
	}
	for _, p := range [...]string{"event.category", "event.kind", "event.dataset", "event.module", "event.action"} {
		if d.has(p) {
			return true
		}
	}
	return false
}

// hasKey reports whether b has "key" followed by a colon.
func hasKey(b []byte, key string) bool {
	q := []byte(`"` + key + `"`)
	for {
		i := bytes.Index(b, q)
		if i < 0 {
			return false
		}
		b = bytes.TrimLeft(b[i+len(q):], " \t\r\n")
		if len(b) > 0 && b[0] == ':' {
			return true
		}
	}
}
