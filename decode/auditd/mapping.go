package auditd

import (
	"net/netip"
	"path"
	"strconv"
	"strings"

	"github.com/stagewatch/stagewatch"
)

// Open flags (the same on x86_64 and aarch64).
const (
	oAccMode = 0x3 // O_WRONLY 1, O_RDWR 2
	oTrunc   = 0x200
)

// toEvent fills ev (Time, Host and Origin already set) from c. It reports
// false when the call is of no kind stagewatch uses.
//
//	execve, execveat                 ProcessStart
//	open, openat, openat2, creat     FileCreate (a CREATE item), FileModify
//	                                 (write or truncate flags), FileRead
//	rename, renameat, renameat2      FileRename (DELETE item → CREATE item)
//	truncate                         FileModify
//	unlink, unlinkat, rmdir          FileDelete
//	mount                            Mount
//	connect / accept, accept4        NetConnect outbound / inbound
func (c *call) toEvent(ev *stagewatch.Event) bool {
	ev.Action = c.syscall
	ev.User = stagewatch.User{Name: c.user, SID: c.auid}
	if ev.User.SID == "" {
		ev.User.SID = c.uid
	}
	p := &ev.Proc
	p.PID = c.pid
	setImage(p, c.exe)
	p.CommandLine = c.commandLine()
	switch c.syscall {
	case "execve", "execveat":
		ev.Kind = stagewatch.ProcessStart
		p.CWD = c.cwd
		p.ParentPID = c.ppid
		return true
	case "open", "openat", "openat2", "creat", "open_by_handle_at":
		return c.open(ev)
	case "rename", "renameat", "renameat2":
		from, to := c.item("DELETE"), c.lastItem("CREATE")
		if to == nil {
			return false
		}
		ev.Kind = stagewatch.FileRename
		c.setFile(ev, to.name)
		if from != nil {
			ev.File.PrevPath = c.abs(from.name)
		}
		return true
	case "truncate":
		it := c.target()
		if it == nil {
			return false
		}
		ev.Kind = stagewatch.FileModify
		c.setFile(ev, it.name)
		return true
	case "unlink", "unlinkat", "rmdir":
		it := c.item("DELETE")
		if it == nil {
			it = c.target()
		}
		if it == nil {
			return false
		}
		ev.Kind = stagewatch.FileDelete
		c.setFile(ev, it.name)
		return true
	case "mount":
		return c.mount(ev)
	case "connect", "accept", "accept4":
		return c.connect(ev)
	}
	return false
}

// open maps the open family: a created file, a write to an existing one,
// or a read. Directories opened for reading (listings) are not file reads.
func (c *call) open(ev *stagewatch.Event) bool {
	if it := c.lastItem("CREATE"); it != nil {
		ev.Kind = stagewatch.FileCreate
		c.setFile(ev, it.name)
		return true
	}
	it := c.target()
	if it == nil {
		return false
	}
	var flags uint64
	switch c.syscall {
	case "open":
		flags, _ = strconv.ParseUint(c.args[1], 16, 64)
	case "openat":
		flags, _ = strconv.ParseUint(c.args[2], 16, 64)
	case "creat":
		flags = 1 | oTrunc
	case "openat2", "open_by_handle_at":
		// The flags are in a struct (openat2) or a later argument the
		// record does not carry: without a CREATE item, read or write
		// cannot be told.
		return false
	}
	switch {
	case flags&oAccMode != 0 || flags&oTrunc != 0:
		ev.Kind = stagewatch.FileModify
	case strings.HasPrefix(it.mode, "040"):
		return false
	default:
		ev.Kind = stagewatch.FileRead
	}
	c.setFile(ev, it.name)
	return true
}

// mount maps a mount(2) call. The kernel logs pointers, not strings, for
// the source and fs type, so they come from the calling command's argv
// (mount -t nfs SRC DIR, mount.nfs SRC DIR); the target from the PATH
// item when there is one.
func (c *call) mount(ev *stagewatch.Event) bool {
	fstype, source, target := mountArgs(c.argv)
	if it := c.target(); it != nil {
		target = it.name
	}
	if target == "" {
		return false
	}
	ev.Kind = stagewatch.Mount
	c.setFile(ev, target)
	ev.Remote.Protocol = fstype
	ev.Remote.Share = source
	ev.Remote.SourceIP = shareIP(source)
	return true
}

// connect maps connect (outbound) and accept (inbound) with an IP
// address. A non-blocking connect fails with EINPROGRESS and still
// connects.
func (c *call) connect(ev *stagewatch.Event) bool {
	if c.sock.family != "ipv4" && c.sock.family != "ipv6" {
		return false
	}
	ev.Kind = stagewatch.NetConnect
	ev.Net.RemoteIP = c.sock.addr
	ev.Net.RemotePort = c.sock.port
	ev.Net.Direction = "outbound"
	if c.syscall != "connect" {
		ev.Net.Direction = "inbound"
		ev.Net.Protocol = "tcp"
	}
	return true
}

// failed reports whether the call failed, so it did nothing.
func (c *call) failed() bool {
	if c.success {
		return false
	}
	return !(c.syscall == "connect" && c.exit == "EINPROGRESS")
}

// commandLine returns the process's command line: the source's own, or
// argv joined POSIX-style.
func (c *call) commandLine() string {
	if c.cmdline != "" {
		return c.cmdline
	}
	return joinArgv(c.argv)
}

// item returns the first PATH item of the given nametype.
func (c *call) item(nametype string) *pathItem {
	for i := range c.paths {
		if c.paths[i].nametype == nametype && c.paths[i].name != "" {
			return &c.paths[i]
		}
	}
	return nil
}

// lastItem returns the last PATH item of the given nametype.
func (c *call) lastItem(nametype string) *pathItem {
	for i := len(c.paths) - 1; i >= 0; i-- {
		if c.paths[i].nametype == nametype && c.paths[i].name != "" {
			return &c.paths[i]
		}
	}
	return nil
}

// target returns the item the call acted on: the last named item that is
// not a PARENT directory.
func (c *call) target() *pathItem {
	for i := len(c.paths) - 1; i >= 0; i-- {
		if c.paths[i].nametype != "PARENT" && c.paths[i].name != "" {
			return &c.paths[i]
		}
	}
	return nil
}

// abs joins a relative audit name with the CWD.
func (c *call) abs(name string) string {
	if name == "" || strings.HasPrefix(name, "/") || c.cwd == "" {
		return name
	}
	return path.Join(c.cwd, name)
}

// setFile sets the event's file from an audit name; the size is unknown
// to audit and left 0. A relative name given to an *at syscall with a
// directory descriptor (rm -r calls unlinkat(fd, "name")) is relative to
// that directory, which the records do not name: it is still joined with
// the CWD, and Attrs.path_guessed says so.
func (c *call) setFile(ev *stagewatch.Event, name string) {
	ev.File.SetPath(stagewatch.Linux, c.abs(name))
	if name != "" && !strings.HasPrefix(name, "/") && c.dirfdRelative() {
		if ev.Attrs == nil {
			ev.Attrs = make(map[string]string, 2)
		}
		ev.Attrs["path_guessed"] = "dirfd"
	}
}

// dirfdRelative reports whether an *at syscall resolved names against a
// directory descriptor rather than the CWD (AT_FDCWD, -100).
func (c *call) dirfdRelative() bool {
	var arg string
	switch c.syscall {
	case "openat", "openat2", "unlinkat", "renameat", "renameat2", "mkdirat", "execveat":
		arg = c.args[0]
	default:
		return false
	}
	v, err := strconv.ParseUint(arg, 16, 64)
	return err == nil && uint32(v) != 0xffffff9c
}

// setImage fills Image and Name.
func setImage(p *stagewatch.Process, image string) {
	p.Image = image
	if image != "" {
		_, p.Name = stagewatch.SplitPath(stagewatch.Linux, image)
	}
}

// shareIP returns the host of a mount source ("10.0.0.5:/export",
// "//10.0.0.5/share", "[fe80::1]:/x") when it is an IP literal.
func shareIP(src string) string {
	var host string
	switch {
	case strings.HasPrefix(src, "//"):
		host, _, _ = strings.Cut(src[2:], "/")
	case strings.HasPrefix(src, "["):
		h, _, ok := strings.Cut(src[1:], "]")
		if !ok {
			return ""
		}
		host = h
	default:
		h, _, ok := strings.Cut(src, ":")
		if !ok {
			return ""
		}
		host = h
	}
	if a, err := netip.ParseAddr(host); err == nil {
		return a.String()
	}
	return ""
}
