package auditd

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/elastic/go-libaudit/v2/auparse"
)

// auomsCall reads an AUOMS record (Microsoft's audit daemon for Azure
// Monitor and Sentinel): one line per system call, with the syscall
// already named, ids translated (user=, audit_user=), the PATH records
// folded into path_name=[...] lists and, for execve, the command line
// joined as cmdline="...". ok is false for AUOMS records that are not
// system calls (process inventory, heartbeats).
func auomsCall(r *record) (c call, node string, ok bool) {
	fs := fields(r.body)
	get := func(k string) string {
		raw, _ := lookup(fs, k)
		return raw
	}
	str := func(k string) string { return unquote(get(k)) }
	c.syscall = str("syscall")
	if c.syscall == "" {
		return c, "", false
	}
	node = str("node")
	c.arch = str("arch")
	c.success = get("success") == "yes"
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
		c.user = str("audit_user")
	} else {
		c.user = str("user")
	}
	if c.user == "unset" {
		c.user = ""
	}
	c.exe = str("exe")
	c.comm = str("comm")
	c.cwd = str("cwd")
	c.key, _, _ = strings.Cut(str("key"), ",")
	names := list(get("path_name"))
	types := list(get("path_nametype"))
	modes := list(get("path_mode"))
	for i, n := range names {
		p := pathItem{item: i, name: n}
		if i < len(types) {
			p.nametype = types[i]
		}
		if i < len(modes) {
			p.mode = modes[i]
		}
		c.paths = append(c.paths, p)
	}
	if len(names) == 0 {
		if n := str("name"); n != "" {
			c.paths = append(c.paths, pathItem{name: n, nametype: str("nametype")})
		}
	}
	if cl := str("cmdline"); cl != "" {
		c.cmdline, c.fromExec = cl, true
	} else if t := get("proctitle"); t != "" {
		c.cmdline = t
	}
	if sa := get("saddr"); sa != "" {
		if m, err := auparse.Parse(auparse.AUDIT_SOCKADDR, "audit(0.0:0): saddr="+sa); err == nil {
			if d, err := m.Data(); err == nil {
				c.sock.family = d["family"]
				c.sock.addr = d["addr"]
				c.sock.port, _ = strconv.Atoi(d["port"])
			}
		}
	}
	return c, node, true
}

// list decodes an AUOMS list value, ["a","b"]; anything else is empty.
func list(raw string) []string {
	if !strings.HasPrefix(raw, "[") {
		return nil
	}
	var out []string
	if json.Unmarshal([]byte(raw), &out) != nil {
		return nil
	}
	return out
}
