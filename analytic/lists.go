package analytic

import (
	"embed"
	"fmt"
	"strings"

	"github.com/stagewatch/stagewatch"
)

// The analyst-editable lists. Each is a text file with one entry per line and
// a short reason after " #"; see the header of each file for its syntax.
//
//go:embed lists/*.txt
var listFiles embed.FS

// Names of the embedded lists, for DefaultList.
const (
	ListStagingWindows    = "staging_windows"
	ListStagingLinux      = "staging_linux"
	ListStagingMacOS      = "staging_macos"
	ListArchiveExtensions = "archive_extensions"
	ListArchiveMagic      = "archive_magic"
	ListCopyTools         = "copy_tools"
	ListSuppressions      = "suppressions"
	ListSensitive         = "sensitive"
	ListArchivers         = "archivers"
	ListDiscovery         = "discovery"
	ListRemotePaths       = "remote_paths"
)

// DefaultList returns the entries of the embedded list name, without
// comments or blank lines. It panics when name is not one of the List*
// constants, which is a programming error.
func DefaultList(name string) List {
	b, err := listFiles.ReadFile("lists/" + name + ".txt")
	if err != nil {
		panic(fmt.Sprintf("analytic: no embedded list %q", name))
	}
	var out List
	for line := range strings.Lines(string(b)) {
		if e := stripComment(line); e != "" {
			out = append(out, e)
		}
	}
	return out
}

// stripComment removes a comment (a '#' at the start of the line or after a
// space or tab) and surrounding space. '#' elsewhere is data: archive entries
// use it as a digit wildcard.
func stripComment(line string) string {
	for i := 0; i < len(line); i++ {
		if line[i] == '#' && (i == 0 || line[i-1] == ' ' || line[i-1] == '\t') {
			line = line[:i]
			break
		}
	}
	return strings.TrimSpace(line)
}

// Archives recognises archive files by name and by header bytes.
type Archives struct {
	exts     map[string]string // plain extensions, ".zip" -> ".zip"
	patterns []string          // suffixes with '#' digit wildcards or several dots
	magic    []magic
}

type magic struct {
	name   string
	offset int
	bytes  []byte
}

// NewArchives builds an Archives from extension entries (".zip", ".7z.###")
// and magic entries ("zip 50 4b 03 04", "tar @257 75 73 74 61 72").
func NewArchives(extensions, magics List) (*Archives, error) {
	a := &Archives{exts: make(map[string]string)}
	for _, raw := range extensions {
		e := stagewatch.LowerASCII(stripComment(raw))
		if e == "" {
			continue
		}
		if e[0] != '.' || strings.ContainsAny(e, ` \/`) {
			return nil, fmt.Errorf("archive extension %q: want a suffix starting with '.'", raw)
		}
		if strings.IndexByte(e, '#') < 0 && strings.LastIndexByte(e, '.') == 0 {
			a.exts[e] = e
		} else {
			a.patterns = append(a.patterns, e)
		}
	}
	for _, raw := range magics {
		f := strings.Fields(stripComment(raw))
		if len(f) == 0 {
			continue
		}
		m := magic{name: f[0]}
		f = f[1:]
		if len(f) > 0 && strings.HasPrefix(f[0], "@") {
			if _, err := fmt.Sscanf(f[0], "@%d", &m.offset); err != nil || m.offset < 0 || m.offset > 1<<16 {
				return nil, fmt.Errorf("archive magic %q: bad offset %q", raw, f[0])
			}
			f = f[1:]
		}
		for _, h := range f {
			var v byte
			if _, err := fmt.Sscanf(h, "%02x", &v); err != nil || len(h) != 2 {
				return nil, fmt.Errorf("archive magic %q: bad hex byte %q", raw, h)
			}
			m.bytes = append(m.bytes, v)
		}
		if len(m.bytes) == 0 {
			return nil, fmt.Errorf("archive magic %q: no bytes", raw)
		}
		a.magic = append(a.magic, m)
	}
	return a, nil
}

// MatchName reports whether a file name (any case) with lower-case extension
// ext names an archive, and returns the list entry that matched.
func (a *Archives) MatchName(name, ext string) (string, bool) {
	if e, ok := a.exts[ext]; ok {
		return e, true
	}
	for _, p := range a.patterns {
		if suffixDigits(name, p) {
			return p, true
		}
	}
	return "", false
}

// suffixDigits reports whether name ends with pattern, ignoring ASCII case,
// where '#' in pattern matches one digit.
func suffixDigits(name, pattern string) bool {
	if len(name) <= len(pattern) {
		return false // a bare ".001" is not an archive name
	}
	s := name[len(name)-len(pattern):]
	for i := 0; i < len(pattern); i++ {
		c, p := s[i], pattern[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if p == '#' {
			if c < '0' || c > '9' {
				return false
			}
			continue
		}
		if c != p {
			return false
		}
	}
	return true
}

// sensorArchive maps the content types sensors report (MDE
// AdditionalFields.FileType, lower-cased, punctuation dropped) to the
// archive names of the magic list. It is the sensors' vocabulary, not an
// analyst's list: which formats count is still decided by the magic list.
func sensorArchive(t string) (string, bool) {
	switch t {
	case "zip":
		return "zip", true
	case "sevenzip", "7zip", "7z":
		return "7z", true
	case "rar":
		return "rar", true
	case "gzip", "gz":
		return "gzip", true
	case "bzip2", "bz2":
		return "bzip2", true
	case "xz":
		return "xz", true
	case "zstd", "zstandard":
		return "zstd", true
	case "cab", "cabinet":
		return "cab", true
	case "tar":
		return "tar", true
	}
	return "", false
}

// MatchType returns the archive format named by a sensor's content type
// ("Zip", "SevenZip", "Rar"...), if that format is in the magic list.
func (a *Archives) MatchType(t string) (string, bool) {
	var b [16]byte
	n := 0
	for i := 0; i < len(t) && n < len(b); i++ {
		c := t[i]
		switch {
		case 'A' <= c && c <= 'Z':
			b[n] = c + 'a' - 'A'
			n++
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
			b[n] = c
			n++
		}
	}
	name, ok := sensorArchive(string(b[:n]))
	if !ok {
		return "", false
	}
	for _, m := range a.magic {
		if m.name == name {
			return name, true
		}
	}
	return "", false
}

// MatchHeader returns the archive format whose magic bytes header starts
// with (at the magic's offset), if any.
func (a *Archives) MatchHeader(header []byte) (string, bool) {
	for _, m := range a.magic {
		end := m.offset + len(m.bytes)
		if len(header) >= end && string(header[m.offset:end]) == string(m.bytes) {
			return m.name, true
		}
	}
	return "", false
}
