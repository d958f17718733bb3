package cloudtest

import (
	"bytes"
	"io"
	"runtime"
	"testing"

	"github.com/stagewatch/stagewatch"
)

// Envelope returns a reader of a {"<wrapper>":[...]} document of about
// size bytes, made by repeating records (each a JSON object). The
// document is generated as it is read, so it takes no memory of its own
// and a decoder's peak heap can be measured on it.
func Envelope(wrapper string, records [][]byte, size int64) io.Reader {
	head := []byte(`{"` + wrapper + `":[`)
	return &envelope{head: head, records: records, left: size - int64(len(head)) - 2}
}

type envelope struct {
	head    []byte
	records [][]byte
	next    int
	left    int64
	pending []byte
	done    bool
	started bool
}

func (e *envelope) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if len(e.pending) == 0 {
			switch {
			case !e.started:
				e.pending, e.started = e.head, true
			case e.done:
				return n, io.EOF
			case e.left <= 0:
				e.pending, e.done = []byte("]}"), true
			default:
				r := e.records[e.next%len(e.records)]
				if e.next > 0 {
					e.pending = append([]byte{','}, r...)
				} else {
					e.pending = r
				}
				e.next++
				e.left -= int64(len(e.pending))
			}
		}
		c := copy(p[n:], e.pending)
		e.pending = e.pending[c:]
		n += c
	}
	return n, nil
}

// PeakHeap decodes src to the end and returns the events read and the
// largest live heap seen, sampled every 2,000 records after a collection.
func PeakHeap(t testing.TB, src stagewatch.Source) (events int, peak uint64) {
	t.Helper()
	var ms runtime.MemStats
	for i := 0; ; i++ {
		ev, err := src.Decode()
		if err == io.EOF {
			return events, peak
		}
		if err != nil {
			t.Fatal(err)
		}
		if ev != nil {
			events++
		}
		if i%2000 == 0 {
			runtime.GC()
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc)
		}
	}
}

// Bench decodes in b.N times with open and reports MB/s, events/s and
// allocations, and the same per CPU second (the process's CPU time, which
// a busy shared machine does not inflate as it does wall time).
func Bench(b *testing.B, in []byte, open func(r io.Reader) stagewatch.Source) {
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	events := 0
	cpu0 := cpuTime()
	for b.Loop() {
		src := open(bytes.NewReader(in))
		for {
			_, err := src.Decode()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			events++
		}
	}
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
	if cpu := (cpuTime() - cpu0).Seconds(); cpu > 0 {
		b.ReportMetric(float64(len(in))*float64(b.N)/1e6/cpu, "MB/cpu-s")
		b.ReportMetric(float64(events)/cpu, "events/cpu-s")
	}
	b.ReportMetric(float64(events)/float64(b.N), "events/op")
}
