package analytic

import (
	"cmp"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
	"time"

	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/window"
)

// attackAN0040 is the ATT&CK mapping of the seed rule's three branches.
var attackAN0040 = stagewatch.Attack{Technique: "T1074.001", Tactic: "collection", Strategy: "DET0014", Analytic: "AN0040"}

// attackDET0014 is the ATT&CK mapping of the local staging analytics for a
// host's OS: DET0014 names one analytic per platform (AN0040 Windows,
// AN0041 Linux, AN0042 macOS, AN0044 ESXi). An unknown OS keeps AN0040, the
// seed rule's.
func attackDET0014(os stagewatch.OS) stagewatch.Attack {
	a := attackAN0040
	switch os {
	case stagewatch.Linux:
		a.Analytic = "AN0041"
	case stagewatch.MacOS:
		a.Analytic = "AN0042"
	case stagewatch.ESXi:
		a.Analytic = "AN0044"
	}
	return a
}

// stagingLists are the parameters every staging analytic shares, built into
// matchers by build.
type stagingLists struct {
	windows, linux, macos List
	maxTier               int
	builtin, enabled      List
	rules                 []SuppressRule
}

func (l stagingLists) build() (StagingSet, *Suppressions, error) {
	if l.maxTier < 1 || l.maxTier > 2 {
		return StagingSet{}, nil, fmt.Errorf("max_tier %d: want 1 or 2", l.maxTier)
	}
	set, err := NewStagingSet(l.windows, l.linux, l.macos)
	if err != nil {
		return set, nil, err
	}
	sup, err := NewSuppressions(l.builtin, l.enabled, l.rules)
	return set, sup, err
}

func checkWindow(window, gap time.Duration) error {
	if window <= 0 {
		return fmt.Errorf("window %v: want a positive duration", window)
	}
	if gap < 0 || gap > window {
		return fmt.Errorf("episode_gap %v: want between 0 and window (%v)", gap, window)
	}
	return nil
}

// hashPath returns a 64-bit identity of a path, folding ASCII case (and
// separators) for Windows paths. It does not allocate.
func hashPath(windows bool, parts ...string) uint64 {
	const offset, prime = 14695981039346656037, 1099511628211
	h := uint64(offset)
	for _, p := range parts {
		for i := 0; i < len(p); i++ {
			c := p[i]
			if windows {
				c = globByte(c)
			}
			h ^= uint64(c)
			h *= prime
		}
		h ^= 0xff
		h *= prime
	}
	return h
}

func hashString(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}

// joinKey builds the string form of a grouping key for AlertID.
func joinKey(parts ...string) string { return strings.Join(parts, "\x1f") }

// procName is the display name of the acting process.
func procName(p *stagewatch.Process) string {
	if p.Name != "" {
		return p.Name
	}
	if p.Image != "" {
		_, n := stagewatch.SplitPath(stagewatch.OSUnknown, p.Image)
		return n
	}
	return "unknown process"
}

// hiddenBelow reports whether a folder has a hidden component (a name
// starting with '.' or '$') other than the staging root itself, such as
// \users\public\.cache\ or /tmp/.x/.
func hiddenBelow(dir string) bool {
	for i := 0; i+1 < len(dir); i++ {
		if (dir[i] == '\\' || dir[i] == '/') && (dir[i+1] == '.' || dir[i+1] == '$') {
			rest := dir[i+1:]
			if strings.HasPrefix(rest, "$recycle.bin") || strings.HasPrefix(rest, "..") || strings.HasPrefix(rest, "./") {
				continue
			}
			return true
		}
	}
	return false
}

func raise(c stagewatch.Confidence) stagewatch.Confidence {
	return min(c+1, stagewatch.ConfidenceHigh)
}

func lower(c stagewatch.Confidence) stagewatch.Confidence {
	if c == stagewatch.ConfidenceLow {
		return c
	}
	return c - 1
}

// formatBytes renders a byte count with decimal units: "12.3 MB".
func formatBytes(n int64) string {
	const unit = 1000
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %cB", float64(n)/float64(div), "kMGTPE"[exp])
}

// formatSpan renders "between 10:02 and 10:14" (UTC), "at 10:02", or with
// dates when the span crosses midnight.
func formatSpan(first, last time.Time) string {
	first, last = first.UTC(), last.UTC()
	if first.Equal(last) || first.Format("15:04") == last.Format("15:04") && first.YearDay() == last.YearDay() {
		return "at " + first.Format("2006-01-02 15:04") + " UTC"
	}
	if first.YearDay() == last.YearDay() && first.Year() == last.Year() {
		return "between " + first.Format("15:04") + " and " + last.Format("15:04") + " UTC on " + first.Format("2006-01-02")
	}
	return "between " + first.Format("2006-01-02 15:04") + " and " + last.Format("2006-01-02 15:04") + " UTC"
}

// addSorted inserts s into a sorted set, keeping at most limit entries.
func addSorted(set []string, s string, limit int) []string {
	i, found := slices.BinarySearch(set, s)
	if found || len(set) >= limit {
		return set
	}
	return slices.Insert(set, i, s)
}

// addEvidence appends evidence while under the cap.
func addEvidence(list []stagewatch.Evidence, limit int, ev *stagewatch.Event, what string) []stagewatch.Evidence {
	if len(list) >= limit {
		return list
	}
	return append(list, stagewatch.EvidenceOf(ev, what))
}

// episodeAlerts renders closed episodes as alerts, ordered by first seen,
// then id; nil when there are none (the common case, kept allocation-free).
func episodeAlerts[K comparable, A any](eps []window.Episode[K, A], render func(*window.Episode[K, A]) stagewatch.Alert) []stagewatch.Alert {
	if len(eps) == 0 {
		return nil
	}
	out := make([]stagewatch.Alert, 0, len(eps))
	for i := range eps {
		out = append(out, render(&eps[i]))
	}
	return sortAlerts(out)
}

// keptAlerts is episodeAlerts for analytics whose threshold is checked at
// render time: render reports false for an episode that does not alert.
func keptAlerts[K comparable, A any](eps []window.Episode[K, A], render func(*window.Episode[K, A]) (stagewatch.Alert, bool)) []stagewatch.Alert {
	var out []stagewatch.Alert
	for i := range eps {
		if a, ok := render(&eps[i]); ok {
			out = append(out, a)
		}
	}
	if out == nil {
		return nil
	}
	return sortAlerts(out)
}

// sortAlerts orders a batch of alerts by first seen, then id.
func sortAlerts(alerts []stagewatch.Alert) []stagewatch.Alert {
	slices.SortFunc(alerts, func(a, b stagewatch.Alert) int {
		return cmp.Or(a.FirstSeen.Compare(b.FirstSeen), cmp.Compare(a.ID, b.ID))
	})
	return alerts
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// userLabel is the user for summaries: DOMAIN\name or "unknown user".
func userLabel(u stagewatch.User) string {
	if s := u.String(); s != "" {
		return s
	}
	return "unknown user"
}

// listParams renders a List for Alert.Parameters.
func listParams(l List) []string { return slices.Clone([]string(l)) }

// nonNil makes an empty set render as [] rather than null in JSON.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// userPathKey returns the grouping form of a path: ASCII lower case, with
// the acting user's profile folder written as the {user} placeholder that
// environment expansion produces, so %TEMP%\x and C:\Users\bob\AppData\Local\Temp\x
// group together.
func userPathKey(p string, u stagewatch.User) string {
	p = stagewatch.LowerASCII(p)
	if u.Name == "" {
		return p
	}
	prof := `\users\` + stagewatch.LowerASCII(u.Name) + `\`
	if i := strings.Index(p, prof); i >= 0 {
		p = p[:i] + `\users\{user}\` + p[i+len(prof):]
	}
	return p
}

// StagingParams are the staging-folder lists (ATT&CK StagingDirectoryList)
// every analytic that matches staging folders takes; inlined into their
// parameters, so the keys sit directly under the analytic in configuration.
type StagingParams struct {
	StagingWindows List `yaml:"staging_windows" doc:"Windows staging folders (ATT&CK StagingDirectoryList of AN0040, StagingDirectory of AN0194; syntax in lists/staging_windows.txt)"`
	StagingLinux   List `yaml:"staging_linux" doc:"Linux staging folders"`
	StagingMacOS   List `yaml:"staging_macos" doc:"macOS staging folders"`
}

func defaultStaging() StagingParams {
	return StagingParams{
		StagingWindows: DefaultList(ListStagingWindows),
		StagingLinux:   DefaultList(ListStagingLinux),
		StagingMacOS:   DefaultList(ListStagingMacOS),
	}
}

// SuppressParams are the suppressions every analytic takes: the built-in
// ones in force and the user's own.
type SuppressParams struct {
	Suppressions List           `yaml:"suppressions" doc:"built-in suppressions in force; remove a name to disable it"`
	Suppress     []SuppressRule `yaml:"suppress" doc:"your own named suppressions"`
}

func defaultSuppress() SuppressParams {
	return SuppressParams{Suppressions: BuiltinSuppressionNames(DefaultList(ListSuppressions))}
}
