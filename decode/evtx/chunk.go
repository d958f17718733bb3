package evtx

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/stagewatch/stagewatch/decode/winevent"
)

// item is one result of a chunk, in file order: a record, a bad record, or
// a problem with the whole chunk.
type item struct {
	rec      *winevent.Record
	recordID uint64 // of a bad record, when its header could be read
	reason   string // of an error
	err      error
}

// val is one substitution value: its type and its bytes in the chunk.
type val struct {
	typ      byte
	off, end int32
}

// parser decodes chunks. It holds the per-chunk caches and scratch space,
// and is used by one goroutine at a time.
type parser struct {
	buf   []byte // chunkSize bytes the chunk is read into
	c     []byte // the chunk being decoded
	plans map[uint64]plan
	cp    compiler
	vals  [maxDepth + 1][]val
	b     builder
	steps int // ops left for the current record
}

// maxSteps bounds the ops one record may run. A real record runs tens; a
// hostile one could reuse a Binary XML value from many places at many
// depths and run exponentially many.
const maxSteps = 1 << 14

// maxRendered bounds the bytes one record may render, for the same reason.
const maxRendered = 4 * chunkSize

var errTooComplex = errors.New("binary xml expands to too many values")

// plan is a compiled template, or why it could not be compiled.
type plan struct {
	ops []op
	err error
}

func newParser() *parser {
	p := &parser{buf: make([]byte, chunkSize), plans: make(map[uint64]plan)}
	p.cp.names = make(map[uint32]string)
	return p
}

// decodeChunk decodes chunk number no (1-based), whose bytes are c, into
// its results.
func (p *parser) decodeChunk(c []byte, no int, fileOffset int64) []item {
	where := func(err error) error {
		return fmt.Errorf("chunk %d (file offset %d): %w", no, fileOffset, err)
	}
	end, st, err := checkChunk(c)
	switch st {
	case chunkEmpty:
		return nil
	case chunkBad:
		return []item{{reason: reasonChunk, err: where(err)}}
	}
	p.c = c
	p.cp.c = c
	clear(p.plans)
	clear(p.cp.names)
	le := binary.LittleEndian
	first, last := le.Uint64(c[8:]), le.Uint64(c[16:])
	n := 0
	if last >= first && last-first < chunkSize/recordHeaderLen {
		n = int(last-first) + 1
	}
	items := make([]item, 0, n+1)
	recs := make([]winevent.Record, n)
	for pos := chunkHeaderSize; pos+recordHeaderLen <= end; {
		if !bytes.Equal(c[pos:pos+4], recordMagic) {
			if allZero(c[pos:end]) {
				break
			}
			items = append(items, item{reason: reasonRecord, err: where(fmt.Errorf("no record at chunk offset %d; rest of chunk skipped", pos))})
			break
		}
		size := int(le.Uint32(c[pos+4:]))
		id := le.Uint64(c[pos+8:])
		if st == chunkShort && size >= recordHeaderLen+4 && pos+size > end {
			break // the record the file was cut in; the truncation is reported
		}
		if size < recordHeaderLen+4 || pos+size > end {
			items = append(items, item{recordID: id, reason: reasonRecord, err: where(fmt.Errorf("record size %d at chunk offset %d out of range; rest of chunk skipped", size, pos))})
			break
		}
		var rec *winevent.Record
		if len(recs) > 0 {
			rec, recs = &recs[0], recs[1:]
		} else {
			rec = new(winevent.Record)
		}
		if err := p.record(rec, pos, size); err != nil {
			items = append(items, item{recordID: id, reason: reasonRecord, err: where(err)})
		} else {
			items = append(items, item{rec: rec})
		}
		pos += size
	}
	if st == chunkShort {
		items = append(items, item{reason: reasonTruncated, err: where(err)})
	}
	return items
}

// record decodes the record of size bytes at chunk offset pos into rec.
func (p *parser) record(rec *winevent.Record, pos, size int) error {
	le := binary.LittleEndian
	c := p.c
	if got := int(le.Uint32(c[pos+size-4:])); got != size {
		return fmt.Errorf("record at chunk offset %d: trailing size %d differs from size %d", pos, got, size)
	}
	b := &p.b
	b.reset()
	p.steps = maxSteps
	if err := p.fragment(pos+recordHeaderLen, pos+size-4, sRoot, 0); err != nil {
		return fmt.Errorf("record at chunk offset %d: %w", pos, err)
	}
	b.finish(rec)
	rec.RecordID = le.Uint64(c[pos+8:])
	if rec.TimeCreated.IsZero() {
		rec.TimeCreated, _ = filetime(le.Uint64(c[pos+16:]))
	}
	return nil
}

// fragment walks the Binary XML fragment in c[pos:end], whose content sits
// in state st: a template instance with its values, or plain elements.
func (p *parser) fragment(pos, end int, st state, depth int) error {
	c := p.c
	for pos < end && c[pos] == 0x0f {
		pos += 4
	}
	if pos >= end {
		return nil // an empty fragment
	}
	if c[pos] != 0x0c {
		// Plain elements, compiled on every use: charge the bytes walked.
		if p.steps -= (end - pos) / 16; p.steps < 0 {
			return errTooComplex
		}
		ops, err := p.cp.compile(pos, end, st, false)
		if err != nil {
			return err
		}
		return p.exec(ops, nil, depth)
	}
	le := binary.LittleEndian
	if pos+10 > end {
		return errShort(pos)
	}
	def := int(le.Uint32(c[pos+6:]))
	pos += 10
	if def == pos { // the definition is here, on its first use in the chunk
		if pos+24 > end {
			return errShort(pos)
		}
		pos += 24 + int(le.Uint32(c[pos+20:]))
	}
	ops, err := p.plan(def, st)
	if err != nil {
		return err
	}
	if pos+4 > end {
		return errShort(pos)
	}
	n := int(le.Uint32(c[pos:]))
	pos += 4
	if n > (end-pos)/4 {
		return fmt.Errorf("%d substitution values do not fit at offset %d", n, pos)
	}
	vals := p.vals[depth][:0]
	off := pos + 4*n
	for i := range n {
		d := c[pos+4*i:]
		size := int(le.Uint16(d))
		if off+size > end {
			return fmt.Errorf("substitution value %d runs past the record at offset %d", i, off)
		}
		vals = append(vals, val{typ: d[2], off: int32(off), end: int32(off + size)})
		off += size
	}
	p.vals[depth] = vals
	return p.exec(ops, vals, depth)
}

// plan returns the ops of the template defined at chunk offset def, as
// content in state st, compiling it on first use in the chunk.
func (p *parser) plan(def int, st state) ([]op, error) {
	key := uint64(def)<<8 | uint64(st)
	pl, ok := p.plans[key]
	if !ok {
		pl.ops, pl.err = p.compileTemplate(def, st)
		p.plans[key] = pl
	}
	return pl.ops, pl.err
}

// compileTemplate compiles the template defined at chunk offset def.
func (p *parser) compileTemplate(def int, st state) ([]op, error) {
	c := p.c
	if def < chunkHeaderSize || def+24 > len(c) {
		return nil, fmt.Errorf("template offset %d outside the chunk", def)
	}
	start := def + 24
	end := start + int(binary.LittleEndian.Uint32(c[def+20:]))
	if end > len(c) {
		return nil, fmt.Errorf("template at offset %d runs past the chunk", def)
	}
	ops, err := p.cp.compile(start, end, st, true)
	if err != nil {
		return nil, fmt.Errorf("template at offset %d: %w", def, err)
	}
	return ops, nil
}

var errTooDeep = errors.New("binary xml values nested too deep")

// exec runs ops against substitution values vals, filling p.b.
func (p *parser) exec(ops []op, vals []val, depth int) error {
	b := &p.b
	if p.steps -= len(ops) + 1; p.steps < 0 {
		return errTooComplex
	}
	for i := range ops {
		o := &ops[i]
		var v val
		if o.sub >= 0 {
			if int(o.sub) >= len(vals) {
				continue // a missing value renders as nothing
			}
			v = vals[o.sub]
			if v.typ == tBinXML && o.kind != opField {
				if depth >= maxDepth {
					return errTooDeep
				}
				if err := p.fragment(int(v.off), int(v.end), o.state, depth+1); err != nil {
					return err
				}
				continue
			}
		}
		switch o.kind {
		case opProvider:
			b.provider = b.text(p.c, o, v)
		case opChannel:
			b.channel = b.text(p.c, o, v)
		case opComputer:
			b.computer = b.text(p.c, o, v)
		case opUserSID:
			b.userSID = b.text(p.c, o, v)
		case opEventID:
			if x, ok := p.number(o, v); ok {
				b.eventID = int(x & 0xffff) // the high word is Qualifiers
			}
		case opVersion:
			if x, ok := p.number(o, v); ok {
				b.version = int(x)
			}
		case opExecPID:
			if x, ok := p.number(o, v); ok {
				b.execPID = int64(x)
			}
		case opTime:
			b.time = p.timeValue(o, v)
		case opField:
			b.field(p.c, o, v)
		case opValue:
			b.value(p.c, o, v)
		}
		if len(b.buf) > maxRendered {
			return errTooComplex
		}
	}
	return nil
}

// number returns an integer from a literal or a value.
func (p *parser) number(o *op, v val) (uint64, bool) {
	if o.sub < 0 {
		return parseUint(o.lit)
	}
	return uintValue(v.typ, p.c[v.off:v.end])
}

// timeValue returns a time from a FILETIME or SYSTEMTIME value, or from a
// literal in RFC 3339 form.
func (p *parser) timeValue(o *op, v val) time.Time {
	if o.sub < 0 {
		t, _ := time.Parse(time.RFC3339Nano, o.lit)
		return t.UTC()
	}
	b := p.c[v.off:v.end]
	switch {
	case v.typ == tFiletime && len(b) >= 8:
		t, _ := filetime(binary.LittleEndian.Uint64(b))
		return t
	case v.typ == tSystime && len(b) >= 16:
		return systemtime(b)
	}
	return time.Time{}
}
