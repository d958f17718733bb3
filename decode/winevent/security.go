package winevent

import (
	"strings"

	"github.com/stagewatch/stagewatch"
)

// File access rights, as AccessMask bits and as the message codes
// ("%%4416") or names ("ReadData (or ListDirectory)") AccessList holds.
const (
	accessRead   = 0x1
	accessWrite  = 0x2
	accessAppend = 0x4
	accessDelete = 0x10000
)

var accessNames = [...]struct {
	bit        int64
	code, name string
}{
	{accessRead, "%%4416", "ReadData"},
	{accessWrite, "%%4417", "WriteData"},
	{accessAppend, "%%4418", "AppendData"},
	{accessDelete, "%%1537", "DELETE"},
}

// access returns the file rights an event names, from AccessMask and
// AccessList together (carriers keep one or the other, and render the list
// as codes or as names).
func access(r *Record) int64 {
	mask, _ := ParseID(r.Get("AccessMask"))
	list := r.Get("AccessList")
	for _, a := range accessNames {
		if strings.Contains(list, a.code) || containsWord(list, a.name) {
			mask |= a.bit
		}
	}
	return mask
}

// containsWord reports whether word occurs in s not followed by a letter
// (ReadData, not ReadDataEx).
func containsWord(s, word string) bool {
	for {
		i := strings.Index(s, word)
		if i < 0 {
			return false
		}
		end := i + len(word)
		if end == len(s) || !isLetter(s[end]) {
			return true
		}
		s = s[end:]
	}
}

func isLetter(c byte) bool { return ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') }

// mapSecurity fills ev from a Security audit event. It reports false for
// event IDs no analytic uses, for 4663 on objects other than files or
// without read, write or delete rights, and for IPC$ share access (named
// pipes, not files).
func mapSecurity(r *Record, ev *stagewatch.Event) bool {
	switch r.EventID {
	case 4688:
		ev.Kind = stagewatch.ProcessStart
		p := &ev.Proc
		setImage(p, value(r, "NewProcessName"))
		p.PID = id(r, "NewProcessId")
		p.CommandLine = value(r, "CommandLine")
		p.ParentPID = id(r, "ProcessId")
		setParent(p, value(r, "ParentProcessName"))
		// Version 2 names the new process's account in Target* when it
		// differs from the creator's (Subject*); otherwise Target is
		// "-" with the NULL SID.
		ev.User = account(r, "Target")
		if ev.User.Name == "" || ev.User.SID == "S-1-0-0" {
			ev.User = account(r, "Subject")
		}
	case 4663:
		if t := value(r, "ObjectType"); t != "" && !strings.EqualFold(t, "File") {
			return false
		}
		mask := access(r)
		switch {
		case mask&(accessWrite|accessAppend) != 0:
			ev.Kind, ev.Action = stagewatch.FileModify, "4663:write"
		case mask&accessDelete != 0:
			ev.Kind, ev.Action = stagewatch.FileDelete, "4663:delete"
		case mask&accessRead != 0:
			ev.Kind, ev.Action = stagewatch.FileRead, "4663:read"
		default:
			return false
		}
		setImage(&ev.Proc, value(r, "ProcessName"))
		ev.Proc.PID = id(r, "ProcessId")
		ev.User = account(r, "Subject")
		setFile(ev, value(r, "ObjectName"))
	case 5140, 5145:
		return shareAccess(r, ev)
	default:
		return false
	}
	return true
}

// shareAccess maps 5140 (a share was accessed) and 5145 (a file in a share
// was checked for access) to a ShareAccess on the server: File is the
// server-side path (ShareLocalPath + RelativeTargetName), Remote the client.
// Action is "5145:write" when the rights include WriteData or AppendData,
// "5145:read" when they include ReadData, and the bare ID otherwise, so
// an analytic counting files written over SMB tests Action's suffix.
func shareAccess(r *Record, ev *stagewatch.Event) bool {
	share := value(r, "ShareName")
	if strings.HasSuffix(strings.ToUpper(share), `\IPC$`) {
		return false
	}
	ev.Kind = stagewatch.ShareAccess
	mask := access(r)
	switch {
	case mask&(accessWrite|accessAppend) != 0:
		ev.Action += ":write"
	case mask&accessRead != 0:
		ev.Action += ":read"
	}
	ev.User = account(r, "Subject")
	ev.Remote = stagewatch.Remote{
		Protocol: "smb",
		SourceIP: value(r, "IpAddress"),
		Account:  ev.User.String(),
		Share:    share,
	}
	if p := sharePath(value(r, "ShareLocalPath"), value(r, "RelativeTargetName")); p != "" {
		setFile(ev, p)
	}
	return true
}

// sharePath joins a share's local folder ("\??\C:\Users\Public", the NT
// form Windows logs) and a path relative to it. The "\??\" prefix is
// dropped so the path reads as the user would write it.
func sharePath(local, rel string) string {
	local = strings.TrimPrefix(local, `\??\`)
	rel = strings.TrimLeft(rel, `\`)
	switch {
	case local == "":
		return ""
	case rel == "":
		return local
	case strings.HasSuffix(local, `\`):
		return local + rel
	}
	return local + `\` + rel
}

// account returns the PREFIX UserName, DomainName and UserSid fields.
func account(r *Record, prefix string) stagewatch.User {
	return stagewatch.User{
		Name:   value(r, prefix+"UserName"),
		Domain: value(r, prefix+"DomainName"),
		SID:    value(r, prefix+"UserSid"),
	}
}
