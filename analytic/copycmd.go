package analytic

import (
	"fmt"
	"strings"
)

// CopyOp is one copy command found in a command line.
type CopyOp struct {
	Tool      string   // the command as named: robocopy, copy-item, cp...
	Sources   []string // source arguments as written
	Dest      string   // destination argument; "" when it could not be found
	Recursive bool     // /s /e /mir, -r, -Recurse, for /r, find -exec
	Wildcard  bool     // a source or file pattern holds * or ?
	Renamed   bool     // not a known tool: recognised by its arguments (renamedCopy)
}

// CopyTools knows the copy commands of copy_tools.txt and finds them in
// command lines, through cmd /c, PowerShell -Command (and
// -EncodedCommand), sh -c, find -exec and xargs nesting.
type CopyTools struct {
	byShell map[shell]map[string]string // shell -> command -> syntax
}

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
	case "cmd", "powershell", "pwsh", "powershell_ise":
		return true
	}
	if isPOSIXWrapper(n) {
		return true
	}
	_, ok := t.byShell[shellTop][n]
	return ok
}

// Parse returns the copy commands in a command line. windows selects
// CommandLineToArgvW splitting for the top level, else POSIX words.
func (t *CopyTools) Parse(cmdline string, windows bool) []CopyOp {
	ops, _ := t.parse(cmdline, lineSyntaxOf(windows))
	return ops
}

// parse returns the copy commands in text read as syn says. declined
// reports a copy tool used in a mode that is not a local copy (ditto -c,
// rsync --server), so the seed's substring fallback does not read it as one.
func (t *CopyTools) parse(text string, syn lineSyntax) (ops []CopyOp, declined bool) {
	w := walker{visit: func(c command) {
		op, ok := t.op(c.argv, c.sh)
		if ok && op.Tool == "" {
			declined = true
			return
		}
		if ok {
			if len(c.found) > 0 {
				op.Sources, op.Recursive = withFound(op.Sources, c.found), true
			}
			ops = append(ops, op)
		}
	}}
	w.walk(text, syn)
	if w.recursive {
		for i := range ops {
			ops[i].Recursive = true
		}
	}
	return ops, declined
}

// op parses one simple command if it is a copy tool of shell sh.
func (t *CopyTools) op(argv []string, sh shell) (CopyOp, bool) {
	name := commandName(argv[0])
	lookup := sh
	if lookup == shellPOSIX || lookup == shellTop {
		// POSIX shells and direct starts both use the top-level table.
		lookup = shellTop
	}
	syntax, ok := t.byShell[lookup][name]
	if !ok {
		if sh != shellTop && sh != shellCmd {
			return CopyOp{}, false
		}
		return renamedCopy(name, dropRedirects(argv[1:]))
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
		if !parsePOSIXCopy(&op, args) {
			return CopyOp{}, true // a known tool, declined: see parse
		}
	}
	for _, s := range op.Sources {
		if strings.ContainsAny(s, "*?") {
			op.Wildcard = true
		}
	}
	return op, true
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
