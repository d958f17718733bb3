package auditd

import (
	"cmp"
	"slices"
	"strconv"

	"github.com/elastic/go-libaudit/v2/auparse"
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
// for an event that is not a system call. err is a record auparse could
// not read.
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
	d, err := sys.data()
	if err != nil {
		return c, false, err
	}
	c.syscall = d["syscall"]
	c.arch = d["arch"]
	c.success = d["result"] == "success"
	c.exit = d["exit"]
	for i := range c.args {
		c.args[i] = d["a"+strconv.Itoa(i)]
	}
	c.pid, _ = strconv.ParseInt(d["pid"], 10, 64)
	c.ppid, _ = strconv.ParseInt(d["ppid"], 10, 64)
	c.uid = d["uid"]
	if a := d["auid"]; a != "unset" {
		c.auid = a
	}
	if c.auid != "" {
		c.user = enrichedName(sys.enriched, "AUID")
	} else {
		c.user = enrichedName(sys.enriched, "UID")
	}
	c.exe = d["exe"]
	c.comm = d["comm"]
	if tags, _ := sys.msg.Tags(); len(tags) > 0 {
		c.key = tags[0]
	}
	var ab argvBuilder
	var title []string
	for i := range g.recs {
		r := &g.recs[i]
		switch r.typ {
		case auparse.AUDIT_EXECVE:
			ab.add(r.body)
		case auparse.AUDIT_PROCTITLE:
			raw, _ := lookup(fields(r.body), "proctitle")
			title = proctitleArgv(raw)
		case auparse.AUDIT_CWD:
			if d, err := r.data(); err == nil {
				c.cwd = d["cwd"]
			}
		case auparse.AUDIT_PATH:
			if d, err := r.data(); err == nil {
				p := pathItem{name: d["name"], nametype: d["nametype"], mode: d["mode"]}
				if p.nametype == "" {
					p.nametype = d["objtype"]
				}
				p.item, _ = strconv.Atoi(d["item"])
				c.paths = append(c.paths, p)
			}
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
