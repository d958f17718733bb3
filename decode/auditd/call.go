package auditd

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/elastic/go-libaudit/v2/auparse"
	"github.com/stagewatch/stagewatch"
)

// call is one audited system call with everything its records say, in a
// form shared by raw audit events and AUOMS records.
type call struct {
	syscall   string // name, e.g. "openat"
	success   bool
	exit      string // exit code or errno name ("EINPROGRESS")
	args      [4]string
	pid, ppid int64
	auid, uid string // numeric ids; auid "" when unset
	user      string // login (or real) user name when the source translated it
	exe, comm string
	cwd       string
	paths     []pathItem
	argv      []string // from EXECVE (complete) or PROCTITLE (truncated)
	cmdline   string   // a command line the source joined itself (AUOMS)
	fromExec  bool     // argv came from EXECVE records
	sock      sockaddr
	key       string // audit rule key
	arch      string
}

// pathItem is one PATH record.
type pathItem struct {
	item     int
	name     string
	nametype string // NORMAL, PARENT, CREATE, DELETE, UNKNOWN
	mode     string // octal, e.g. 0100644
}

// sockaddr is a decoded SOCKADDR record.
type sockaddr struct {
	family string // "ipv4", "ipv6", "unix"
	addr   string
	port   int
}

// rawCall reads the records of one raw audit event. It returns ok false
// for an event that is not a system call. err is a SYSCALL record whose
// arch or syscall cannot be read.
//
// SYSCALL, CWD and PATH records, the bulk of any audit log, are split by
// fields (auparse's regular expression costs most of the decoding time);
// the values are interpreted with go-libaudit's tables (arch and syscall
// names, errno names) exactly as auparse does, which TestAuparseAgrees
// checks. SOCKADDR records go through auparse.
func rawCall(g *group) (c call, ok bool, err error) {
	var sys *record
	for i := range g.recs {
		if g.recs[i].typ == auparse.AUDIT_SYSCALL {
			sys = &g.recs[i]
			break
		}
	}
	if sys == nil {
		return c, false, nil
	}
	kv := make([]field, 0, 48) // reused by every record of the event
	if err := c.syscallRecord(sys, kv); err != nil {
		return c, false, err
	}
	var ab argvBuilder
	var title []string
	for i := range g.recs {
		r := &g.recs[i]
		switch r.typ {
		case auparse.AUDIT_EXECVE:
			ab.add(r.body, kv)
		case auparse.AUDIT_PROCTITLE:
			raw, _ := lookup(appendFields(kv[:0], r.body), "proctitle")
			title = proctitleArgv(raw)
		case auparse.AUDIT_CWD:
			raw, _ := lookup(appendFields(kv[:0], r.body), "cwd")
			c.cwd = unquote(raw)
		case auparse.AUDIT_PATH:
			c.paths = append(c.paths, pathRecord(r.body, kv))
		case auparse.AUDIT_SOCKADDR:
			if d, err := r.data(); err == nil {
				c.sock.family = d["family"]
				c.sock.addr = d["addr"]
				c.sock.port, _ = strconv.Atoi(d["port"])
			}
		}
	}
	slices.SortStableFunc(c.paths, func(a, b pathItem) int { return cmp.Compare(a.item, b.item) })
	if ab.seen {
		c.argv, c.fromExec = ab.argv(), true
	} else {
		c.argv = title
	}
	return c, true, nil
}

// syscallRecord reads a SYSCALL record; kv is a buffer for its fields.
func (c *call) syscallRecord(r *record, kv []field) error {
	fs := appendFields(kv[:0], r.body)
	get := func(k string) string {
		v, _ := lookup(fs, k)
		return v
	}
	archHex, ok := lookup(fs, "arch")
	if !ok {
		return errors.New("no arch")
	}
	arch, err := strconv.ParseUint(archHex, 16, 32)
	if err != nil {
		return fmt.Errorf("bad arch %q", clip(archHex, 20))
	}
	c.arch = auparse.AuditArch(arch).String()
	nr := get("syscall")
	n, err := strconv.Atoi(nr)
	if err != nil {
		return fmt.Errorf("bad syscall %q", clip(nr, 20))
	}
	c.syscall = nr
	if name, ok := auparse.AuditSyscalls[c.arch][n]; ok {
		c.syscall = name
	}
	switch v := stagewatch.LowerASCII(get("success")); {
	case v == "yes", v == "1", strings.HasPrefix(v, "suc"):
		c.success = true
	}
	c.exit = get("exit")
	if n, err := strconv.Atoi(c.exit); err == nil && n < 0 {
		if name, ok := auparse.AuditErrnoToName[-n]; ok {
			c.exit = name
		}
	}
	for i := range c.args {
		c.args[i] = get("a" + strconv.Itoa(i))
	}
	c.pid, _ = strconv.ParseInt(get("pid"), 10, 64)
	c.ppid, _ = strconv.ParseInt(get("ppid"), 10, 64)
	c.uid = get("uid")
	if a := get("auid"); a != "4294967295" && a != "-1" {
		c.auid = a
	}
	if c.auid != "" {
		c.user = enrichedName(r.enriched, "AUID")
	} else {
		c.user = enrichedName(r.enriched, "UID")
	}
	c.exe = unquote(get("exe"))
	c.comm = unquote(get("comm"))
	c.key = ruleKey(get("key"))
	return nil
}

// ruleKey returns the first audit rule key: key="name", or hex of several
// keys joined by \x01.
func ruleKey(raw string) string {
	v := unquote(raw)
	v, _, _ = strings.Cut(v, "\x01")
	if k, ok := strings.CutPrefix(v, "key="); ok {
		v = k
	}
	return v
}

// pathRecord reads a PATH record. Very old kernels wrote objtype= for
// nametype=; an e-mail or line wrap can leave "nametype= CREATE".
func pathRecord(body string, kv []field) pathItem {
	if strings.Contains(body, "nametype= ") {
		body = strings.ReplaceAll(body, "nametype= ", "nametype=")
	}
	var p pathItem
	for _, f := range appendFields(kv[:0], body) {
		switch f.key {
		case "item":
			p.item, _ = strconv.Atoi(f.raw)
		case "name":
			p.name = unquote(f.raw)
		case "nametype", "objtype":
			p.nametype = f.raw
		case "mode":
			p.mode = f.raw
		}
	}
	return p
}
