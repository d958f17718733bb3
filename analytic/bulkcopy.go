package analytic

import (
	"fmt"
	"strings"
	"time"

	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/window"
)

// BulkCopyCommandParams are the parameters of bulk-copy-command.
type BulkCopyCommandParams struct {
	Window          time.Duration `yaml:"window" doc:"copy commands by one user into one destination within this window fold into one alert"`
	EpisodeGap      time.Duration `yaml:"episode_gap" doc:"an open alert closes after this long without a new copy command (and at the latest window after it opened)"`
	MaxTier         int           `yaml:"max_tier" doc:"highest staging tier that counts: 1 = tier-1 folders only, 2 = also tier 2"`
	Fallback        bool          `yaml:"fallback" doc:"when no destination can be parsed, alert (at low confidence) if the command line merely names a staging folder, as the seed did"`
	Tools           List          `yaml:"tools" doc:"copy tools and their argument syntax (ATT&CK CopyToolPatterns; lists/copy_tools.txt)"`
	StagingParams   `yaml:",inline"`
	SensitiveParams `yaml:",inline"`
	SuppressParams  `yaml:",inline"`
}

// BulkCopyCommand is the spec of bulk-copy-command (seed branch 3).
func BulkCopyCommand() Spec {
	return Spec{
		ID:    "bulk-copy-command",
		Title: "Copy command into a staging folder",
		Description: "A copy tool (robocopy, xcopy, copy, Copy-Item, cp, rsync, scp, ditto), directly or through " +
			"cmd, PowerShell or a shell, copies into a staging folder; the destination argument is parsed, with the " +
			"seed's substring test as a low-confidence fallback.",
		Attack: attackAN0040,
		Defaults: func() any {
			return &BulkCopyCommandParams{
				Window:          24 * time.Hour,
				EpisodeGap:      time.Hour,
				MaxTier:         2,
				Fallback:        true,
				Tools:           DefaultList(ListCopyTools),
				StagingParams:   defaultStaging(),
				SensitiveParams: defaultSensitive(),
				SuppressParams:  defaultSuppress(),
			}
		},
		New: func(params any, opts Options) (stagewatch.Detector, error) {
			p, ok := params.(*BulkCopyCommandParams)
			if !ok {
				return nil, fmt.Errorf("bulk-copy-command: parameters are %T, want *BulkCopyCommandParams", params)
			}
			return NewBulkCopyCommand(*p, opts)
		},
	}
}

type copyKey struct {
	host, domain, user, dest string
}

// copyMatch is one command line that copies into staging.
type copyMatch struct {
	ev        *stagewatch.Event
	tool      string
	dest      string // destination, normalized: the grouping key; "" for the fallback
	shown     string // destination in the command line's own case, for people
	sources   []string
	method    string // "destination" or "substring"
	recursive bool
	renamed   bool // a copy tool recognised by its arguments, not its name
	wildcard  bool
	tier      int
	entry     string
	conf      stagewatch.Confidence
}

type copyAcc struct {
	first     *stagewatch.Event
	dest      string
	method    string
	tier      int
	entry     string
	conf      stagewatch.Confidence
	tools     []string
	sources   []string
	recursive bool
	renamed   bool // a copy tool recognised by its arguments, not its name
	wildcard  bool
	evidence  []stagewatch.Evidence
	sens      sensitiveAcc
}

// BulkCopyCommandDetector is the running state of bulk-copy-command.
type BulkCopyCommandDetector struct {
	p       BulkCopyCommandParams
	staging StagingSet
	tools   *CopyTools
	sup     *Suppressions
	win     *window.Episodes[copyKey, copyMatch, copyAcc]
	sens    *Sensitive
}

// NewBulkCopyCommand validates p and returns a detector.
func NewBulkCopyCommand(p BulkCopyCommandParams, opts Options) (*BulkCopyCommandDetector, error) {
	if err := checkWindow(p.Window, p.EpisodeGap); err != nil {
		return nil, fmt.Errorf("bulk-copy-command: %w", err)
	}
	set, sup, err := stagingLists{p.StagingWindows, p.StagingLinux, p.StagingMacOS, p.MaxTier,
		DefaultList(ListSuppressions), p.Suppressions, p.Suppress}.build()
	if err != nil {
		return nil, fmt.Errorf("bulk-copy-command: %w", err)
	}
	tools, err := NewCopyTools(p.Tools)
	if err != nil {
		return nil, fmt.Errorf("bulk-copy-command: %w", err)
	}
	sens, err := NewSensitive(p.SensitiveParams)
	if err != nil {
		return nil, fmt.Errorf("bulk-copy-command: %w", err)
	}
	d := &BulkCopyCommandDetector{p: p, staging: set, tools: tools, sup: sup}
	d.sens = sens
	cap := max(opts.EvidenceCap, 0)
	d.win = window.New[copyKey](opts.episodes(window.Config{Width: p.Window, Threshold: 1, Gap: p.EpisodeGap}),
		func(acc *copyAcc, m copyMatch) {
			if acc.first == nil {
				acc.first, acc.dest, acc.method, acc.tier, acc.entry = m.ev, m.shown, m.method, m.tier, m.entry
			}
			acc.conf = max(acc.conf, m.conf)
			acc.tools = addSorted(acc.tools, m.tool, 8)
			for _, s := range m.sources {
				acc.sources = addSorted(acc.sources, s, 16)
			}
			acc.recursive = acc.recursive || m.recursive
			acc.renamed = acc.renamed || m.renamed
			acc.wildcard = acc.wildcard || m.wildcard
			acc.sens.args(d.sens, stagewatch.NormalizeCommandLine(m.ev.Proc.CommandLine), m.recursive, m.sources, []string{m.dest})
			acc.evidence = addEvidence(acc.evidence, cap, m.ev, m.ev.Proc.CommandLine)
		})
	return d, nil
}

// Kinds implements stagewatch.Detector.
func (d *BulkCopyCommandDetector) Kinds() []stagewatch.Kind {
	return []stagewatch.Kind{stagewatch.ProcessStart}
}

// Observe implements stagewatch.Detector.
func (d *BulkCopyCommandDetector) Observe(ev *stagewatch.Event) []stagewatch.Alert {
	if ev.Kind != stagewatch.ProcessStart || ev.Proc.CommandLine == "" {
		return nil
	}
	// A script block is PowerShell whatever host ran it (4103 names the
	// host application, which may be any program embedding PowerShell).
	if !isScriptEvent(ev) {
		name := ev.Proc.Name
		if name == "" {
			_, name = stagewatch.SplitPath(ev.Host.OS, ev.Proc.Image)
		}
		if !d.tools.IsCandidate(name) && !(ev.Host.OS != stagewatch.Linux && ev.Host.OS != stagewatch.MacOS && mayRenamedCopy(ev.Proc.CommandLine)) {
			return nil
		}
	}
	if !mayCopy(ev.Proc.CommandLine) && !mayRenamedCopy(ev.Proc.CommandLine) {
		return nil
	}
	m, ok := d.match(ev)
	if !ok {
		return nil
	}
	path := m.dest
	if path == "" {
		path = ev.Proc.CommandLine
	}
	if _, ok := d.sup.Match(&Subject{Image: ev.Proc.Image, Parent: ev.Proc.ParentImage, CommandLine: ev.Proc.CommandLine,
		Path: path, User: ev.User, Host: ev.Host.Key()}); ok {
		return nil
	}
	destKey := m.dest
	if destKey == "" {
		destKey = "substring:" + m.entry
	}
	key := copyKey{host: ev.Host.Key(), domain: ev.User.Domain, user: ev.User.Name, dest: destKey}
	return d.alerts(d.win.Add(key, hashString(ev.Proc.CommandLine), ev.Time, m))
}

// match parses the command line and decides whether it copies into a
// staging folder.
func (d *BulkCopyCommandDetector) match(ev *stagewatch.Event) (copyMatch, bool) {
	norm := stagewatch.NormalizeCommandLine(ev.Proc.CommandLine)
	syn := syntaxOf(ev, norm)
	windows := syn.windows()
	ops, declined := d.tools.parse(norm, syn)
	best := copyMatch{}
	parsed := false
	for _, op := range ops {
		if op.Dest == "" || isVariable(op.Dest) {
			continue
		}
		parsed = true
		if IsRemote(op.Dest) {
			continue // a copy to another host is egress, not local staging
		}
		tier, entry, dest := d.destTier(ev, op.Dest, windows)
		if tier == 0 || tier > d.p.MaxTier {
			continue
		}
		conf := stagewatch.ConfidenceMedium
		if op.Recursive || op.Wildcard {
			conf = raise(conf)
		}
		if tier == 2 {
			conf = lower(conf)
		}
		if best.ev == nil || tier < best.tier || (tier == best.tier && conf > best.conf) {
			best = copyMatch{ev: ev, tool: op.Tool, dest: dest, sources: op.Sources, method: "destination",
				recursive: op.Recursive, wildcard: op.Wildcard, renamed: op.Renamed, tier: tier, entry: entry, conf: conf}
		}
	}
	if best.ev != nil {
		best.shown = originalCase(ev.Proc.CommandLine, best.dest)
		shownSources := make([]string, len(best.sources))
		for i, src := range best.sources {
			shownSources[i] = originalCase(ev.Proc.CommandLine, src)
		}
		best.sources = shownSources
		return best, true
	}
	if parsed || declined || !d.p.Fallback {
		// Every destination was found and none is a staging folder: copying
		// out of temp (installers, scripts) is not staging.
		return best, false
	}
	// The seed's test: a copy verb and a staging folder anywhere in the line.
	if !seedCopyVerb(norm) {
		return best, false
	}
	set := d.staging.For(ev.Host.OS, norm)
	tier, entry := set.Contains(norm)
	if tier == 0 || tier > d.p.MaxTier {
		return best, false
	}
	m := copyMatch{ev: ev, tool: "unparsed", method: "substring", tier: tier, entry: entry, conf: stagewatch.ConfidenceLow}
	for _, op := range ops {
		m.tool = op.Tool
		m.sources = op.Sources
		m.recursive = m.recursive || op.Recursive
		m.wildcard = m.wildcard || op.Wildcard
	}
	if m.recursive || m.wildcard {
		m.conf = raise(m.conf)
	}
	if tier == 2 {
		m.conf = lower(m.conf)
	}
	return m, true
}

// originalCase returns dest as the command line spells it. dest was parsed
// from NormalizeCommandLine(cmdline), which only expands variables and
// lower-cases ASCII, so offsets in the lower-cased expansion are offsets in
// the expansion itself. A destination the command line does not spell out
// (resolved against the working folder, say) is returned as it is. A
// folder that came from a variable is shown as the variable (%TEMP%\x).
func originalCase(cmdline, dest string) string {
	expanded := stagewatch.ExpandEnv(cmdline)
	if i := strings.Index(stagewatch.LowerASCII(expanded), dest); i >= 0 {
		dest = expanded[i : i+len(dest)]
	}
	return stagewatch.CollapseEnv(dest)
}

// destTier matches a destination argument: as a folder, and as a file in its
// parent folder. Relative destinations are resolved against the process's
// working folder when the telemetry has it.
func (d *BulkCopyCommandDetector) destTier(ev *stagewatch.Event, dest string, windows bool) (int, string, string) {
	return stagingTarget(d.staging, ev, dest, windows)
}

// stagingTarget matches a path argument (a copy destination, an archive,
// a redirection target): as a folder, and as a file in its parent folder.
// Relative paths are resolved against the process's working folder when the
// telemetry has it. It returns the tier, the entry and the resolved path.
func stagingTarget(staging StagingSet, ev *stagewatch.Event, dest string, windows bool) (int, string, string) {
	os := ev.Host.OS
	if windows {
		os = stagewatch.Windows
	}
	dest = strings.Trim(dest, `"' `)
	if windows && !(len(dest) >= 2 && dest[1] == ':') && !strings.HasPrefix(dest, `\`) && ev.Proc.CWD != "" {
		dest = strings.TrimRight(ev.Proc.CWD, `\/`) + `\` + dest
	} else if !windows && !strings.HasPrefix(dest, "/") && ev.Proc.CWD != "" {
		dest = strings.TrimRight(ev.Proc.CWD, "/") + "/" + dest
	}
	dir := stagewatch.NormalizeDir(os, dest)
	set := staging.For(os, dir)
	tier, entry := set.Match(dir)
	parent, _ := stagewatch.SplitPath(os, strings.TrimRight(dest, `\/`))
	if parent != "" {
		if t, e := set.Match(stagewatch.NormalizeDir(os, parent)); t != 0 && (tier == 0 || t < tier) {
			tier, entry = t, e
		}
	}
	return tier, entry, dest
}

// Advance implements stagewatch.Detector.
func (d *BulkCopyCommandDetector) Advance(t time.Time) []stagewatch.Alert {
	return d.alerts(d.win.Advance(t))
}

// Flush implements stagewatch.Detector.
func (d *BulkCopyCommandDetector) Flush() []stagewatch.Alert { return d.alerts(d.win.Flush()) }

// Suppressions implements stagewatch.Suppressor.
func (d *BulkCopyCommandDetector) Suppressions() []stagewatch.Suppression {
	return d.sup.Report("bulk-copy-command")
}

func (d *BulkCopyCommandDetector) alerts(eps []window.Episode[copyKey, copyAcc]) []stagewatch.Alert {
	return episodeAlerts(eps, d.alert)
}

func (d *BulkCopyCommandDetector) alert(ep *window.Episode[copyKey, copyAcc]) stagewatch.Alert {
	acc := &ep.Acc
	ev := acc.first
	sev := stagewatch.SeverityHigh
	if acc.tier == 2 {
		sev = stagewatch.SeverityMedium
	}
	var how []string
	if acc.renamed {
		how = append(how, "renamed tool")
	}
	if acc.recursive {
		how = append(how, "recursive")
	}
	if acc.wildcard {
		how = append(how, "wildcard")
	}
	what := strings.Join(acc.tools, ", ")
	if len(how) > 0 {
		what += "; " + strings.Join(how, ", ")
	}
	target := "into " + acc.dest
	if acc.method == "substring" {
		target = "naming staging folder " + acc.entry + " (destination not parsed)"
	}
	proc := procName(&ev.Proc)
	a := stagewatch.Alert{
		ID:         stagewatch.AlertID("bulk-copy-command", joinKey(ep.Key.host, ep.Key.domain, ep.Key.user, ep.Key.dest), ep.Start),
		Analytic:   "bulk-copy-command",
		Title:      "Copy command into a staging folder",
		Attack:     attackDET0014(ev.Host.OS),
		Severity:   sev,
		Confidence: acc.conf,
		Risk:       stagewatch.RiskScore(sev, acc.conf),
		Host:       ep.Key.host,
		User:       ev.User.String(),
		Process:    proc,
		FirstSeen:  ep.Start,
		LastSeen:   ep.Last,
		Summary: fmt.Sprintf("%s (%s) ran %s (%s) %s %s", proc, userLabel(ev.User),
			plural(ep.Distinct, "copy command", "copy commands"), what, target, formatSpan(ep.Start, ep.Last)),
		Fields: map[string]any{
			"commands":      ep.Distinct,
			"events":        ep.Matches,
			"tools":         nonNil(acc.tools),
			"destination":   acc.dest,
			"sources":       nonNil(acc.sources),
			"method":        acc.method,
			"recursive":     acc.recursive,
			"renamed":       acc.renamed,
			"wildcard":      acc.wildcard,
			"staging_entry": acc.entry,
			"tier":          acc.tier,
			"image":         ev.Proc.Image,
			"command_line":  ev.Proc.CommandLine,
			"parent":        ev.Proc.ParentName,
		},
		Parameters: map[string]any{
			"window":       stagewatch.FormatDuration(d.p.Window),
			"episode_gap":  stagewatch.FormatDuration(d.p.EpisodeGap),
			"max_tier":     d.p.MaxTier,
			"fallback":     d.p.Fallback,
			"suppressions": listParams(d.p.Suppressions),
		},
		Evidence: acc.evidence,
		Guide: stagewatch.Guide{
			Investigate: []string{
				"Read the full command line and its parent: which sources were copied, and were they shares, user documents or mail stores?",
				"List the destination folder and check for a later archive or upload of it.",
				"Check whether the account and host normally run copy scripts (build or deployment jobs).",
			},
			Respond: []string{
				"Preserve the destination folder and the script or task that ran the copy.",
				"If the sources were remote shares, scope the account's access on the file servers.",
			},
			Benign: []string{
				"Build, deployment and backup scripts using robocopy/xcopy into temp folders.",
				"Software deployment tools (SCCM, Intune) copying packages into staging folders.",
			},
		},
	}
	weighAlert(&a, acc.sens.findings(d.sens))
	return a
}

// OpenWindows returns the groups the detector holds, for serve's metrics.
func (d *BulkCopyCommandDetector) OpenWindows() int { return d.win.Len() }
