package analytic

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stagewatch/stagewatch"
)

// TestListsParse checks every embedded list: each entry parses and carries a
// reason after " #".
func TestListsParse(t *testing.T) {
	names := []string{ListStagingWindows, ListStagingLinux, ListStagingMacOS, ListArchiveExtensions,
		ListArchiveMagic, ListCopyTools, ListSuppressions, ListSensitive, ListArchivers, ListDiscovery, ListRemotePaths}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			b, err := listFiles.ReadFile("lists/" + name + ".txt")
			if err != nil {
				t.Fatal(err)
			}
			for i, line := range strings.Split(string(b), "\n") {
				if stripComment(line) == "" {
					continue
				}
				if !strings.Contains(line, " #") {
					t.Errorf("%s.txt:%d: entry without a reason: %q", name, i+1, line)
				}
			}
			if len(DefaultList(name)) == 0 {
				t.Errorf("%s: empty list", name)
			}
		})
	}
	if _, err := NewStagingSet(DefaultList(ListStagingWindows), DefaultList(ListStagingLinux), DefaultList(ListStagingMacOS)); err != nil {
		t.Error(err)
	}
	if _, err := NewArchives(DefaultList(ListArchiveExtensions), DefaultList(ListArchiveMagic)); err != nil {
		t.Error(err)
	}
	if _, err := NewCopyTools(DefaultList(ListCopyTools)); err != nil {
		t.Error(err)
	}
	if _, err := NewSensitive(defaultSensitive()); err != nil {
		t.Error(err)
	}
	if _, err := NewArchivers(DefaultList(ListArchivers)); err != nil {
		t.Error(err)
	}
	if _, err := NewSuppressions(DefaultList(ListSuppressions), nil, nil); err != nil {
		t.Error(err)
	}
}

func TestStagingMatch(t *testing.T) {
	set, err := NewStagingSet(DefaultList(ListStagingWindows), DefaultList(ListStagingLinux), DefaultList(ListStagingMacOS))
	if err != nil {
		t.Fatal(err)
	}
	type result struct {
		Tier  int
		Entry string
	}
	tests := []struct {
		name string
		os   stagewatch.OS
		dir  string
		want result
	}{
		{"windows temp", stagewatch.Windows, `c:\windows\temp\`, result{1, `\windows\temp\`}},
		{"device path windows temp", stagewatch.Windows, `\windows\temp\x\`, result{1, `\windows\temp\`}},
		{"user temp beats generic temp", stagewatch.Windows, `c:\users\bob\appdata\local\temp\`, result{1, `\appdata\local\temp\`}},
		{"public subfolder", stagewatch.Windows, `c:\users\public\loot\`, result{1, `\users\public\`}},
		{"c temp", stagewatch.Windows, `c:\temp\`, result{1, `^\temp\`}},
		{"d tmp", stagewatch.Windows, `d:\tmp\x\`, result{1, `^\tmp\`}},
		{"perflogs", stagewatch.Windows, `c:\perflogs\`, result{1, `^\perflogs\`}},
		{"recycle bin root", stagewatch.Windows, `c:\$recycle.bin\`, result{1, `^\$recycle.bin\$`}},
		{"hidden folder under recycle bin root", stagewatch.Windows, `c:\$recycle.bin\.x\y\`, result{1, `^\$recycle.bin\$`}},
		{"recycle bin sid folder is a deletion", stagewatch.Windows, `c:\$recycle.bin\s-1-5-21-1\`, result{}},
		{"vendor installer temp is tier 2", stagewatch.Windows, `c:\programdata\vendor\installer\temp\`, result{2, `\programdata\`}},
		{"any temp component", stagewatch.Windows, `d:\build\temp\`, result{2, `\temp\`}},
		{"roaming", stagewatch.Windows, `c:\users\bob\appdata\roaming\x\`, result{2, `\appdata\roaming\`}},
		{"temperature is not temp", stagewatch.Windows, `c:\data\temperature\`, result{}},
		{"documents", stagewatch.Windows, `c:\users\bob\documents\`, result{}},
		{"unc public", stagewatch.Windows, `\\srv\c$\users\public\`, result{1, `\users\public\`}},
		{"linux tmp hidden", stagewatch.Linux, `/tmp/.x/`, result{1, `^/tmp/`}},
		{"linux dev shm", stagewatch.Linux, `/dev/shm/`, result{1, `^/dev/shm/`}},
		{"linux mnt staging", stagewatch.Linux, `/mnt/staging/a/`, result{1, `^/mnt/staging/`}},
		{"linux mnt", stagewatch.Linux, `/mnt/usb/`, result{2, `^/mnt/`}},
		{"linux home is aggregation only", stagewatch.Linux, `/home/bob/`, result{}},
		{"linux nested tmp is not /tmp", stagewatch.Linux, `/home/bob/tmp/`, result{}},
		{"linux case matters", stagewatch.Linux, `/TMP/`, result{}},
		{"macos shared any case", stagewatch.MacOS, `/Users/Shared/x/`, result{1, `^/users/shared/`}},
		{"macos var folders", stagewatch.MacOS, `/private/var/folders/ab/T/`, result{2, `^/private/var/folders/`}},
		{"unknown os guessed windows", stagewatch.OSUnknown, `c:\windows\temp\`, result{1, `\windows\temp\`}},
		{"esxi has no list here", stagewatch.ESXi, `/tmp/`, result{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got result
			got.Tier, got.Entry = set.Match(tt.os, tt.dir)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Match(%q) (-want +got):\n%s", tt.dir, diff)
			}
		})
	}
	tier, _ := set.Linux.MatchAggregation("/home/bob/")
	if tier != 2 {
		t.Errorf("MatchAggregation(/home/bob/) tier = %d, want 2", tier)
	}
}

func TestStagingBadEntries(t *testing.T) {
	for _, e := range []string{`3 \temp\`, `1 temp`, `1 \a\*\`, `1 \temp\$`, `1 ^\a*b\`, `1 \temp\ extra`, `1 \a\\b\`} {
		if _, err := NewStaging(stagewatch.Windows, List{e}); err == nil {
			t.Errorf("NewStaging(%q) = nil error", e)
		}
	}
}

func TestArchives(t *testing.T) {
	a, err := NewArchives(DefaultList(ListArchiveExtensions), DefaultList(ListArchiveMagic))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"a.zip", "B.7Z", "q3.part1.rar", "data.7z.001", "x.z01", "x.001", "a.tar.gz", "img.ISO", "x.zipx", "x.r00"} {
		if _, ok := a.MatchName(name, stagewatch.Ext(name)); !ok {
			t.Errorf("MatchName(%q) = false", name)
		}
	}
	for _, name := range []string{"a.docx", "zip", ".001", "x.z1", "notes.txt", "a.zipper"} {
		if e, ok := a.MatchName(name, stagewatch.Ext(name)); ok {
			t.Errorf("MatchName(%q) = %q", name, e)
		}
	}
	tar := make([]byte, 300)
	copy(tar[257:], "ustar")
	headers := map[string][]byte{
		"zip": []byte("PK\x03\x04rest"), "rar": []byte("Rar!\x1a\x07\x01\x00"), "7z": []byte("7z\xbc\xaf\x27\x1c"),
		"gzip": {0x1f, 0x8b, 8}, "cab": []byte("MSCF\x00"), "xz": []byte("\xfd7zXZ\x00"), "bzip2": []byte("BZh9"),
		"zstd": {0x28, 0xb5, 0x2f, 0xfd}, "tar": tar,
	}
	for want, h := range headers {
		if got, ok := a.MatchHeader(h); !ok || got != want {
			t.Errorf("MatchHeader(%s) = %q, %v", want, got, ok)
		}
	}
	if got, ok := a.MatchHeader([]byte("MZ\x90\x00")); ok {
		t.Errorf("MatchHeader(MZ) = %q", got)
	}
}

func BenchmarkStagingMatch(b *testing.B) {
	set, _ := NewStagingSet(DefaultList(ListStagingWindows), DefaultList(ListStagingLinux), DefaultList(ListStagingMacOS))
	dirs := []string{`c:\users\bob\documents\projects\q3\`, `c:\windows\system32\`, `c:\program files\app\bin\`,
		`c:\users\bob\appdata\local\temp\`, `c:\programdata\microsoft\windows defender\scans\`, `c:\users\public\loot\`}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		set.Windows.Match(dirs[i%len(dirs)])
	}
}

// FuzzStaging checks that any entry either fails to parse or matches any
// folder without panicking.
func FuzzStaging(f *testing.F) {
	f.Add(`1 ^\$recycle.bin\$`, `c:\$recycle.bin\.x\`, false)
	f.Add(`2 ^/home/*/ aggregation`, `/home/bob/x/`, true)
	f.Add(`1 \temp\`, `\temp`, false)
	f.Fuzz(func(t *testing.T, entry, dir string, posix bool) {
		os := stagewatch.Windows
		if posix {
			os = stagewatch.MacOS
		}
		s, err := NewStaging(os, List{entry})
		if err != nil {
			return
		}
		s.Match(dir)
		s.MatchAggregation(dir)
		s.Contains(dir)
	})
}

// FuzzArchives checks the extension and magic parsers and matchers.
func FuzzArchives(f *testing.F) {
	f.Add(".7z.###", "tar @257 75 73", "a.7z.001", []byte("ustar"))
	f.Fuzz(func(t *testing.T, ext, magic, name string, header []byte) {
		a, err := NewArchives(List{ext}, List{magic})
		if err != nil {
			return
		}
		a.MatchName(name, stagewatch.Ext(name))
		a.MatchHeader(header)
	})
}

func TestArchivesHugeOffset(t *testing.T) {
	if _, err := NewArchives(nil, List{"x @9223372036854775807 00"}); err == nil {
		t.Error("NewArchives accepted an offset beyond any header")
	}
}
