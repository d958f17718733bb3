// Package cloudtest renders decoded cloud events for the golden tests of
// the cloud decoders (cloudtrail, gcp, azure), so that all three pin their
// output the same way.
package cloudtest

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/internal/golden"
)

// MaxListed is how many events a golden file lists in full; a larger input
// is pinned by its summary, its errors and its first MaxListed events.
const MaxListed = 40

// Summary counts what a Source produced.
type Summary struct {
	Events int            `json:"events"`
	Errors map[string]int `json:"errors,omitempty"` // by reason
	Kinds  map[string]int `json:"kinds,omitempty"`
	// Objects counts distinct bucket+key pairs of successful CloudWrite
	// events, the way analytics count new objects.
	Objects int `json:"objects,omitempty"`
	// Hosts lists the distinct Host.Name values.
	Hosts []string `json:"hosts,omitempty"`
}

// Render decodes src to the end and renders a summary line, then each
// error and (up to MaxListed) event as one JSON line.
func Render(t testing.TB, src stagewatch.Source) []byte {
	t.Helper()
	var body bytes.Buffer
	enc := json.NewEncoder(&body)
	enc.SetEscapeHTML(false)
	s := Summary{Errors: map[string]int{}, Kinds: map[string]int{}}
	objects := map[string]bool{}
	hosts := map[string]bool{}
	for i := 0; ; i++ {
		if i > 10_000_000 {
			t.Fatal("decoder does not end")
		}
		ev, err := src.Decode()
		if err == io.EOF {
			break
		}
		var de *stagewatch.DecodeError
		if errors.As(err, &de) {
			s.Errors[de.Reason]++
			enc.Encode(map[string]string{"error": de.Error(), "reason": de.Reason})
			continue
		}
		if err != nil {
			enc.Encode(map[string]string{"fatal": err.Error()})
			break
		}
		s.Events++
		s.Kinds[ev.Kind.String()]++
		if ev.Kind == stagewatch.CloudWrite && !ev.Cloud.Failed() {
			objects[ev.Cloud.Bucket+"\x00"+ev.Cloud.Key] = true
		}
		if ev.Host.Name != "" {
			hosts[ev.Host.Name] = true
		}
		if s.Events <= MaxListed {
			enc.Encode(ev)
		}
	}
	s.Objects = len(objects)
	for h := range hosts {
		s.Hosts = append(s.Hosts, h)
	}
	sort.Strings(s.Hosts)
	var out bytes.Buffer
	head, _ := json.Marshal(s)
	out.Write(head)
	out.WriteByte('\n')
	out.Write(body.Bytes())
	return out.Bytes()
}

// Input returns a reader of the file at path, gunzipped when its name
// ends in .gz.
func Input(t testing.TB, path string) io.Reader {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if b, err = io.ReadAll(zr); err != nil {
			t.Fatal(err)
		}
	}
	return bytes.NewReader(b)
}

// Golden runs open over every input in dir (skipping golden files and
// folders) and checks the rendering against <dir>/<golden>/<name>.golden.jsonl.
// A missing dir skips the test, for the shared samples and corpus.
func Golden(t *testing.T, dir, goldenDir string, update bool, open func(r io.Reader, name string) stagewatch.Source) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Skipf("no inputs: %v", err)
	}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || strings.HasSuffix(name, ".golden.jsonl") {
			continue
		}
		t.Run(name, func(t *testing.T) {
			in := filepath.Join(dir, name)
			got := Render(t, open(Input(t, in), name))
			base := strings.TrimSuffix(name, ".gz")
			golden.Check(t, filepath.Join(goldenDir, base+".golden.jsonl"), got, update)
		})
	}
}
