package esxi

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/stagewatch/stagewatch/decode/timestamp"
)

// entry is one log entry: a header line and the continuation lines folded
// into it.
type entry struct {
	time   time.Time
	host   string // syslog host field; "" in raw files
	app    string // lower-case program name: shell, hostd, vmkernel, sshd, vmx...
	pid    int64
	sev    string // In(14), info... as written
	vmx    bool   // a per-VM vmware.log line (thread name, then opID)
	opID   string // vmware.log operation id ("-" dropped)
	msg    string
	line   int64 // first line
	record int64
	// undated holds the RFC 3164 month, day and clock of a line without a
	// year until the decoder resolves it.
	undated *clock
}

// clock is an RFC 3164 timestamp: month, day and time of day, no year.
type clock struct {
	month time.Month
	day   int
	sec   int // seconds since midnight
}

// parse errors, by stable reason.
var (
	errUnrecognised = errors.New("unrecognised line")
	errTimestamp    = errors.New("bad timestamp")
	errSyslog       = errors.New("bad syslog header")
)

// parseLine reads the header of one line: an RFC 5424 or RFC 3164 syslog
// header when the line starts with "<PRI>" (or with a month name), else a
// raw ESXi header.
func parseLine(s string) (entry, error) {
	var e entry
	if strings.HasPrefix(s, "<") {
		end := strings.IndexByte(s, '>')
		if end < 2 || end > 4 || !allDigits(s[1:end]) {
			return e, errSyslog
		}
		s = s[end+1:]
		if strings.HasPrefix(s, "1 ") {
			return parse5424(s[2:])
		}
		if len(s) > 0 && s[0] >= '0' && s[0] <= '9' {
			// "<166>2023-12-05T17:36:17.835Z esx01 Hostd[1]: msg".
			ts, rest, _ := strings.Cut(s, " ")
			t, err := timestamp.Parse(ts)
			if err != nil {
				return e, errTimestamp
			}
			e.time = t
			return forwardedBody(e, rest)
		}
	}
	if len(s) > 0 && s[0] >= 'A' && s[0] <= 'Z' {
		return parse3164(s)
	}
	ts, rest, ok := strings.Cut(s, " ")
	if !ok || len(ts) < 19 || ts[4] != '-' || ts[10] != 'T' {
		return e, errUnrecognised
	}
	t, err := timestamp.Parse(strings.TrimSuffix(ts, "|"))
	if err != nil {
		return e, errTimestamp
	}
	e.time = t
	if strings.HasSuffix(ts, "|") {
		// Older vmware.log: "ts| vmx| I125: msg".
		return vmxOld(e, rest)
	}
	return rawBody(e, rest)
}

// rawBody parses what follows the timestamp of an ESXi line (or of a
// forwarded line, after its host field): optional severity, program and
// message.
func rawBody(e entry, s string) (entry, error) {
	s = strings.TrimLeft(s, " ")
	tok, rest, _ := strings.Cut(s, " ")
	if isSeverity(tok) {
		e.sev = tok
		s = strings.TrimLeft(rest, " ")
		tok, rest, _ = strings.Cut(s, " ")
	} else if isLevelWord(tok) && strings.Contains(rest, "[") {
		// ESXi 6/7 hostd: "info hostd[2098599] [Originator@6876 ...]".
		next, _, _ := strings.Cut(rest, " ")
		if _, _, ok := appPID(next); ok {
			e.sev = tok
			s = rest
			tok, rest, _ = strings.Cut(s, " ")
		}
	}
	if strings.HasPrefix(tok, "cpu") && strings.Contains(tok, ")") {
		// ESXi 5-7 vmkernel: "cpu21:3239)NFS: 190: ...".
		i := strings.IndexByte(s, ')')
		e.app, e.msg = "vmkernel", s[i+1:]
		return e, nil
	}
	cont := false
	if t, ok := strings.CutSuffix(tok, ":+"); ok {
		// ESXi 8 continuation: "Hostd[1]:+ --> text".
		tok, cont = t+":", true
	}
	if app, pid, ok := appPID(tok); ok {
		e.app, e.pid, e.msg = strings.ToLower(app), pid, strings.TrimLeft(rest, " ")
		if cont {
			e.msg = "+" + e.msg
		}
		if strings.HasPrefix(e.msg, "cpu") && e.app == "vmkernel" {
			if i := strings.IndexByte(e.msg, ')'); i > 0 && i < 24 {
				e.msg = e.msg[i+1:]
			}
		}
		return e, nil
	}
	if name, ok := strings.CutSuffix(tok, ":"); ok && isName(name) {
		// ESXi 8 "vmkernel: cpu1:2097616)NFS: ..." and other pid-less programs.
		e.app, e.msg = strings.ToLower(name), strings.TrimLeft(rest, " ")
		if e.app == "vmkernel" && strings.HasPrefix(e.msg, "cpu") {
			if i := strings.IndexByte(e.msg, ')'); i > 0 && i < 24 {
				e.msg = e.msg[i+1:]
			}
		}
		return e, nil
	}
	if e.sev != "" && isThread(tok) {
		// ESXi 8 vmware.log: "In(05) vmx vim-cmd-09-a45d msg".
		op, msg, _ := strings.Cut(strings.TrimLeft(rest, " "), " ")
		e.app, e.vmx, e.msg = strings.ToLower(tok), true, msg
		if op != "-" {
			e.opID = op
		}
		return e, nil
	}
	return e, errUnrecognised
}

// vmxOld parses "vmx| I125: msg" after an old vmware.log timestamp.
func vmxOld(e entry, s string) (entry, error) {
	thread, rest, ok := strings.Cut(strings.TrimLeft(s, " "), "| ")
	if !ok || !isThread(thread) {
		return e, errUnrecognised
	}
	if lvl, msg, ok := strings.Cut(rest, ": "); ok && len(lvl) <= 5 && !strings.Contains(lvl, " ") {
		rest = msg
	}
	e.app, e.vmx, e.msg = strings.ToLower(thread), true, rest
	return e, nil
}

// appPID splits "name[pid]:", "name[pid]" or "name:" into its parts.
func appPID(tok string) (app string, pid int64, ok bool) {
	tok = strings.TrimSuffix(tok, ":")
	if tok == "" {
		return "", 0, false
	}
	open := strings.IndexByte(tok, '[')
	if open < 0 {
		// "vmkernel:" alone: only with its colon, checked by the caller's
		// token shape (a bare word is a vmware.log thread).
		return "", 0, false
	}
	if open == 0 || !strings.HasSuffix(tok, "]") {
		return "", 0, false
	}
	n, err := strconv.ParseInt(tok[open+1:len(tok)-1], 10, 64)
	if err != nil || n < 0 || !isName(tok[:open]) {
		return "", 0, false
	}
	return tok[:open], n, true
}

// isSeverity matches the ESXi 8 "In(14)" severity token.
func isSeverity(tok string) bool {
	if len(tok) < 5 || len(tok) > 7 || tok[2] != '(' || tok[len(tok)-1] != ')' {
		return false
	}
	return tok[0] >= 'A' && tok[0] <= 'Z' && tok[1] >= 'a' && tok[1] <= 'z' && allDigits(tok[3:len(tok)-1])
}

func isLevelWord(tok string) bool {
	switch tok {
	case "info", "verbose", "warning", "error", "debug", "trivia", "panic", "critical", "notice", "alert", "crit", "warn":
		return true
	}
	return false
}

// isThread matches a vmware.log thread name: vmx, vcpu-0, worker-1234, mks.
func isThread(tok string) bool {
	return tok != "" && len(tok) <= 32 && isName(tok) && tok[0] >= 'a' && tok[0] <= 'z'
}

func isName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// parse5424 reads "TIMESTAMP HOST APP PROCID MSGID SD MSG" (after "<PRI>1 ").
// Structured data other than "-" is kept in front of the message, where a
// raw hostd line has its [Originator@6876 ...] block.
func parse5424(s string) (entry, error) {
	var e entry
	f := strings.SplitN(s, " ", 6)
	if len(f) < 5 {
		return e, errSyslog
	}
	t, err := timestamp.Parse(f[0])
	if err != nil {
		return e, errTimestamp
	}
	e.time = t
	if f[1] != "-" {
		e.host = f[1]
	}
	if f[2] == "-" || !isName(f[2]) {
		return e, errSyslog
	}
	e.app = strings.ToLower(f[2])
	if f[3] != "-" {
		if n, err := strconv.ParseInt(f[3], 10, 64); err == nil {
			e.pid = n
		}
	}
	rest := ""
	if len(f) == 6 {
		rest = f[5]
	}
	if strings.HasPrefix(rest, "- ") || rest == "-" {
		rest = strings.TrimPrefix(rest[1:], " ")
	}
	e.msg = strings.TrimPrefix(rest, "\ufeff")
	return e, nil
}

var months = [...]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}

// parse3164 reads "Mmm dd hh:mm:ss HOST APP[PID]: MSG" (or an ISO timestamp
// in place of the RFC 3164 one, as ESXi itself forwards). The year of an
// RFC 3164 timestamp is resolved by the decoder.
func parse3164(s string) (entry, error) {
	var e entry
	if len(s) < 16 || s[3] != ' ' || s[6] != ' ' || s[9] != ':' || s[12] != ':' || s[15] != ' ' {
		return e, errUnrecognised
	}
	m := 0
	for i, name := range months {
		if s[:3] == name {
			m = i + 1
		}
	}
	day, err1 := strconv.Atoi(strings.TrimLeft(s[4:6], " "))
	hh, err2 := strconv.Atoi(s[7:9])
	mm, err3 := strconv.Atoi(s[10:12])
	ss, err4 := strconv.Atoi(s[13:15])
	if m == 0 || err1 != nil || err2 != nil || err3 != nil || err4 != nil || day < 1 || day > 31 || hh > 23 || mm > 59 || ss > 60 {
		return e, errTimestamp
	}
	e.undated = &clock{month: time.Month(m), day: day, sec: hh*3600 + mm*60 + ss}
	return forwardedBody(e, s[16:])
}

// forwardedBody reads "HOST APP[PID]: MSG" of a forwarded line.
func forwardedBody(e entry, s string) (entry, error) {
	host, rest, ok := strings.Cut(s, " ")
	if !ok || host == "" {
		return e, errSyslog
	}
	e.host = host
	// ESXi forwards its own ISO timestamp and severity in some setups:
	// "<166>Dec  5 17:36:17 esx01 2023-12-05T17:36:17.835Z In(14) shell[1]: ...".
	tok, body, _ := strings.Cut(rest, " ")
	if len(tok) >= 19 && tok[4] == '-' && tok[10] == 'T' {
		if t, err := timestamp.Parse(tok); err == nil {
			e.time, e.undated = t, nil
			rest = body
		}
	}
	tok, body, _ = strings.Cut(strings.TrimLeft(rest, " "), " ")
	if isSeverity(tok) {
		e.sev = tok
		rest = body
		tok, body, _ = strings.Cut(strings.TrimLeft(rest, " "), " ")
	}
	if app, pid, ok := appPID(tok); ok {
		e.app, e.pid, e.msg = strings.ToLower(app), pid, strings.TrimLeft(body, " ")
		return e, nil
	}
	if name, ok := strings.CutSuffix(tok, ":"); ok && isName(name) {
		e.app, e.msg = strings.ToLower(name), strings.TrimLeft(body, " ")
		return e, nil
	}
	return e, errSyslog
}

// resolve returns the time of an RFC 3164 clock in year.
func (c *clock) resolve(year int) time.Time {
	return time.Date(year, c.month, c.day, 0, 0, c.sec, 0, time.UTC)
}
