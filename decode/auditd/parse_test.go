package auditd

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseRecord(t *testing.T) {
	tests := []struct {
		name, line                   string
		node, auoms, stamp, enriched string
		typ                          uint16
		serial                       uint32
		err                          error
	}{
		{name: "plain", line: `type=SYSCALL msg=audit(1492037291.036:59): arch=c000003e`, typ: 1300, stamp: "1492037291.036", serial: 59},
		{name: "node", line: `node=work type=CWD msg=audit(1615114232.375:15558): cwd="/tmp"`, node: "work", typ: 1307, stamp: "1615114232.375", serial: 15558},
		{name: "enriched", line: "type=SYSCALL msg=audit(1.5:2): key=(null)\x1dARCH=x86_64 AUID=\"user\"", typ: 1300, stamp: "1.5", serial: 2, enriched: `ARCH=x86_64 AUID="user"`},
		{name: "kernel", line: `[   12.3] audit: type=1327 audit(1604994496.155:92733): proctitle=617270`, typ: 1327, stamp: "1604994496.155", serial: 92733},
		{name: "unknown bracket", line: `type=UNKNOWN[1334] msg=audit(1.000:3): x=1`, typ: 1334, stamp: "1.000", serial: 3},
		{name: "unknown name", line: `type=NEW_THING msg=audit(1.000:3): x=1`, typ: 0, stamp: "1.000", serial: 3},
		{name: "auoms", line: `type=AUOMS_EXECVE audit(1652292621.986:84138): syscall=execve`, auoms: "AUOMS_EXECVE", stamp: "1652292621.986", serial: 84138},
		{name: "syslog prefix", line: `Apr 24 08:00:00 h audispd: node=h type=EOE msg=audit(2.000:4):`, node: "h", typ: 1320, stamp: "2.000", serial: 4},
		{name: "not audit", line: `hello world`, err: errNotAudit},
		{name: "no msg", line: `type=SYSCALL arch=x`, err: errNotAudit},
		{name: "bad stamp", line: `type=SYSCALL msg=audit(x.1:2): a=1`, err: errBadHeader},
		{name: "bad serial", line: `type=SYSCALL msg=audit(1.1:-2): a=1`, err: errBadHeader},
		{name: "no close", line: `type=SYSCALL msg=audit(1.1:2 a=1`, err: errBadHeader},
		{name: "ausearch -i", line: `type=SYSCALL msg=audit(12/13/2021 01:49:50.838:66) : arch=x86_64 syscall=execve`, err: errInterpreted},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := parseRecord(tc.line)
			if diff := cmp.Diff(fmt.Sprint(tc.err), fmt.Sprint(err)); diff != "" {
				t.Fatalf("error (-want +got):\n%s", diff)
			}
			if err != nil {
				return
			}
			got := []any{r.node, r.auoms, r.stamp, r.enriched, uint16(r.typ), r.serial}
			want := []any{tc.node, tc.auoms, tc.stamp, tc.enriched, tc.typ, tc.serial}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseStamp(t *testing.T) {
	got, ok := parseStamp("1519924845.499")
	if !ok || !got.Equal(time.Date(2018, 3, 1, 17, 20, 45, 499e6, time.UTC)) {
		t.Errorf("got %v %v", got, ok)
	}
	for _, bad := range []string{"", "x", "-1.0", "1.1234567890", "1.x"} {
		if _, ok := parseStamp(bad); ok {
			t.Errorf("parseStamp(%q) ok", bad)
		}
	}
}

func TestFields(t *testing.T) {
	tests := []struct {
		in   string
		want []field
	}{
		{`a=1 b="x y" c=(null)`, []field{{"a", "1"}, {"b", `"x y"`}, {"c", "(null)"}}},
		{`cmdline="bash -c "{echo,x}|{bash,-i}"" redactors= containerid=`, []field{{"cmdline", `"bash -c "{echo,x}|{bash,-i}""`}, {"redactors", ""}, {"containerid", ""}}},
		{`proctitle=/usr/bin/java -Dx.y=/opt/z -server redactors=`, []field{{"proctitle", "/usr/bin/java -Dx.y=/opt/z -server"}, {"redactors", ""}}},
		{`path_name=["/a","/b c"] path_mode=["0100755"]`, []field{{"path_name", `["/a","/b c"]`}, {"path_mode", `["0100755"]`}}},
		{`a1_len=16 a1[0]=6162 a1[1]="cd"`, []field{{"a1_len", "16"}, {"a1[0]", "6162"}, {"a1[1]", `"cd"`}}},
		{`junk word k=v`, []field{{"k", "v"}}},
		{`k="unterminated`, []field{{"k", `"unterminated`}}},
	}
	for _, tc := range tests {
		if diff := cmp.Diff(tc.want, fields(tc.in), cmp.AllowUnexported(field{})); diff != "" {
			t.Errorf("fields(%q) (-want +got):\n%s", tc.in, diff)
		}
	}
}

func TestUnquote(t *testing.T) {
	tests := map[string]string{
		`"/tmp/x"`: "/tmp/x",
		`(null)`:   "",
		`(none)`:   "",
		`2F746D70`: "/tmp",
		`2F746D7`:  "2F746D7",
		`plain`:    "plain",
	}
	for in, want := range tests {
		if got := unquote(in); got != want {
			t.Errorf("unquote(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestArgv(t *testing.T) {
	tests := []struct {
		name    string
		records []string
		want    []string
	}{
		{"quoted", []string{`argc=3 a0="grep" a1="--color=auto" a2="x"`}, []string{"grep", "--color=auto", "x"}},
		{"hex arg", []string{`argc=2 a0="sh" a1=2D632065636820`}, []string{"sh", "-c ech "}},
		{"split", []string{`argc=2 a0="echo" a1_len=6`, `a1[0]=616263`, `a1[1]=646566`}, []string{"echo", "abcdef"}},
		{"null", []string{`argc=2 a0="x" a1=(null)`}, []string{"x", ""}},
		{"lost record", []string{`argc=3 a0="a" a2="c"`}, []string{"a", "c"}},
		{"huge argc", []string{`argc=999999999 a0="a"`}, []string{"a"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var b argvBuilder
			for _, r := range tc.records {
				b.add(r, nil)
			}
			if diff := cmp.Diff(tc.want, b.argv()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestJoinArgv(t *testing.T) {
	tests := []struct {
		argv []string
		want string
	}{
		{[]string{"tar", "czf", "/tmp/x.tgz"}, "tar czf /tmp/x.tgz"},
		{[]string{"sh", "-c", "sleep 1; echo it's"}, `sh -c 'sleep 1; echo it'\''s'`},
		{[]string{"cp", "", "a b"}, "cp '' 'a b'"},
	}
	for _, tc := range tests {
		if got := joinArgv(tc.argv); got != tc.want {
			t.Errorf("joinArgv(%q) = %s, want %s", tc.argv, got, tc.want)
		}
	}
}

func TestProctitle(t *testing.T) {
	tests := map[string][]string{
		`"-bash"`:        {"-bash"},
		`64617368002D70`: {"dash", "-p"},
		`(null)`:         nil,
		`notHEX`:         {"notHEX"},
	}
	for in, want := range tests {
		if diff := cmp.Diff(want, proctitleArgv(in)); diff != "" {
			t.Errorf("proctitleArgv(%q) (-want +got):\n%s", in, diff)
		}
	}
}

func TestMountArgs(t *testing.T) {
	tests := []struct {
		argv                   string
		fstype, source, target string
	}{
		{"mount -t nfs 10.1.2.3:/exports /mnt/staging", "nfs", "10.1.2.3:/exports", "/mnt/staging"},
		{"/sbin/mount.nfs4 fs1:/x /mnt/x -o rw", "nfs", "fs1:/x", "/mnt/x"},
		{"mount -o user=bob,ro //fs1/share /mnt/s", "cifs", "//fs1/share", "/mnt/s"},
		{"mount -tcifs //10.0.0.5/c$ /mnt/c", "cifs", "//10.0.0.5/c$", "/mnt/c"},
		{"mount --types=smb3 //h/s /m", "smb3", "//h/s", "/m"},
		{"mount /mnt/usb", "", "", ""},
		{"umount /mnt/usb", "", "", ""},
	}
	for _, tc := range tests {
		f, s, d := mountArgs(strings.Fields(tc.argv))
		if diff := cmp.Diff([]string{tc.fstype, tc.source, tc.target}, []string{f, s, d}); diff != "" {
			t.Errorf("mountArgs(%q) (-want +got):\n%s", tc.argv, diff)
		}
	}
}

func TestShareIP(t *testing.T) {
	tests := map[string]string{
		"10.0.0.5:/export": "10.0.0.5",
		"//10.0.0.5/share": "10.0.0.5",
		"[fe80::1]:/x":     "fe80::1",
		"fs1.corp:/export": "",
		"//fs1/share":      "",
		"/dev/sdb1":        "",
		"tmpfs":            "",
	}
	for in, want := range tests {
		if got := shareIP(in); got != want {
			t.Errorf("shareIP(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSniff(t *testing.T) {
	tests := map[string]bool{
		"type=SYSCALL msg=audit(1.2:3): a=1\n":                                       true,
		"node=h type=EXECVE msg=audit(1.2:3): argc=1\n":                              true,
		"[ 1.2] audit: type=1300 audit(1.2:3): a=1":                                  true,
		"----\ntime->Mon Jan  1 00:00:00 2024\ntype=PATH msg=audit(1.2:3): item=0\n": true,
		"type=AUOMS_EXECVE audit(1.2:3): x=1":                                        true,
		`{"SyslogMessage":"type=SYSCALL msg=audit(1.2:3):"}`:                         false,
		"subtype=x msg=audit(1.2:3)":                                                 false,
		"Nov 24 09:59:47 h sysmon: <Event>":                                          false,
		"":                                                                           false,
	}
	for in, want := range tests {
		if got := Sniff([]byte(in)); got != want {
			t.Errorf("Sniff(%q) = %v, want %v", in, got, want)
		}
	}
}
