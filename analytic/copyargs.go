package analytic

import "strings"

// isSwitch reports whether a Windows argument is a /switch rather than a
// path. A path such as /tmp/x has a second slash; a switch does not.
func isSwitch(a string) bool {
	return len(a) >= 2 && a[0] == '/' && strings.IndexByte(a[1:], '/') < 0
}

func switchIs(a string, names ...string) bool {
	a = strings.ToLower(a)
	if i := strings.IndexByte(a, ':'); i > 0 {
		a = a[:i]
	}
	for _, n := range names {
		if a == n {
			return true
		}
	}
	return false
}

// parseRobocopy: robocopy SOURCE DEST [FILE...] [/opts].
func parseRobocopy(op *CopyOp, args []string) {
	var pos []string
	for _, a := range args {
		if isSwitch(a) {
			if switchIs(a, "/s", "/e", "/mir", "/move") {
				op.Recursive = true
			}
			continue
		}
		pos = append(pos, a)
	}
	if len(pos) > 0 {
		op.Sources = append(op.Sources, pos[0])
	}
	if len(pos) > 1 {
		op.Dest = pos[1]
	}
	if len(pos) > 2 {
		// File patterns filter the source folder; they count as sources
		// for the wildcard test.
		op.Sources = append(op.Sources, pos[2:]...)
	}
}

// renamedCopy recognises a Windows program that is not a known copy tool
// but is started the way robocopy and xcopy are: exactly two or more
// positional arguments of which the first two are paths (a drive path or a
// UNC path), and at least one of their copy switches. An intruder's
// renamed robocopy (rc.exe \\fs01\finance C:\Users\Public\x *.xlsx /s) is
// found so; ordinary programs rarely take two paths and /s or /mir.
func renamedCopy(name string, args []string) (CopyOp, bool) {
	var pos []string
	copySwitch := false
	for _, a := range args {
		if isSwitch(a) {
			if switchIs(a, "/s", "/e", "/mir", "/move", "/mov", "/copy", "/copyall", "/dcopy", "/mt", "/r", "/w",
				"/z", "/zb", "/b", "/xf", "/xd", "/np", "/ndl", "/nfl", "/h", "/y", "/i", "/k", "/c") {
				copySwitch = true
			}
			continue
		}
		pos = append(pos, a)
	}
	if !copySwitch || len(pos) < 2 || !isWindowsPath(pos[0]) || !isWindowsPath(pos[1]) {
		return CopyOp{}, false
	}
	op := CopyOp{Tool: name, Renamed: true}
	parseRobocopy(&op, args)
	for _, s := range op.Sources {
		if strings.ContainsAny(s, "*?") {
			op.Wildcard = true
		}
	}
	return op, true
}

// isWindowsPath reports whether a is an absolute drive path (c:\x) or a
// UNC path (\\host\share).
func isWindowsPath(a string) bool {
	a = strings.Trim(a, `"`)
	return len(a) >= 3 && a[1] == ':' && (a[2] == '\\' || a[2] == '/') || strings.HasPrefix(a, `\\`)
}

// mayRenamedCopy is the cheap prefilter for renamedCopy: a switch only
// robocopy and xcopy style copies use, seen anywhere in the command line.
func mayRenamedCopy(cmdline string) bool {
	for _, f := range []string{" /s", " /e", " /mir", " /mt", " /copy", " /z", " /mov"} {
		if containsFold(cmdline, f) {
			return true
		}
	}
	return false
}

// parseXcopy: xcopy SOURCE [DEST] [/opts].
func parseXcopy(op *CopyOp, args []string) {
	var pos []string
	for _, a := range args {
		if isSwitch(a) {
			if switchIs(a, "/s", "/e") {
				op.Recursive = true
			}
			continue
		}
		pos = append(pos, a)
	}
	if len(pos) > 0 {
		op.Sources = append(op.Sources, pos[0])
	}
	if len(pos) > 1 {
		op.Dest = pos[1]
	}
}

// parseCmdCopy: copy [/opts] SOURCE[+SOURCE...] [DEST]. With one argument
// the destination is the current folder, which is not known here.
func parseCmdCopy(op *CopyOp, args []string) {
	var pos []string
	for _, a := range args {
		if isSwitch(a) {
			continue
		}
		pos = append(pos, a)
	}
	if len(pos) == 0 {
		return
	}
	if len(pos) == 1 {
		op.Sources = splitPlus(pos[0])
		return
	}
	for _, s := range pos[:len(pos)-1] {
		op.Sources = append(op.Sources, splitPlus(s)...)
	}
	op.Dest = pos[len(pos)-1]
}

func splitPlus(s string) []string {
	var out []string
	for _, p := range strings.Split(s, "+") {
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

// parsePSCopy: Copy-Item [-Path] SOURCE[,SOURCE] [-Destination] DEST
// [-Recurse] ... with PowerShell's unambiguous parameter prefixes and
// -Name:value forms.
func parsePSCopy(op *CopyOp, args []string) {
	var pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if len(a) < 2 || a[0] != '-' {
			pos = append(pos, a)
			continue
		}
		name, value, hasValue := strings.Cut(strings.ToLower(a[1:]), ":")
		if hasValue && len(name) == 1 {
			// -c:\x is not a parameter.
			pos = append(pos, a)
			continue
		}
		take := func() string {
			if hasValue {
				return a[len(name)+2:]
			}
			if i+1 < len(args) {
				i++
				return args[i]
			}
			return ""
		}
		_ = value
		switch {
		case isPrefix(name, "destination", 3):
			op.Dest = take()
		case isPrefix(name, "path", 3) || isPrefix(name, "literalpath", 2) || name == "lp" || name == "pspath":
			op.Sources = append(op.Sources, splitComma(take())...)
		case isPrefix(name, "recurse", 1):
			op.Recursive = true
		case isPrefix(name, "filter", 2) || isPrefix(name, "include", 2) || isPrefix(name, "exclude", 2):
			if v := take(); strings.ContainsAny(v, "*?") {
				op.Wildcard = true
			}
		case isPrefix(name, "credential", 2) || isPrefix(name, "tosession", 2) || isPrefix(name, "fromsession", 2) ||
			isPrefix(name, "erroraction", 6) || name == "ea" || isPrefix(name, "errorvariable", 6) || name == "ev":
			take()
		}
	}
	if len(pos) > 0 && len(op.Sources) == 0 {
		op.Sources = splitComma(pos[0])
		pos = pos[1:]
	}
	if len(pos) > 0 && op.Dest == "" {
		op.Dest = pos[0]
	}
}

func splitComma(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// posixValueOpts returns the short options of a POSIX copy tool that take a
// value.
func posixValueOpts(tool string) string {
	switch tool {
	case "cp":
		return "tS"
	case "scp":
		return "PiFlcoJS"
	case "rsync":
		return "eBfT"
	}
	return ""
}

// parsePOSIXCopy: cp/rsync/scp/ditto [opts] SOURCE... DEST, or -t DEST /
// --target-directory=DEST. A host:path destination is kept as is; it is
// not a local folder. It reports false for what is not a local copy: ditto
// -c/-x (archiving, read by archive-command), and the receiving or sending
// end of a transfer (rsync --server, scp -t/-f), which
// inbound-transfer-staging reads.
func parsePOSIXCopy(op *CopyOp, args []string) bool {
	var pos []string
	valueOpts := posixValueOpts(op.Tool)
	if op.Tool == "ditto" {
		op.Recursive = true // ditto copies folder trees
	}
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			pos = append(pos, args[i+1:]...)
			i = len(args)
		case strings.HasPrefix(a, "--"):
			name, val, has := strings.Cut(a[2:], "=")
			switch name {
			case "recursive", "archive":
				op.Recursive = true
			case "target-directory":
				if !has && i+1 < len(args) {
					i++
					val = args[i]
				}
				op.Dest = val
			case "rsh", "exclude", "include", "suffix":
				if !has {
					i++
				}
			case "server":
				if op.Tool == "rsync" {
					return false
				}
			}
		case len(a) > 1 && a[0] == '-':
			for j := 1; j < len(a); j++ {
				c := a[j]
				if (op.Tool == "ditto" && (c == 'c' || c == 'x')) || (op.Tool == "scp" && (c == 't' || c == 'f')) {
					return false
				}
				if c == 'r' || c == 'R' || c == 'a' {
					op.Recursive = true
				}
				if strings.IndexByte(valueOpts, c) >= 0 {
					val := a[j+1:]
					if val == "" && i+1 < len(args) {
						i++
						val = args[i]
					}
					if c == 't' && op.Tool == "cp" {
						op.Dest = val
					}
					break
				}
			}
		default:
			pos = append(pos, a)
		}
	}
	if op.Dest != "" {
		op.Sources = pos
		return true
	}
	if len(pos) >= 2 {
		op.Sources = pos[:len(pos)-1]
		op.Dest = pos[len(pos)-1]
	} else {
		op.Sources = pos
	}
	return true
}

// IsRemote reports whether a copy argument names another host: a
// host:path (scp, rsync) or an rsync:// URL. A drive letter is not a host.
func IsRemote(arg string) bool {
	if strings.HasPrefix(arg, "rsync://") {
		return true
	}
	i := strings.IndexByte(arg, ':')
	if i <= 1 {
		return false
	}
	return !strings.ContainsAny(arg[:i], `/\`)
}

// mayCopy is a cheap, allocation-free prefilter on the raw command line:
// every copy tool's name contains one of these fragments, and " -e" catches
// PowerShell's -EncodedCommand, whose script is not visible.
func mayCopy(cmdline string) bool {
	for _, f := range []string{"cp", "copy", "rsync", "ditto", "move", " -e", " /e"} {
		if containsFold(cmdline, f) {
			return true
		}
	}
	return false
}

// containsFold reports whether s contains the lower-case sub, ignoring
// ASCII case in s.
func containsFold(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		j := 0
		for ; j < len(sub); j++ {
			c := s[i+j]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != sub[j] {
				break
			}
		}
		if j == len(sub) {
			return true
		}
	}
	return false
}

// isVariable reports whether a destination is an unexpanded variable
// ($d, $d\x, %1, %~dp0x, $(...)) whose value the command line does not show.
func isVariable(dest string) bool {
	return strings.HasPrefix(dest, "$") || strings.HasPrefix(dest, "%") || strings.Contains(dest, "$(")
}

// seedCopyVerb is the seed's has_any("robocopy", "xcopy", "copy /",
// "Copy-Item", "cp -r") extended with the other copy tools.
func seedCopyVerb(norm string) bool {
	for _, v := range []string{"robocopy", "xcopy", "copy /", "copy-item", "cp -r", "rsync", "scp ", "ditto ", "cpi ", "move-item"} {
		if strings.Contains(norm, v) {
			return true
		}
	}
	return false
}
