package sink

import (
	"fmt"
	"os"
	"strconv"

	"github.com/stagewatch/stagewatch"
)

// MarshalLine encodes a as one line of the ndjson format, without the
// newline: exactly what `hunt --output ndjson` writes for it.
func MarshalLine(a stagewatch.Alert) ([]byte, error) {
	return marshal(&a, "", "")
}

// RotatingFile is an append-only file that is rotated when it would grow
// beyond a size: path becomes path.1, path.1 becomes path.2 and so on, and
// the oldest beyond Keep is deleted. Writes are never split across files.
// It is not safe for concurrent use.
type RotatingFile struct {
	path    string
	maxSize int64 // 0: never rotate
	keep    int
	f       *os.File
	size    int64
}

// OpenRotating opens path for appending, creating it if needed. maxSize 0
// disables rotation; keep is how many rotated files to keep (at least 1).
func OpenRotating(path string, maxSize int64, keep int) (*RotatingFile, error) {
	if keep < 1 {
		keep = 1
	}
	r := &RotatingFile{path: path, maxSize: maxSize, keep: keep}
	if err := r.open(); err != nil {
		return nil, err
	}
	return r, nil
}

func (r *RotatingFile) open() error {
	f, err := os.OpenFile(r.path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o640)
	if err != nil {
		return err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return err
	}
	r.f, r.size = f, fi.Size()
	return nil
}

// Write appends p, rotating first if p would take the file over its size.
func (r *RotatingFile) Write(p []byte) (int, error) {
	if r.maxSize > 0 && r.size > 0 && r.size+int64(len(p)) > r.maxSize {
		if err := r.rotate(); err != nil {
			return 0, fmt.Errorf("rotate %s: %w", r.path, err)
		}
	}
	n, err := r.f.Write(p)
	r.size += int64(n)
	return n, err
}

// Sync flushes the current file to disk.
func (r *RotatingFile) Sync() error { return r.f.Sync() }

// Close closes the current file.
func (r *RotatingFile) Close() error { return r.f.Close() }

func (r *RotatingFile) rotate() error {
	if err := r.f.Close(); err != nil {
		return err
	}
	name := func(i int) string { return r.path + "." + strconv.Itoa(i) }
	if err := os.Remove(name(r.keep)); err != nil && !os.IsNotExist(err) {
		return err
	}
	for i := r.keep - 1; i >= 1; i-- {
		if err := os.Rename(name(i), name(i+1)); err != nil && !os.IsNotExist(err) {
			return err
		}
	}
	if err := os.Rename(r.path, name(1)); err != nil {
		return err
	}
	return r.open()
}
