package analytic

import (
	"fmt"
	"strings"
)

// ArchiveOp is one archiving (or encrypting) command found in a command line.
type ArchiveOp struct {
	Tool      string   // the command as named: 7z, rar, compress-archive...
	Output    string   // the archive written, as the command line spells it; "" when not found
	Inputs    []string // what goes into it
	Password  bool     // -p, -hp, -s, -P, -e, -k/-pass
	Encrypted bool     // header or content encryption: -mhe, -hp, openssl enc, gpg
	Split     bool     // split volumes: -v, -s SIZE
	Recursive bool     // -r, for /r, gci -recurse
	Renamed   bool     // recognised by argv structure, not by name
}

// Protected reports whether the archive is password protected or encrypted.
func (op ArchiveOp) Protected() bool { return op.Password || op.Encrypted }

// Archivers knows the archivers of archivers.txt and finds them in command
// lines, through the shells that wrap them.
type Archivers struct {
	syntax map[string]string // command name -> syntax
}

var archiveSyntaxes = []string{"7z", "rar", "winzip", "zip", "tar", "makecab", "printbrm", "openssl", "gpg", "pscompress",
	"compress", "ditto", "hdiutil", "split"}

// NewArchivers parses archiver entries ("7z 7z", "compress-archive pscompress").
func NewArchivers(entries List) (*Archivers, error) {
	a := &Archivers{syntax: make(map[string]string)}
	for _, raw := range entries {
		f := strings.Fields(stripComment(raw))
		if len(f) == 0 {
			continue
		}
		if len(f) != 2 {
			return nil, fmt.Errorf("archiver %q: want NAME SYNTAX", raw)
		}
		ok := false
		for _, s := range archiveSyntaxes {
			ok = ok || s == f[1]
		}
		if !ok {
			return nil, fmt.Errorf("archiver %q: unknown syntax %q (want one of %s)", raw, f[1], strings.Join(archiveSyntaxes, ", "))
		}
		a.syntax[commandName(f[0])] = f[1]
	}
	return a, nil
}

// IsCandidate reports whether a process named name can archive: an archiver
// or a shell that may run one.
func (a *Archivers) IsCandidate(name string) bool {
	n := commandName(name)
	switch n {
	case "cmd", "powershell", "pwsh", "powershell_ise":
		return true
	}
	if isPOSIXWrapper(n) {
		return true
	}
	_, ok := a.syntax[n]
	return ok
}

// isPOSIXWrapper reports whether a command name is a POSIX shell or a
// prefix command that runs another command (the walker unwraps them).
func isPOSIXWrapper(n string) bool {
	switch n {
	case "sh", "bash", "dash", "zsh", "ksh", "sudo", "doas", "nohup", "time", "nice", "ionice", "busybox", "env", "xargs", "find":
		return true
	}
	return false
}

// mayArchive is the allocation-free prefilter on a raw command line: an
// archiver's name, PowerShell's archive calls, an encoded script, or the
// "a"/"u" command of a renamed 7z or rar.
func mayArchive(cmdline string) bool {
	for _, f := range []string{"7z", "rar", "zip", "tar", "cab", "printbrm", "openssl", "gpg", "compress-archive",
		"createfromdirectory", " a ", " u ", " -e"} {
		if containsFold(cmdline, f) {
			return true
		}
	}
	return false
}

// Parse returns the archiving commands in a command line (environment
// variables expanded, original case kept: zip's -P and -p differ).
func (a *Archivers) Parse(cmdline string, windows bool) []ArchiveOp {
	return a.parse(cmdline, lineSyntaxOf(windows))
}

// parse returns the archiving commands in text read as syn says.
func (a *Archivers) parse(text string, syn lineSyntax) []ArchiveOp {
	var ops []ArchiveOp
	var prev []string // inputs of the archiving command piped into the next one
	w := walker{
		visit: func(c command) {
			op, ok := a.op(c.argv, c.sh)
			if ok && c.piped && len(op.Inputs) == 0 && len(prev) > 0 {
				// tar c DIR | gzip > /tmp/x.gz: the compressor's input is
				// what tar read.
				op.Inputs, op.Recursive = prev, true
			}
			if ok && len(c.found) > 0 {
				op.Inputs, op.Recursive = withFound(op.Inputs, c.found), true
			}
			prev = nil
			if ok {
				ops = append(ops, op)
				prev = op.Inputs
			}
		},
		script: func(s string) { ops = append(ops, zipFileCalls(s)...) },
	}
	w.walk(text, syn)
	if w.recursive {
		for i := range ops {
			ops[i].Recursive = true
		}
	}
	return ops
}

// op parses one simple command if it archives.
func (a *Archivers) op(argv []string, sh shell) (ArchiveOp, bool) {
	name := commandName(argv[0])
	syntax, known := a.syntax[name]
	if known && syntax == "pscompress" && sh != shellPowerShell {
		return ArchiveOp{}, false
	}
	op := ArchiveOp{Tool: name}
	args := dropRedirects(argv[1:])
	stdout := ""
	if len(args) != len(argv)-1 {
		stdout = stdoutTarget(argv[1:])
	}
	if !known {
		if !looksLike7z(args) {
			return op, false
		}
		syntax, op.Renamed = "7z", true
	}
	var ok bool
	switch syntax {
	case "7z", "rar":
		ok = parse7z(&op, args, syntax == "rar")
	case "winzip":
		ok = parseWinZip(&op, args)
	case "zip":
		ok = parseZip(&op, args)
	case "tar":
		ok = parseTar(&op, args)
	case "makecab":
		ok = parseMakecab(&op, args)
	case "printbrm":
		ok = parsePrintBrm(&op, args)
	case "openssl":
		ok = parseOpenSSL(&op, args)
	case "gpg":
		ok = parseGPG(&op, args)
	case "pscompress":
		ok = parseCompressArchive(&op, args)
	case "compress":
		ok = parseCompress(&op, args, stdout)
	case "ditto":
		ok = parseDitto(&op, args)
	case "hdiutil":
		ok = parseHdiutil(&op, args)
	case "split":
		ok = parseSplit(&op, args)
	}
	if ok && (op.Output == "" || op.Output == "-") && stdout != "" {
		op.Output = stdout // tar czf - DIR > /tmp/x.tgz
	}
	return op, ok
}

// looksLike7z recognises a renamed 7z or rar: the first argument is the
// a (add) or u (update) command and a password, header-encryption or
// volume switch follows.
func looksLike7z(args []string) bool {
	if len(args) < 4 || !(strings.EqualFold(args[0], "a") || strings.EqualFold(args[0], "u")) {
		return false
	}
	operands := 0 // the archive and at least one input
	for _, s := range args[1:] {
		if !strings.HasPrefix(s, "-") {
			operands++
		}
	}
	if operands < 2 {
		return false
	}
	for _, s := range args[1:] {
		l := strings.ToLower(s)
		if strings.HasPrefix(l, "-p") || strings.HasPrefix(l, "-hp") || strings.HasPrefix(l, "-mhe") ||
			(strings.HasPrefix(l, "-v") && len(l) > 2 && l[2] >= '0' && l[2] <= '9') {
			return true
		}
	}
	return false
}

// parse7z: 7z a|u [-switches] ARCHIVE [FILES], and rar's a|u|m|f. Switches
// may appear anywhere and are case-insensitive.
func parse7z(op *ArchiveOp, args []string, rar bool) bool {
	var pos []string
	for _, s := range args {
		if len(s) < 2 || s[0] != '-' {
			pos = append(pos, s)
			continue
		}
		l := strings.ToLower(s[1:])
		switch {
		case rar && strings.HasPrefix(l, "hp"):
			op.Password, op.Encrypted = true, true
		case strings.HasPrefix(l, "p") && !strings.HasPrefix(l, "p-"):
			op.Password = true
		case strings.HasPrefix(l, "mhe") && !strings.HasSuffix(l, "=off"):
			op.Encrypted = true
		case strings.HasPrefix(l, "v") && len(l) > 1 && l[1] >= '0' && l[1] <= '9':
			op.Split = true
		case l == "r" || l == "r0":
			op.Recursive = true
		}
	}
	if len(pos) < 2 {
		return false
	}
	cmd := strings.ToLower(pos[0])
	if cmd != "a" && cmd != "u" && !(rar && (cmd == "m" || cmd == "f")) {
		return false
	}
	op.Output, op.Inputs = pos[1], pos[2:]
	return true
}

// parseWinZip: [-a] [-r] [-p] [-s[PWD]] [-ycAES256] ZIPFILE FILES.
func parseWinZip(op *ArchiveOp, args []string) bool {
	var pos []string
	for _, s := range args {
		if len(s) < 2 || s[0] != '-' {
			pos = append(pos, s)
			continue
		}
		l := strings.ToLower(s[1:])
		switch {
		case l[0] == 's':
			op.Password = true
		case strings.HasPrefix(l, "yc"):
			op.Encrypted = true
		case l == "r":
			op.Recursive = true
		case strings.HasPrefix(l, "ys"):
			op.Split = true
		}
	}
	if len(pos) == 0 {
		return false
	}
	op.Output, op.Inputs = pos[0], pos[1:]
	return true
}

// parseZip: Info-ZIP's zip [-opts] ZIPFILE FILES. Options are case-sensitive
// (-P PWD is a password, -p stores paths); -P, -s, -b, -n, -t take a value.
func parseZip(op *ArchiveOp, args []string) bool {
	var pos []string
	for i := 0; i < len(args); i++ {
		s := args[i]
		if len(s) < 2 || s[0] != '-' || s == "--" {
			pos = append(pos, s)
			continue
		}
		if strings.HasPrefix(s, "--") {
			switch s[2:] {
			case "recurse-paths":
				op.Recursive = true
			case "encrypt":
				op.Password = true
			case "password", "split-size":
				op.Password = op.Password || s[2:] == "password"
				op.Split = op.Split || s[2:] == "split-size"
				i++
			}
			continue
		}
		for j := 1; j < len(s); j++ {
			switch s[j] {
			case 'r', 'R':
				op.Recursive = true
			case 'e':
				op.Password = true
			case 'P', 's', 'b', 'n', 't':
				switch s[j] {
				case 'P':
					op.Password = true
				case 's':
					op.Split = true
				}
				if j == len(s)-1 {
					i++
				}
				j = len(s)
			}
		}
	}
	if len(pos) == 0 {
		return false
	}
	op.Output, op.Inputs = pos[0], pos[1:]
	return true
}
