package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Alert is one alert log record: the alert's id and its JSON, exactly as
// sinks write it.
type Alert struct {
	Seq  uint64 // position in the log, from 1; set by LogAlerts
	ID   string
	JSON []byte
}

// LogAlerts appends to the alert log every alert whose content has not been
// logged under its id before, in one transaction, and returns the records
// it appended. An alert whose id was logged with other content is appended
// as an update (a new record with the same id); one whose id and content
// were logged before, at any point, is skipped: this is what makes a replay
// after a restart raise nothing twice. Alerts without an id are always
// appended.
func (s *Store) LogAlerts(alerts []Alert) ([]Alert, error) {
	var logged []Alert
	err := s.update(func(tx *bolt.Tx) error {
		logged = logged[:0]
		log, index, seen := tx.Bucket(bucketAlerts), tx.Bucket(bucketIndex), tx.Bucket(bucketSeen)
		for _, a := range alerts {
			sum := sha256.Sum256(a.JSON)
			var seenKey []byte
			if a.ID != "" {
				seenKey = append(append([]byte(a.ID), 0), sum[:]...)
				if seen.Get(seenKey) != nil {
					continue
				}
			}
			seq, err := log.NextSequence()
			if err != nil {
				return err
			}
			if err := log.Put(u64(seq), a.JSON); err != nil {
				return err
			}
			if a.ID != "" {
				if err := seen.Put(seenKey, u64(seq)); err != nil {
					return err
				}
				if err := index.Put([]byte(a.ID), append(u64(seq), sum[:]...)); err != nil {
					return err
				}
			}
			a.Seq = seq
			logged = append(logged, a)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return logged, nil
}

// AlertsAfter returns up to limit alert log records with a sequence number
// greater than seq, in log order.
func (s *Store) AlertsAfter(seq uint64, limit int) ([]Alert, error) {
	var out []Alert
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketAlerts).Cursor()
		for k, v := c.Seek(u64(seq + 1)); k != nil && len(out) < limit; k, v = c.Next() {
			out = append(out, Alert{Seq: binary.BigEndian.Uint64(k), ID: alertID(v), JSON: append([]byte(nil), v...)})
		}
		return nil
	})
	return out, err
}

// LastAlertSeq returns the sequence number of the newest alert log record;
// 0 when the log is empty.
func (s *Store) LastAlertSeq() uint64 {
	var n uint64
	_ = s.db.View(func(tx *bolt.Tx) error {
		n = tx.Bucket(bucketAlerts).Sequence()
		return nil
	})
	return n
}

// LatestAlert returns the sequence number of the newest record of alert id
// and whether there is one.
func (s *Store) LatestAlert(id string) (uint64, bool, error) {
	v, err := s.get(bucketIndex, []byte(id))
	if err != nil || len(v) < 8 {
		return 0, false, err
	}
	return binary.BigEndian.Uint64(v[:8]), true, nil
}

// alertID extracts the "id" of a stored alert, which the alert JSON writes
// first (ids are hex, never escaped); it returns "" when the record does not
// start that way.
func alertID(v []byte) string {
	rest, ok := bytes.CutPrefix(v, []byte(`{"id":"`))
	if !ok {
		return ""
	}
	end := bytes.IndexByte(rest, '"')
	if end < 0 {
		return ""
	}
	return string(rest[:end])
}

// PruneAlerts deletes the alert log records up to and including seq (those
// every sink has delivered) whose last_seen is before cutoff (the state
// horizon: no replay can report them again), with their index entries, and
// returns how many it deleted.
func (s *Store) PruneAlerts(seq uint64, cutoff time.Time) (int, error) {
	type victim struct {
		key  []byte
		id   string
		hash [32]byte
	}
	var victims []victim
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketAlerts).Cursor()
		for k, v := c.First(); k != nil && binary.BigEndian.Uint64(k) <= seq && len(victims) < pruneChunk; k, v = c.Next() {
			var a struct {
				LastSeen time.Time `json:"last_seen"`
			}
			if json.Unmarshal(v, &a) != nil || !a.LastSeen.Before(cutoff) {
				continue
			}
			victims = append(victims, victim{append([]byte(nil), k...), alertID(v), sha256.Sum256(v)})
		}
		return nil
	})
	if err != nil || len(victims) == 0 {
		return 0, err
	}
	err = s.update(func(tx *bolt.Tx) error {
		log, index, seen := tx.Bucket(bucketAlerts), tx.Bucket(bucketIndex), tx.Bucket(bucketSeen)
		for _, v := range victims {
			if err := log.Delete(v.key); err != nil {
				return err
			}
			if v.id == "" {
				continue
			}
			hk := append(append([]byte(v.id), 0), v.hash[:]...)
			if bytes.Equal(seen.Get(hk), v.key) {
				if err := seen.Delete(hk); err != nil {
					return err
				}
			}
			if cur := index.Get([]byte(v.id)); len(cur) >= 8 && bytes.Equal(cur[:8], v.key) {
				if err := index.Delete([]byte(v.id)); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return len(victims), nil
}
