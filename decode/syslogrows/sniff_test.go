package syslogrows

import "testing"

func TestSniff(t *testing.T) {
	tests := map[string]bool{
		`{"TenantId":"x","Computer":"h","SyslogMessage":"type=SYSCALL msg=audit(1.2:3):"}` + "\n": true,
		`[{"HostName":"h","SyslogMessage":"<Event>"}]`:                                            true,
		`[ {"SyslogMessage": "x", "Computer": "h"} ]`:                                             true,
		`{"Computer":"h","EventID":4688}`:                                                         false,
		`{"SyslogMessage":"x"}` + "\n" + `{"Computer":"h"}`:                                       false,
		`type=SYSCALL msg=audit(1.2:3): a=1`:                                                      false,
		``:                                                                                        false,
	}
	for in, want := range tests {
		if got := Sniff([]byte(in)); got != want {
			t.Errorf("Sniff(%q) = %v, want %v", in, got, want)
		}
	}
}
