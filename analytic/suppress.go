package analytic

import (
	"fmt"
	"slices"
	"strings"

	"github.com/stagewatch/stagewatch"
)

// SuppressRule is a user-defined suppression from configuration. Each field
// holds glob patterns (case-insensitive; * matches any run, ? one byte; \ and
// / are the same); the rule matches when every non-empty field matches one
// of its patterns.
type SuppressRule struct {
	Name        string   `yaml:"name" doc:"name reported in the run summary"`
	Image       []string `yaml:"image" doc:"acting process image path globs"`
	Parent      []string `yaml:"parent" doc:"parent process image path globs"`
	CommandLine []string `yaml:"command_line" doc:"acting process command-line globs"`
	Path        []string `yaml:"path" doc:"file path (or copy destination) globs"`
	User        []string `yaml:"user" doc:"user globs, matched against name and DOMAIN\\name"`
	Host        []string `yaml:"host" doc:"host name globs"`
}

// Subject is what a suppression looks at for one match.
type Subject struct {
	Image, Parent, CommandLine, Path string
	User                             stagewatch.User
	Host                             string
}

// Suppressions holds the suppressions in force for one detector and counts
// the matches each removed.
type Suppressions struct {
	names   []string
	clauses []clause
	counts  []int
	// byProcess caches, per acting image and parent, the clauses whose
	// image and parent conditions hold, so the common case (a process no
	// suppression names) costs one map lookup.
	byProcess map[procKey][]int32
}

type procKey struct{ image, parent string }

// maxProcCache bounds byProcess; when full it is cleared.
const maxProcCache = 4096

type clause struct {
	sup                                   int // index into names
	image, parent, cmd, path, user, hosts []string
}

// BuiltinSuppressionNames returns the names defined in a built-in
// suppression list, in first-seen order.
func BuiltinSuppressionNames(builtin List) List {
	var out List
	for _, raw := range builtin {
		name, _, ok := strings.Cut(stripComment(raw), ":")
		if name = strings.TrimSpace(name); ok && name != "" && !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	return out
}

// NewSuppressions compiles the built-in clauses (lists/suppressions.txt
// syntax) whose names are in enabled, followed by the user rules. An enabled
// name with no built-in definition is an error.
func NewSuppressions(builtin, enabled List, rules []SuppressRule) (*Suppressions, error) {
	s := &Suppressions{}
	known := BuiltinSuppressionNames(builtin)
	for _, n := range enabled {
		if !slices.Contains(known, n) {
			return nil, fmt.Errorf("unknown built-in suppression %q (known: %s)", n, strings.Join(known, ", "))
		}
	}
	index := map[string]int{}
	for _, raw := range builtin {
		line := stripComment(raw)
		if line == "" {
			continue
		}
		name, body, ok := strings.Cut(line, ":")
		name = strings.TrimSpace(name)
		if !ok || name == "" {
			return nil, fmt.Errorf("suppression %q: want NAME: FIELD=GLOB [&& ...]", raw)
		}
		c, err := parseClause(body)
		if err != nil {
			return nil, fmt.Errorf("suppression %q: %w", raw, err)
		}
		for _, g := range append(slices.Clone(c.image), c.parent...) {
			if !isRooted(g) {
				return nil, fmt.Errorf("suppression %q: built-in image and parent globs must be full paths, got %q", raw, g)
			}
		}
		if !slices.Contains(enabled, name) {
			continue
		}
		i, seen := index[name]
		if !seen {
			i = len(s.names)
			index[name] = i
			s.names = append(s.names, name)
		}
		c.sup = i
		s.clauses = append(s.clauses, c)
	}
	for _, r := range rules {
		if r.Name == "" {
			return nil, fmt.Errorf("suppress rule without a name")
		}
		if _, dup := index[r.Name]; dup {
			return nil, fmt.Errorf("suppress rule %q: name already used", r.Name)
		}
		c := clause{sup: len(s.names), image: lowerAll(r.Image), parent: lowerAll(r.Parent), cmd: lowerAll(r.CommandLine),
			path: lowerAll(r.Path), user: lowerAll(r.User), hosts: lowerAll(r.Host)}
		if len(c.image)+len(c.parent)+len(c.cmd)+len(c.path)+len(c.user)+len(c.hosts) == 0 {
			return nil, fmt.Errorf("suppress rule %q: no pattern (would suppress everything)", r.Name)
		}
		index[r.Name] = c.sup
		s.names = append(s.names, r.Name)
		s.clauses = append(s.clauses, c)
	}
	s.counts = make([]int, len(s.names))
	s.byProcess = make(map[procKey][]int32)
	return s, nil
}

func parseClause(body string) (clause, error) {
	var c clause
	for _, cond := range strings.Split(body, "&&") {
		field, glob, ok := strings.Cut(strings.TrimSpace(cond), "=")
		glob = strings.ToLower(strings.TrimSpace(glob))
		if !ok || glob == "" {
			return c, fmt.Errorf("condition %q: want FIELD=GLOB", cond)
		}
		switch strings.TrimSpace(field) {
		case "image":
			c.image = append(c.image, glob)
		case "parent":
			c.parent = append(c.parent, glob)
		case "command_line":
			c.cmd = append(c.cmd, glob)
		case "path":
			c.path = append(c.path, glob)
		case "user":
			c.user = append(c.user, glob)
		case "host":
			c.hosts = append(c.hosts, glob)
		default:
			return c, fmt.Errorf("unknown field %q", field)
		}
	}
	return c, nil
}

func lowerAll(in []string) []string {
	var out []string
	for _, s := range in {
		out = append(out, strings.ToLower(s))
	}
	return out
}

// isRooted reports whether a glob starts at a root: "/", "\" or "x:\".
func isRooted(g string) bool {
	return strings.HasPrefix(g, "/") || strings.HasPrefix(g, `\`) ||
		(len(g) >= 3 && g[1] == ':' && (g[2] == '\\' || g[2] == '/') && g[0] != '*' && g[0] != '?')
}

// Match returns the name of the first suppression that matches subj and
// counts it.
func (s *Suppressions) Match(subj *Subject) (string, bool) {
	if s == nil {
		return "", false
	}
	key := procKey{subj.Image, subj.Parent}
	cands, ok := s.byProcess[key]
	if !ok {
		for i := range s.clauses {
			c := &s.clauses[i]
			if anyPath(c.image, subj.Image) && anyPath(c.parent, subj.Parent) {
				cands = append(cands, int32(i))
			}
		}
		if len(s.byProcess) >= maxProcCache {
			clear(s.byProcess)
		}
		s.byProcess[key] = cands
	}
	for _, i := range cands {
		c := &s.clauses[i]
		if anyGlob(c.cmd, subj.CommandLine) && anyPath(c.path, subj.Path) && anyUser(c.user, subj.User) && anyGlob(c.hosts, subj.Host) {
			s.counts[c.sup]++
			return s.names[c.sup], true
		}
	}
	return "", false
}

// Report returns the count of every suppression in force, in order.
func (s *Suppressions) Report(analytic string) []stagewatch.Suppression {
	if s == nil {
		return nil
	}
	out := make([]stagewatch.Suppression, len(s.names))
	for i, n := range s.names {
		out[i] = stagewatch.Suppression{Analytic: analytic, Name: n, Count: s.counts[i]}
	}
	return out
}

func anyGlob(globs []string, v string) bool {
	if len(globs) == 0 {
		return true
	}
	for _, g := range globs {
		if Glob(g, v) {
			return true
		}
	}
	return false
}

// anyPath is anyGlob for paths: a value in NT device form
// (\Device\HarddiskVolumeN\x, \\?\ or \??\ prefixes) is compared without
// its volume against globs without their drive letter.
func anyPath(globs []string, v string) bool {
	if len(globs) == 0 {
		return true
	}
	rest, device := stripDevice(v)
	for _, g := range globs {
		if device && len(g) >= 2 && g[1] == ':' && g[0] != '*' && g[0] != '?' {
			if Glob(g[2:], rest) {
				return true
			}
			continue
		}
		if Glob(g, v) {
			return true
		}
	}
	return false
}

func stripDevice(v string) (string, bool) {
	if len(v) >= 4 && (v[:4] == `\\?\` || v[:4] == `\??\`) {
		v = v[4:]
		if len(v) >= 2 && v[1] == ':' {
			return v, false
		}
	}
	const dev = `\device\harddiskvolume`
	if len(v) > len(dev) && strings.EqualFold(v[:len(dev)], dev) {
		if i := strings.IndexByte(v[len(dev):], '\\'); i >= 0 {
			return v[len(dev)+i:], true
		}
	}
	return v, false
}

func anyUser(globs []string, u stagewatch.User) bool {
	if len(globs) == 0 {
		return true
	}
	for _, g := range globs {
		if Glob(g, u.Name) {
			return true
		}
		if u.Domain != "" && strings.IndexByte(g, '\\') >= 0 {
			// Compare DOMAIN\name without building the string.
			if i := strings.IndexByte(g, '\\'); Glob(g[:i], u.Domain) && Glob(g[i+1:], u.Name) {
				return true
			}
		}
	}
	return false
}

// Glob reports whether v matches the lower-case glob g, ignoring ASCII case
// in v and treating \ and / alike. * matches any run of bytes (separators
// included) and ? one byte. It does not allocate.
func Glob(g, v string) bool {
	gi, vi := 0, 0
	star, mark := -1, 0
	for vi < len(v) {
		if gi < len(g) {
			switch gc := g[gi]; gc {
			case '*':
				star, mark = gi, vi
				gi++
				continue
			case '?':
				gi++
				vi++
				continue
			default:
				if globByte(gc) == globByte(v[vi]) {
					gi++
					vi++
					continue
				}
			}
		}
		if star < 0 {
			return false
		}
		mark++
		gi, vi = star+1, mark
	}
	for gi < len(g) && g[gi] == '*' {
		gi++
	}
	return gi == len(g)
}

func globByte(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	if c == '/' {
		return '\\'
	}
	return c
}
