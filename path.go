package stagewatch

import "strings"

// NormalizePath returns the form of p that analytics compare: for Windows,
// lower case with backslashes, NT device prefixes (\Device\HarddiskVolumeN\,
// \\?\) mapped to a drive-less root, and environment-variable forms expanded
// by ExpandEnv; for POSIX systems, p unchanged except for repeated slashes.
// Display code keeps the original path.
func NormalizePath(os OS, p string) string {
	if os == Windows || (os == OSUnknown && looksWindows(p)) {
		return normalizeWindows(p)
	}
	if strings.Contains(p, "//") {
		for strings.Contains(p, "//") {
			p = strings.ReplaceAll(p, "//", "/")
		}
	}
	return ExpandEnv(p)
}

func looksWindows(p string) bool {
	return strings.IndexByte(p, '\\') >= 0 || (len(p) >= 2 && p[1] == ':')
}

func normalizeWindows(p string) string {
	p = strings.ReplaceAll(p, "/", `\`)
	p = lowerASCII(p)
	if strings.HasPrefix(p, `\\?\`) || strings.HasPrefix(p, `\??\`) {
		p = p[4:]
	}
	if strings.HasPrefix(p, `\device\harddiskvolume`) {
		rest := p[len(`\device\harddiskvolume`):]
		i := strings.IndexByte(rest, '\\')
		if i < 0 {
			return `\`
		}
		// The volume's drive letter is unknown; keep the path rooted so
		// staging entries such as \windows\temp\ still match.
		p = rest[i:]
	}
	if strings.IndexByte(p, '%') >= 0 || strings.IndexByte(p, '$') >= 0 {
		p = ExpandEnv(p)
	}
	return p
}

// lowerASCII lower-cases ASCII letters, leaving other bytes alone; it returns
// s itself when there is nothing to change.
func lowerASCII(s string) string {
	i := 0
	for ; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			break
		}
	}
	if i == len(s) {
		return s
	}
	b := make([]byte, len(s))
	copy(b, s[:i])
	for ; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b[i] = c
	}
	return string(b)
}

// LowerASCII returns s with ASCII letters lower-cased and other bytes kept.
// It does not allocate when s has no upper-case ASCII letter.
func LowerASCII(s string) string { return lowerASCII(s) }

// The canonical expansions of environment variables. A user-specific folder
// uses the placeholder "{user}" for the account name, which never occurs in a
// real path, so it can be matched but not confused with a real account.
var envExpansions = []struct{ name, value string }{
	{"temp", `c:\users\{user}\appdata\local\temp`},
	{"tmp", `c:\users\{user}\appdata\local\temp`},
	{"localappdata", `c:\users\{user}\appdata\local`},
	{"appdata", `c:\users\{user}\appdata\roaming`},
	{"userprofile", `c:\users\{user}`},
	{"homepath", `\users\{user}`},
	{"public", `c:\users\public`},
	{"programdata", `c:\programdata`},
	{"allusersprofile", `c:\programdata`},
	{"systemroot", `c:\windows`},
	{"windir", `c:\windows`},
	{"systemdrive", `c:`},
	{"tmpdir", `/tmp`},
}

func envValue(name string) (string, bool) {
	name = lowerASCII(name)
	for _, e := range envExpansions {
		if e.name == name {
			return e.value, true
		}
	}
	return "", false
}

// ExpandEnv lower-cases nothing and replaces the environment-variable forms
// an attacker uses to name staging folders with their canonical expansion:
// %TEMP%, %%temp%% (batch files), !TEMP! (delayed expansion), $env:TEMP and
// ${env:TEMP} (PowerShell) and $TMPDIR / ${TMPDIR} (POSIX). Unknown variables
// are left as they are. Matching is case-insensitive; expansions are lower
// case (see NormalizeCommandLine for a fully normalized form).
func ExpandEnv(s string) string {
	if strings.IndexByte(s, '%') < 0 && strings.IndexByte(s, '$') < 0 && strings.IndexByte(s, '!') < 0 {
		return s
	}
	var b strings.Builder
	changed := false
	for i := 0; i < len(s); {
		c := s[i]
		switch c {
		case '%', '!':
			// %NAME% or %%NAME%% or !NAME!
			j := i
			for j < len(s) && s[j] == c {
				j++
			}
			open := j - i
			k := j
			for k < len(s) && isVarByte(s[k]) {
				k++
			}
			close := k
			for close < len(s) && close-k < open && s[close] == c {
				close++
			}
			if k > j && close-k == open && (c == '%' || open == 1) {
				if v, ok := envValue(s[j:k]); ok {
					if !changed {
						b.Grow(len(s) + 32)
						b.WriteString(s[:i])
						changed = true
					}
					b.WriteString(v)
					i = close
					continue
				}
			}
		case '$':
			name, end := dollarVar(s, i)
			if name != "" {
				if v, ok := envValue(name); ok {
					if !changed {
						b.Grow(len(s) + 32)
						b.WriteString(s[:i])
						changed = true
					}
					b.WriteString(v)
					i = end
					continue
				}
			}
		}
		if changed {
			b.WriteByte(c)
		}
		i++
	}
	if !changed {
		return s
	}
	return b.String()
}

// dollarVar parses $env:NAME, ${env:NAME}, $NAME and ${NAME} at s[i] and
// returns the variable name and the index after it.
func dollarVar(s string, i int) (string, int) {
	j := i + 1
	braced := j < len(s) && s[j] == '{'
	if braced {
		j++
	}
	if len(s)-j >= 4 && strings.EqualFold(s[j:j+4], "env:") {
		j += 4
	}
	k := j
	for k < len(s) && isVarByte(s[k]) {
		k++
	}
	if k == j {
		return "", i
	}
	if braced {
		if k >= len(s) || s[k] != '}' {
			return "", i
		}
		return s[j:k], k + 1
	}
	return s[j:k], k
}

func isVarByte(c byte) bool {
	return c == '_' || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9')
}

// NormalizeCommandLine returns the form of a command line that analytics
// search: environment variables expanded (ExpandEnv), ASCII lower case, and
// forward slashes inside Windows paths left alone (they are option prefixes
// as often as separators).
func NormalizeCommandLine(s string) string {
	return lowerASCII(ExpandEnv(s))
}

// SplitPath splits a path into folder and base name using the separator rules
// of os: Windows accepts both separators, POSIX only '/'. The folder has no
// trailing separator unless it is a root.
func SplitPath(os OS, p string) (dir, name string) {
	var i int
	if os == Windows || (os == OSUnknown && looksWindows(p)) {
		i = strings.LastIndexAny(p, `\/`)
	} else {
		i = strings.LastIndexByte(p, '/')
	}
	if i < 0 {
		return "", p
	}
	dir = p[:i]
	if dir == "" || (len(dir) == 2 && dir[1] == ':') {
		dir = p[:i+1]
	}
	return dir, p[i+1:]
}

// Ext returns the lower-case extension of a file name, with its dot, or ""
// when there is none. An alternate data stream suffix (file.zip:Zone.Identifier)
// is ignored.
func Ext(name string) string {
	if i := strings.IndexByte(name, ':'); i > 0 {
		name = name[:i]
	}
	i := strings.LastIndexByte(name, '.')
	if i <= 0 || i == len(name)-1 {
		return ""
	}
	return lowerASCII(name[i:])
}

// SetPath fills f's Path, Dir, Name, Ext and NormDir from a full path.
func (f *File) SetPath(os OS, p string) {
	f.Path = p
	f.Dir, f.Name = SplitPath(os, p)
	f.Ext = Ext(f.Name)
	f.NormDir = NormalizeDir(os, f.Dir)
}

// NormalizeDir is NormalizePath for a folder, with exactly one trailing
// separator so that list entries such as \temp\ match the last component.
func NormalizeDir(os OS, dir string) string {
	if dir == "" {
		return ""
	}
	n := NormalizePath(os, dir)
	sep := byte('/')
	if os == Windows || (os == OSUnknown && looksWindows(dir)) {
		sep = '\\'
	}
	if n[len(n)-1] != sep {
		n += string(sep)
	}
	return n
}

// CollapseEnv is the display inverse of ExpandEnv for user-specific folders:
// it writes a canonical expansion that holds the {user} placeholder back as
// the variable an analyst would recognise (%TEMP%, %LOCALAPPDATA%, %APPDATA%,
// %USERPROFILE%). Other text is returned unchanged; it never rewrites real
// paths such as c:\windows, which may not have come from a variable.
func CollapseEnv(s string) string {
	if !strings.Contains(s, "{user}") {
		return s
	}
	for _, e := range [...]struct{ value, name string }{
		{`c:\users\{user}\appdata\local\temp`, "%TEMP%"},
		{`c:\users\{user}\appdata\local`, "%LOCALAPPDATA%"},
		{`c:\users\{user}\appdata\roaming`, "%APPDATA%"},
		{`c:\users\{user}`, "%USERPROFILE%"},
		{`\users\{user}`, "%HOMEPATH%"},
	} {
		s = strings.ReplaceAll(s, e.value, e.name)
	}
	return s
}
