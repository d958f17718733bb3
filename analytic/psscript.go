package analytic

import (
	"strings"

	"github.com/stagewatch/stagewatch"
)

// lineSyntax says how the command-line text of a ProcessStart event reads.
type lineSyntax uint8

const (
	posixLine   lineSyntax = iota // POSIX shell words
	windowsLine                   // a Windows command line (CommandLineToArgvW), shells unwrapped
	// psScript is PowerShell script text: what script block logging (4104)
	// and pipeline execution logging (4103) record. Read as if it followed
	// powershell -Command.
	psScript
)

// isScriptEvent reports whether ev's CommandLine is PowerShell script text
// rather than a process's arguments: the Windows mapping gives PowerShell's
// 4104 and 4103 events that Action. It compares one short string, so every
// analytic can afford it on every event.
func isScriptEvent(ev *stagewatch.Event) bool {
	return ev.Action == "4104" || ev.Action == "4103"
}

// syntaxOf says how to read text, ev's command line (possibly normalized).
// A host of unknown OS is Windows when the text holds a backslash.
func syntaxOf(ev *stagewatch.Event, text string) lineSyntax {
	switch {
	case isScriptEvent(ev):
		return psScript
	case ev.Host.OS == stagewatch.Windows || ev.Host.OS == stagewatch.OSUnknown && strings.IndexByte(text, '\\') >= 0:
		return windowsLine
	}
	return posixLine
}

// windows reports whether paths in text are Windows paths.
func (s lineSyntax) windows() bool { return s != posixLine }

// walk walks text read as syn says.
func (w *walker) walk(text string, syn lineSyntax) {
	if syn == psScript {
		w.powerShellScript(text, 1)
		return
	}
	w.walkCommandLine(text, syn == windowsLine)
}

// psVars remembers the variables a script set to plain words ($d =
// "$env:TEMP\stage"), so later commands that name them ($d, "$d\x",
// -Destination:$d) are read with the value. A variable assigned anything
// else (a command's output, an array) is forgotten.
type psVars struct {
	m map[string]string // lower-case name without $ or scope -> value
}

// assign recognises an assignment statement ($x = v, $x=v, [string]$x = v,
// $script:x = v). ok is false for other statements. rest is the command
// whose output is assigned ($x = Get-Item y), to be walked like any other,
// with the known variables substituted.
func (v *psVars) assign(argv []string) (rest []string, ok bool) {
	first := argv[0]
	for strings.HasPrefix(first, "[") {
		i := strings.IndexByte(first, ']')
		if i < 0 {
			return nil, false
		}
		first = first[i+1:]
	}
	if !strings.HasPrefix(first, "$") {
		return nil, false
	}
	name, n := psVarName(first, 1)
	if name == "" {
		return nil, false
	}
	after := first[n:]
	var value []string
	switch {
	case after == "" && len(argv) > 1 && argv[1] == "=":
		value = argv[2:]
	case after == "=":
		value = argv[1:]
	case strings.HasPrefix(after, "=") && !strings.HasPrefix(after, "=="):
		value = append([]string{after[1:]}, argv[1:]...)
	case after == "" && len(argv) > 1 && len(argv[1]) == 2 && argv[1][1] == '=' && strings.IndexByte("+-*/%", argv[1][0]) >= 0:
		v.forget(name) // $x += y
		return nil, true
	default:
		return nil, false
	}
	value = v.expand(value)
	if len(value) == 1 && plainWord(value[0]) && len(value[0]) <= maxVarValue {
		if v.m == nil {
			v.m = make(map[string]string, 4)
		}
		v.m[name] = value[0]
		return nil, true
	}
	v.forget(name)
	if len(value) > 0 && !strings.HasPrefix(value[0], "$") && !strings.HasPrefix(value[0], "@") {
		return value, true
	}
	return nil, true
}

// maxVarValue bounds a remembered value, so $a = "$a$a" repeated cannot
// grow a script's words exponentially.
const maxVarValue = 1024

func (v *psVars) forget(name string) {
	if v.m != nil {
		delete(v.m, name)
	}
}

// plainWord reports whether a value is a literal word: no variable left
// unexpanded, no subexpression, array or hashtable. The splitter drops
// quotes, so a word that could name a cmdlet (Get-Location) is taken for
// the command it most likely is unless it holds a path separator or a dot.
func plainWord(s string) bool {
	if s == "" || strings.ContainsAny(s, "$@") || strings.HasPrefix(s, "(") || strings.HasPrefix(s, "[") {
		return false
	}
	return strings.ContainsAny(s, `\/.`) || strings.IndexByte(s, '-') < 0
}

// expand substitutes the known variables in every word of argv, in place.
func (v *psVars) expand(argv []string) []string {
	if len(v.m) == 0 {
		return argv
	}
	for i, a := range argv {
		if strings.IndexByte(a, '$') >= 0 {
			argv[i] = v.expandWord(a)
		}
	}
	return argv
}

func (v *psVars) expandWord(s string) string {
	var b strings.Builder
	last := 0
	for i := 0; i < len(s); i++ {
		if s[i] != '$' {
			continue
		}
		name, end := psVarName(s, i+1)
		val, ok := v.m[name]
		if name == "" || !ok {
			continue
		}
		b.WriteString(s[last:i])
		b.WriteString(val)
		last, i = end, end-1
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// psVarName reads the variable name starting at s[i] (just after the $):
// name, ${name}, or scope:name. It returns the lower-case name without its
// scope and the index just after it; "" when there is none.
func psVarName(s string, i int) (string, int) {
	if i < len(s) && s[i] == '{' {
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			return "", i
		}
		return stripScope(strings.ToLower(s[i+1 : i+j])), i + j + 1
	}
	j := i
	for j < len(s) && isNameByte(s[j]) {
		j++
	}
	if j < len(s) && s[j] == ':' && isScope(s[i:j]) {
		k := j + 1
		for k < len(s) && isNameByte(s[k]) {
			k++
		}
		if k > j+1 {
			return strings.ToLower(s[j+1 : k]), k
		}
	}
	if j == i {
		return "", i
	}
	return strings.ToLower(s[i:j]), j
}

func isNameByte(c byte) bool {
	return c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

func isScope(s string) bool {
	switch strings.ToLower(s) {
	case "script", "global", "local", "private":
		return true
	}
	return false
}

func stripScope(name string) string {
	if scope, rest, ok := strings.Cut(name, ":"); ok && isScope(scope) {
		return rest
	}
	return name
}

// lineSyntaxOf is the syntax of a process command line: Windows or POSIX.
func lineSyntaxOf(windows bool) lineSyntax {
	if windows {
		return windowsLine
	}
	return posixLine
}
