package analytic

import (
	"encoding/base64"
	"fmt"
	"strings"
	"unicode/utf16"
)

// CopyOp is one copy command found in a command line.
type CopyOp struct {
	Tool      string   // the command as named: robocopy, copy-item, cp...
	Sources   []string // source arguments as written
	Dest      string   // destination argument; "" when it could not be found
	Recursive bool     // /s /e /mir, -r, -Recurse, for /r, find -exec
	Wildcard  bool     // a source or file pattern holds * or ?
}

// CopyTools knows the copy commands of copy_tools.txt and finds them in
// command lines, through cmd /c, PowerShell -Command (and
// -EncodedCommand), sh -c, find -exec and xargs nesting.
type CopyTools struct {
	byShell map[shell]map[string]string // shell -> command -> syntax
}

type shell uint8

const (
	shellTop shell = iota // a process started directly
	shellCmd
	shellPowerShell
	shellPOSIX
)

var syntaxes = map[string][]shell{
	"robocopy": {shellTop, shellCmd, shellPowerShell},
	"xcopy":    {shellTop, shellCmd, shellPowerShell},
	"cmdcopy":  {shellCmd},
	"pscopy":   {shellPowerShell},
	"posix":    {shellTop, shellPOSIX},
}

// NewCopyTools parses copy-tool entries ("robocopy robocopy", "cp posix").
func NewCopyTools(entries List) (*CopyTools, error) {
	t := &CopyTools{byShell: make(map[shell]map[string]string)}
	for _, raw := range entries {
		f := strings.Fields(stripComment(raw))
		if len(f) == 0 {
			continue
		}
		if len(f) != 2 {
			return nil, fmt.Errorf("copy tool %q: want NAME SYNTAX", raw)
		}
		shells, ok := syntaxes[f[1]]
		if !ok {
			return nil, fmt.Errorf("copy tool %q: unknown syntax %q (want robocopy, xcopy, cmdcopy, pscopy or posix)", raw, f[1])
		}
		for _, sh := range shells {
			if t.byShell[sh] == nil {
				t.byShell[sh] = make(map[string]string)
			}
			t.byShell[sh][commandName(f[0])] = f[1]
		}
	}
	return t, nil
}

// IsCandidate reports whether a process named name (any case, with or
// without .exe) can run a copy: a copy tool or a shell that may wrap one.
func (t *CopyTools) IsCandidate(name string) bool {
	n := commandName(name)
	switch n {
	case "cmd", "powershell", "pwsh", "powershell_ise", "sh", "bash", "dash", "zsh", "ksh":
		return true
	}
	_, ok := t.byShell[shellTop][n]
	return ok
}

// Parse returns the copy commands in a command line. windows selects
// CommandLineToArgvW splitting for the top level, else POSIX words.
func (t *CopyTools) Parse(cmdline string, windows bool) []CopyOp {
	p := copyParser{tools: t}
	if windows {
		p.windowsCommand(cmdline, 0)
	} else {
		for _, argv := range SplitPOSIX(cmdline) {
			p.argv(argv, shellTop, 0)
		}
	}
	if p.recursive {
		for i := range p.ops {
			p.ops[i].Recursive = true
		}
	}
	return p.ops
}

type copyParser struct {
	tools     *CopyTools
	ops       []CopyOp
	recursive bool // the script walks folders (for /r, gci -recurse, find)
}

const maxDepth = 4

func (p *copyParser) windowsCommand(s string, depth int) {
	toks := windowsTokens(s)
	if len(toks) == 0 || depth > maxDepth {
		return
	}
	switch commandName(toks[0].text) {
	case "cmd":
		for _, tk := range toks[1:] {
			if l := strings.ToLower(tk.text); strings.HasSuffix(l, "/c") || strings.HasSuffix(l, "/k") || strings.HasSuffix(l, "/r") {
				p.cmdScript(s[tk.end:], depth+1)
				return
			}
		}
		return
	case "powershell", "pwsh", "powershell_ise":
		args := make([]string, 0, len(toks)-1)
		for _, tk := range toks[1:] {
			args = append(args, tk.text)
		}
		p.powerShellArgs(args, depth+1)
		return
	}
	argv := make([]string, 0, len(toks))
	for _, tk := range toks {
		argv = append(argv, tk.text)
	}
	p.argv(argv, shellTop, depth)
}

func (p *copyParser) cmdScript(s string, depth int) {
	for _, c := range splitCmdScript(s) {
		c = strings.TrimLeft(c, "@ ")
		argv := SplitWindows(c)
		if len(argv) == 0 {
			continue
		}
		if strings.EqualFold(argv[0], "do") {
			// The body of a for loop whose (set) split the segment.
			argv = argv[1:]
			if len(argv) == 0 {
				continue
			}
		}
		if strings.EqualFold(argv[0], "for") {
			for i, a := range argv {
				if strings.EqualFold(a, "/r") {
					p.recursive = true
				}
				if strings.EqualFold(a, "do") && i+1 < len(argv) {
					p.argv(argv[i+1:], shellCmd, depth)
					break
				}
			}
			continue
		}
		// copy/y and xcopy/s glue the first switch to the command name.
		if i := strings.IndexByte(argv[0], '/'); i > 0 && !strings.ContainsAny(argv[0][:i], `\:`) {
			argv = append([]string{argv[0][:i], argv[0][i:]}, argv[1:]...)
		}
		p.argv(argv, shellCmd, depth)
	}
}

// powerShellArgs handles the arguments of powershell.exe: options, then
// -Command (the rest joined) or -EncodedCommand, or a bare script.
func (p *copyParser) powerShellArgs(args []string, depth int) {
	for i := 0; i < len(args); i++ {
		a := strings.ToLower(args[i])
		if !strings.HasPrefix(a, "-") && !strings.HasPrefix(a, "/") {
			p.powerShellScript(strings.Join(args[i:], " "), depth)
			return
		}
		name := strings.TrimLeft(a, "-/")
		switch {
		case name == "":
		case isPrefix(name, "command", 1):
			p.powerShellScript(strings.Join(args[i+1:], " "), depth)
			return
		case isPrefix(name, "encodedcommand", 1) || name == "ec":
			if i+1 < len(args) {
				if script, ok := decodeUTF16Base64(args[i+1]); ok {
					p.powerShellScript(strings.ToLower(script), depth)
				}
			}
			return
		case isPrefix(name, "file", 1):
			return
		case isPrefix(name, "executionpolicy", 2) || name == "ep" || isPrefix(name, "windowstyle", 1) ||
			isPrefix(name, "version", 1) || isPrefix(name, "workingdirectory", 2) || name == "wd" ||
			isPrefix(name, "configurationname", 2) || isPrefix(name, "inputformat", 2) || isPrefix(name, "outputformat", 1) ||
			isPrefix(name, "psconsolefile", 2):
			i++ // skip the option's value
		}
	}
}

// isPrefix reports whether s abbreviates word with at least min bytes.
func isPrefix(s, word string, min int) bool {
	return len(s) >= min && len(s) <= len(word) && word[:len(s)] == s
}

func decodeUTF16Base64(s string) (string, bool) {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(b)%2 != 0 {
		return "", false
	}
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = uint16(b[2*i]) | uint16(b[2*i+1])<<8
	}
	return string(utf16.Decode(u)), true
}

func (p *copyParser) powerShellScript(s string, depth int) {
	if depth > maxDepth {
		return
	}
	for _, argv := range splitPowerShell(s) {
		for len(argv) > 0 && (argv[0] == "&" || argv[0] == ".") {
			argv = argv[1:]
		}
		if len(argv) == 0 {
			continue
		}
		switch commandName(argv[0]) {
		case "get-childitem", "gci", "dir", "ls":
			for _, a := range argv[1:] {
				if l := strings.ToLower(a); l == "-r" || isPrefix(strings.TrimPrefix(l, "-"), "recurse", 2) && strings.HasPrefix(l, "-") {
					p.recursive = true
				}
			}
			continue
		}
		p.argv(argv, shellPowerShell, depth)
	}
}

// argv handles one simple command in a shell context.
func (p *copyParser) argv(argv []string, sh shell, depth int) {
	for len(argv) > 0 && depth <= maxDepth {
		name := commandName(argv[0])
		switch name {
		case "cmd":
			if sh != shellPOSIX {
				p.windowsCommand(strings.Join(argv, " "), depth+1)
			}
			return
		case "powershell", "pwsh":
			p.powerShellArgs(argv[1:], depth+1)
			return
		case "sh", "bash", "dash", "zsh", "ksh":
			for i, a := range argv {
				if a == "-c" && i+1 < len(argv) {
					for _, inner := range SplitPOSIX(argv[i+1]) {
						p.argv(inner, shellPOSIX, depth+1)
					}
					return
				}
			}
			return
		case "sudo", "nohup", "time", "nice", "exec", "command", "busybox", "env":
			argv = argv[1:]
			for len(argv) > 0 && (strings.HasPrefix(argv[0], "-") || strings.Contains(argv[0], "=")) {
				argv = argv[1:]
			}
			continue
		case "find":
			for i, a := range argv {
				if (a == "-exec" || a == "-execdir") && i+1 < len(argv) {
					p.recursive = true
					inner := argv[i+1:]
					for j, b := range inner {
						if b == ";" || b == "+" || b == `\;` {
							inner = inner[:j]
							break
						}
					}
					argv = inner
					sh = shellPOSIX
					break
				}
			}
			if commandName(argv[0]) == "find" {
				return
			}
			continue
		case "xargs":
			argv = argv[1:]
			for len(argv) > 0 && strings.HasPrefix(argv[0], "-") {
				if (argv[0] == "-I" || argv[0] == "-n" || argv[0] == "-P" || argv[0] == "-L") && len(argv) > 1 {
					argv = argv[1:]
				}
				argv = argv[1:]
			}
			sh = shellPOSIX
			continue
		}
		lookup := sh
		if lookup == shellPOSIX || lookup == shellTop {
			// POSIX shells and direct starts both use the top-level table.
			lookup = shellTop
		}
		syntax, ok := p.tools.byShell[lookup][name]
		if !ok {
			return
		}
		op := CopyOp{Tool: name}
		args := dropRedirects(argv[1:])
		switch syntax {
		case "robocopy":
			parseRobocopy(&op, args)
		case "xcopy":
			parseXcopy(&op, args)
		case "cmdcopy":
			parseCmdCopy(&op, args)
		case "pscopy":
			parsePSCopy(&op, args)
		case "posix":
			parsePOSIXCopy(&op, args)
		}
		for _, s := range op.Sources {
			if strings.ContainsAny(s, "*?") {
				op.Wildcard = true
			}
		}
		p.ops = append(p.ops, op)
		return
	}
}

// dropRedirects removes output redirections (>nul, 2>&1, > file).
func dropRedirects(args []string) []string {
	out := args[:0:0]
	for i := 0; i < len(args); i++ {
		a := args[i]
		if strings.HasPrefix(a, ">") || strings.HasPrefix(a, "1>") || strings.HasPrefix(a, "2>") || strings.HasPrefix(a, "<") {
			if a == ">" || a == ">>" || a == "1>" || a == "2>" || a == "<" {
				i++
			}
			continue
		}
		out = append(out, a)
	}
	return out
}
