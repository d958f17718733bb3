package eslogger

import "strings"

// maxProcs bounds the process table; when it is full an arbitrary entry is
// dropped, so a long capture keeps a fixed memory cost and only loses
// parent details of long-lived processes.
const maxProcs = 1 << 16

// procInfo is what the decoder remembers of a running image.
type procInfo struct {
	pidVersion  int64
	image       string
	commandLine string
}

// procTable maps a pid to the image it last ran, learned from exec (the new
// image and its arguments), fork (the child runs its parent's image) and the
// acting process of every other message. It fills the parent image and
// command line of ProcessStart and the command line of file events, which
// eslogger does not repeat in each message.
type procTable struct {
	m map[int64]procInfo
}

func newProcTable() procTable { return procTable{m: make(map[int64]procInfo)} }

// put records what pid runs.
func (t *procTable) put(pid int64, info procInfo) {
	if pid <= 0 {
		return
	}
	if _, ok := t.m[pid]; !ok && len(t.m) >= maxProcs {
		for k := range t.m {
			delete(t.m, k)
			break
		}
	}
	t.m[pid] = info
}

// see records the acting process of a message, keeping a command line
// learned from its exec when the image is the same.
func (t *procTable) see(p *process) {
	pid := p.AuditToken.PID
	if pid <= 0 || p.Executable.Path == "" {
		return
	}
	old, ok := t.m[pid]
	if ok && old.image == p.Executable.Path && (old.pidVersion == p.AuditToken.PIDVersion || old.pidVersion == 0) {
		return
	}
	t.put(pid, procInfo{pidVersion: p.AuditToken.PIDVersion, image: p.Executable.Path})
}

// get returns what pid runs. A known pidversion (from an audit token) must
// match, because pids are reused; 0 accepts any.
func (t *procTable) get(pid, pidVersion int64) (procInfo, bool) {
	info, ok := t.m[pid]
	if !ok || (pidVersion != 0 && info.pidVersion != 0 && info.pidVersion != pidVersion) {
		return procInfo{}, false
	}
	return info, true
}

// joinArgs joins argv with spaces, quoting POSIX-style the arguments that a
// shell would split or expand: they are wrapped in single quotes, and a
// single quote inside becomes '\”.
func joinArgs(args []string) string {
	var b strings.Builder
	for i, a := range args {
		if i > 0 {
			b.WriteByte(' ')
		}
		if a != "" && strings.IndexFunc(a, needsQuote) < 0 {
			b.WriteString(a)
			continue
		}
		b.WriteByte('\'')
		b.WriteString(strings.ReplaceAll(a, "'", `'\''`))
		b.WriteByte('\'')
	}
	return b.String()
}

// needsQuote reports whether r is special to a POSIX shell.
func needsQuote(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\r', '\'', '"', '\\', '$', '`', '|', '&', ';', '<', '>', '(', ')', '*', '?', '[', ']', '#', '~', '{', '}', '!':
		return true
	}
	return false
}
