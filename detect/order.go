package detect

import (
	"cmp"
	"strings"

	"github.com/stagewatch/stagewatch"
)

// Compare orders events by time and then by their content: host, kind, file
// path, command line and origin (file, line, record, record id). It returns
// -1, 0 or +1. Two events compare equal only when every one of those fields
// is equal, so sorting by Compare gives the same sequence whatever order the
// events arrived in; that is what makes hunt results independent of file
// order.
func Compare(a, b *stagewatch.Event) int {
	if c := a.Time.Compare(b.Time); c != 0 {
		return c
	}
	if c := strings.Compare(a.Host.Name, b.Host.Name); c != 0 {
		return c
	}
	if c := strings.Compare(a.Host.ID, b.Host.ID); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Kind, b.Kind); c != 0 {
		return c
	}
	if c := strings.Compare(a.File.Path, b.File.Path); c != 0 {
		return c
	}
	if c := strings.Compare(a.Proc.CommandLine, b.Proc.CommandLine); c != 0 {
		return c
	}
	if c := strings.Compare(a.Origin.File, b.Origin.File); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Origin.Line, b.Origin.Line); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Origin.Record, b.Origin.Record); c != 0 {
		return c
	}
	return strings.Compare(a.Origin.RecordID, b.Origin.RecordID)
}

// minHeap is a binary min-heap ordered by less. It is written out rather
// than built on container/heap so that pushes and pops of pointers neither
// box nor allocate once the slice has grown.
type minHeap[T any] struct {
	items []T
	less  func(a, b T) bool
}

func (h *minHeap[T]) len() int { return len(h.items) }

// top returns the least item; the heap must not be empty.
func (h *minHeap[T]) top() T { return h.items[0] }

func (h *minHeap[T]) push(x T) {
	h.items = append(h.items, x)
	h.up(len(h.items) - 1)
}

// pop removes and returns the least item; the heap must not be empty.
func (h *minHeap[T]) pop() T {
	n := len(h.items) - 1
	x := h.items[0]
	h.items[0] = h.items[n]
	var zero T
	h.items[n] = zero // drop the reference so the event can be collected
	h.items = h.items[:n]
	if n > 0 {
		h.down(0)
	}
	return x
}

// fixTop restores the order after the least item changed in place.
func (h *minHeap[T]) fixTop() { h.down(0) }

func (h *minHeap[T]) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !h.less(h.items[i], h.items[p]) {
			return
		}
		h.items[i], h.items[p] = h.items[p], h.items[i]
		i = p
	}
}

func (h *minHeap[T]) down(i int) {
	n := len(h.items)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		m := l
		if r := l + 1; r < n && h.less(h.items[r], h.items[l]) {
			m = r
		}
		if !h.less(h.items[m], h.items[i]) {
			return
		}
		h.items[i], h.items[m] = h.items[m], h.items[i]
		i = m
	}
}

// eventLess is the heap order of events.
func eventLess(a, b *stagewatch.Event) bool { return Compare(a, b) < 0 }

// newEventHeap returns an empty event heap.
func newEventHeap() minHeap[*stagewatch.Event] {
	return minHeap[*stagewatch.Event]{less: eventLess}
}

// reorderBuffer holds events until they can be released in Compare order.
// Telemetry mostly arrives in order, so events not less than the newest
// in-order event go to a FIFO at O(1) and only the stragglers pay for the
// heap; the least of the two heads is released first.
type reorderBuffer struct {
	fifo []*stagewatch.Event // in Compare order from head on
	head int
	heap minHeap[*stagewatch.Event]
}

func newReorderBuffer() reorderBuffer {
	return reorderBuffer{heap: newEventHeap()}
}

func (b *reorderBuffer) len() int { return len(b.fifo) - b.head + b.heap.len() }

func (b *reorderBuffer) push(ev *stagewatch.Event) {
	if n := len(b.fifo); n == b.head || Compare(ev, b.fifo[n-1]) >= 0 {
		b.fifo = append(b.fifo, ev)
		return
	}
	b.heap.push(ev)
}

// top returns the least event; the buffer must not be empty.
func (b *reorderBuffer) top() *stagewatch.Event {
	if b.fromHeap() {
		return b.heap.top()
	}
	return b.fifo[b.head]
}

// pop removes and returns the least event; the buffer must not be empty.
func (b *reorderBuffer) pop() *stagewatch.Event {
	if b.fromHeap() {
		return b.heap.pop()
	}
	ev := b.fifo[b.head]
	b.fifo[b.head] = nil
	b.head++
	switch n := len(b.fifo) - b.head; {
	case n == 0:
		b.fifo, b.head = b.fifo[:0], 0
	case b.head >= 1024 && b.head >= n:
		// Slide the live part down so the slice does not grow forever.
		copy(b.fifo, b.fifo[b.head:])
		clear(b.fifo[n:])
		b.fifo, b.head = b.fifo[:n], 0
	}
	return ev
}

// fromHeap reports whether the least event is the heap's.
func (b *reorderBuffer) fromHeap() bool {
	if b.heap.len() == 0 {
		return false
	}
	return len(b.fifo) == b.head || Compare(b.heap.top(), b.fifo[b.head]) < 0
}
