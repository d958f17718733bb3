package evtx

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strconv"

	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/decode/winevent"
)

// Options configure a Decoder.
type Options struct {
	// File names the input in Origins and errors ("-" for stdin).
	File string
	// Workers is how many chunks are decoded at once; 0 means GOMAXPROCS.
	// With 1, chunks are decoded on the caller's goroutine.
	Workers int
}

// Stats are a Decoder's counters.
type Stats struct {
	Chunks     int  // chunks read, including empty and bad ones
	BadChunks  int  // chunks skipped (failed their checks) or cut short
	Records    int  // records decoded
	BadRecords int  // records that could not be decoded
	Dirty      bool // the file header says the log was not closed cleanly
}

// Decoder reads the records of one EVTX file in file order. It is not safe
// for concurrent use; it runs its own goroutines, each decoding one chunk
// and ending with it, at most Options.Workers at a time.
type Decoder struct {
	r       io.Reader
	opts    Options
	workers int
	started bool
	eof     bool   // no more chunks to read
	readErr error  // why reading stopped, if not the end of the file
	fatal   error  // returned once everything before it is delivered
	noMagic bool   // the file header had no ElfFile magic
	chunks  int    // chunks read so far
	queue   []*job // chunks in flight, in file order
	cur     []item // results of the chunk being delivered
	next    int    // index of the next item in cur
	record  int64  // records delivered, for Origin.Record
	free    chan *parser
	stats   Stats
	ignored int
}

// job is one chunk being decoded.
type job struct {
	done  chan struct{}
	items []item
}

// NewDecoder returns a Decoder reading an EVTX file from r.
func NewDecoder(r io.Reader, opts Options) *Decoder {
	w := opts.Workers
	if w <= 0 {
		w = runtime.GOMAXPROCS(0)
	}
	return &Decoder{r: r, opts: opts, workers: w, free: make(chan *parser, w+1)}
}

// Next returns the next record and where it was read. It returns io.EOF at
// the end of the file, a *stagewatch.DecodeError for a bad record, chunk or
// file header (call Next again to go on), and any other error when the
// input cannot be read further. The caller owns each returned Record.
func (d *Decoder) Next() (*winevent.Record, stagewatch.Origin, error) {
	for {
		if d.next < len(d.cur) {
			it := d.cur[d.next]
			d.cur[d.next] = item{}
			d.next++
			return d.deliver(it)
		}
		if !d.started {
			d.start()
			continue
		}
		for !d.eof && len(d.queue) < d.workers {
			d.launch()
		}
		if len(d.queue) == 0 {
			switch {
			case d.fatal != nil:
				return nil, d.origin(), d.fatal
			case d.readErr != nil:
				return nil, d.origin(), d.readErr
			}
			return nil, d.origin(), io.EOF
		}
		j := d.queue[0]
		d.queue = d.queue[1:]
		<-j.done
		d.cur, d.next = j.items, 0
	}
}

// Decode returns the next event: the next record mapped by winevent.Map.
// Records no analytic uses are skipped and counted by Ignored. Errors are
// as Next's; Decode makes Decoder a stagewatch.Source.
func (d *Decoder) Decode() (*stagewatch.Event, error) {
	for {
		rec, o, err := d.Next()
		if err != nil {
			return nil, err
		}
		if ev, ok := winevent.Map(rec, o); ok {
			return ev, nil
		}
		d.ignored++
	}
}

// Ignored returns how many records Decode skipped because no analytic uses
// them.
func (d *Decoder) Ignored() int { return d.ignored }

// Stats returns the decoder's counters so far.
func (d *Decoder) Stats() Stats { return d.stats }

func (d *Decoder) origin() stagewatch.Origin {
	return stagewatch.Origin{Format: Format, File: d.opts.File}
}

// deliver turns an item into Next's results, numbering records.
func (d *Decoder) deliver(it item) (*winevent.Record, stagewatch.Origin, error) {
	o := d.origin()
	switch {
	case it.rec != nil:
		d.record++
		d.stats.Records++
		o.Record = d.record
		o.RecordID = strconv.FormatUint(it.rec.RecordID, 10)
		return it.rec, o, nil
	case it.reason == reasonRecord:
		d.record++
		d.stats.BadRecords++
		o.Record = d.record
		if it.recordID != 0 {
			o.RecordID = strconv.FormatUint(it.recordID, 10)
		}
	case it.reason == reasonChunk || it.reason == reasonTruncated:
		d.stats.BadChunks++
	}
	return nil, o, &stagewatch.DecodeError{Origin: o, Reason: it.reason, Err: it.err}
}

// start reads and checks the file header.
func (d *Decoder) start() {
	d.started = true
	buf := make([]byte, fileHeaderSize)
	n, err := io.ReadFull(d.r, buf)
	switch {
	case err == io.EOF:
		d.eof, d.fatal = true, errors.New("empty file")
		return
	case err == io.ErrUnexpectedEOF:
		d.eof = true
		if !bytes.HasPrefix(buf[:n], fileMagic) {
			d.fatal = errNotEVTX
			return
		}
		d.fatal = fmt.Errorf("truncated evtx file: %d bytes, shorter than its %d-byte header", n, fileHeaderSize)
		return
	case err != nil:
		d.eof, d.readErr = true, err
		return
	}
	h, err := parseFileHeader(buf)
	d.stats.Dirty = h.flags&flagDirty != 0
	if err == nil {
		return
	}
	if d.noMagic = !bytes.HasPrefix(buf, fileMagic); d.noMagic {
		// Without its magic the file is EVTX only if a chunk follows.
		d.launch()
		if d.fatal != nil {
			return
		}
	}
	d.cur, d.next = []item{{reason: reasonHeader, err: fmt.Errorf("%w; chunks are read all the same", err)}}, 0
}

// launch reads the next chunk and starts decoding it.
func (d *Decoder) launch() {
	var p *parser
	select {
	case p = <-d.free:
	default:
		p = newParser()
	}
	n, err := io.ReadFull(d.r, p.buf)
	switch err {
	case nil:
	case io.EOF:
		d.eof = true
		d.release(p)
		if d.noMagic && d.chunks == 0 {
			d.fatal = errNotEVTX
		}
		return
	case io.ErrUnexpectedEOF:
		d.eof = true
	default:
		d.eof, d.readErr = true, err
		if n == 0 {
			d.release(p)
			return
		}
	}
	if d.noMagic && d.chunks == 0 && !bytes.HasPrefix(p.buf, chunkMagic) {
		// Neither a file header nor a first chunk: not EVTX at all.
		d.eof, d.fatal = true, errNotEVTX
		d.release(p)
		return
	}
	d.chunks++
	d.stats.Chunks++
	no, off := d.chunks, int64(fileHeaderSize)+int64(d.chunks-1)*chunkSize
	j := &job{done: make(chan struct{})}
	d.queue = append(d.queue, j)
	if d.workers == 1 {
		j.items = p.decodeChunk(p.buf[:n], no, off)
		close(j.done)
		d.release(p)
		return
	}
	go func() {
		j.items = p.decodeChunk(p.buf[:n], no, off)
		d.release(p)
		close(j.done)
	}()
}

// release keeps p for the next chunk, unless enough are kept already.
func (d *Decoder) release(p *parser) {
	p.c, p.cp.c = nil, nil
	select {
	case d.free <- p:
	default:
	}
}
