package store

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/decode/native"
)

// Events are keyed by event time and then by arrival sequence, so replay
// reads them in event-time order and pruning deletes a prefix of the key
// space.

// eventKey returns the 16-byte key of an event: its time in nanoseconds with
// the sign bit flipped (so that byte order is time order) and seq.
func eventKey(t time.Time, seq uint64) []byte {
	var k [16]byte
	binary.BigEndian.PutUint64(k[:8], uint64(t.UnixNano())^1<<63)
	binary.BigEndian.PutUint64(k[8:], seq)
	return k[:]
}

// keyTime returns the event time encoded in an event key.
func keyTime(k []byte) time.Time {
	return time.Unix(0, int64(binary.BigEndian.Uint64(k[:8])^1<<63)).UTC()
}

// AppendEvents makes evs durable in one transaction, together with the
// source offsets (name -> opaque bytes) they cover, if any. When it returns
// nil, every event is on disk; on error none is.
func (s *Store) AppendEvents(evs []*stagewatch.Event, offsets map[string][]byte) error {
	vals := make([][]byte, len(evs))
	for i, ev := range evs {
		b, err := native.Marshal(ev)
		if err != nil {
			return fmt.Errorf("event %d: %w", i+1, err)
		}
		vals[i] = b
	}
	return s.update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketEvents)
		for i, ev := range evs {
			seq, err := b.NextSequence()
			if err != nil {
				return err
			}
			if err := b.Put(eventKey(ev.Time, seq), vals[i]); err != nil {
				return err
			}
		}
		ob := tx.Bucket(bucketOffsets)
		for name, off := range offsets {
			if err := ob.Put([]byte(name), off); err != nil {
				return err
			}
		}
		return nil
	})
}

// Events calls fn with every stored event at or after from, in event-time
// order (ties in arrival order). It stops at and returns fn's first error.
// The events are decoded afresh and belong to fn.
func (s *Store) Events(from time.Time, fn func(ev *stagewatch.Event) error) error {
	return s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketEvents).Cursor()
		for k, v := c.Seek(eventKey(from, 0)); k != nil; k, v = c.Next() {
			ev, err := native.Unmarshal(v)
			if err != nil {
				return fmt.Errorf("stored event at %s: %w", keyTime(k).Format(time.RFC3339Nano), err)
			}
			if err := fn(ev); err != nil {
				return err
			}
		}
		return nil
	})
}

// EventCount returns the number of stored events. It walks the bucket, so
// it is for tests and occasional reporting, not the ingest path.
func (s *Store) EventCount() int {
	var n int
	_ = s.db.View(func(tx *bolt.Tx) error {
		n = tx.Bucket(bucketEvents).Stats().KeyN
		return nil
	})
	return n
}

// pruneChunk bounds the deletes of one transaction, so pruning a large
// backlog does not hold the writer lock or grow the file for long.
const pruneChunk = 10000

// PruneEvents deletes the events with a time before cutoff and returns how
// many it deleted. The space they held is reused by later writes.
func (s *Store) PruneEvents(cutoff time.Time) (int, error) {
	end := eventKey(cutoff, 0)
	total := 0
	for {
		n := 0
		err := s.update(func(tx *bolt.Tx) error {
			// Collect first: deleting under a moving cursor can skip keys.
			b := tx.Bucket(bucketEvents)
			var keys [][]byte
			c := b.Cursor()
			for k, _ := c.First(); k != nil && bytes.Compare(k, end) < 0 && len(keys) < pruneChunk; k, _ = c.Next() {
				keys = append(keys, k)
			}
			for _, k := range keys {
				if err := b.Delete(k); err != nil {
					return err
				}
			}
			n = len(keys)
			return nil
		})
		total += n
		if err != nil || n < pruneChunk {
			return total, err
		}
	}
}

// EventSpan returns the times of the oldest and newest stored events; ok is
// false when there is none.
func (s *Store) EventSpan() (first, last time.Time, ok bool) {
	_ = s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketEvents).Cursor()
		k, _ := c.First()
		if k == nil {
			return nil
		}
		first, ok = keyTime(k), true
		k, _ = c.Last()
		last = keyTime(k)
		return nil
	})
	return first, last, ok
}
