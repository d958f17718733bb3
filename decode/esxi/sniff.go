package esxi

import (
	"bytes"
	"strings"
)

// Sniff reports whether head is ESXi log text: its first line parses as an
// ESXi line (an ISO timestamp then an ESXi header), or, for forwarded
// syslog, the first line is a syslog line and one of the first lines comes
// from a program only ESXi runs (hostd, vmkernel, vobd, vpxa, shell...) or
// carries hostd's [Originator@6876 ...] block. Generic Linux syslog
// (sshd, cron, auditd, Sysmon for Linux) is not claimed.
func Sniff(head []byte) bool {
	lines := 0
	forwarded := false
	for len(head) > 0 && lines < 32 {
		var line []byte
		if i := bytes.IndexByte(head, '\n'); i >= 0 {
			line, head = head[:i], head[i+1:]
		} else {
			line, head = head, nil
		}
		s := strings.TrimRight(string(line), "\r \t")
		if lines == 0 {
			s = strings.TrimPrefix(s, "\ufeff")
		}
		if strings.TrimSpace(s) == "" {
			continue
		}
		lines++
		e, err := parseLine(s)
		if lines == 1 {
			if err != nil {
				return false
			}
			forwarded = e.host != ""
			if !forwarded {
				// ESXi writes UTC with a "Z"; a raw line has no host
				// field between the timestamp and the program.
				ts, _, _ := strings.Cut(s, " ")
				return strings.HasSuffix(strings.TrimSuffix(ts, "|"), "Z")
			}
		}
		if err == nil && (esxiApp(e.app) || strings.Contains(e.msg, "[Originator@6876")) {
			return true
		}
	}
	return false
}

// esxiApp reports whether a program name is one only ESXi runs.
func esxiApp(app string) bool {
	switch app {
	case "hostd", "vmkernel", "vmkwarning", "vobd", "vpxa", "shell", "fdm", "hostd-probe",
		"rhttpproxy", "vmauthd", "esxupdate", "vmsyslogd", "sfcb-vmware_base", "hostprofiletrace", "crx-cli":
		return true
	}
	return false
}
