package analytic

import (
	"fmt"
	"strings"

	"github.com/stagewatch/stagewatch"
)

// Staging matches normalized folders (File.NormDir: trailing separator, lower
// case on Windows) against the staging locations of one OS. Match does not
// allocate; it runs on every file event.
type Staging struct {
	os      stagewatch.OS
	sep     byte
	fold    bool // compare ignoring ASCII case (macOS)
	entries []stagingEntry
	rooted  []int32      // root and only entries
	byFirst [256][]int32 // anywhere entries by the byte after their leading separator
}

type stagingEntry struct {
	text        string // the entry as written, for alert fields
	tier        int
	pat         string   // normalized pattern, starting and ending with the separator
	comps       []string // components of a rooted pattern with a '*' component
	root        bool     // anchored at a volume root
	only        bool     // this folder only, plus hidden child folders
	aggregation bool     // only for fan-in analytics
}

// NewStaging parses staging entries for os (see lists/staging_windows.txt
// for the syntax). Windows and macOS patterns match ignoring case.
func NewStaging(os stagewatch.OS, entries List) (*Staging, error) {
	s := &Staging{os: os, sep: '/', fold: os == stagewatch.MacOS}
	if os == stagewatch.Windows {
		s.sep = '\\'
	}
	for _, raw := range entries {
		line := stripComment(raw)
		if line == "" {
			continue
		}
		e, err := s.parseEntry(line)
		if err != nil {
			return nil, fmt.Errorf("%s staging entry %q: %w", os, raw, err)
		}
		i := int32(len(s.entries))
		s.entries = append(s.entries, e)
		if e.root {
			s.rooted = append(s.rooted, i)
		} else {
			s.byFirst[e.pat[1]] = append(s.byFirst[e.pat[1]], i)
		}
	}
	return s, nil
}

func (s *Staging) parseEntry(line string) (stagingEntry, error) {
	f := strings.Fields(line)
	if len(f) < 2 || len(f) > 3 {
		return stagingEntry{}, fmt.Errorf("want TIER PATTERN [aggregation]")
	}
	e := stagingEntry{text: f[1]}
	switch f[0] {
	case "1":
		e.tier = 1
	case "2":
		e.tier = 2
	default:
		return e, fmt.Errorf("tier %q: want 1 or 2", f[0])
	}
	if len(f) == 3 {
		if f[2] != "aggregation" {
			return e, fmt.Errorf("unknown flag %q", f[2])
		}
		e.aggregation = true
	}
	p := f[1]
	if strings.HasPrefix(p, "^") {
		e.root = true
		p = p[1:]
	}
	if s.os == stagewatch.Windows {
		p = strings.ReplaceAll(p, "/", `\`)
	}
	if s.os == stagewatch.Windows || s.fold {
		p = strings.ToLower(p)
	}
	if strings.HasSuffix(p, string(s.sep)+"$") {
		if !e.root {
			return e, fmt.Errorf("a this-folder-only pattern must be rooted with ^")
		}
		e.only = true
		p = p[:len(p)-1]
	}
	if len(p) < 3 || p[0] != s.sep || p[len(p)-1] != s.sep {
		return e, fmt.Errorf("pattern must start and end with %q and name a folder", s.sep)
	}
	if strings.Contains(p, string(s.sep)+string(s.sep)) {
		return e, fmt.Errorf("empty path component")
	}
	e.pat = p
	comps := strings.Split(p[1:len(p)-1], string(s.sep))
	for _, c := range comps {
		if c == "*" {
			if !e.root {
				return e, fmt.Errorf("'*' components need a rooted pattern (^)")
			}
			e.comps = comps
		} else if strings.Contains(c, "*") {
			return e, fmt.Errorf("'*' must be a whole component")
		}
	}
	return e, nil
}

// OS returns the operating system the entries are for.
func (s *Staging) OS() stagewatch.OS { return s.os }

// Match returns the best (lowest) tier of the staging entries that match
// dir, a normalized folder with a trailing separator, and the entry as
// written; tier 0 means no match. Entries flagged aggregation are skipped.
func (s *Staging) Match(dir string) (tier int, entry string) {
	return s.match(dir, false)
}

// MatchAggregation is Match including the entries flagged aggregation.
func (s *Staging) MatchAggregation(dir string) (tier int, entry string) {
	return s.match(dir, true)
}

func (s *Staging) match(dir string, aggregation bool) (int, string) {
	if s == nil || len(dir) < 2 {
		return 0, ""
	}
	best, text := 0, ""
	rel := dir
	if s.sep == '\\' && len(rel) >= 2 && rel[1] == ':' {
		rel = rel[2:]
	}
	for _, i := range s.rooted {
		e := &s.entries[i]
		if (best != 0 && e.tier >= best) || (e.aggregation && !aggregation) {
			continue
		}
		if s.matchRooted(e, rel) {
			best, text = e.tier, e.text
			if best == 1 {
				return best, text
			}
		}
	}
	for j := 0; j+1 < len(dir); j++ {
		if dir[j] != s.sep {
			continue
		}
		c := dir[j+1]
		if s.fold && 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		for _, i := range s.byFirst[c] {
			e := &s.entries[i]
			if (best != 0 && e.tier >= best) || (e.aggregation && !aggregation) {
				continue
			}
			if s.hasPrefix(dir[j:], e.pat) {
				best, text = e.tier, e.text
				if best == 1 {
					return best, text
				}
			}
		}
	}
	return best, text
}

func (s *Staging) matchRooted(e *stagingEntry, rel string) bool {
	n := 0 // bytes of rel the pattern covered
	if e.comps == nil {
		if !s.hasPrefix(rel, e.pat) {
			return false
		}
		n = len(e.pat)
	} else {
		if len(rel) == 0 || rel[0] != s.sep {
			return false
		}
		n = 1
		for _, c := range e.comps {
			k := strings.IndexByte(rel[n:], s.sep)
			if k <= 0 {
				return false
			}
			if c != "*" && !s.equal(rel[n:n+k], c) {
				return false
			}
			n += k + 1
		}
	}
	if !e.only || n == len(rel) {
		return true
	}
	// Hidden folder directly below a this-folder-only root.
	return rel[n] == '.' || rel[n] == '$'
}

func (s *Staging) hasPrefix(str, prefix string) bool {
	return len(str) >= len(prefix) && s.equal(str[:len(prefix)], prefix)
}

// equal compares a folder fragment with a normalized pattern fragment.
func (s *Staging) equal(a, pat string) bool {
	if !s.fold {
		return a == pat
	}
	if len(a) != len(pat) {
		return false
	}
	for i := 0; i < len(a); i++ {
		c := a[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != pat[i] {
			return false
		}
	}
	return true
}

// StagingSet holds the staging matchers for every OS an analytic knows.
type StagingSet struct {
	Windows, Linux, MacOS *Staging
}

// NewStagingSet parses the per-OS lists.
func NewStagingSet(windows, linux, macos List) (StagingSet, error) {
	var set StagingSet
	var err error
	if set.Windows, err = NewStaging(stagewatch.Windows, windows); err != nil {
		return set, err
	}
	if set.Linux, err = NewStaging(stagewatch.Linux, linux); err != nil {
		return set, err
	}
	if set.MacOS, err = NewStaging(stagewatch.MacOS, macos); err != nil {
		return set, err
	}
	return set, nil
}

// For returns the matcher for os. An unknown OS is guessed from the folder:
// a backslash or drive letter means Windows, else Linux.
func (set StagingSet) For(os stagewatch.OS, dir string) *Staging {
	switch os {
	case stagewatch.Windows:
		return set.Windows
	case stagewatch.Linux:
		return set.Linux
	case stagewatch.MacOS:
		return set.MacOS
	case stagewatch.OSUnknown:
		if strings.IndexByte(dir, '\\') >= 0 || (len(dir) >= 2 && dir[1] == ':') {
			return set.Windows
		}
		return set.Linux
	}
	return nil
}

// Match matches dir against the list of os.
func (set StagingSet) Match(os stagewatch.OS, dir string) (tier int, entry string) {
	return set.For(os, dir).Match(dir)
}

// Contains finds staging entries named anywhere in a normalized command
// line, the seed's has_any test: an anywhere entry matches as a substring, a
// rooted entry where a path starts (after a drive colon, a space, a quote,
// '=' or at the start). Wildcard and aggregation entries are skipped. It
// returns the best tier and its entry.
func (s *Staging) Contains(cmdline string) (tier int, entry string) {
	if s == nil {
		return 0, ""
	}
	for i := range s.entries {
		e := &s.entries[i]
		if e.aggregation || e.comps != nil || (tier != 0 && e.tier >= tier) {
			continue
		}
		if s.containsEntry(cmdline, e) {
			tier, entry = e.tier, e.text
		}
	}
	return tier, entry
}

func (s *Staging) containsEntry(cmdline string, e *stagingEntry) bool {
	for off := 0; off < len(cmdline); {
		j := strings.Index(cmdline[off:], e.pat)
		if j < 0 {
			return false
		}
		j += off
		off = j + 1
		if !e.root {
			return true
		}
		if j == 0 || strings.IndexByte(`: "'=`, cmdline[j-1]) >= 0 {
			return true
		}
	}
	return false
}
