package analytic

import (
	"fmt"
	"strings"
	"time"

	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/window"
)

// ReconOutputStagingParams are the parameters of recon-output-staging.
type ReconOutputStagingParams struct {
	MinOutputs     int           `yaml:"min_outputs" doc:"distinct discovery commands whose output one user redirects into staging folders within window"`
	Window         time.Duration `yaml:"window" doc:"sliding window the discovery commands are counted in (ATT&CK TimeWindow)"`
	EpisodeGap     time.Duration `yaml:"episode_gap" doc:"an open alert closes after this long without a new discovery output"`
	MaxTier        int           `yaml:"max_tier" doc:"highest staging tier that counts for the output file: 1 = tier-1 folders only, 2 = also tier 2"`
	Commands       List          `yaml:"commands" doc:"discovery commands: COMMAND [SUBCOMMAND...] (lists/discovery.txt)"`
	StagingParams  `yaml:",inline"`
	SuppressParams `yaml:",inline"`
}

// ReconOutputStaging is the spec of recon-output-staging.
func ReconOutputStaging() Spec {
	return Spec{
		ID:    "recon-output-staging",
		Title: "Discovery output collected into staging folders",
		Description: "One user redirects the output of several distinct discovery commands (whoami, systeminfo, net, " +
			"ipconfig, nltest, tasklist, Get-Process...) into files in staging folders within window: automated " +
			"collection (T1119) staged locally.",
		Attack: attackAN0040,
		Defaults: func() any {
			return &ReconOutputStagingParams{
				MinOutputs:     3,
				Window:         time.Hour,
				EpisodeGap:     30 * time.Minute,
				MaxTier:        2,
				Commands:       DefaultList(ListDiscovery),
				StagingParams:  defaultStaging(),
				SuppressParams: defaultSuppress(),
			}
		},
		New: func(params any, opts Options) (stagewatch.Detector, error) {
			p, ok := params.(*ReconOutputStagingParams)
			if !ok {
				return nil, fmt.Errorf("recon-output-staging: parameters are %T, want *ReconOutputStagingParams", params)
			}
			return NewReconOutputStaging(*p, opts)
		},
	}
}

type reconKey struct{ host, domain, user string }

type reconMatch struct {
	ev      *stagewatch.Event
	command string
	target  string
	tier    int
	entry   string
}

type reconAcc struct {
	first    *stagewatch.Event
	commands []string
	targets  []string
	tier     int
	entry    string
	hidden   bool
	evidence []stagewatch.Evidence
	lastEv   *stagewatch.Event
}

// ReconOutputStagingDetector is the running state of recon-output-staging.
type ReconOutputStagingDetector struct {
	p         ReconOutputStagingParams
	staging   StagingSet
	discovery *Discovery
	sup       *Suppressions
	win       *window.Episodes[reconKey, reconMatch, reconAcc]
}

// NewReconOutputStaging validates p and returns a detector.
func NewReconOutputStaging(p ReconOutputStagingParams, opts Options) (*ReconOutputStagingDetector, error) {
	if p.MinOutputs < 1 {
		return nil, fmt.Errorf("recon-output-staging: min_outputs %d: want at least 1", p.MinOutputs)
	}
	if err := checkWindow(p.Window, p.EpisodeGap); err != nil {
		return nil, fmt.Errorf("recon-output-staging: %w", err)
	}
	set, sup, err := stagingLists{p.StagingWindows, p.StagingLinux, p.StagingMacOS, p.MaxTier,
		DefaultList(ListSuppressions), p.Suppressions, p.Suppress}.build()
	if err != nil {
		return nil, fmt.Errorf("recon-output-staging: %w", err)
	}
	d := &ReconOutputStagingDetector{p: p, staging: set, discovery: NewDiscovery(p.Commands), sup: sup}
	cap := max(opts.EvidenceCap, 0)
	d.win = window.New[reconKey](opts.episodes(window.Config{Width: p.Window, Threshold: p.MinOutputs, Gap: p.EpisodeGap}),
		func(acc *reconAcc, m reconMatch) {
			if acc.first == nil || m.tier < acc.tier {
				acc.tier, acc.entry = m.tier, m.entry
			}
			if acc.first == nil {
				acc.first = m.ev
			}
			acc.commands = addSorted(acc.commands, m.command, 32)
			acc.targets = addSorted(acc.targets, originalCase(m.ev.Proc.CommandLine, m.target), 16)
			acc.hidden = acc.hidden || hiddenBelow(stagewatch.NormalizePath(stagewatch.Windows, m.target))
			if acc.lastEv != m.ev {
				acc.evidence = addEvidence(acc.evidence, cap, m.ev, m.ev.Proc.CommandLine)
				acc.lastEv = m.ev
			}
		})
	return d, nil
}

// Kinds implements stagewatch.Detector.
func (d *ReconOutputStagingDetector) Kinds() []stagewatch.Kind {
	return []stagewatch.Kind{stagewatch.ProcessStart}
}

// mayRedirect is the allocation-free prefilter: a redirection, an output
// cmdlet, or an encoded PowerShell script.
func mayRedirect(cmdline string) bool {
	if strings.IndexByte(cmdline, '>') >= 0 {
		return true
	}
	for _, f := range []string{"out-file", "tee", "set-content", "add-content", "export-", "sc ", "ac ", "epcsv", " -e"} {
		if containsFold(cmdline, f) {
			return true
		}
	}
	return false
}

// Observe implements stagewatch.Detector. Every discovery command whose
// output lands in a staging folder is one match; distinct commands count.
func (d *ReconOutputStagingDetector) Observe(ev *stagewatch.Event) []stagewatch.Alert {
	if ev.Kind != stagewatch.ProcessStart || ev.Proc.CommandLine == "" || !mayRedirect(ev.Proc.CommandLine) {
		return nil
	}
	norm := stagewatch.NormalizeCommandLine(ev.Proc.CommandLine)
	syn := syntaxOf(ev, norm)
	windows := syn.windows()
	var alerts []stagewatch.Alert
	key := reconKey{ev.Host.Key(), ev.User.Domain, ev.User.Name}
	suppressed, checked := false, false
	for _, o := range d.discovery.outputs(norm, syn) {
		if isVariable(o.target) {
			continue
		}
		tier, entry, _ := stagingTarget(d.staging, ev, o.target, windows)
		if tier == 0 || tier > d.p.MaxTier {
			continue
		}
		if !checked {
			_, suppressed = d.sup.Match(&Subject{Image: ev.Proc.Image, Parent: ev.Proc.ParentImage, CommandLine: ev.Proc.CommandLine,
				Path: o.target, User: ev.User, Host: ev.Host.Key()})
			checked = true
		}
		if suppressed {
			return nil
		}
		m := reconMatch{ev: ev, command: o.command, target: o.target, tier: tier, entry: entry}
		alerts = append(alerts, d.alerts(d.win.Add(key, hashString(o.command), ev.Time, m))...)
	}
	return alerts
}

// Advance implements stagewatch.Detector.
func (d *ReconOutputStagingDetector) Advance(t time.Time) []stagewatch.Alert {
	return d.alerts(d.win.Advance(t))
}

// Flush implements stagewatch.Detector.
func (d *ReconOutputStagingDetector) Flush() []stagewatch.Alert { return d.alerts(d.win.Flush()) }

// Suppressions implements stagewatch.Suppressor.
func (d *ReconOutputStagingDetector) Suppressions() []stagewatch.Suppression {
	return d.sup.Report("recon-output-staging")
}

func (d *ReconOutputStagingDetector) alerts(eps []window.Episode[reconKey, reconAcc]) []stagewatch.Alert {
	return episodeAlerts(eps, d.alert)
}

func (d *ReconOutputStagingDetector) alert(ep *window.Episode[reconKey, reconAcc]) stagewatch.Alert {
	acc := &ep.Acc
	ev := acc.first
	sev, conf := stagewatch.SeverityMedium, stagewatch.ConfidenceMedium
	if acc.tier == 2 {
		sev, conf = stagewatch.SeverityLow, stagewatch.ConfidenceLow
	}
	if acc.hidden || len(acc.commands) >= 2*d.p.MinOutputs {
		conf = raise(conf)
	}
	proc := procName(&ev.Proc)
	return stagewatch.Alert{
		ID:         stagewatch.AlertID("recon-output-staging", joinKey(ep.Key.host, ep.Key.domain, ep.Key.user), ep.Start),
		Analytic:   "recon-output-staging",
		Title:      "Discovery output collected into staging folders",
		Attack:     attackDET0014(ev.Host.OS),
		Severity:   sev,
		Confidence: conf,
		Risk:       stagewatch.RiskScore(sev, conf),
		Host:       ep.Key.host,
		User:       ev.User.String(),
		Process:    proc,
		FirstSeen:  ep.Start,
		LastSeen:   ep.Last,
		Summary: fmt.Sprintf("%s redirected the output of %s (%s) into %s %s", userLabel(ev.User),
			plural(len(acc.commands), "discovery command", "discovery commands"), strings.Join(firstN(acc.commands, 8), ", "),
			strings.Join(firstN(acc.targets, 3), ", "), formatSpan(ep.Start, ep.Last)),
		Fields: map[string]any{
			"commands":          nonNil(acc.commands),
			"outputs":           ep.Matches,
			"files":             nonNil(acc.targets),
			"hidden_folder":     acc.hidden,
			"staging_entry":     acc.entry,
			"tier":              acc.tier,
			"related_technique": "T1119",
			"image":             ev.Proc.Image,
			"command_line":      ev.Proc.CommandLine,
			"parent":            ev.Proc.ParentName,
		},
		Parameters: map[string]any{
			"min_outputs":  d.p.MinOutputs,
			"window":       stagewatch.FormatDuration(d.p.Window),
			"episode_gap":  stagewatch.FormatDuration(d.p.EpisodeGap),
			"max_tier":     d.p.MaxTier,
			"suppressions": listParams(d.p.Suppressions),
		},
		Evidence: acc.evidence,
		Guide: stagewatch.Guide{
			Investigate: []string{
				"Read the output files: they show what the intruder learnt (accounts, groups, shares, trusts).",
				"Find the script or parent that ran the commands and whether the files were later archived or sent out.",
			},
			Respond: []string{
				"Treat the host as hands-on-keyboard compromise: isolate it and review the account's other logons.",
			},
			Benign: []string{
				"Inventory and support scripts writing system reports into temp folders.",
				"Helpdesk tools collecting diagnostics (systeminfo, ipconfig) for a ticket.",
			},
		},
	}
}

// OpenWindows returns the groups the detector holds, for serve's metrics.
func (d *ReconOutputStagingDetector) OpenWindows() int { return d.win.Len() }
