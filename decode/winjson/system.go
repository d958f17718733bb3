package winjson

import (
	"strings"

	"github.com/stagewatch/stagewatch/decode/winevent"
)

// fromSystem converts the evtx_dump and xmltodict shapes: an XML event
// rendered as JSON, root holding System and EventData or UserData.
func fromSystem(root *value, shape Shape, r *winevent.Record) error {
	sys := root.get("System")
	r.Provider = attr(sys.get("Provider"), "Name").text()
	var err error
	if r.EventID, err = eventID(sys.get("EventID")); err != nil {
		return err
	}
	r.Version = atoi(sys.get("Version").text())
	r.Channel = sys.get("Channel").text()
	r.Computer = sys.get("Computer").text()
	r.RecordID = atou(sys.get("EventRecordID").text())
	r.ExecPID = int64(atou(attr(sys.get("Execution"), "ProcessID").text()))
	r.UserSID = attr(sys.get("Security"), "UserID").text()
	if r.TimeCreated, err = parseTime(attr(sys.get("TimeCreated"), "SystemTime"), nil); err != nil {
		return err
	}
	r.Message = root.path("RenderingInfo", "Message").text()
	r.Data = appendEventData(r.Data, root.get("EventData"))
	r.Data = appendUserData(r.Data, root.get("UserData"))
	if shape == ShapeXMLToDict {
		r.Message = unescapeXML(r.Message)
		for i := range r.Data {
			r.Data[i].Value = unescapeXML(r.Data[i].Value)
		}
	}
	return nil
}

// attr returns the XML attribute name of an element rendered as JSON:
// evtx_dump puts attributes under "#attributes", xmltodict prefixes them
// with "@".
func attr(el *value, name string) *value {
	if el == nil || el.kind != kObject {
		return nil
	}
	if a := el.get("#attributes"); a != nil {
		return a.get(name)
	}
	return el.get("@" + name)
}

// isAttr reports whether an object key is an XML attribute or namespace,
// not a child element.
func isAttr(key string) bool {
	return key == "#attributes" || strings.HasPrefix(key, "@")
}

// appendEventData appends the values of an EventData element: a map of
// names to values (evtx_dump), Data elements (xmltodict, and evtx_dump for
// unnamed values), or bare text.
func appendEventData(dst []winevent.Field, ed *value) []winevent.Field {
	if ed == nil {
		return dst
	}
	switch ed.kind {
	case kNull:
		return dst
	case kObject:
	default:
		return append(dst, winevent.Field{Value: ed.text()})
	}
	for i := range ed.obj {
		m := &ed.obj[i]
		switch {
		case isAttr(m.key):
		case m.key == "Data":
			dst = appendDataElements(dst, &m.val)
		default:
			dst = append(dst, winevent.Field{Name: m.key, Value: m.val.text()})
		}
	}
	return dst
}

// appendDataElements appends one Data element or a list of them. An
// element is {"@Name": n, "#text": v} (or "#attributes"), a bare value
// (unnamed), or {"#text": [v, ..]} (unnamed values, evtx_dump).
func appendDataElements(dst []winevent.Field, v *value) []winevent.Field {
	if v.kind == kArray {
		for i := range v.arr {
			dst = appendDataElements(dst, &v.arr[i])
		}
		return dst
	}
	if v.kind != kObject {
		return append(dst, winevent.Field{Value: v.text()})
	}
	name := attr(v, "Name").text()
	t := v.get("#text")
	if t != nil && t.kind == kArray && name == "" {
		for i := range t.arr {
			dst = append(dst, winevent.Field{Value: t.arr[i].text()})
		}
		return dst
	}
	return append(dst, winevent.Field{Name: name, Value: t.text()})
}

// appendUserData appends the children of UserData's one element (its
// name is the event's template, e.g. "EventXML"), skipping attributes.
func appendUserData(dst []winevent.Field, ud *value) []winevent.Field {
	if ud == nil || ud.kind != kObject {
		return dst
	}
	for i := range ud.obj {
		m := &ud.obj[i]
		if isAttr(m.key) {
			continue
		}
		if m.val.kind != kObject || m.val.get("#text") != nil {
			dst = append(dst, winevent.Field{Name: m.key, Value: m.val.text()})
			continue
		}
		for j := range m.val.obj {
			c := &m.val.obj[j]
			if !isAttr(c.key) {
				dst = append(dst, winevent.Field{Name: c.key, Value: c.val.text()})
			}
		}
	}
	return dst
}

// unescapeXML replaces the five predefined entities and character
// references in text that a converter left escaped. Anything else,
// including a bare "&", is kept as written.
func unescapeXML(s string) string {
	i := strings.IndexByte(s, '&')
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i >= 0 {
		b.WriteString(s[:i])
		s = s[i:]
		end := strings.IndexByte(s, ';')
		r, ok := entity(s, end)
		if !ok {
			b.WriteByte('&')
			s = s[1:]
		} else {
			b.WriteString(r)
			s = s[end+1:]
		}
		i = strings.IndexByte(s, '&')
	}
	b.WriteString(s)
	return b.String()
}

// entity decodes the reference s[:end+1] ("&amp;", "&#38;", "&#x26;").
func entity(s string, end int) (string, bool) {
	if end < 2 || end > 10 {
		return "", false
	}
	switch name := s[1:end]; name {
	case "lt":
		return "<", true
	case "gt":
		return ">", true
	case "amp":
		return "&", true
	case "quot":
		return `"`, true
	case "apos":
		return "'", true
	default:
		if name[0] != '#' {
			return "", false
		}
		n, ok := uint64(0), false
		if len(name) > 1 && (name[1] == 'x' || name[1] == 'X') {
			n, ok = parseUint(name[2:], 16)
		} else {
			n, ok = parseUint(name[1:], 10)
		}
		if !ok || n == 0 || n > 0x10FFFF {
			return "", false
		}
		return string(rune(n)), true
	}
}
