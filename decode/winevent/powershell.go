package winevent

import (
	"strings"

	"github.com/stagewatch/stagewatch"
)

// mapPowerShell maps script block logging (4104) and module logging (4103)
// to ProcessStart events whose CommandLine is the PowerShell text that ran,
// so copy and archive cmdlets inside scripts are searched like the command
// lines of new processes. Proc is the PowerShell host (its PID is the
// event's Execution ProcessID: PowerShell logs from inside the host). A
// block split across several events (MessageTotal > 1) gives one event per
// part. Events without text report false.
func mapPowerShell(r *Record, ev *stagewatch.Event) bool {
	ev.Kind = stagewatch.ProcessStart
	ev.Proc.PID = r.ExecPID
	ev.Proc.Name = "powershell.exe"
	if strings.EqualFold(r.Provider, ProviderPowerShellCore) || strings.EqualFold(r.Channel, "PowerShellCore/Operational") {
		ev.Proc.Name = "pwsh.exe"
	}
	ev.User.SID = r.UserSID
	switch r.EventID {
	case 4104:
		ev.Proc.CommandLine = strings.TrimSpace(r.Get("ScriptBlockText"))
		setAttr(ev, "script_block_id", value(r, "ScriptBlockId"))
		setAttr(ev, "script_path", value(r, "Path"))
		if n, total := value(r, "MessageNumber"), value(r, "MessageTotal"); total != "" && total != "1" {
			setAttr(ev, "part", n+"/"+total)
		}
	case 4103:
		ctx := contextInfo(r.Get("ContextInfo"))
		if host := ctx["Host Application"]; host != "" {
			if exe := firstArg(host); strings.ContainsAny(exe, `\/`) {
				setImage(&ev.Proc, exe)
			}
		}
		if u := splitUser(ctx["User"]); u.Name != "" {
			u.SID = ev.User.SID
			ev.User = u
		}
		ev.Proc.CommandLine = invocation(r.Get("Payload"))
		setAttr(ev, "command_name", ctx["Command Name"])
	default:
		return false
	}
	return ev.Proc.CommandLine != ""
}

// contextInfo parses 4103's ContextInfo, lines of "Key = Value".
func contextInfo(s string) map[string]string {
	m := make(map[string]string, 16)
	for line := range strings.Lines(s) {
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		if k, v = strings.TrimSpace(k), strings.TrimSpace(v); k != "" && v != "" {
			if _, dup := m[k]; !dup {
				m[k] = v
			}
		}
	}
	return m
}

// firstArg returns the program of a Windows command line: the quoted first
// argument, or everything up to the first space.
func firstArg(s string) string {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, `"`) {
		if i := strings.IndexByte(s[1:], '"'); i >= 0 {
			return s[1 : 1+i]
		}
		return s[1:]
	}
	if i := strings.IndexAny(s, " \t"); i >= 0 {
		return s[:i]
	}
	return s
}

// invocation rebuilds the commands 4103's Payload describes:
//
//	CommandInvocation(Copy-Item): "Copy-Item"
//	ParameterBinding(Copy-Item): name="Destination"; value="C:\Users\Public\x"
//	ParameterBinding(Copy-Item): name="Recurse"; value="True"
//
// becomes Copy-Item -Destination 'C:\Users\Public\x' -Recurse. Several
// invocations (a pipeline) are joined with "; ". Lines of other kinds
// (output, errors) are ignored.
func invocation(payload string) string {
	var b strings.Builder
	for line := range strings.Lines(payload) {
		line = strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "CommandInvocation("):
			name, _, ok := strings.Cut(line[len("CommandInvocation("):], ")")
			if !ok || name == "" {
				continue
			}
			if b.Len() > 0 {
				b.WriteString("; ")
			}
			b.WriteString(name)
		case strings.HasPrefix(line, "ParameterBinding(") && b.Len() > 0:
			name, val, ok := binding(line)
			if !ok {
				continue
			}
			switch {
			case name == "":
				b.WriteString(" " + quotePS(val))
			case strings.EqualFold(val, "True"):
				b.WriteString(" -" + name)
			case strings.EqualFold(val, "False"):
				b.WriteString(" -" + name + ":$false")
			default:
				b.WriteString(" -" + name + " " + quotePS(val))
			}
		}
	}
	return b.String()
}

// binding parses `ParameterBinding(X): name="N"; value="V"`. A positional
// argument has an empty name.
func binding(line string) (name, val string, ok bool) {
	_, rest, ok := strings.Cut(line, `name="`)
	if !ok {
		return "", "", false
	}
	name, rest, ok = strings.Cut(rest, `"; value="`)
	if !ok {
		return "", "", false
	}
	return name, strings.TrimSuffix(rest, `"`), true
}

// quotePS quotes a value as a PowerShell single-quoted string when it
// needs quoting.
func quotePS(v string) string {
	if v != "" && !strings.ContainsAny(v, " \t'\";&|(){}$`,") {
		return v
	}
	return "'" + strings.ReplaceAll(v, "'", "''") + "'"
}
