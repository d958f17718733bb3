package sysmonlinux

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCut(t *testing.T) {
	const ev = `<Event><System><EventID>1</EventID></System><EventData><Data Name="A">1</Data><Data Name="B">2</Data></EventData></Event>`
	tests := []struct {
		name, line, xml, host string
		found, truncated      bool
	}{
		{"bsd", "Nov 24 09:59:47 ip-1 sysmon: " + ev, ev, "ip-1", true, false},
		{"rfc5424", "<14>1 2022-11-24T09:59:47Z h5 sysmon 1109 - - " + ev, ev, "h5", true, false},
		{"bsd with pri", "<14>Nov 24 09:59:47 h6 sysmon: " + ev, ev, "h6", true, false},
		{"bare", ev, ev, "", true, false},
		{"not sysmon", "Nov 24 09:59:47 h CRON[1]: (root) CMD (x)", "", "", false, false},
		{"EventData is not Event", "x <EventData> y", "", "", false, false},
		{"cut in a value", "Nov 24 09:59:47 h sysmon: " + ev[:len(ev)-40], `<Event><System><EventID>1</EventID></System><EventData><Data Name="A">1</Data></EventData></Event>`, "h", true, true},
		{"cut in System", "Nov 24 09:59:47 h sysmon: <Event><System><EventID>1", "", "h", true, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			xml, host, found, cut := Cut([]byte(tc.line))
			got := []any{string(xml), host, found, cut}
			want := []any{tc.xml, tc.host, tc.found, tc.truncated}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestSniff(t *testing.T) {
	line := `Nov 24 09:59:47 h sysmon: <Event><System><Provider Name="Linux-Sysmon"/></System></Event>`
	tests := map[string]bool{
		line:                                    true,
		"Nov 24 09:59:40 h CRON[1]: x\n" + line: true,
		`<Event><System><Provider Name="Linux-Sysmon"/></System></Event>`:                            false,
		`{"SyslogMessage":"<Event><System><Provider Name=\"Linux-Sysmon\"/>"}`:                       false,
		"Nov 24 09:59:47 h sshd[1]: Accepted publickey":                                              false,
		"<14>1 2022-11-24T09:59:47Z h sysmon 1 - - <Event><System><Provider Name=\"Linux-Sysmon\"/>": true,
	}
	for in, want := range tests {
		if got := Sniff([]byte(in)); got != want {
			t.Errorf("Sniff(%q) = %v, want %v", in, got, want)
		}
	}
}
