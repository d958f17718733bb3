package auditd

import (
	"strconv"
	"strings"

	"github.com/stagewatch/stagewatch"
)

// maxArgs bounds the argument vector rebuilt from EXECVE records, so a
// corrupt argc cannot allocate without limit.
const maxArgs = 1 << 16

// argvBuilder rebuilds the argument vector from the EXECVE records of one
// event: aN="x" or aN=<hex>, and long arguments split as aN_len=L then
// aN[0]=... aN[1]=... over several records. go-libaudit's auparse needs
// every aN in one record, so this part is read here.
type argvBuilder struct {
	argc  int
	args  map[int]*strings.Builder
	seen  bool
	maxIx int
}

// add reads one EXECVE record body; kv is a buffer for its fields.
func (b *argvBuilder) add(body string, kv []field) {
	b.seen = true
	for _, f := range appendFields(kv[:0], body) {
		k := f.key
		switch {
		case k == "argc":
			if n, err := strconv.Atoi(f.raw); err == nil && n >= 0 {
				b.argc = min(n, maxArgs)
			}
		case len(k) > 1 && k[0] == 'a' && k[1] >= '0' && k[1] <= '9':
			num := k[1:]
			chunk := false
			if j := strings.IndexAny(num, "_["); j >= 0 {
				if num[j] == '_' { // aN_len: only announces the chunks
					continue
				}
				chunk = true
				num = num[:j]
			}
			n, err := strconv.Atoi(num)
			if err != nil || n < 0 || n >= maxArgs {
				continue
			}
			if b.args == nil {
				b.args = make(map[int]*strings.Builder)
			}
			sb := b.args[n]
			if sb == nil {
				sb = new(strings.Builder)
				b.args[n] = sb
			} else if !chunk {
				sb.Reset()
			}
			sb.WriteString(argValue(f.raw))
			b.maxIx = max(b.maxIx, n+1)
		}
	}
}

// argValue decodes one argument: quoted text, or hex (an argument with a
// space, quote or non-ASCII byte); "(null)" is an empty argument.
func argValue(raw string) string {
	if len(raw) >= 2 && raw[0] == '"' && raw[len(raw)-1] == '"' {
		return raw[1 : len(raw)-1]
	}
	if raw == "(null)" {
		return ""
	}
	if b, ok := hexString(raw); ok {
		return string(b)
	}
	return raw
}

// argv returns the arguments in order. Arguments missing from the records
// (a lost record) are left out.
func (b *argvBuilder) argv() []string {
	n := max(b.argc, b.maxIx)
	out := make([]string, 0, n)
	for i := range n {
		if sb, ok := b.args[i]; ok {
			out = append(out, sb.String())
		}
	}
	return out
}

// proctitleArgv decodes a PROCTITLE value: hex of argv joined by NUL
// bytes (the kernel cuts it at 128 bytes), or a quoted single word.
func proctitleArgv(raw string) []string {
	if len(raw) >= 2 && raw[0] == '"' && raw[len(raw)-1] == '"' {
		return []string{raw[1 : len(raw)-1]}
	}
	if raw == "" || raw == "(null)" {
		return nil
	}
	b, ok := hexString(raw)
	if !ok {
		return []string{raw}
	}
	s := strings.TrimRight(string(b), "\x00")
	return strings.Split(s, "\x00")
}

// joinArgv joins arguments with spaces, quoting POSIX-style ('...') those
// that would not survive a shell as one word.
func joinArgv(argv []string) string {
	var sb strings.Builder
	for i, a := range argv {
		if i > 0 {
			sb.WriteByte(' ')
		}
		sb.WriteString(shellQuote(a))
	}
	return sb.String()
}

// shellQuote returns a, single-quoted when it is empty or holds a byte a
// shell treats specially.
func shellQuote(a string) string {
	if a == "" {
		return "''"
	}
	if !strings.ContainsAny(a, " \t\n\"'\\$`|&;<>()*?[]{}!#~") {
		return a
	}
	return "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
}

// mountArgs reads the fs type, source and target from a mount command's
// argv: "mount [-t type] [-o opts] source target" or the helper form
// "mount.nfs source target [-o opts]". Missing parts are "".
func mountArgs(argv []string) (fstype, source, target string) {
	if len(argv) == 0 {
		return "", "", ""
	}
	prog := argv[0]
	if i := strings.LastIndexByte(prog, '/'); i >= 0 {
		prog = prog[i+1:]
	}
	if t, ok := strings.CutPrefix(prog, "mount."); ok {
		fstype = t
	} else if prog != "mount" {
		return "", "", ""
	}
	var pos []string
	for i := 1; i < len(argv); i++ {
		a := argv[i]
		switch {
		case a == "-t" || a == "--types":
			if i+1 < len(argv) {
				fstype = argv[i+1]
				i++
			}
		case strings.HasPrefix(a, "-t") && len(a) > 2:
			fstype = a[2:]
		case strings.HasPrefix(a, "--types="):
			fstype = a[len("--types="):]
		case a == "-o" || a == "-O" || a == "--options":
			i++
		case strings.HasPrefix(a, "-"):
		default:
			pos = append(pos, a)
		}
	}
	if len(pos) >= 2 {
		source, target = pos[0], pos[1]
	}
	if fstype == "" {
		switch {
		case strings.HasPrefix(source, "//"):
			fstype = "cifs"
		case strings.Contains(source, ":/"):
			fstype = "nfs"
		}
	}
	fstype = stagewatch.LowerASCII(fstype)
	if fstype == "nfs4" {
		fstype = "nfs"
	}
	return fstype, source, target
}
