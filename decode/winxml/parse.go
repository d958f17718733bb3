package winxml

import "github.com/stagewatch/stagewatch/decode/winevent"

// Parser parses one <Event> element at a time, for carriers that frame
// events themselves (Sysmon for Linux writes one event per syslog line).
// It shares the Decoder's scanner. A Parser is reused across events and is
// not safe for concurrent use.
type Parser struct {
	p parser
}

// Parse fills rec from ev, the bytes from "<Event" to the end of its end
// tag. err is malformed markup or a missing or bad EventID, with reason a
// short DecodeError category ("bad xml", "missing event id"...). timeErr
// reports a missing or unreadable System/TimeCreated, which is not fatal
// when the event carries its own time (Sysmon's UtcTime). The strings in
// rec do not alias ev.
func (p *Parser) Parse(ev []byte, rec *winevent.Record) (timeErr error, reason string, err error) {
	return p.p.parse(ev, rec)
}
