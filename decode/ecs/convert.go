package ecs

import (
	"encoding/hex"
	"net/netip"
	"strings"

	"github.com/stagewatch/stagewatch"
)

// kindOf decides what a document observed, from event.category and
// event.type (ECS categorization) and, when those do not decide, from
// event.action as Elastic Endpoint and Auditbeat spell it. ok is false for
// documents stagewatch does not use (process ends, forks, logons,
// metrics...).
func kindOf(d doc) (stagewatch.Kind, bool) {
	cat := d.strs("event.category")
	typ := d.strs("event.type")
	action := strings.ToLower(d.str("event.action"))
	switch action {
	case "fork", "end", "exit", "process_stopped", "disconnect_received", "connection_closed":
		return stagewatch.KindUnknown, false
	case "mount", "mounted":
		return stagewatch.Mount, true
	case "rename", "renamed", "moved":
		if has(cat, "file") || len(cat) == 0 {
			return stagewatch.FileRename, true
		}
	}
	switch {
	case has(cat, "process"):
		if has(typ, "start") || action == "exec" || action == "executed" || action == "process_started" {
			return stagewatch.ProcessStart, true
		}
	case has(cat, "file"):
		switch {
		case d.has("file.Ext.original.path") && has(typ, "change"):
			return stagewatch.FileRename, true
		case has(typ, "creation"):
			return stagewatch.FileCreate, true
		case has(typ, "deletion"):
			return stagewatch.FileDelete, true
		case has(typ, "change"):
			return stagewatch.FileModify, true
		case has(typ, "access"):
			return stagewatch.FileRead, true
		}
	case has(cat, "network"):
		if has(typ, "connection", "start") || strings.HasPrefix(action, "connection_") || action == "connected-to" || action == "accepted-connection-from" {
			return stagewatch.NetConnect, true
		}
	}
	// Documents without categorization: Auditbeat auditd and file
	// integrity actions.
	switch action {
	case "executed", "exec":
		return stagewatch.ProcessStart, true
	case "created", "creation":
		return stagewatch.FileCreate, true
	case "updated", "overwrite", "modification":
		return stagewatch.FileModify, true
	case "deleted", "deletion":
		return stagewatch.FileDelete, true
	case "connected-to", "accepted-connection-from":
		return stagewatch.NetConnect, true
	}
	return stagewatch.KindUnknown, false
}

// hostOS reads the operating system family from host.os.type (ECS 1.8+),
// host.os.family or host.os.platform; without them it guesses from the
// paths in the document.
func hostOS(d doc) stagewatch.OS {
	for _, p := range [...]string{"host.os.type", "host.os.family", "host.os.platform", "host.os.name", "os.type", "os.platform"} {
		switch v := strings.ToLower(d.str(p)); {
		case v == "":
		case v == "windows" || strings.HasPrefix(v, "windows"):
			return stagewatch.Windows
		case v == "macos" || v == "darwin" || v == "mac os x" || strings.HasPrefix(v, "macos"):
			return stagewatch.MacOS
		case v == "esxi" || v == "vmkernel":
			return stagewatch.ESXi
		case v == "linux" || linuxFamily(v):
			return stagewatch.Linux
		}
	}
	for _, p := range [...]string{"process.executable", "file.path", "file.directory"} {
		if s := d.str(p); s != "" {
			if strings.Contains(s, `\`) || (len(s) > 2 && s[1] == ':') {
				return stagewatch.Windows
			}
			if s[0] == '/' {
				return stagewatch.Linux
			}
		}
	}
	return stagewatch.OSUnknown
}

// linuxFamily reports whether v, a host.os.family or host.os.platform
// value, names a Linux distribution.
func linuxFamily(v string) bool {
	switch v {
	case "debian", "ubuntu", "redhat", "rhel", "centos", "fedora", "amzn", "amazon", "suse", "sles",
		"opensuse", "arch", "alpine", "oracle", "ol", "rocky", "almalinux", "gentoo":
		return true
	}
	return false
}

// fillProcess reads process.* into ev.Proc. For ProcessStart it is the new
// process and process.parent.* its parent; for other kinds the actor.
func fillProcess(d doc, os stagewatch.OS, ev *stagewatch.Event) {
	p := &ev.Proc
	p.PID, _ = d.int("process.pid")
	p.Image = d.first("process.executable", "process.exe") // process.exe: Auditbeat 6
	p.Name = d.str("process.name")
	if p.Name == "" && p.Image != "" {
		_, p.Name = stagewatch.SplitPath(os, p.Image)
	}
	p.CommandLine = d.str("process.command_line")
	if p.CommandLine == "" {
		p.CommandLine = joinArgs(os, d.strs("process.args"))
	}
	p.CWD = d.str("process.working_directory")
	p.GUID = d.str("process.entity_id")
	if p.ParentPID, _ = d.int("process.parent.pid"); p.ParentPID == 0 {
		p.ParentPID, _ = d.int("process.ppid")
	}
	p.ParentImage = d.str("process.parent.executable")
	p.ParentName = d.str("process.parent.name")
	if p.ParentName == "" && p.ParentImage != "" {
		_, p.ParentName = stagewatch.SplitPath(os, p.ParentImage)
	}
	p.ParentCommandLine = d.str("process.parent.command_line")
	if p.ParentCommandLine == "" {
		p.ParentCommandLine = joinArgs(os, d.strs("process.parent.args"))
	}
}

// fillUser reads the user. The login (audit) user wins when Auditbeat
// reports one, as it does under sudo; user.id is the SID or uid.
func fillUser(d doc, ev *stagewatch.Event) {
	if name := d.str("user.audit.name"); name != "" {
		ev.User = stagewatch.User{Name: name, SID: d.str("user.audit.id")}
		return
	}
	ev.User = stagewatch.User{Name: d.str("user.name"), Domain: d.str("user.domain"), SID: d.str("user.id")}
	if ev.User.Name == "" {
		ev.User.Name = d.str("auditd.summary.actor.primary")
	}
}

// filePath returns file.path, else file.directory joined with file.name;
// a relative path is joined with the process's working directory.
func filePath(d doc, os stagewatch.OS) string {
	p := d.str("file.path")
	if p == "" {
		dir, name := d.str("file.directory"), d.str("file.name")
		if name == "" {
			return ""
		}
		p = join(os, dir, name)
	}
	if os != stagewatch.Windows && !strings.HasPrefix(p, "/") {
		if cwd := d.str("process.working_directory"); strings.HasPrefix(cwd, "/") {
			p = join(os, cwd, strings.TrimPrefix(p, "./"))
		}
	}
	return p
}

// fillFile reads file.* into ev.File.
func fillFile(d doc, os stagewatch.OS, p string, ev *stagewatch.Event) {
	ev.File.SetPath(os, p)
	ev.File.Size, _ = d.int("file.size")
	ev.File.SHA256 = d.str("file.hash.sha256")
	if h := d.str("file.Ext.header_bytes"); h != "" {
		if b, err := hex.DecodeString(h); err == nil {
			ev.File.Header = b
		}
	}
	if ev.Kind == stagewatch.FileRename {
		ev.File.PrevPath = d.first("file.Ext.original.path", "file.previous.path", "file.original.path")
		if ev.File.PrevPath == "" {
			if dir, name := d.str("file.Ext.original.directory"), d.str("file.Ext.original.name"); name != "" {
				ev.File.PrevPath = join(os, dir, name)
			}
		}
	}
}

// fillNet reads source.*, destination.* and network.* into ev.Net: for an
// outbound connection the source is local, for an inbound one the
// destination is.
func fillNet(d doc, ev *stagewatch.Event) {
	n := &ev.Net
	switch dir := strings.ToLower(d.str("network.direction")); {
	case dir == "inbound" || dir == "ingress" || d.str("event.action") == "connection_accepted" || d.str("event.action") == "accepted-connection-from":
		n.Direction = "inbound"
	case dir == "outbound" || dir == "egress" || dir == "" || dir == "unknown":
		n.Direction = "outbound"
	default:
		n.Direction = dir
	}
	src, dst := "source", "destination"
	if n.Direction == "inbound" {
		src, dst = dst, src
	}
	n.LocalIP = d.str(src + ".ip")
	lp, _ := d.int(src + ".port")
	n.RemoteIP = d.str(dst + ".ip")
	rp, _ := d.int(dst + ".port")
	n.LocalPort, n.RemotePort = int(lp), int(rp)
	if dst == "destination" {
		n.RemoteURL = d.str("destination.domain")
	}
	n.Protocol = strings.ToLower(d.str("network.transport"))
}

// fillMount reads a mount: the target from file.path (or Auditbeat's
// summary object), the source and file system type when the producer
// names them.
func fillMount(d doc, os stagewatch.OS, ev *stagewatch.Event) {
	ev.File.SetPath(os, d.first("file.path", "mount.target", "auditd.summary.object.primary"))
	ev.Remote.Share = d.first("mount.source", "file.device", "auditd.summary.object.secondary")
	ev.Remote.SourceIP = shareIP(ev.Remote.Share)
	ev.Remote.Protocol = strings.ToLower(d.first("mount.type", "file.fstype", "file.type"))
	if ev.Remote.Protocol == "file" || ev.Remote.Protocol == "dir" {
		ev.Remote.Protocol = ""
	}
}

// shareIP returns the host of a mount source when it is an IP literal:
// "10.0.0.5:/export", "//user@10.0.0.5/share", "smb://10.0.0.5/share".
func shareIP(src string) string {
	h := src
	switch i := strings.Index(h, "://"); {
	case i >= 0:
		h = h[i+3:]
	case strings.HasPrefix(h, "//"):
		h = h[2:]
	default:
		i := strings.Index(h, ":/")
		if i <= 0 {
			return ""
		}
		h = h[:i]
	}
	if i := strings.LastIndexByte(h, '@'); i >= 0 {
		h = h[i+1:]
	}
	if i := strings.IndexByte(h, '/'); i >= 0 {
		h = h[:i]
	}
	if ap, err := netip.ParseAddrPort(h); err == nil {
		return ap.Addr().String()
	}
	if a, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(h, "["), "]")); err == nil {
		return a.String()
	}
	return ""
}

// join joins a folder and a name with the separator of os.
func join(os stagewatch.OS, dir, name string) string {
	if dir == "" {
		return name
	}
	sep := "/"
	if os == stagewatch.Windows || strings.Contains(dir, `\`) {
		sep = `\`
	}
	if strings.HasSuffix(dir, sep) {
		return dir + name
	}
	return dir + sep + name
}

// joinArgs joins argv into a command line: POSIX-style single quotes
// around arguments with shell-special characters, or, for Windows,
// double quotes around arguments with spaces.
func joinArgs(os stagewatch.OS, args []string) string {
	var b strings.Builder
	for i, a := range args {
		if i > 0 {
			b.WriteByte(' ')
		}
		switch {
		case os == stagewatch.Windows:
			if a == "" || strings.ContainsAny(a, " \t") {
				b.WriteString(`"` + a + `"`)
			} else {
				b.WriteString(a)
			}
		case a != "" && !strings.ContainsAny(a, " \t\n\r'\"\\$`|&;<>()*?[]#~{}!"):
			b.WriteString(a)
		default:
			b.WriteString("'" + strings.ReplaceAll(a, "'", `'\''`) + "'")
		}
	}
	return b.String()
}
