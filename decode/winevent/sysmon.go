package winevent

import (
	"strconv"
	"strings"

	"github.com/stagewatch/stagewatch"
)

// mapSysmon fills ev from a Sysmon event (formats.md 2.1). It reports false
// for event IDs no analytic uses.
func mapSysmon(r *Record, ev *stagewatch.Event) bool {
	switch r.EventID {
	case 1:
		ev.Kind = stagewatch.ProcessStart
		p := &ev.Proc
		setImage(p, value(r, "Image"))
		p.CommandLine = value(r, "CommandLine")
		p.CWD = value(r, "CurrentDirectory")
		p.PID = id(r, "ProcessId")
		p.GUID = value(r, "ProcessGuid")
		setParent(p, value(r, "ParentImage"))
		p.ParentPID = id(r, "ParentProcessId")
		p.ParentCommandLine = value(r, "ParentCommandLine")
		ev.User = sysmonUser(r)
	case 2:
		// File creation time changed: the file's content is not
		// touched, but timestomping a staged file is a write to it.
		ev.Kind = stagewatch.FileModify
		sysmonActor(r, ev)
		setFile(ev, value(r, "TargetFilename"))
	case 3:
		ev.Kind = stagewatch.NetConnect
		sysmonActor(r, ev)
		sysmonNet(r, ev)
	case 11:
		ev.Kind = stagewatch.FileCreate
		sysmonActor(r, ev)
		setFile(ev, value(r, "TargetFilename"))
	case 13:
		ev.Kind = stagewatch.RegistrySet
		sysmonActor(r, ev)
		setAttr(ev, "target_object", value(r, "TargetObject"))
		setAttr(ev, "details", value(r, "Details"))
	case 15:
		// An alternate data stream was written. The event stands for
		// the file that got the stream (a Zone.Identifier stream marks
		// a download), so the stream suffix is cut from the path: a
		// bulk count then sees the same file as EID 11, once. The
		// stream's own hash is not the file's, so it is not kept.
		ev.Kind = stagewatch.FileCreate
		sysmonActor(r, ev)
		path, stream := cutStream(value(r, "TargetFilename"))
		setFile(ev, path)
		setAttr(ev, "stream", stream)
		setAttr(ev, "stream_contents", value(r, "Contents"))
	case 23, 26:
		ev.Kind = stagewatch.FileDelete
		sysmonActor(r, ev)
		setFile(ev, value(r, "TargetFilename"))
		ev.File.SHA256 = sha256Of(value(r, "Hashes"))
	default:
		return false
	}
	sysmonTime(r, ev)
	return true
}

// sysmonActor fills Proc and User with the process that acted.
func sysmonActor(r *Record, ev *stagewatch.Event) {
	setImage(&ev.Proc, value(r, "Image"))
	ev.Proc.PID = id(r, "ProcessId")
	ev.Proc.GUID = value(r, "ProcessGuid")
	ev.User = sysmonUser(r)
}

// sysmonUser returns the User field (DOMAIN\name). The System UserID is
// the Sysmon service's account (S-1-5-18), not the subject's, so the SID
// stays empty.
func sysmonUser(r *Record) stagewatch.User {
	return splitUser(value(r, "User"))
}

// sysmonNet fills Net from EID 3. Sysmon names the connection's initiator
// Source: for an outbound connection (Initiated true) that is the local
// end, for an inbound one the remote end.
func sysmonNet(r *Record, ev *stagewatch.Event) {
	local, remote := "Source", "Destination"
	ev.Net.Direction = "outbound"
	if strings.EqualFold(value(r, "Initiated"), "false") {
		local, remote = remote, local
		ev.Net.Direction = "inbound"
	}
	ev.Net.LocalIP = value(r, local+"Ip")
	ev.Net.LocalPort = port(value(r, local+"Port"))
	ev.Net.RemoteIP = value(r, remote+"Ip")
	ev.Net.RemotePort = port(value(r, remote+"Port"))
	ev.Net.Protocol = stagewatch.LowerASCII(value(r, "Protocol"))
	setAttr(ev, "remote_hostname", value(r, remote+"Hostname"))
}

// port parses a port number, or returns 0.
func port(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > 65535 {
		return 0
	}
	return n
}

// cutStream splits "C:\dir\file.zip:Zone.Identifier" into the file's path
// and the stream name. Only a colon in the last element counts, so the
// drive's colon stays; a ":$DATA" stream type is dropped from the name.
func cutStream(p string) (path, stream string) {
	start := strings.LastIndexAny(p, `\/`) + 1
	if start == 0 && len(p) >= 2 && p[1] == ':' && isLetter(p[0]) {
		start = 2 // C:file, relative to the drive's current folder
	}
	i := strings.IndexByte(p[start:], ':')
	if i < 0 {
		return p, ""
	}
	path, stream = p[:start+i], p[start+i+1:]
	stream, _, _ = strings.Cut(stream, ":")
	return path, stream
}
