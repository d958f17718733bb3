package winjson

import "bytes"

// Shape is the layout a Windows event arrived in, recognised by its keys.
type Shape uint8

// The shapes Decoder reads.
const (
	ShapeUnknown Shape = iota
	// ShapeEvtxDump is evtx_dump's rendering: {"Event":{"System":{..},
	// "EventData":{name: value}}}, attributes under "#attributes",
	// numbers as JSON numbers.
	ShapeEvtxDump
	// ShapeXMLToDict is xmltodict's rendering: attributes as "@Name"
	// keys, every value a string, EventData {"Data": [{"@Name","#text"}]}
	// (one object when there is one Data).
	ShapeXMLToDict
	// ShapeWinlogbeat is Winlogbeat or Elastic Agent before the ingest
	// pipeline: winlog.event_data, winlog.event_id as a string.
	ShapeWinlogbeat
	// ShapeECS is the same after the ECS pipeline: values moved to
	// process.*, file.*, user.* and removed from winlog.event_data.
	ShapeECS
	// ShapeNXLog is NXLog im_msvistalog to_json(): flat, EventTime in
	// local time, ProcessID the logging service's.
	ShapeNXLog
	// ShapeFlat is a flat "winlogbeat-lite" object: EventID, Channel,
	// Hostname and the EventData values at the top level.
	ShapeFlat
	// ShapeSentinel is a Sentinel / Log Analytics SecurityEvent, Event or
	// WindowsEvent row: TimeGenerated, Computer, EventID and EventData as
	// an XML string (or an object in WindowsEvent).
	ShapeSentinel
	numShapes
)

var shapeNames = [numShapes]string{
	ShapeUnknown:    "unknown",
	ShapeEvtxDump:   "evtx_dump",
	ShapeXMLToDict:  "xmltodict",
	ShapeWinlogbeat: "winlogbeat",
	ShapeECS:        "ecs",
	ShapeNXLog:      "nxlog",
	ShapeFlat:       "flat",
	ShapeSentinel:   "sentinel",
}

// String returns the shape's name, as tests and summaries print it.
func (s Shape) String() string {
	if s < numShapes {
		return shapeNames[s]
	}
	return "unknown"
}

// ecsGroups are the ECS field sets the ingest pipeline fills from
// EventData; any of them marks an event as after the pipeline.
var ecsGroups = [...]string{"process", "file", "source", "destination", "registry", "dns"}

// classify recognises the shape of an event object by its keys.
func classify(v *value) Shape {
	if v.kind != kObject {
		return ShapeUnknown
	}
	if root := systemRoot(v); root != nil {
		sys := root.get("System")
		if p := sys.get("Provider"); p != nil && p.get("#attributes") != nil {
			return ShapeEvtxDump
		}
		if p := sys.get("Provider"); p != nil && p.get("@Name") != nil {
			return ShapeXMLToDict
		}
		if id := sys.get("EventID"); id != nil && (id.kind == kString || id.get("#text") != nil && id.get("#text").kind == kString) {
			return ShapeXMLToDict
		}
		return ShapeEvtxDump
	}
	if w := v.path("winlog"); w != nil && w.kind == kObject || v.get("winlog.event_id") != nil || v.get("winlog.channel") != nil {
		if v.path("winlog", "event_data") == nil {
			return ShapeECS
		}
		for _, g := range ecsGroups {
			if v.path(g) != nil {
				return ShapeECS
			}
		}
		return ShapeWinlogbeat
	}
	if v.get("EventID") == nil {
		return ShapeUnknown
	}
	if v.get("TimeGenerated") != nil {
		return ShapeSentinel
	}
	if v.get("SourceModuleType") != nil || v.get("EventReceivedTime") != nil {
		return ShapeNXLog
	}
	for _, k := range [...]string{"Channel", "SourceName", "ProviderName", "Hostname", "Computer"} {
		if v.get(k) != nil {
			return ShapeFlat
		}
	}
	return ShapeUnknown
}

// systemRoot returns the object holding System and EventData: the value
// of "Event", or v itself when the carrier dropped that root.
func systemRoot(v *value) *value {
	if ev := v.get("Event"); ev != nil && ev.kind == kObject {
		if s := ev.get("System"); s != nil && s.kind == kObject {
			return ev
		}
	}
	if s := v.get("System"); s != nil && s.kind == kObject &&
		(v.get("EventData") != nil || v.get("UserData") != nil) {
		return v
	}
	return nil
}

// sniffValues is how many leading values Sniff classifies.
const sniffValues = 4

// Sniff reports whether head, the first bytes of an input (already
// decompressed, possibly cut mid-record), holds Windows events in one of
// the JSON shapes. It classifies the first complete values exactly; when
// the first value is longer than head (Winlogbeat's event.original can be
// large), it looks for the keys the shapes share.
func Sniff(head []byte) bool {
	t := bytes.TrimLeft(bytes.TrimPrefix(head, []byte{0xEF, 0xBB, 0xBF}), " \t\r\n")
	if len(t) == 0 || (t[0] != '{' && t[0] != '[') {
		return false
	}
	f := newFramer(bytes.NewReader(t), len(t))
	seen := false
	for range sniffValues {
		raw, _, reason, err := f.next()
		if err != nil || reason == reasonTruncated && f.eof && f.start == f.end {
			break // the head ends, or ends inside this value
		}
		if reason != "" {
			continue
		}
		v, err := parse(string(raw))
		if err != nil {
			continue
		}
		if classify(&v) != ShapeUnknown {
			return true
		}
		seen = true
	}
	if seen {
		return false
	}
	return hasKey(t, "EventID") || hasKey(t, "winlog") || bytes.Contains(t, []byte(`"winlog.`))
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
