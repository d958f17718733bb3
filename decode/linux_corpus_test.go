package decode

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stagewatch/stagewatch"
)

// linuxCorpusCounts is what each file of the real Linux corpus
// (../shared/corpus/linux) decodes to: its format, the events by kind,
// the records no analytic uses and the bad records.
type linuxCorpusCounts struct {
	Format  string
	Kinds   map[string]int
	Ignored int64
	Bad     int64
}

// TestLinuxCorpus reads every file of the real Linux corpus, sniffing the
// format, and pins what comes out. There are no bad records: the one
// Sysmon event that Sentinel cut at its 2 KiB Syslog limit is rebuilt from
// the values before the cut.
func TestLinuxCorpus(t *testing.T) {
	root := filepath.Join("..", "..", "shared", "corpus", "linux")
	if _, err := os.Stat(root); err != nil {
		t.Skipf("corpus not present: %v", err)
	}
	want := map[string]linuxCorpusCounts{
		"sh_arp_cache_2020-11-10074812.log":         {Format: "auditd", Kinds: map[string]int{"ProcessStart": 2}},
		"sh_binary_padding_dd_2020-11-10081941.log": {Format: "auditd", Kinds: map[string]int{"ProcessStart": 1}},
		// 50 AUOMS execve rows: 23 failed calls (a shell looking up
		// commands along PATH, exit=-2 ENOENT) are ignored.
		"syslog_auoms_auditd_log4shell.json.gz": {Format: "syslog-rows", Kinds: map[string]int{"ProcessStart": 27}, Ignored: 23},
		// 93 Sysmon rows: EID 1 31, 3 6, 11 4, 23 2; the 50 EID 5
		// process terminations are ignored.
		"syslog_sysmon_linux_log4shell.json.gz": {Format: "syslog-rows", Kinds: map[string]int{"ProcessStart": 31, "NetConnect": 6, "FileCreate": 4, "FileDelete": 2}, Ignored: 50},
	}
	got := map[string]linuxCorpusCounts{}
	entries, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		in, err := OpenFile(filepath.Join(root, e.Name()), Options{})
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		c := linuxCorpusCounts{Format: in.Format(), Kinds: map[string]int{}}
		for {
			ev, err := in.Decode()
			if err == io.EOF {
				break
			}
			var de *stagewatch.DecodeError
			if errors.As(err, &de) {
				t.Logf("%v", err)
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			c.Kinds[ev.Kind.String()]++
		}
		s := in.Stats()
		c.Ignored, c.Bad = s.Ignored, s.Bad
		in.Close()
		got[e.Name()] = c
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("corpus counts (-want +got):\n%s", diff)
	}
}
