package eslogger

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// walkLine reads line with the lexer.
func walkLine(line []byte) (message, error) {
	var l lexer
	var m message
	l.reset(line)
	l.readMessage(&m)
	return m, l.err
}

// TestWalkMatchesEncodingJSON holds the hand-written walk to what
// encoding/json makes of the same lines through the struct tags: every
// line of the fixtures and the real samples, and edge cases of the
// semantics (null, repeated keys, escapes, both token shapes).
func TestWalkMatchesEncodingJSON(t *testing.T) {
	var lines [][]byte
	files, _ := filepath.Glob("testdata/*.jsonl")
	samples, _ := filepath.Glob(filepath.Join(shared, "samples", "eslogger", "*.jsonl"))
	for _, name := range append(files, samples...) {
		if strings.HasSuffix(name, ".golden.jsonl") {
			continue
		}
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, bytes.Split(bytes.TrimSpace(b), []byte("\n"))...)
	}
	for _, s := range []string{
		`{"version":9,"time":"t","global_seq_num":"12","process":null,"event":null}`,
		`{"process":{"audit_token":null,"executable":null,"team_id":null},"event":{"exec":null,"fork":{"child":null}}}`,
		`{"process":{"ppid":1,"ppid":2,"executable":{"path":"\/a","path":"\/b\u00e9\ud83d\ude00\ud800x"}},"event":{}}`,
		`{"process":{"audit_token":{"pid":5},"audit_token":[1,2,3,4,5,6,7,8]},"event":{"exec":{"args":[],"cwd":null,"script":{"path":"\/s"}}}}`,
		`{"event":{"create":{"destination_type":1,"destination":{"new_path":{"dir":{"path":"\/d","stat":null},"filename":"f\"q"}}}}}`,
		`{"event":{"rename":{"source":{"path":"\/a","stat":{"st_size":7,"st_ino":1152921500312525701}},"destination":{"existing_file":null,"new_path":null}}}}`,
		`{"event":{"mount":{"statfs":{"f_mntonname":"\/Volumes\/x","f_fstypename":"smbfs","f_mntfromname":"\/\/u@h\/s"}},"open":{"fflag":1,"file":{"path":"\/x"}}}}`,
		`{"event":{"exec":{"args":["a",null,"b c"]},"exec":{"args":["d"]}}}`,
		` { "version" : 10 , "event" : { "unlink" : { "target" : { "path" : "\/t" , "path_truncated" : true } } } } `,
		"{\"time\":\"a\xffb\\/c\"}",
	} {
		lines = append(lines, []byte(s))
	}
	for _, line := range lines {
		var want message
		werr := json.Unmarshal(line, &want)
		got, gerr := walkLine(line)
		if (werr != nil) != (gerr != nil) {
			t.Errorf("%.100s: encoding/json error %v, walk error %v", line, werr, gerr)
			continue
		}
		if werr != nil {
			continue
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%.100s: (-encoding/json +walk):\n%s", line, diff)
		}
	}
}

// FuzzWalk checks the walk against encoding/json on any line that
// encoding/json accepts and whose keys are all lower case (encoding/json
// also matches keys case-insensitively, the walk does not).
func FuzzWalk(f *testing.F) {
	b, _ := os.ReadFile("testdata/attacker_macos.jsonl")
	for _, line := range bytes.Split(b, []byte("\n")) {
		f.Add(bytes.ToLower(line))
	}
	f.Add([]byte(`{"process":{"audit_token":[1,2,3,4,5,6,7,8]},"event":{"write":{"target":{"path":"\u002fx\ud800"}}}}`))
	f.Fuzz(func(t *testing.T, line []byte) {
		got, gerr := walkLine(line)
		if !bytes.Equal(line, bytes.ToLower(line)) {
			return
		}
		var want message
		if err := json.Unmarshal(line, &want); err != nil {
			return
		}
		if gerr != nil {
			t.Fatalf("walk error %v where encoding/json accepts %q", gerr, line)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("%q: (-encoding/json +walk):\n%s", line, diff)
		}
	})
}
