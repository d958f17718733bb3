// Package store is serve's durable state: one bbolt file holding the
// accepted events (the log replayed on start to rebuild windows), the alert
// log with its id index, the delivery cursor of every sink, the offsets of
// event sources, and metadata. It is the only package that imports bbolt.
//
// Every write is one bbolt transaction, committed with fsync before the
// method returns, so a caller may acknowledge what it wrote as soon as the
// call succeeds. A Store is safe for concurrent use; bbolt serializes
// writers.
package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// FileName is the name of the database file inside the data directory.
const FileName = "stagewatch.db"

// Bucket names. They are part of the file format.
var (
	bucketEvents  = []byte("events")       // time(8) seq(8) -> native JSON
	bucketAlerts  = []byte("alerts")       // seq(8) -> alert JSON
	bucketIndex   = []byte("alert_index")  // id -> latest seq(8) + content hash(32)
	bucketSeen    = []byte("alert_hashes") // id 0 hash(32) -> seq(8)
	bucketCursors = []byte("cursors")      // sink name -> seq(8)
	bucketOffsets = []byte("offsets")      // source name -> opaque bytes
	bucketMeta    = []byte("meta")         // name -> bytes
)

// ErrFull reports that the database reached its size limit. Reads still
// work; writes fail until pruning frees space or the limit is raised.
var ErrFull = errors.New("store is full")

// Options tune Open. The zero value is a durable store without a size
// limit.
type Options struct {
	// MaxSize is the largest the database file may grow, in bytes; 0 means
	// no limit. A write that would grow the file beyond it fails with
	// ErrFull (this is how "disk full" is tested without filling a disk).
	MaxSize int
	// Timeout is how long Open waits for the file lock another process
	// holds; 0 means one second.
	Timeout time.Duration
}

// Store is an open database.
type Store struct {
	db   *bolt.DB
	path string

	mu    sync.Mutex
	fault error // injected write error, for tests of failing storage
}

// Open opens or creates the database in dir, creating dir if needed.
func Open(dir string, o Options) (*Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("data dir: %w", err)
	}
	if o.Timeout == 0 {
		o.Timeout = time.Second
	}
	path := filepath.Join(dir, FileName)
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: o.Timeout, MaxSize: o.MaxSize, FreelistType: bolt.FreelistMapType})
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketEvents, bucketAlerts, bucketIndex, bucketSeen, bucketCursors, bucketOffsets, bucketMeta} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", path, wrap(err))
	}
	return &Store{db: db, path: path}, nil
}

// Close closes the database. Every successful write is already on disk.
func (s *Store) Close() error { return s.db.Close() }

// Path returns the database file's path.
func (s *Store) Path() string { return s.path }

// Size returns the size of the database file in bytes.
func (s *Store) Size() int64 {
	var n int64
	_ = s.db.View(func(tx *bolt.Tx) error {
		n = tx.Size()
		return nil
	})
	return n
}

// InjectFault makes every later write fail with err until it is called
// with nil. It exists so that tests can make storage fail and recover.
func (s *Store) InjectFault(err error) {
	s.mu.Lock()
	s.fault = err
	s.mu.Unlock()
}

// Writable reports whether a write transaction can commit now: it writes
// the meta key "probe" and returns the error if that fails.
func (s *Store) Writable() error {
	return s.update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketMeta).Put([]byte("probe"), []byte{1})
	})
}

// update runs fn in a write transaction, honouring an injected fault.
func (s *Store) update(fn func(tx *bolt.Tx) error) error {
	s.mu.Lock()
	fault := s.fault
	s.mu.Unlock()
	if fault != nil {
		return fault
	}
	return wrap(s.db.Update(fn))
}

// wrap maps bbolt's size-limit error to ErrFull.
func wrap(err error) error {
	if errors.Is(err, berrors.ErrMaxSizeReached) {
		return fmt.Errorf("%w: %v", ErrFull, err)
	}
	return err
}

// SetMeta stores value under key in the meta bucket.
func (s *Store) SetMeta(key string, value []byte) error {
	return s.update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketMeta).Put([]byte(key), value)
	})
}

// Meta returns the value stored under key, or nil.
func (s *Store) Meta(key string) ([]byte, error) {
	return s.get(bucketMeta, []byte(key))
}

// Offset returns the offset last stored for source name, or nil. Offsets
// are written with the events they cover (see AppendEvents), so a consumer
// that resumes from the stored offset neither loses nor repeats a batch.
func (s *Store) Offset(name string) ([]byte, error) {
	return s.get(bucketOffsets, []byte(name))
}

// Cursor returns the sequence number of the last alert log record sink
// name has delivered; 0 means none.
func (s *Store) Cursor(name string) (uint64, error) {
	b, err := s.get(bucketCursors, []byte(name))
	if err != nil || len(b) != 8 {
		return 0, err
	}
	return binary.BigEndian.Uint64(b), nil
}

// InitCursor returns the cursor of sink name, first setting it to seq if
// the sink has none: a sink added to an existing store starts at the end of
// the alert log instead of receiving its whole history.
func (s *Store) InitCursor(name string, seq uint64) (uint64, error) {
	var cur uint64
	err := s.update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketCursors)
		if v := b.Get([]byte(name)); len(v) == 8 {
			cur = binary.BigEndian.Uint64(v)
			return nil
		}
		cur = seq
		return b.Put([]byte(name), u64(seq))
	})
	return cur, err
}

// SetCursor records that sink name has delivered every alert log record up
// to and including seq.
func (s *Store) SetCursor(name string, seq uint64) error {
	return s.update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketCursors).Put([]byte(name), u64(seq))
	})
}

func (s *Store) get(bucket, key []byte) ([]byte, error) {
	var out []byte
	err := s.db.View(func(tx *bolt.Tx) error {
		if v := tx.Bucket(bucket).Get(key); v != nil {
			out = append([]byte(nil), v...)
		}
		return nil
	})
	return out, err
}

func u64(n uint64) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], n)
	return b[:]
}
