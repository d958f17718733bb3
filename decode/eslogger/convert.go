package eslogger

import (
	"errors"
	"net/netip"
	"strconv"
	"strings"

	"github.com/stagewatch/stagewatch"
)

// readFlag and writeFlag are the kernel's FREAD and FWRITE bits of an open
// event's fflag.
const (
	readFlag  = 0x1
	writeFlag = 0x2
)

// convert maps the event's payload onto ev. It returns the event's name,
// and keep false for events stagewatch does not use (counted as ignored)
// or a reason for a payload it cannot map. Should a message carry several
// payloads, the first in name order wins, so the result does not depend on
// key order.
func (d *Decoder) convert(e *payloads, m *message, ev *stagewatch.Event) (name string, keep bool, reason string, err error) {
	switch {
	case e.Clone != nil:
		ev.Kind = stagewatch.FileCreate
		d.setFile(ev, joinPath(e.Clone.TargetDir.Path, e.Clone.TargetName), e.Clone.TargetDir.PathTruncated)
		ev.File.Size = e.Clone.Source.size()
		ev.Attrs["source"] = e.Clone.Source.Path
		return "clone", true, "", nil
	case e.Close != nil:
		if !e.Close.Modified {
			return "close", false, "", nil
		}
		ev.Kind = stagewatch.FileModify
		d.setFile(ev, e.Close.Target.Path, e.Close.Target.PathTruncated)
		ev.File.Size = e.Close.Target.size()
		return "close", true, "", nil
	case e.Create != nil:
		p, trunc, ok := e.Create.Destination.path(e.Create.DestinationType)
		if !ok {
			return "create", false, "create without destination", errors.New("event.create has no destination")
		}
		ev.Kind = stagewatch.FileCreate
		d.setFile(ev, p, trunc)
		if e.Create.Destination.ExistingFile != nil {
			ev.File.Size = e.Create.Destination.ExistingFile.size()
		}
		return "create", true, "", nil
	case e.Exec != nil:
		d.exec(e.Exec, m, ev)
		return "exec", true, "", nil
	case e.Fork != nil:
		c := &e.Fork.Child
		info := procInfo{pidVersion: c.AuditToken.PIDVersion, image: c.Executable.Path}
		if parent, ok := d.procs.get(m.Process.AuditToken.PID, m.Process.AuditToken.PIDVersion); ok && parent.image == info.image {
			info.commandLine = parent.commandLine
		}
		d.procs.put(c.AuditToken.PID, info)
		return "fork", false, "", nil
	case e.Link != nil:
		ev.Kind = stagewatch.FileCreate
		d.setFile(ev, joinPath(e.Link.TargetDir.Path, e.Link.TargetFilename), e.Link.TargetDir.PathTruncated)
		ev.File.Size = e.Link.Source.size()
		ev.Attrs["source"] = e.Link.Source.Path
		return "link", true, "", nil
	case e.Mount != nil:
		st := &e.Mount.Statfs
		ev.Kind = stagewatch.Mount
		ev.File.SetPath(stagewatch.MacOS, st.OnName)
		ev.Remote.Protocol = strings.ToLower(st.FSType)
		ev.Remote.Share = st.FromName
		ev.Remote.SourceIP = sourceIP(st.FromName)
		return "mount", true, "", nil
	case e.Open != nil:
		// A writable open is followed by write and close events; only
		// read-only opens say something of their own.
		if e.Open.Fflag&writeFlag != 0 || e.Open.Fflag&readFlag == 0 {
			return "open", false, "", nil
		}
		ev.Kind = stagewatch.FileRead
		d.setFile(ev, e.Open.File.Path, e.Open.File.PathTruncated)
		ev.File.Size = e.Open.File.size()
		return "open", true, "", nil
	case e.Rename != nil:
		p, trunc, ok := e.Rename.Destination.path(e.Rename.DestinationType)
		if !ok {
			return "rename", false, "rename without destination", errors.New("event.rename has no destination")
		}
		ev.Kind = stagewatch.FileRename
		d.setFile(ev, p, trunc || e.Rename.Source.PathTruncated)
		ev.File.PrevPath = e.Rename.Source.Path
		ev.File.Size = e.Rename.Source.size()
		return "rename", true, "", nil
	case e.Unlink != nil:
		ev.Kind = stagewatch.FileDelete
		d.setFile(ev, e.Unlink.Target.Path, e.Unlink.Target.PathTruncated)
		ev.File.Size = e.Unlink.Target.size()
		return "unlink", true, "", nil
	case e.Write != nil:
		if d.folded(m.Process.AuditToken.PID, e.Write.Target.Path, ev.Time.Unix()) {
			return "write", false, "", nil
		}
		ev.Kind = stagewatch.FileModify
		d.setFile(ev, e.Write.Target.Path, e.Write.Target.PathTruncated)
		ev.File.Size = e.Write.Target.size()
		return "write", true, "", nil
	}
	return "", false, "", nil
}

// exec fills a ProcessStart. In Endpoint Security, exec's process is the
// caller before the exec: the same pid, still running the old image (after
// a fork, the parent's image). The new process is event.exec.target. The
// parent is target.ppid; its image and command line come from the process
// table when known, else from the caller's old image, which is the parent's
// in the usual fork-then-exec.
func (d *Decoder) exec(e *execEvent, m *message, ev *stagewatch.Event) {
	t := &e.Target
	ev.Kind = stagewatch.ProcessStart
	ev.Proc = stagewatch.Process{
		PID:         t.AuditToken.PID,
		Image:       t.Executable.Path,
		CommandLine: joinArgs(e.Args),
		ParentPID:   t.PPID,
	}
	_, ev.Proc.Name = stagewatch.SplitPath(stagewatch.MacOS, t.Executable.Path)
	if e.CWD != nil {
		ev.Proc.CWD = e.CWD.Path
	}
	if ev.Proc.PID == 0 {
		ev.Proc.PID = m.Process.AuditToken.PID
	}
	if ev.Proc.ParentPID == 0 {
		ev.Proc.ParentPID = m.Process.PPID
	}
	parentVersion := t.ParentAuditToken.PIDVersion
	if t.ParentAuditToken.PID != ev.Proc.ParentPID {
		parentVersion = 0
	}
	if parent, ok := d.procs.get(ev.Proc.ParentPID, parentVersion); ok {
		ev.Proc.ParentImage = parent.image
		ev.Proc.ParentCommandLine = parent.commandLine
	} else {
		ev.Proc.ParentImage = m.Process.Executable.Path
	}
	_, ev.Proc.ParentName = stagewatch.SplitPath(stagewatch.MacOS, ev.Proc.ParentImage)
	if m.Process.Executable.Path != "" && m.Process.Executable.Path != ev.Proc.ParentImage {
		ev.Attrs["exec_from"] = m.Process.Executable.Path
	}
	if e.Script != nil && e.Script.Path != "" {
		ev.Attrs["script"] = e.Script.Path
	}
	if t.Executable.PathTruncated {
		ev.Attrs["path_truncated"] = "true"
	}
	setUser(ev, &t.AuditToken)
	d.procs.put(ev.Proc.PID, procInfo{pidVersion: t.AuditToken.PIDVersion, image: ev.Proc.Image, commandLine: ev.Proc.CommandLine})
	if t.SigningID != "" {
		ev.Attrs["signing_id"] = t.SigningID
	}
	if t.TeamID != "" {
		ev.Attrs["team_id"] = t.TeamID
	}
}

// actor fills the acting process and user of a file or mount event.
func (d *Decoder) actor(p *process, ev *stagewatch.Event) {
	ev.Proc = stagewatch.Process{PID: p.AuditToken.PID, Image: p.Executable.Path, ParentPID: p.PPID}
	_, ev.Proc.Name = stagewatch.SplitPath(stagewatch.MacOS, p.Executable.Path)
	if info, ok := d.procs.get(p.AuditToken.PID, p.AuditToken.PIDVersion); ok && info.image == p.Executable.Path {
		ev.Proc.CommandLine = info.commandLine
	}
	setUser(ev, &p.AuditToken)
}

// setUser sets the user from the effective uid; eslogger carries no names.
// A login (audit) user other than the effective one, as under sudo, is kept
// in Attrs.
func setUser(ev *stagewatch.Event, t *auditToken) {
	if !t.Set {
		return
	}
	ev.User.SID = strconv.FormatInt(t.EUID, 10)
	if t.AUID != unsetAUID && t.AUID != t.EUID {
		ev.Attrs["auid"] = strconv.FormatInt(t.AUID, 10)
	}
}

// setFile sets the event's file; a truncated path is kept but marked.
func (d *Decoder) setFile(ev *stagewatch.Event, p string, truncated bool) {
	ev.File.SetPath(stagewatch.MacOS, p)
	if truncated {
		ev.Attrs["path_truncated"] = "true"
	}
}

// folded reports whether a write of path by pid in second sec repeats one
// already reported in that second. The set is cleared whenever the second
// changes, so it holds one second of writes at most.
func (d *Decoder) folded(pid int64, path string, sec int64) bool {
	if sec != d.writeSec {
		clear(d.writes)
		d.writeSec = sec
	}
	k := writeKey{pid, path}
	if _, ok := d.writes[k]; ok {
		d.foldedWrites++
		return true
	}
	d.writes[k] = struct{}{}
	return false
}

// sourceIP returns the host of a mount source when it is an IP literal:
// "10.0.0.5:/export" (NFS), "//user@10.0.0.5/share" (SMB, AFP),
// "afp://10.0.0.5/share", "[fe80::1]:/export".
func sourceIP(from string) string {
	h := from
	if i := strings.Index(h, "://"); i >= 0 {
		h = h[i+3:]
	} else if strings.HasPrefix(h, "//") {
		h = h[2:]
	} else if i := strings.Index(h, ":/"); i > 0 {
		h = h[:i]
	} else {
		return ""
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
	h = strings.TrimSuffix(strings.TrimPrefix(h, "["), "]")
	if a, err := netip.ParseAddr(h); err == nil {
		return a.String()
	}
	return ""
}
