package auditd

import (
	"github.com/elastic/go-libaudit/v2/auparse"
)

// Limits of the streaming grouper. Records of one event are normally
// adjacent; these bound how far apart they may be and how much one event
// may hold, so memory stays bounded on any input.
const (
	// lookahead is how many records of other events may follow an
	// event's last record before the event is taken as complete.
	lookahead = 64
	// maxPending is how many incomplete events are held at once; the
	// oldest is completed when another starts.
	maxPending = 64
	// maxRecords is the most records one event keeps; later records of
	// it are dropped and counted.
	maxRecords = 1024
)

// groupKey identifies an event: records of one event share node, time
// stamp and serial (serials restart at boot, the stamp tells them apart).
type groupKey struct {
	node   string
	stamp  string
	serial uint32
}

// group is the records of one event, in the order read.
type group struct {
	key    groupKey
	recs   []record
	host   string // host name from the carrier (a Syslog row), used without node=
	index  int64  // 1-based event number, by first record
	last   int64  // record counter value when the last record was added
	closed bool   // ended by EOE
}

// assembler groups records into events as they stream in. An event is
// complete on its EOE record, when lookahead records of other events have
// followed it, when maxPending newer events are open, or at the end.
type assembler struct {
	pending []*group // open events, oldest first
	seq     int64    // records added
	events  int64    // events started
	dropped int      // records dropped by maxRecords
}

// add takes one record and appends the events it completes to out.
func (a *assembler) add(r record, host string, out []*group) []*group {
	a.seq++
	key := groupKey{node: r.node, stamp: r.stamp, serial: r.serial}
	at := -1
	for i, g := range a.pending {
		if g.key == key {
			at = i
			break
		}
	}
	switch {
	case r.typ == auparse.AUDIT_EOE:
		if at >= 0 {
			g := a.pending[at]
			g.closed = true
			a.pending = append(a.pending[:at], a.pending[at+1:]...)
			out = append(out, g)
		}
	case r.auoms != "":
		// An AUOMS record is a whole event.
		a.events++
		out = append(out, &group{key: key, recs: []record{r}, host: host, index: a.events, closed: true})
	case at >= 0:
		g := a.pending[at]
		if len(g.recs) < maxRecords {
			g.recs = append(g.recs, r)
		} else {
			a.dropped++
		}
		g.last = a.seq
	default:
		a.events++
		recs := make([]record, 1, 8) // an event has about six records
		recs[0] = r
		a.pending = append(a.pending, &group{key: key, recs: recs, host: host, index: a.events, last: a.seq})
	}
	// Complete events that have gone quiet, and the oldest when too many
	// are open, keeping first-seen order.
	keep := a.pending[:0]
	for i, g := range a.pending {
		if a.seq-g.last > lookahead || len(a.pending)-i > maxPending {
			out = append(out, g)
			continue
		}
		keep = append(keep, g)
	}
	clear(a.pending[len(keep):])
	a.pending = keep
	return out
}

// flush completes every open event, at the end of input.
func (a *assembler) flush(out []*group) []*group {
	out = append(out, a.pending...)
	clear(a.pending)
	a.pending = a.pending[:0]
	return out
}
