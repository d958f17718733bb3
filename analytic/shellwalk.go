package analytic

import (
	"encoding/base64"
	"strings"
	"unicode/utf16"
)

type shell uint8

const (
	shellTop shell = iota // a process started directly
	shellCmd
	shellPowerShell
	shellPOSIX
)

// command is one simple command a command line runs, found through the
// shells that wrap it.
type command struct {
	argv  []string
	sh    shell
	piped bool // the previous command's output is piped into this one
	// found are the folders a find walks that feeds this command: through
	// -exec, or piped into xargs (find /a /b -name x | xargs cp -t /tmp/s).
	found []string
}

// walker finds the simple commands in a command line: through cmd /c (with
// & && | || and for /r ... do), PowerShell -Command, -EncodedCommand and bare
// scripts, sh -c, sudo/env/nohup prefixes, find -exec and xargs, four levels
// deep. Analytics give it visit and look at the commands they know.
type walker struct {
	visit func(c command)
	// script, when set, sees every PowerShell script text, for constructs
	// that are not commands ([IO.Compression.ZipFile]::CreateFromDirectory).
	script    func(s string)
	recursive bool     // the script walks folders (for /r, gci -recurse, find)
	found     []string // the last find's folders, for the command it pipes into
}

const maxDepth = 4

// walkCommandLine walks a (normalized) command line. windows selects
// CommandLineToArgvW splitting for the top level, else POSIX words.
func (w *walker) walkCommandLine(cmdline string, windows bool) {
	if windows {
		w.windowsCommand(cmdline, 0)
		return
	}
	cmds, piped := splitPOSIXPipes(cmdline)
	for i, argv := range cmds {
		w.argv(argv, shellTop, piped[i], 0)
	}
}

func (w *walker) windowsCommand(s string, depth int) {
	toks := windowsTokens(s)
	if len(toks) == 0 || depth > maxDepth {
		return
	}
	switch commandName(toks[0].text) {
	case "cmd":
		for _, tk := range toks[1:] {
			if l := strings.ToLower(tk.text); strings.HasSuffix(l, "/c") || strings.HasSuffix(l, "/k") || strings.HasSuffix(l, "/r") {
				w.cmdScript(s[tk.end:], depth+1)
				return
			}
		}
		return
	case "powershell", "pwsh", "powershell_ise":
		args := make([]string, 0, len(toks)-1)
		for _, tk := range toks[1:] {
			args = append(args, tk.text)
		}
		w.powerShellArgs(args, depth+1)
		return
	}
	argv := make([]string, 0, len(toks))
	for _, tk := range toks {
		argv = append(argv, tk.text)
	}
	w.argv(argv, shellTop, false, depth)
}

func (w *walker) cmdScript(s string, depth int) {
	cmds, piped := splitCmdPipes(s)
	for i, c := range cmds {
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
			for j, a := range argv {
				if strings.EqualFold(a, "/r") {
					w.recursive = true
				}
				if strings.EqualFold(a, "do") && j+1 < len(argv) {
					w.argv(argv[j+1:], shellCmd, false, depth)
					break
				}
			}
			continue
		}
		// whoami>x.txt glues a redirection to the command name.
		if j := strings.IndexByte(argv[0], '>'); j > 0 {
			argv = append([]string{argv[0][:j], argv[0][j:]}, argv[1:]...)
		}
		// copy/y and xcopy/s glue the first switch to the command name.
		if j := strings.IndexByte(argv[0], '/'); j > 0 && !strings.ContainsAny(argv[0][:j], `\:`) {
			argv = append([]string{argv[0][:j], argv[0][j:]}, argv[1:]...)
		}
		w.argv(argv, shellCmd, piped[i], depth)
	}
}

// powerShellArgs handles the arguments of powershell.exe: options, then
// -Command (the rest joined) or -EncodedCommand, or a bare script.
func (w *walker) powerShellArgs(args []string, depth int) {
	for i := 0; i < len(args); i++ {
		a := strings.ToLower(args[i])
		if !strings.HasPrefix(a, "-") && !strings.HasPrefix(a, "/") {
			w.powerShellScript(strings.Join(args[i:], " "), depth)
			return
		}
		name := strings.TrimLeft(a, "-/")
		switch {
		case name == "":
		case isPrefix(name, "command", 1):
			w.powerShellScript(strings.Join(args[i+1:], " "), depth)
			return
		case isPrefix(name, "encodedcommand", 1) || name == "ec":
			if i+1 < len(args) {
				if script, ok := decodeUTF16Base64(args[i+1]); ok {
					w.powerShellScript(strings.ToLower(script), depth)
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

func (w *walker) powerShellScript(s string, depth int) {
	if depth > maxDepth {
		return
	}
	if w.script != nil {
		w.script(s)
	}
	var vars psVars
	cmds, piped := splitPowerShellPipes(s)
	for i, argv := range cmds {
		if rest, ok := vars.assign(argv); ok {
			argv = rest
		} else {
			argv = vars.expand(argv)
		}
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
					w.recursive = true
				}
			}
		}
		w.argv(argv, shellPowerShell, piped[i], depth)
	}
}

// argv unwraps one simple command in a shell context (nested shells,
// prefixes such as sudo, find -exec, xargs) and visits what it runs.
func (w *walker) argv(argv []string, sh shell, piped bool, depth int) {
	found := w.found
	if !piped {
		found = nil
	}
	w.found = nil
	for len(argv) > 0 && depth <= maxDepth {
		switch commandName(argv[0]) {
		case "cmd":
			if sh != shellPOSIX {
				w.windowsCommand(strings.Join(argv, " "), depth+1)
			}
			return
		case "powershell", "pwsh":
			w.powerShellArgs(argv[1:], depth+1)
			return
		case "sh", "bash", "dash", "zsh", "ksh":
			for i, a := range argv {
				if i > 0 && len(a) > 1 && a[0] == '-' && a[1] != '-' && strings.HasSuffix(a, "c") && i+1 < len(argv) {
					cmds, piped := splitPOSIXPipes(argv[i+1])
					for j, inner := range cmds {
						w.argv(inner, shellPOSIX, piped[j], depth+1)
					}
					return
				}
			}
			return
		case "sudo", "doas", "nohup", "time", "nice", "ionice", "exec", "command", "busybox", "env":
			argv = argv[1:]
			for len(argv) > 0 && (strings.HasPrefix(argv[0], "-") || strings.Contains(argv[0], "=")) {
				argv = argv[1:]
			}
			continue
		case "find":
			// find walks a tree, whether it runs the copy itself (-exec)
			// or feeds xargs through a pipe.
			w.recursive = true
			found = findRoots(argv)
			for i, a := range argv {
				if (a == "-exec" || a == "-execdir") && i+1 < len(argv) {
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
				w.found = found
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
		w.visit(command{argv: argv, sh: sh, piped: piped, found: found})
		return
	}
}

// findRoots returns the starting points of a find command: its operands
// before the first expression (-name, (, !).
func findRoots(argv []string) []string {
	var roots []string
	for _, a := range argv[1:] {
		if strings.HasPrefix(a, "-") && len(a) > 1 && a != "-" {
			if a == "-H" || a == "-L" || a == "-P" {
				continue
			}
			break
		}
		if a == "(" || a == "!" || a == `\(` {
			break
		}
		roots = append(roots, a)
	}
	return roots
}

// withFound gives a command's {} or missing operands the folders of the
// find that feeds it.
func withFound(args []string, found []string) []string {
	if len(found) == 0 {
		return args
	}
	var out []string
	replaced := false
	for _, a := range args {
		if a == "{}" {
			if !replaced {
				out = append(out, found...)
				replaced = true
			}
			continue
		}
		out = append(out, a)
	}
	if !replaced && len(out) == 0 {
		out = append(out, found...)
	}
	return out
}
