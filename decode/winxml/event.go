package winxml

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/stagewatch/stagewatch/decode/timestamp"
	"github.com/stagewatch/stagewatch/decode/winevent"
)

// errBadXML is wrapped by every malformed-markup error inside an event.
var errBadXML = errors.New("bad xml")

// span is a value's place in parser.b.
type span struct{ off, n int }

// target says which Record value the text being collected belongs to.
type target uint8

const (
	tNone target = iota
	tEventID
	tVersion
	tRecordID
	tChannel
	tComputer
	tData
	tUserData
	tMessage
)

// section is the part of the event the scanner is in.
type section uint8

const (
	secOther section = iota
	secSystem
	secEventData
	secUserData
	secRendering
)

// parser turns the bytes of one <Event> element into a winevent.Record.
// Every value is decoded (entities, CDATA) into one buffer, which becomes
// one string per event, so a Record costs two allocations: that string and,
// rarely, a larger Data slice. A parser is reused across events.
type parser struct {
	b                       []byte
	vals                    [tMessage + 1]span
	provider, sysTime       span
	execPID, userSID        span
	names, values           []span // Data (or UserData leaf) names and values
	sec                     section
	collect                 target
	colName                 []byte // element whose end tag closes the collection
	colStart                int
	dataName                span
	valid                   bool // the event is valid UTF-8
	hasSysTime, hasExecPID  bool
	hasEventID, hasRecordID bool
	hasVersion              bool
}

// parse fills rec from ev, the bytes from "<Event" to its end tag. The
// returned reason is a DecodeError category. A bad SystemTime is not an
// error here: the caller decides once Sysmon's UtcTime has been seen.
func (p *parser) parse(ev []byte, rec *winevent.Record) (timeErr error, reason string, err error) {
	*p = parser{b: p.b[:0], names: p.names[:0], values: p.values[:0], valid: utf8.Valid(ev)}
	for i := 0; i < len(ev); {
		lt := bytes.IndexByte(ev[i:], '<')
		if lt < 0 {
			break // text after the end tag cannot occur: the framer cut there
		}
		if p.collect != tNone {
			p.appendText(ev[i : i+lt])
		}
		i += lt
		t := ev[i:]
		switch {
		case bytes.HasPrefix(t, []byte("<!--")):
			end := bytes.Index(t[4:], []byte("-->"))
			if end < 0 {
				return nil, "bad xml", fmt.Errorf("%w: unterminated comment", errBadXML)
			}
			i += 4 + end + 3
		case bytes.HasPrefix(t, []byte("<![CDATA[")):
			end := bytes.Index(t[9:], []byte("]]>"))
			if end < 0 {
				return nil, "bad xml", fmt.Errorf("%w: unterminated CDATA section", errBadXML)
			}
			if p.collect != tNone {
				p.appendRaw(t[9 : 9+end])
			}
			i += 9 + end + 3
		case bytes.HasPrefix(t, []byte("<?")), bytes.HasPrefix(t, []byte("<!")):
			end := bytes.IndexByte(t, '>')
			if end < 0 {
				return nil, "bad xml", fmt.Errorf("%w: unterminated declaration", errBadXML)
			}
			i += end + 1
		default:
			tg, ok := scanTag(t)
			if !ok {
				return nil, "bad xml", fmt.Errorf("%w: unterminated tag %q", errBadXML, clip(t, 40))
			}
			if tg.end {
				p.endTag(localName(tg.name))
			} else {
				p.startTag(localName(tg.name), t[tg.attrs:tg.attrsEnd], tg.selfClose)
			}
			i += tg.next
		}
	}
	return p.record(rec)
}

// startTag handles an opening (or empty-element) tag.
func (p *parser) startTag(name, attrs []byte, selfClose bool) {
	switch p.sec {
	case secSystem:
		switch string(name) {
		case "Provider":
			p.provider, _ = p.attr(attrs, "Name")
		case "TimeCreated":
			p.sysTime, p.hasSysTime = p.attr(attrs, "SystemTime")
		case "Execution":
			p.execPID, p.hasExecPID = p.attr(attrs, "ProcessID")
		case "Security":
			var ok bool
			if p.userSID, ok = p.attr(attrs, "UserID"); !ok {
				// Sysmon for Linux writes UserId.
				p.userSID, _ = p.attr(attrs, "UserId")
			}
		case "EventID":
			p.hasEventID = true
			p.begin(tEventID, name, selfClose)
		case "Version":
			p.hasVersion = true
			p.begin(tVersion, name, selfClose)
		case "EventRecordID":
			p.hasRecordID = true
			p.begin(tRecordID, name, selfClose)
		case "Channel":
			p.begin(tChannel, name, selfClose)
		case "Computer":
			p.begin(tComputer, name, selfClose)
		}
		return
	case secEventData:
		if string(name) == "Data" {
			p.dataName, _ = p.attr(attrs, "Name")
			p.begin(tData, name, selfClose)
		}
		return
	case secUserData:
		// Values are the leaf elements, at any depth: a start tag inside
		// a pending leaf makes it a container, and its text is dropped.
		if p.collect == tUserData {
			p.b = p.b[:p.colStart]
		}
		p.dataName = p.appendSpan(name)
		p.begin(tUserData, name, selfClose)
		return
	case secRendering:
		if string(name) == "Message" {
			p.begin(tMessage, name, selfClose)
		}
		return
	}
	switch string(name) {
	case "System":
		p.sec = secSystem
	case "EventData":
		p.sec = secEventData
	case "UserData":
		p.sec = secUserData
	case "RenderingInfo":
		p.sec = secRendering
	}
	if selfClose {
		p.sec = secOther
	}
}

// begin starts collecting the text of element name into t; an empty
// element ends at once with an empty value.
func (p *parser) begin(t target, name []byte, selfClose bool) {
	p.collect, p.colName, p.colStart = t, name, len(p.b)
	if selfClose {
		p.endTag(name)
	}
}

// endTag handles a closing tag.
func (p *parser) endTag(name []byte) {
	if p.collect != tNone && bytes.Equal(name, p.colName) {
		v := span{p.colStart, len(p.b) - p.colStart}
		switch p.collect {
		case tData, tUserData:
			p.names = append(p.names, p.dataName)
			p.values = append(p.values, v)
		default:
			p.vals[p.collect] = v
		}
		p.collect = tNone
		return
	}
	switch string(name) {
	case "System", "EventData", "UserData", "RenderingInfo":
		p.sec = secOther
		p.collect = tNone
	}
}

// attr appends the value of attribute key to the buffer.
func (p *parser) attr(attrs []byte, key string) (span, bool) {
	v, ok := attrValue(attrs, key)
	if !ok {
		return span{}, false
	}
	start := len(p.b)
	p.appendText(v)
	return span{start, len(p.b) - start}, true
}

// appendSpan appends raw bytes and returns their span.
func (p *parser) appendSpan(v []byte) span {
	start := len(p.b)
	p.appendRaw(v)
	return span{start, len(p.b) - start}
}

// appendRaw appends v as it is (CDATA, names), replacing invalid UTF-8.
func (p *parser) appendRaw(v []byte) {
	if p.valid || utf8.Valid(v) {
		p.b = append(p.b, v...)
		return
	}
	p.b = append(p.b, bytes.ToValidUTF8(v, []byte("\uFFFD"))...)
}

// appendText appends character data, decoding entity and character
// references. An unknown or malformed reference is kept as written.
func (p *parser) appendText(v []byte) {
	for {
		amp := bytes.IndexByte(v, '&')
		if amp < 0 {
			p.appendRaw(v)
			return
		}
		p.appendRaw(v[:amp])
		v = v[amp:]
		semi := bytes.IndexByte(v[:min(len(v), 12)], ';')
		r := rune(-1)
		if semi > 1 {
			r = entity(v[1:semi])
		}
		if r < 0 {
			p.b = append(p.b, '&')
			v = v[1:]
			continue
		}
		p.b = utf8.AppendRune(p.b, r)
		v = v[semi+1:]
	}
}

// entity returns the character a reference names (without & and ;), or -1.
func entity(name []byte) rune {
	switch string(name) {
	case "lt":
		return '<'
	case "gt":
		return '>'
	case "amp":
		return '&'
	case "quot":
		return '"'
	case "apos":
		return '\''
	}
	if len(name) < 2 || name[0] != '#' {
		return -1
	}
	base, digits := 10, name[1:]
	if digits[0] == 'x' || digits[0] == 'X' {
		base, digits = 16, digits[1:]
	}
	n, err := strconv.ParseUint(string(digits), base, 32)
	if err != nil || n == 0 || n > utf8.MaxRune || !utf8.ValidRune(rune(n)) {
		return -1
	}
	return rune(n)
}

// record turns the collected spans into rec, sharing one string.
func (p *parser) record(rec *winevent.Record) (timeErr error, reason string, err error) {
	s := string(p.b)
	str := func(v span) string { return s[v.off : v.off+v.n] }
	data := rec.Data[:0]
	*rec = winevent.Record{
		Provider: str(p.provider),
		Channel:  strings.TrimSpace(str(p.vals[tChannel])),
		Computer: strings.TrimSpace(str(p.vals[tComputer])),
		UserSID:  str(p.userSID),
		Message:  str(p.vals[tMessage]),
	}
	for i := range p.names {
		data = append(data, winevent.Field{Name: str(p.names[i]), Value: str(p.values[i])})
	}
	rec.Data = data
	if !p.hasEventID {
		return nil, "missing event id", errors.New("event has no EventID")
	}
	id, err := strconv.Atoi(strings.TrimSpace(str(p.vals[tEventID])))
	if err != nil || id < 0 || id > 0xffff {
		return nil, "bad event id", fmt.Errorf("bad EventID %q", clip([]byte(str(p.vals[tEventID])), 40))
	}
	rec.EventID = id
	if p.hasVersion {
		rec.Version, _ = strconv.Atoi(strings.TrimSpace(str(p.vals[tVersion])))
	}
	if p.hasRecordID {
		rec.RecordID, _ = strconv.ParseUint(strings.TrimSpace(str(p.vals[tRecordID])), 10, 64)
	}
	if p.hasExecPID {
		rec.ExecPID, _ = winevent.ParseID(str(p.execPID))
	}
	if !p.hasSysTime {
		return errors.New("event has no TimeCreated"), "", nil
	}
	t, terr := timestamp.Parse(strings.TrimSpace(str(p.sysTime)))
	if terr != nil {
		return fmt.Errorf("bad SystemTime: %w", terr), "", nil
	}
	rec.TimeCreated = t.In(time.UTC)
	return nil, "", nil
}

// clip returns at most n bytes of b, for error messages.
func clip(b []byte, n int) string {
	if len(b) > n {
		return string(b[:n]) + "..."
	}
	return string(b)
}
