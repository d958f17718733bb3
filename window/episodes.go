// Package window provides event-time windows for analytics: a keyed
// distinct-count over a sliding window that opens an Episode when a group
// crosses its threshold, folds later matches into it and closes it by a fixed
// rule. Time only moves with the events and watermarks it is given; it never
// reads the wall clock.
//
// Memory grows with open groups only: a group below its threshold holds at
// most Threshold-1 pending matches, and every group is dropped as soon as its
// deadline passes.
package window

import (
	"cmp"
	"slices"
	"time"
)

// Config says when an episode opens and closes.
//
// A group opens an episode when it has seen Threshold distinct ids within
// Width, that is with every match younger than Width relative to the newest
// one. The episode starts at the time of the oldest of those matches. It
// closes at its deadline, the earlier of Last+Gap (no matching event for Gap;
// only when Gap > 0) and Start+Span (Span 0 means Width). A match at or after
// the deadline does not fold into the episode: it closes it and starts the
// group afresh, with no pending matches.
type Config struct {
	Width     time.Duration // sliding window the threshold is counted in
	Threshold int           // distinct ids within Width that open an episode; at least 1
	Gap       time.Duration // quiet time that closes an episode; 0 disables
	Span      time.Duration // longest an episode stays open from its start; 0 means Width
	// Updates makes Advance also return, flagged Open, the open episodes
	// that opened or took a match since the previous Advance, so a service
	// can raise an alert when the threshold is crossed and update it while
	// it grows. Closed episodes are reported as without it.
	Updates bool
	// UpdateEvery spaces the reports of one open episode after its first:
	// a changed episode is reported again only once event time has moved
	// UpdateEvery past its previous report (0: at every Advance).
	UpdateEvery time.Duration
}

// Episode is one group's run of matches from the threshold crossing to its
// close.
type Episode[K comparable, A any] struct {
	Key      K
	Start    time.Time // time of the oldest match that counted towards the threshold
	Last     time.Time // time of the newest match folded in
	Matches  int       // matches folded in, repeats of an id included
	Distinct int       // distinct ids folded in
	Acc      A         // the caller's accumulator
	// Open is set on the episodes Advance reports under Config.Updates
	// before they close; the caller must not keep Acc's references, which
	// later matches change.
	Open bool
}

// Episodes tracks groups keyed by K. Items of type E are folded into an
// accumulator of type A by the fold function given to New. It is not safe for
// concurrent use.
type Episodes[K comparable, E any, A any] struct {
	cfg    Config
	fold   func(acc *A, item E)
	groups map[K]*group[K, E, A]
	dl     deadlines[K]
	gen    uint64
	out    []Episode[K, A]
	dirty  []K // open groups changed since the last Advance, under Updates
}

type pending[E any] struct {
	id   uint64
	t    time.Time
	item E
}

type group[K comparable, E any, A any] struct {
	gen     uint64
	sched   time.Time // deadline of the group's valid heap entry
	pending []pending[E]
	open    bool
	dirty   bool      // listed in Episodes.dirty
	told    time.Time // when the open episode was last reported, under Updates
	ep      Episode[K, A]
	ids     map[uint64]struct{}
}

// New returns an empty Episodes. fold adds one item to an accumulator; it is
// called for the pending items when an episode opens and for every later
// match.
func New[K comparable, E any, A any](cfg Config, fold func(acc *A, item E)) *Episodes[K, E, A] {
	if cfg.Threshold < 1 {
		cfg.Threshold = 1
	}
	if cfg.Span <= 0 {
		cfg.Span = cfg.Width
	}
	return &Episodes[K, E, A]{cfg: cfg, fold: fold, groups: make(map[K]*group[K, E, A])}
}

// Len returns the number of groups held: open episodes and groups with
// pending matches.
func (w *Episodes[K, E, A]) Len() int { return len(w.groups) }

// Add records one match of key at t. id identifies the thing counted (a file,
// a command): repeats of an id count once towards the threshold. It returns
// the episode of key that the match closed, if any. The returned slice is
// only valid until the next call.
func (w *Episodes[K, E, A]) Add(key K, id uint64, t time.Time, item E) []Episode[K, A] {
	w.out = w.out[:0]
	g := w.groups[key]
	if g != nil && g.open && !t.Before(w.deadline(g)) {
		w.close(key, g)
		g = nil
	}
	if g == nil {
		w.gen++
		g = &group[K, E, A]{gen: w.gen}
		w.groups[key] = g
	}
	if g.open {
		w.foldInto(g, id, t, item)
		w.reschedule(key, g)
		return w.out
	}
	w.evictPending(g, t)
	replaced := false
	for i := range g.pending {
		if g.pending[i].id == id {
			// Keep the newest sighting of an id so it stays in the window longest.
			copy(g.pending[i:], g.pending[i+1:])
			g.pending[len(g.pending)-1] = pending[E]{id: id, t: t, item: item}
			replaced = true
			break
		}
	}
	if !replaced {
		g.pending = append(g.pending, pending[E]{id: id, t: t, item: item})
	}
	if len(g.pending) >= w.cfg.Threshold {
		w.openEpisode(key, g)
	}
	w.reschedule(key, g)
	return w.out
}

func (w *Episodes[K, E, A]) openEpisode(key K, g *group[K, E, A]) {
	g.open = true
	g.ep = Episode[K, A]{Key: key, Start: g.pending[0].t}
	for _, p := range g.pending {
		if p.t.Before(g.ep.Start) {
			g.ep.Start = p.t
		}
	}
	g.ids = make(map[uint64]struct{}, len(g.pending)*2)
	// Pending matches are in arrival order, which is time order per key.
	for _, p := range slices.SortedStableFunc(slices.Values(g.pending), func(a, b pending[E]) int { return a.t.Compare(b.t) }) {
		w.foldInto(g, p.id, p.t, p.item)
	}
	clear(g.pending)
	g.pending = nil
}

func (w *Episodes[K, E, A]) foldInto(g *group[K, E, A], id uint64, t time.Time, item E) {
	if w.cfg.Updates && !g.dirty {
		g.dirty = true
		w.dirty = append(w.dirty, g.ep.Key)
	}
	g.ep.Matches++
	if _, ok := g.ids[id]; !ok {
		g.ids[id] = struct{}{}
		g.ep.Distinct++
	}
	if t.After(g.ep.Last) {
		g.ep.Last = t
	}
	w.fold(&g.ep.Acc, item)
}

// evictPending drops pending matches that are Width or more older than t.
func (w *Episodes[K, E, A]) evictPending(g *group[K, E, A], t time.Time) {
	cut := t.Add(-w.cfg.Width)
	n := 0
	for _, p := range g.pending {
		if p.t.After(cut) {
			g.pending[n] = p
			n++
		}
	}
	clear(g.pending[n:])
	g.pending = g.pending[:n]
}

// deadline is the time at which the group must be looked at again: its
// episode closes, or its oldest pending match leaves the window.
func (w *Episodes[K, E, A]) deadline(g *group[K, E, A]) time.Time {
	if g.open {
		d := g.ep.Start.Add(w.cfg.Span)
		if w.cfg.Gap > 0 {
			if q := g.ep.Last.Add(w.cfg.Gap); q.Before(d) {
				d = q
			}
		}
		return d
	}
	oldest := g.pending[0].t
	for _, p := range g.pending[1:] {
		if p.t.Before(oldest) {
			oldest = p.t
		}
	}
	return oldest.Add(w.cfg.Width)
}

func (w *Episodes[K, E, A]) reschedule(key K, g *group[K, E, A]) {
	d := w.deadline(g)
	if g.sched.IsZero() || d.Before(g.sched) {
		g.sched = d
		w.dl.push(entry[K]{at: d, key: key, gen: g.gen})
	}
}

func (w *Episodes[K, E, A]) close(key K, g *group[K, E, A]) {
	w.out = append(w.out, g.ep)
	delete(w.groups, key)
}

// Advance tells the tracker that event time has reached t. It closes the
// episodes whose deadline is at or before t, drops expired pending matches
// and returns the closed episodes ordered by start, then by deadline. The
// returned slice is only valid until the next call.
func (w *Episodes[K, E, A]) Advance(t time.Time) []Episode[K, A] {
	w.out = w.out[:0]
	for w.dl.len() > 0 && !w.dl.min().at.After(t) {
		e := w.dl.pop()
		g := w.groups[e.key]
		if g == nil || g.gen != e.gen || !g.sched.Equal(e.at) {
			continue // stale entry
		}
		g.sched = time.Time{}
		if g.open {
			if d := w.deadline(g); !d.After(t) {
				w.close(e.key, g)
				continue
			}
		} else {
			w.evictPending(g, t)
			if len(g.pending) == 0 {
				delete(w.groups, e.key)
				continue
			}
		}
		w.reschedule(e.key, g)
	}
	w.reportOpen(t)
	slices.SortStableFunc(w.out, func(a, b Episode[K, A]) int { return a.Start.Compare(b.Start) })
	return w.out
}

// reportOpen adds the changed open episodes to w.out, flagged Open, except
// those reported less than UpdateEvery before t, which stay listed.
func (w *Episodes[K, E, A]) reportOpen(t time.Time) {
	keep := 0
	for _, k := range w.dirty {
		g := w.groups[k]
		if g == nil || !g.dirty {
			continue
		}
		if !g.open {
			g.dirty = false
			continue
		}
		if !g.told.IsZero() && t.Sub(g.told) < w.cfg.UpdateEvery {
			w.dirty[keep] = k
			keep++
			continue
		}
		g.dirty, g.told = false, t
		ep := g.ep
		ep.Open = true
		w.out = append(w.out, ep)
	}
	clear(w.dirty[keep:])
	w.dirty = w.dirty[:keep]
}

// Flush closes every open episode and forgets all pending matches, as at
// the end of input. Episodes are returned ordered by start; ties keep no
// particular order, so callers that need one sort further.
func (w *Episodes[K, E, A]) Flush() []Episode[K, A] {
	w.out = w.out[:0]
	for k, g := range w.groups {
		if g.open {
			w.out = append(w.out, g.ep)
		}
		delete(w.groups, k)
	}
	w.dl = deadlines[K]{}
	clear(w.dirty)
	w.dirty = w.dirty[:0]
	slices.SortStableFunc(w.out, func(a, b Episode[K, A]) int {
		return cmp.Or(a.Start.Compare(b.Start), a.Last.Compare(b.Last))
	})
	return w.out
}
