package evtx

import (
	"time"

	"github.com/stagewatch/stagewatch/decode/winevent"
)

// span is a string rendered into builder.buf.
type span struct{ start, end int32 }

// fieldSpan is a Data field being built. A name from the template is kept
// as a string; a name from a substitution is rendered.
type fieldSpan struct {
	nameLit string
	name    span
	value   span
}

// builder collects one record's values. Every rendered string goes into one
// buffer, copied out in a single allocation when the record is done.
type builder struct {
	buf                                  []byte
	provider, channel, computer, userSID span
	eventID, version                     int
	execPID                              int64
	time                                 time.Time
	fields                               []fieldSpan
}

func (b *builder) reset() {
	*b = builder{buf: b.buf[:0], fields: b.fields[:0]}
}

// text renders a literal or a value into buf.
func (b *builder) text(c []byte, o *op, v val) span {
	start := int32(len(b.buf))
	if o.sub < 0 {
		b.buf = append(b.buf, o.lit...)
	} else {
		b.buf = appendValue(b.buf, v.typ, c[v.off:v.end])
	}
	return span{start, int32(len(b.buf))}
}

// field starts a Data field.
func (b *builder) field(c []byte, o *op, v val) {
	f := fieldSpan{nameLit: o.lit}
	if o.sub >= 0 {
		f.name = b.text(c, o, v)
	}
	f.value = span{int32(len(b.buf)), int32(len(b.buf))}
	b.fields = append(b.fields, f)
}

// value appends to the value of the last field. Text outside any field
// (possible only in damaged or unusual templates) is dropped.
func (b *builder) value(c []byte, o *op, v val) {
	if len(b.fields) == 0 {
		return
	}
	f := &b.fields[len(b.fields)-1]
	if f.value.end != int32(len(b.buf)) {
		return // another string was rendered since the field began
	}
	f.value.end = b.text(c, o, v).end
}

// finish fills rec from the collected values.
func (b *builder) finish(rec *winevent.Record) {
	s := string(b.buf)
	str := func(x span) string { return s[x.start:x.end] }
	rec.Provider = str(b.provider)
	rec.Channel = str(b.channel)
	rec.Computer = str(b.computer)
	rec.UserSID = str(b.userSID)
	rec.EventID = b.eventID
	rec.Version = b.version
	rec.ExecPID = b.execPID
	rec.TimeCreated = b.time
	if len(b.fields) == 0 {
		return
	}
	rec.Data = make([]winevent.Field, len(b.fields))
	for i, f := range b.fields {
		name := f.nameLit
		if f.name.end > f.name.start {
			name = str(f.name)
		}
		rec.Data[i] = winevent.Field{Name: name, Value: str(f.value)}
	}
}
