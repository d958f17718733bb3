package esxi

import (
	"bytes"
	"compress/gzip"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSniffOthers checks that no other format's sample or corpus file under
// ../shared (auditd, Sysmon for Linux, eslogger, cloud JSON, Windows) is
// taken for ESXi. It skips when the shared folder is absent.
func TestSniffOthers(t *testing.T) {
	root := filepath.Join("..", "..", "..", "shared")
	var checked int
	for _, dir := range []string{filepath.Join(root, "samples"), filepath.Join(root, "corpus")} {
		filepath.WalkDir(dir, func(path string, e fs.DirEntry, err error) error {
			if err != nil || e.IsDir() || strings.Contains(path, string(filepath.Separator)+"esxi"+string(filepath.Separator)) {
				return nil
			}
			head, err := readHead(path)
			if err != nil {
				t.Errorf("%s: %v", path, err)
				return nil
			}
			checked++
			if Sniff(head) {
				t.Errorf("Sniff claims %s", path)
			}
			return nil
		})
	}
	if checked == 0 {
		t.Skip("no shared samples or corpus")
	}
}

// readHead returns the first 64 KiB of a file, gunzipped when it is gzip.
func readHead(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var r io.Reader = f
	magic := make([]byte, 2)
	if n, _ := io.ReadFull(f, magic); n == 2 && bytes.Equal(magic, []byte{0x1f, 0x8b}) {
		f.Seek(0, io.SeekStart)
		zr, err := gzip.NewReader(f)
		if err != nil {
			return nil, err
		}
		r = zr
	} else {
		f.Seek(0, io.SeekStart)
	}
	head := make([]byte, 64<<10)
	n, err := io.ReadFull(r, head)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return nil, err
	}
	return head[:n], nil
}
