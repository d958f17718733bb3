package analytic

import (
	"fmt"
	"strings"
	"time"

	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/window"
)

// ArchiveCommandParams are the parameters of archive-command.
type ArchiveCommandParams struct {
	Window            time.Duration `yaml:"window" doc:"archiving commands by one user into one archive (or folder) within this window fold into one alert"`
	EpisodeGap        time.Duration `yaml:"episode_gap" doc:"an open alert closes after this long without a new archiving command"`
	MaxTier           int           `yaml:"max_tier" doc:"highest staging tier that counts for the output: 1 = tier-1 folders only, 2 = also tier 2"`
	ProtectedAnywhere bool          `yaml:"protected_anywhere" doc:"alert on password, encryption or split-volume options even when the archive is not in a staging folder"`
	Archivers         List          `yaml:"archivers" doc:"archivers and their argument syntax (ATT&CK CompressionToolList; lists/archivers.txt)"`
	StagingParams     `yaml:",inline"`
	SensitiveParams   `yaml:",inline"`
	SuppressParams    `yaml:",inline"`
}

// ArchiveCommand is the spec of archive-command.
func ArchiveCommand() Spec {
	return Spec{
		ID:    "archive-command",
		Title: "Archiver writing into a staging folder or protecting an archive",
		Description: "A process starts an archiver (7z, rar, WinZip, zip, tar, makecab, PrintBrm, Compress-Archive, " +
			"ZipFile.CreateFromDirectory, openssl enc, gpg -c) whose output is in a staging folder, or with password, " +
			"encryption or split-volume options anywhere; a renamed 7z or rar is recognised by its arguments.",
		Attack: attackAN0040,
		Defaults: func() any {
			return &ArchiveCommandParams{
				Window:            24 * time.Hour,
				EpisodeGap:        time.Hour,
				MaxTier:           2,
				ProtectedAnywhere: true,
				Archivers:         DefaultList(ListArchivers),
				StagingParams:     defaultStaging(),
				SensitiveParams:   defaultSensitive(),
				SuppressParams:    defaultSuppress(),
			}
		},
		New: func(params any, opts Options) (stagewatch.Detector, error) {
			p, ok := params.(*ArchiveCommandParams)
			if !ok {
				return nil, fmt.Errorf("archive-command: parameters are %T, want *ArchiveCommandParams", params)
			}
			return NewArchiveCommand(*p, opts)
		},
	}
}

type archiveCmdKey struct{ host, domain, user, target string }

type archiveCmdMatch struct {
	ev    *stagewatch.Event
	op    ArchiveOp
	norm  string // normalized command line
	tier  int
	entry string
}

type archiveCmdAcc struct {
	first                                 *stagewatch.Event
	output                                string
	tier                                  int
	entry                                 string
	tools, inputs                         []string
	password, encrypted, split, recursive bool
	renamed                               bool
	sens                                  sensitiveAcc
	evidence                              []stagewatch.Evidence
}

// ArchiveCommandDetector is the running state of archive-command.
type ArchiveCommandDetector struct {
	p         ArchiveCommandParams
	staging   StagingSet
	archivers *Archivers
	sens      *Sensitive
	sup       *Suppressions
	win       *window.Episodes[archiveCmdKey, archiveCmdMatch, archiveCmdAcc]
}

// NewArchiveCommand validates p and returns a detector.
func NewArchiveCommand(p ArchiveCommandParams, opts Options) (*ArchiveCommandDetector, error) {
	if err := checkWindow(p.Window, p.EpisodeGap); err != nil {
		return nil, fmt.Errorf("archive-command: %w", err)
	}
	set, sup, err := stagingLists{p.StagingWindows, p.StagingLinux, p.StagingMacOS, p.MaxTier,
		DefaultList(ListSuppressions), p.Suppressions, p.Suppress}.build()
	if err != nil {
		return nil, fmt.Errorf("archive-command: %w", err)
	}
	arch, err := NewArchivers(p.Archivers)
	if err != nil {
		return nil, fmt.Errorf("archive-command: %w", err)
	}
	sens, err := NewSensitive(p.SensitiveParams)
	if err != nil {
		return nil, fmt.Errorf("archive-command: %w", err)
	}
	d := &ArchiveCommandDetector{p: p, staging: set, archivers: arch, sens: sens, sup: sup}
	cap := max(opts.EvidenceCap, 0)
	d.win = window.New[archiveCmdKey](opts.episodes(window.Config{Width: p.Window, Threshold: 1, Gap: p.EpisodeGap}),
		func(acc *archiveCmdAcc, m archiveCmdMatch) {
			if acc.first == nil {
				acc.first, acc.output, acc.tier, acc.entry = m.ev, originalCase(m.ev.Proc.CommandLine, m.op.Output), m.tier, m.entry
			}
			acc.tools = addSorted(acc.tools, m.op.Tool, 8)
			for _, in := range m.op.Inputs {
				acc.inputs = addSorted(acc.inputs, in, 16)
			}
			acc.password = acc.password || m.op.Password
			acc.encrypted = acc.encrypted || m.op.Encrypted
			acc.split = acc.split || m.op.Split
			acc.recursive = acc.recursive || m.op.Recursive
			acc.renamed = acc.renamed || m.op.Renamed
			acc.sens.args(d.sens, m.norm, m.op.Recursive, m.op.Inputs, []string{m.op.Output})
			acc.evidence = addEvidence(acc.evidence, cap, m.ev, m.ev.Proc.CommandLine)
		})
	return d, nil
}

// Kinds implements stagewatch.Detector.
func (d *ArchiveCommandDetector) Kinds() []stagewatch.Kind {
	return []stagewatch.Kind{stagewatch.ProcessStart}
}

// Observe implements stagewatch.Detector. A process that is neither an
// archiver nor a shell, and whose command line has no archive fragment,
// costs two string scans and no allocation.
func (d *ArchiveCommandDetector) Observe(ev *stagewatch.Event) []stagewatch.Alert {
	if ev.Kind != stagewatch.ProcessStart || ev.Proc.CommandLine == "" {
		return nil
	}
	if !mayArchive(ev.Proc.CommandLine) && (ev.Host.OS == stagewatch.Windows || !mayArchivePOSIX(ev.Proc.CommandLine)) {
		return nil
	}
	name := ev.Proc.Name
	if name == "" {
		_, name = stagewatch.SplitPath(ev.Host.OS, ev.Proc.Image)
	}
	if !isScriptEvent(ev) && !d.archivers.IsCandidate(name) && !containsFold(ev.Proc.CommandLine, " a ") && !containsFold(ev.Proc.CommandLine, " u ") {
		return nil
	}
	m, ok := d.match(ev)
	if !ok {
		return nil
	}
	if _, ok := d.sup.Match(&Subject{Image: ev.Proc.Image, Parent: ev.Proc.ParentImage, CommandLine: ev.Proc.CommandLine,
		Path: m.op.Output, User: ev.User, Host: ev.Host.Key()}); ok {
		return nil
	}
	target := userPathKey(m.op.Output, ev.User)
	if target == "" {
		target = "tool:" + m.op.Tool
	}
	key := archiveCmdKey{host: ev.Host.Key(), domain: ev.User.Domain, user: ev.User.Name, target: strings.TrimSuffix(target, `\`)}
	return d.alerts(d.win.Add(key, hashString(ev.Proc.CommandLine), ev.Time, m))
}

// match parses the command line and picks its most telling archive
// operation: output in a staging folder first, then protected ones.
func (d *ArchiveCommandDetector) match(ev *stagewatch.Event) (archiveCmdMatch, bool) {
	expanded := stagewatch.ExpandEnv(ev.Proc.CommandLine)
	syn := syntaxOf(ev, expanded)
	windows := syn.windows()
	best, found := archiveCmdMatch{}, false
	score := func(m archiveCmdMatch) int {
		s := 0
		if m.tier != 0 {
			s += 4 - m.tier
		}
		if m.op.Protected() || m.op.Split {
			s += 2
		}
		return s
	}
	for _, op := range d.archivers.parse(expanded, syn) {
		m := archiveCmdMatch{ev: ev, op: op}
		if op.Output != "" && !isVariable(op.Output) && !IsRemote(op.Output) {
			tier, entry, _ := stagingTarget(d.staging, ev, op.Output, windows)
			if tier != 0 && tier <= d.p.MaxTier {
				m.tier, m.entry = tier, entry
			}
		}
		if m.tier == 0 && !(d.p.ProtectedAnywhere && (op.Protected() || op.Split)) {
			continue
		}
		if !found || score(m) > score(best) {
			best, found = m, true
		}
	}
	best.norm = stagewatch.NormalizeCommandLine(ev.Proc.CommandLine)
	return best, found
}

// Advance implements stagewatch.Detector.
func (d *ArchiveCommandDetector) Advance(t time.Time) []stagewatch.Alert {
	return d.alerts(d.win.Advance(t))
}

// Flush implements stagewatch.Detector.
func (d *ArchiveCommandDetector) Flush() []stagewatch.Alert { return d.alerts(d.win.Flush()) }

// Suppressions implements stagewatch.Suppressor.
func (d *ArchiveCommandDetector) Suppressions() []stagewatch.Suppression {
	return d.sup.Report("archive-command")
}

func (d *ArchiveCommandDetector) alerts(eps []window.Episode[archiveCmdKey, archiveCmdAcc]) []stagewatch.Alert {
	return episodeAlerts(eps, d.alert)
}

func (d *ArchiveCommandDetector) alert(ep *window.Episode[archiveCmdKey, archiveCmdAcc]) stagewatch.Alert {
	acc := &ep.Acc
	ev := acc.first
	// Severity follows where the archive lands; confidence adds up the
	// independent signs of staging.
	sev, conf := stagewatch.SeverityMedium, stagewatch.ConfidenceLow
	if acc.tier == 1 || (acc.tier == 2 && (acc.password || acc.encrypted)) {
		sev = stagewatch.SeverityHigh
	}
	if acc.tier == 1 {
		conf = raise(conf)
	}
	var how []string
	for _, f := range []struct {
		on   bool
		name string
	}{{acc.password, "password"}, {acc.encrypted, "encrypted"}, {acc.split, "split volumes"}, {acc.recursive, "recursive"}, {acc.renamed, "renamed archiver"}} {
		if f.on {
			how = append(how, f.name)
		}
	}
	if acc.password || acc.encrypted {
		conf = raise(conf)
	}
	if acc.split || acc.renamed {
		conf = raise(conf)
	}
	what := strings.Join(acc.tools, ", ")
	if len(how) > 0 {
		what += "; " + strings.Join(how, ", ")
	}
	target := "writing " + acc.output
	if acc.output == "" {
		target = "(archive name not parsed)"
	}
	if acc.tier == 0 {
		target += " (outside staging folders)"
	}
	proc := procName(&ev.Proc)
	summary := fmt.Sprintf("%s (%s) ran %s (%s) %s %s", proc, userLabel(ev.User),
		plural(ep.Distinct, "archiving command", "archiving commands"), what, target, formatSpan(ep.Start, ep.Last))
	fields := map[string]any{
		"commands":      ep.Distinct,
		"events":        ep.Matches,
		"tools":         nonNil(acc.tools),
		"destination":   acc.output,
		"inputs":        nonNil(acc.inputs),
		"password":      acc.password,
		"encrypted":     acc.encrypted,
		"split_volumes": acc.split,
		"recursive":     acc.recursive,
		"renamed":       acc.renamed,
		"staging_entry": acc.entry,
		"tier":          acc.tier,
		"image":         ev.Proc.Image,
		"command_line":  ev.Proc.CommandLine,
		"parent":        ev.Proc.ParentName,
	}
	weigh(acc.sens.findings(d.sens), &sev, &conf, fields, &summary)
	return stagewatch.Alert{
		ID:         stagewatch.AlertID("archive-command", joinKey(ep.Key.host, ep.Key.domain, ep.Key.user, ep.Key.target), ep.Start),
		Analytic:   "archive-command",
		Title:      "Archiver writing into a staging folder or protecting an archive",
		Attack:     attackDET0014(ev.Host.OS),
		Severity:   sev,
		Confidence: conf,
		Risk:       stagewatch.RiskScore(sev, conf),
		Host:       ep.Key.host,
		User:       ev.User.String(),
		Process:    proc,
		FirstSeen:  ep.Start,
		LastSeen:   ep.Last,
		Summary:    summary,
		Fields:     fields,
		Parameters: map[string]any{
			"window":             stagewatch.FormatDuration(d.p.Window),
			"episode_gap":        stagewatch.FormatDuration(d.p.EpisodeGap),
			"max_tier":           d.p.MaxTier,
			"protected_anywhere": d.p.ProtectedAnywhere,
			"suppressions":       listParams(d.p.Suppressions),
		},
		Evidence: acc.evidence,
		Guide: stagewatch.Guide{
			Investigate: []string{
				"Find the archive (and its volumes) and what went into it: the inputs named here and earlier copies into that folder.",
				"A password or encrypted headers hide the contents: look for the password in the command line history or script.",
				"Look for the archive leaving the host (upload, cloud sync, removable media) and for its deletion afterwards.",
			},
			Respond: []string{
				"Preserve the archive and the archiver binary (a renamed 7z is itself evidence); block egress of the archive.",
				"Scope the account for the collection that fed the archive.",
			},
			Benign: []string{
				"Backup and log-collection scripts compressing into temp folders.",
				"Administrators packing tools or logs with 7-Zip; developers packaging builds.",
			},
		},
	}
}

// OpenWindows returns the groups the detector holds, for serve's metrics.
func (d *ArchiveCommandDetector) OpenWindows() int { return d.win.Len() }
