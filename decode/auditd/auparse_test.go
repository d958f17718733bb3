package auditd

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/elastic/go-libaudit/v2/auparse"
	"github.com/google/go-cmp/cmp"
)

// TestAuparseAgrees checks the fast field reading of SYSCALL, CWD and PATH
// records against go-libaudit's auparse on every fixture and sample record.
func TestAuparseAgrees(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.log")
	samples, _ := filepath.Glob(filepath.Join(samplesDir, "*.log"))
	files = append(files, samples...)
	n := 0
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 1<<20)
		for line := 1; sc.Scan(); line++ {
			r, err := parseRecord(sc.Text())
			if err != nil {
				continue
			}
			d, err := r.data()
			if err != nil {
				continue // a record auparse rejects is tested elsewhere
			}
			var want, got map[string]string
			switch r.typ {
			case auparse.AUDIT_SYSCALL:
				var c call
				if err := c.syscallRecord(&r, nil); err != nil {
					t.Errorf("%s:%d: %v", name, line, err)
					continue
				}
				auid := d["auid"]
				if auid == "unset" {
					auid = ""
				}
				result := "fail"
				if c.success {
					result = "success"
				}
				want = map[string]string{"syscall": d["syscall"], "arch": d["arch"], "result": d["result"], "exit": d["exit"], "pid": d["pid"], "ppid": d["ppid"], "uid": d["uid"], "auid": auid, "exe": d["exe"]}
				got = map[string]string{"syscall": c.syscall, "arch": c.arch, "result": result, "exit": c.exit, "pid": strconv.FormatInt(c.pid, 10), "ppid": strconv.FormatInt(c.ppid, 10), "uid": c.uid, "auid": c.auid, "exe": c.exe}
			case auparse.AUDIT_PATH:
				p := pathRecord(r.body, nil)
				nt := d["nametype"]
				if nt == "" {
					nt = d["objtype"]
				}
				want = map[string]string{"name": d["name"], "nametype": nt, "item": d["item"], "mode": d["mode"]}
				got = map[string]string{"name": p.name, "nametype": p.nametype, "item": strconv.Itoa(p.item), "mode": p.mode}
			case auparse.AUDIT_CWD:
				raw, _ := lookup(fields(r.body), "cwd")
				want = map[string]string{"cwd": d["cwd"]}
				got = map[string]string{"cwd": unquote(raw)}
			default:
				continue
			}
			n++
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s:%d: (-auparse +fields):\n%s", name, line, diff)
			}
		}
		f.Close()
	}
	if n < 50 {
		t.Errorf("compared only %d records", n)
	}
}
