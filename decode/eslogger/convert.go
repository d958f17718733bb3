package eslogger

import (
	"encoding/json"
	"fmt"
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

// convert maps the payload of event name (already parsed into m) onto ev.
// It returns false for events stagewatch does not use, which are counted
// as ignored, and an error reason for a payload it cannot read.
func (d *Decoder) convert(name string, raw json.RawMessage, m *message, ev *stagewatch.Event) (keep bool, reason string, err error) {
	unmarshal := func(v any) bool {
		err = json.Unmarshal(raw, v)
		return err == nil
	}
	switch name {
	case "exec":
		var e execEvent
		if !unmarshal(&e) {
			return false, "bad exec", fmt.Errorf("event.%s: %w", name, err)
		}
		d.exec(&e, m, ev)
	case "fork":
		var e forkEvent
		if !unmarshal(&e) {
			return false, "bad fork", fmt.Errorf("event.%s: %w", name, err)
		}
		info := procInfo{pidVersion: e.Child.AuditToken.PIDVersion, image: e.Child.Executable.Path}
		if parent, ok := d.procs.get(m.Process.AuditToken.PID, m.Process.AuditToken.PIDVersion); ok && parent.image == info.image {
			info.commandLine = parent.commandLine
		}
		d.procs.put(e.Child.AuditToken.PID, info)
		return false, "", nil
	case "create":
		var e createEvent
		if !unmarshal(&e) {
			return false, "bad create", fmt.Errorf("event.%s: %w", name, err)
		}
		p, trunc, ok := e.Destination.path(e.DestinationType)
		if !ok {
			return false, "create without destination", fmt.Errorf("event.%s has no destination", name)
		}
		ev.Kind = stagewatch.FileCreate
		d.setFile(ev, p, trunc)
		if e.Destination.ExistingFile != nil {
			ev.File.Size = e.Destination.ExistingFile.size()
		}
	case "rename":
		var e renameEvent
		if !unmarshal(&e) {
			return false, "bad rename", fmt.Errorf("event.%s: %w", name, err)
		}
		p, trunc, ok := e.Destination.path(e.DestinationType)
		if !ok {
			return false, "rename without destination", fmt.Errorf("event.%s has no destination", name)
		}
		ev.Kind = stagewatch.FileRename
		d.setFile(ev, p, trunc || e.Source.PathTruncated)
		ev.File.PrevPath = e.Source.Path
		ev.File.Size = e.Source.size()
	case "write":
		var e targetEvent
		if !unmarshal(&e) {
			return false, "bad write", fmt.Errorf("event.%s: %w", name, err)
		}
		if d.folded(m.Process.AuditToken.PID, e.Target.Path, ev.Time.Unix()) {
			return false, "", nil
		}
		ev.Kind = stagewatch.FileModify
		d.setFile(ev, e.Target.Path, e.Target.PathTruncated)
		ev.File.Size = e.Target.size()
	case "close":
		var e closeEvent
		if !unmarshal(&e) {
			return false, "bad close", fmt.Errorf("event.%s: %w", name, err)
		}
		if !e.Modified {
			return false, "", nil
		}
		ev.Kind = stagewatch.FileModify
		d.setFile(ev, e.Target.Path, e.Target.PathTruncated)
		ev.File.Size = e.Target.size()
	case "unlink":
		var e targetEvent
		if !unmarshal(&e) {
			return false, "bad unlink", fmt.Errorf("event.%s: %w", name, err)
		}
		ev.Kind = stagewatch.FileDelete
		d.setFile(ev, e.Target.Path, e.Target.PathTruncated)
		ev.File.Size = e.Target.size()
	case "open":
		var e openEvent
		if !unmarshal(&e) {
			return false, "bad open", fmt.Errorf("event.%s: %w", name, err)
		}
		// A writable open is followed by write and close events; only
		// read-only opens say something of their own.
		if e.Fflag&writeFlag != 0 || e.Fflag&readFlag == 0 {
			return false, "", nil
		}
		ev.Kind = stagewatch.FileRead
		d.setFile(ev, e.File.Path, e.File.PathTruncated)
		ev.File.Size = e.File.size()
	case "link":
		var e linkEvent
		if !unmarshal(&e) {
			return false, "bad link", fmt.Errorf("event.%s: %w", name, err)
		}
		ev.Kind = stagewatch.FileCreate
		d.setFile(ev, joinPath(e.TargetDir.Path, e.TargetFilename), e.TargetDir.PathTruncated)
		ev.File.Size = e.Source.size()
		ev.Attrs["source"] = e.Source.Path
	case "clone":
		var e cloneEvent
		if !unmarshal(&e) {
			return false, "bad clone", fmt.Errorf("event.%s: %w", name, err)
		}
		ev.Kind = stagewatch.FileCreate
		d.setFile(ev, joinPath(e.TargetDir.Path, e.TargetName), e.TargetDir.PathTruncated)
		ev.File.Size = e.Source.size()
		ev.Attrs["source"] = e.Source.Path
	case "mount":
		var e mountEvent
		if !unmarshal(&e) {
			return false, "bad mount", fmt.Errorf("event.%s: %w", name, err)
		}
		ev.Kind = stagewatch.Mount
		ev.File.SetPath(stagewatch.MacOS, e.Statfs.OnName)
		ev.Remote.Protocol = strings.ToLower(e.Statfs.FSType)
		ev.Remote.Share = e.Statfs.FromName
		ev.Remote.SourceIP = sourceIP(e.Statfs.FromName)
	default:
		return false, "", nil
	}
	return true, "", nil
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
