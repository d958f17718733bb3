// Package synth generates deterministic synthetic telemetry for benchmarks
// and scale tests. MDE writes Defender for Endpoint streaming records
// (NDJSON, one record per line, as the streaming API writes to a storage
// account) of DeviceFileEvents, DeviceProcessEvents and DeviceNetworkEvents:
// mostly benign background with a configurable share of data staging.
//
// The same Options always produce byte-identical output (for one Go
// toolchain), so benchmark inputs and scale-test expectations are stable.
package synth

import (
	"bufio"
	"io"
	"math/rand/v2"
	"time"
)

// Options configures the generator. The zero value is usable; see the field
// comments for defaults.
type Options struct {
	// Seed selects the output; the same seed gives the same bytes.
	Seed int64
	// Events is the number of records to write (default 1000).
	Events int
	// Hosts is the number of devices the records come from (default 10).
	Hosts int
	// StagingRatio is the share of records, 0 to 1, that belong to staging
	// episodes: bulk document copies into staging folders, archives created
	// there, robocopy/xcopy runs into them. Zero means only benign activity.
	StagingRatio float64
	// Start is the event time of the first record (default
	// 2026-01-05T08:00:00Z). Records then advance about four per second,
	// slightly out of order.
	Start time.Time
	// CRLF ends lines with "\r\n", as storage-account blobs do.
	CRLF bool
}

func (o Options) withDefaults() Options {
	if o.Events <= 0 {
		o.Events = 1000
	}
	if o.Hosts <= 0 {
		o.Hosts = 10
	}
	if o.Start.IsZero() {
		o.Start = time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC)
	}
	o.StagingRatio = max(0, min(1, o.StagingRatio))
	return o
}

// MDE writes o.Events streaming records to w.
func MDE(w io.Writer, o Options) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	g := newGen(o)
	var line []byte
	for {
		var ok bool
		line, ok = g.next(line[:0])
		if !ok {
			break
		}
		if _, err := bw.Write(line); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// MDEBytes returns the whole output of MDE for o.
func MDEBytes(o Options) []byte {
	g := newGen(o)
	b := make([]byte, 0, g.o.Events*3200) // rows average about 3 KB
	for {
		var ok bool
		if b, ok = g.next(b); !ok {
			return b
		}
	}
}

// MDERows returns the records of MDE for o one per element, each with its
// line ending.
func MDERows(o Options) [][]byte {
	g := newGen(o)
	rows := make([][]byte, 0, g.o.Events)
	for {
		line, ok := g.next(nil)
		if !ok {
			return rows
		}
		rows = append(rows, line)
	}
}

// episode is one burst of related records on one host: a browser filling
// its cache, an installer unpacking, an operator staging documents.
type episode struct {
	host    *host
	rows    []*row
	next    int
	staging bool
}

// gen is one run of the generator.
type gen struct {
	o      Options
	r      *rand.Rand
	cat    *catalog
	hosts  []*host
	tenant string
	clock  time.Time

	active    []*episode
	planned   int // rows in all episodes started so far
	staged    int // of which staging rows
	emitted   int
	stagedOut int // staging rows written, for tests
	seq       int // names staging folders and archives
}

func newGen(o Options) *gen {
	o = o.withDefaults()
	r := rand.New(rand.NewPCG(uint64(o.Seed), 0x5747_5354_4147_4531))
	g := &gen{o: o, r: r, clock: o.Start.UTC()}
	g.cat = newCatalog(r)
	g.tenant = randUUID(r)
	domainSID := "S-1-5-21-" + itoa(int64(1e9+r.IntN(1e9))) + "-" + itoa(int64(1e9+r.IntN(1e9))) + "-" + itoa(int64(1e9+r.IntN(1e9)))
	for i := range o.Hosts {
		g.hosts = append(g.hosts, newHost(r, i, domainSID))
	}
	return g
}

// next appends the next record and its line ending to b; it reports false
// when Events records have been written.
func (g *gen) next(b []byte) ([]byte, bool) {
	if g.emitted >= g.o.Events {
		return b, false
	}
	for len(g.active) < min(len(g.hosts), 8) {
		g.active = append(g.active, g.newEpisode())
	}
	i := g.r.IntN(len(g.active))
	ep := g.active[i]
	rw := ep.rows[ep.next]
	ep.next++
	if ep.next == len(ep.rows) {
		g.active = append(g.active[:i], g.active[i+1:]...)
	}
	g.clock = g.clock.Add(time.Duration(g.r.ExpFloat64() * float64(250*time.Millisecond)))
	jitter := time.Duration(g.r.NormFloat64() * float64(300*time.Millisecond))
	jitter = max(-2*time.Second, min(2*time.Second, jitter))
	b = g.render(b, ep.host, rw, g.clock.Add(jitter).Truncate(100*time.Nanosecond))
	if g.o.CRLF {
		b = append(b, '\r')
	}
	g.emitted++
	if ep.staging {
		g.stagedOut++
	}
	return append(b, '\n'), true
}

func (g *gen) newEpisode() *episode {
	h := g.hosts[g.r.IntN(len(g.hosts))]
	ratio := g.o.StagingRatio
	staging := ratio >= 1 || (ratio > 0 && g.planned > 0 && float64(g.staged) < ratio*float64(g.planned))
	var rows []*row
	if staging {
		rows = g.staging(h)
	} else {
		rows = g.benign(h)
	}
	g.planned += len(rows)
	if staging {
		g.staged += len(rows)
	}
	return &episode{host: h, rows: rows, staging: staging}
}
