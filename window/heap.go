package window

import "time"

// entry is one scheduled look at a group. Entries are never removed early:
// a group that changes its deadline pushes a new entry and the old one is
// skipped as stale when popped.
type entry[K comparable] struct {
	at  time.Time
	key K
	gen uint64
}

// deadlines is a binary min-heap of entries by time. It is hand-rolled so
// that pushing does not box entries into interfaces.
type deadlines[K comparable] struct {
	h []entry[K]
}

func (d *deadlines[K]) len() int       { return len(d.h) }
func (d *deadlines[K]) min() *entry[K] { return &d.h[0] }

func (d *deadlines[K]) push(e entry[K]) {
	d.h = append(d.h, e)
	i := len(d.h) - 1
	for i > 0 {
		p := (i - 1) / 2
		if !d.h[i].at.Before(d.h[p].at) {
			break
		}
		d.h[i], d.h[p] = d.h[p], d.h[i]
		i = p
	}
}

func (d *deadlines[K]) pop() entry[K] {
	top := d.h[0]
	last := len(d.h) - 1
	d.h[0] = d.h[last]
	var zero entry[K]
	d.h[last] = zero
	d.h = d.h[:last]
	i := 0
	for {
		l := 2*i + 1
		if l >= len(d.h) {
			break
		}
		c := l
		if r := l + 1; r < len(d.h) && d.h[r].at.Before(d.h[l].at) {
			c = r
		}
		if !d.h[c].at.Before(d.h[i].at) {
			break
		}
		d.h[i], d.h[c] = d.h[c], d.h[i]
		i = c
	}
	return top
}
