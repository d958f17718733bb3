package winxml

import "bytes"

// tag is one scanned start or end tag. Offsets are relative to the '<'.
type tag struct {
	name            []byte
	attrs, attrsEnd int // the attribute text of a start tag
	next            int // index after the closing '>'
	end             bool
	selfClose       bool
}

// scanTag scans the tag at b[0] == '<', honouring quoted attribute values
// (which may hold '>'). ok is false when b ends before the tag does or the
// tag has no name.
func scanTag(b []byte) (t tag, ok bool) {
	i := 1
	if i < len(b) && b[i] == '/' {
		t.end = true
		i++
	}
	start := i
	for i < len(b) && isNameByte(b[i]) {
		i++
	}
	if i == start {
		return tag{}, false
	}
	t.name = b[start:i]
	t.attrs = i
	for i < len(b) {
		switch c := b[i]; c {
		case '"', '\'':
			q := bytes.IndexByte(b[i+1:], c)
			if q < 0 {
				return tag{}, false
			}
			i += q + 2
		case '>':
			t.attrsEnd = i
			if i > t.attrs && b[i-1] == '/' {
				t.selfClose = true
				t.attrsEnd = i - 1
			}
			t.next = i + 1
			return t, true
		case '<':
			return tag{}, false // a tag cut short by the next one
		default:
			i++
		}
	}
	return tag{}, false
}

// isNameByte reports whether c may appear in an XML name (ASCII subset;
// bytes of multi-byte characters are accepted as they are).
func isNameByte(c byte) bool {
	return c == '_' || c == '-' || c == '.' || c == ':' || c >= 0x80 ||
		('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9')
}

// isSpace reports whether c is XML white space.
func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// localName drops a namespace prefix: "ev:Data" becomes "Data".
func localName(name []byte) []byte {
	if i := bytes.LastIndexByte(name, ':'); i >= 0 {
		return name[i+1:]
	}
	return name
}

// attrValue returns the raw (still escaped) value of attribute key in the
// attribute text of a start tag: name = "value" or name='value', with
// optional white space around '='.
func attrValue(attrs []byte, key string) ([]byte, bool) {
	i := 0
	for i < len(attrs) {
		for i < len(attrs) && isSpace(attrs[i]) {
			i++
		}
		start := i
		for i < len(attrs) && isNameByte(attrs[i]) {
			i++
		}
		name := attrs[start:i]
		for i < len(attrs) && isSpace(attrs[i]) {
			i++
		}
		if i >= len(attrs) || attrs[i] != '=' {
			if i == start {
				i++ // a stray byte: step over it
			}
			continue
		}
		i++
		for i < len(attrs) && isSpace(attrs[i]) {
			i++
		}
		if i >= len(attrs) || (attrs[i] != '"' && attrs[i] != '\'') {
			continue
		}
		q := attrs[i]
		end := bytes.IndexByte(attrs[i+1:], q)
		if end < 0 {
			return nil, false
		}
		v := attrs[i+1 : i+1+end]
		i += end + 2
		if string(localName(name)) == key {
			return v, true
		}
	}
	return nil, false
}

// eventStart returns the index of the first "<Event" start tag at or after
// from (not <Events>, <EventData>...), or -1.
func eventStart(b []byte, from int) int {
	for from < len(b) {
		k := bytes.Index(b[from:], []byte("<Event"))
		if k < 0 {
			return -1
		}
		k += from
		if e := k + len("<Event"); e < len(b) && (isSpace(b[e]) || b[e] == '>' || b[e] == '/') {
			return k
		}
		from = k + len("<Event")
	}
	return -1
}

// eventEnd finds the first "</Event>" (white space allowed before '>') at
// or after from. It returns the index of its '<' and the index after its
// '>', or -1, -1.
func eventEnd(b []byte, from int) (start, next int) {
	for from < len(b) {
		k := bytes.Index(b[from:], []byte("</Event"))
		if k < 0 {
			return -1, -1
		}
		k += from
		e := k + len("</Event")
		for e < len(b) && isSpace(b[e]) {
			e++
		}
		if e < len(b) && b[e] == '>' {
			return k, e + 1
		}
		from = k + len("</Event")
	}
	return -1, -1
}

// prolog measures the markup that may come between events at b[0] == '<':
// an XML declaration or processing instruction, a comment, a DOCTYPE, and
// the <Events> wrapper's tags. It returns the length of a complete one; 0
// and done when b starts with something else; 0 and not done when b ends
// before the construct does.
func prolog(b []byte) (n int, done bool) {
	var end []byte
	switch {
	case bytes.HasPrefix(b, []byte("<?")):
		end = []byte("?>")
	case bytes.HasPrefix(b, []byte("<!--")):
		end = []byte("-->")
	case bytes.HasPrefix(b, []byte("<!")):
		end = []byte(">")
	case bytes.HasPrefix(b, []byte("</Events")), wrapperStart(b):
		end = []byte(">")
	default:
		return 0, true
	}
	k := bytes.Index(b[2:], end)
	if k < 0 {
		return 0, false
	}
	return 2 + k + len(end), true
}

// wrapperStart reports whether b starts with an <Events> start tag.
func wrapperStart(b []byte) bool {
	const w = "<Events"
	return bytes.HasPrefix(b, []byte(w)) && len(b) > len(w) && (isSpace(b[len(w)]) || b[len(w)] == '>' || b[len(w)] == '/')
}
