package analytic

import (
	"strings"

	"github.com/stagewatch/stagewatch"
)

// copyCommand counts the source folders of a copy command into a staging
// folder.
func (d *FanInStagingDetector) copyCommand(ev *stagewatch.Event) []stagewatch.Alert {
	if ev.Proc.CommandLine == "" || !mayCopy(ev.Proc.CommandLine) {
		return nil
	}
	if !isScriptEvent(ev) && !d.tools.IsCandidate(procName(&ev.Proc)) {
		return nil
	}
	norm := stagewatch.NormalizeCommandLine(ev.Proc.CommandLine)
	syn := syntaxOf(ev, norm)
	windows := syn.windows()
	os := ev.Host.OS
	if windows {
		os = stagewatch.Windows
	}
	ops, _ := d.tools.parse(norm, syn)
	var out []stagewatch.Alert
	for _, op := range ops {
		if op.Dest == "" || isVariable(op.Dest) || IsRemote(op.Dest) || len(op.Sources) == 0 {
			continue
		}
		dest := strings.Trim(op.Dest, `"' `)
		if !windows && !strings.HasPrefix(dest, "/") && ev.Proc.CWD != "" {
			dest = strings.TrimRight(ev.Proc.CWD, "/") + "/" + dest
		}
		dir := stagewatch.NormalizeDir(os, destFolder(os, dest, len(op.Sources) > 1 || op.Recursive))
		if tier, _ := d.staging.For(os, dir).MatchAggregation(dir); tier == 0 || tier > d.p.MaxTier {
			continue
		}
		if _, ok := d.sup.Match(&Subject{Image: ev.Proc.Image, Parent: ev.Proc.ParentImage, CommandLine: ev.Proc.CommandLine,
			Path: dest, User: ev.User, Host: ev.Host.Key()}); ok {
			continue
		}
		key := fanInKey{host: ev.Host.Key(), actor: d.actor(ev), dest: dir}
		sources := op.Sources
		if op.Tool == "robocopy" || op.Renamed {
			sources = sources[:1] // the rest are file patterns within it
		}
		for _, src := range sources {
			if src == "{}" || isVariable(src) {
				continue
			}
			if !strings.ContainsAny(src, `/\`) {
				// A bare name is relative to the working folder.
				if ev.Proc.CWD == "" {
					continue
				}
				src = strings.TrimRight(ev.Proc.CWD, `/\`) + string(sepOf(os)) + src
			}
			sdir := sourceFolder(os, src, op.Recursive)
			if sdir == "" || dirUnder(os, stagewatch.NormalizeDir(os, sdir), dir) {
				continue
			}
			m := fanInMatch{ev: ev, source: originalCase(ev.Proc.CommandLine, sdir), via: "copy", cmd: op.Sources, norm: norm}
			out = append(out, d.alerts(d.win.Add(key, hashPath(windows, stagewatch.NormalizeDir(os, sdir)), ev.Time, m))...)
		}
	}
	return out
}

func sepOf(os stagewatch.OS) byte {
	if os == stagewatch.Windows {
		return '\\'
	}
	return '/'
}

// destFolder is the folder a copy writes into: the destination itself when
// it names a folder (trailing separator, several sources, a recursive copy,
// no extension), else its parent.
func destFolder(os stagewatch.OS, dest string, folder bool) string {
	parent, name := stagewatch.SplitPath(os, dest)
	if folder || strings.HasSuffix(dest, "/") || strings.HasSuffix(dest, `\`) || stagewatch.Ext(name) == "" {
		return dest
	}
	return parent
}

// sourceFolder is the folder a copy source comes from: a recursive copy's
// folder argument itself, else the parent of a file or wildcard.
func sourceFolder(os stagewatch.OS, src string, recursive bool) string {
	src = strings.Trim(src, `"' `)
	trimmed := strings.TrimRight(src, `\/`)
	if trimmed == "" {
		return ""
	}
	parent, name := stagewatch.SplitPath(os, trimmed)
	if recursive && !strings.ContainsAny(name, "*?") && stagewatch.Ext(name) == "" {
		return trimmed
	}
	if parent == "" {
		return "."
	}
	return parent
}
