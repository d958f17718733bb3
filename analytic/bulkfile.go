package analytic

import (
	"fmt"
	"strings"
	"time"

	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/window"
)

// BulkFileStagingParams are the parameters of bulk-file-staging.
type BulkFileStagingParams struct {
	MinFiles        int           `yaml:"min_files" doc:"distinct files one process must write into one staging folder within window"`
	Window          time.Duration `yaml:"window" doc:"sliding window the files are counted in (ATT&CK TimeWindow)"`
	EpisodeGap      time.Duration `yaml:"episode_gap" doc:"an open alert closes after this long without a new write (and at the latest window after it opened)"`
	MaxTier         int           `yaml:"max_tier" doc:"highest staging tier that counts: 1 = tier-1 folders only, 2 = also tier 2"`
	StagingParams   `yaml:",inline"`
	SensitiveParams `yaml:",inline"`
	SuppressParams  `yaml:",inline"`
}

// BulkFileStaging is the spec of bulk-file-staging (seed branch 1).
func BulkFileStaging() Spec {
	return Spec{
		ID:    "bulk-file-staging",
		Title: "Bulk file writes into a staging folder",
		Description: "One process writes at least min_files distinct files into one staging folder " +
			"(temp, public, recycle bin...) within window, grouped by host, user, process, command line and parent folder.",
		Attack: attackAN0040,
		Defaults: func() any {
			return &BulkFileStagingParams{
				MinFiles:        10,
				Window:          24 * time.Hour,
				EpisodeGap:      time.Hour,
				MaxTier:         2,
				StagingParams:   defaultStaging(),
				SensitiveParams: defaultSensitive(),
				SuppressParams:  defaultSuppress(),
			}
		},
		New: func(params any, opts Options) (stagewatch.Detector, error) {
			p, ok := params.(*BulkFileStagingParams)
			if !ok {
				return nil, fmt.Errorf("bulk-file-staging: parameters are %T, want *BulkFileStagingParams", params)
			}
			return NewBulkFileStaging(*p, opts)
		},
	}
}

// bulkKey is the seed's grouping, with the parent folder instead of MDE's
// FolderPath (which holds the file name).
type bulkKey struct {
	host, domain, user, proc, cmd, dir string
}

type fileMatch struct {
	ev    *stagewatch.Event
	id    uint64
	tier  int
	entry string
}

type fileAcc struct {
	first     *stagewatch.Event
	tier      int
	entry     string
	sizes     map[uint64]int64
	exts      []string
	creates   int
	modifies  int
	evidence  []stagewatch.Evidence
	evidenceN int
	sens      sensitiveAcc
}

// BulkFileStagingDetector is the running state of bulk-file-staging.
type BulkFileStagingDetector struct {
	p       BulkFileStagingParams
	opts    Options
	staging StagingSet
	sup     *Suppressions
	win     *window.Episodes[bulkKey, fileMatch, fileAcc]
	sens    *Sensitive
}

// NewBulkFileStaging validates p and returns a detector.
func NewBulkFileStaging(p BulkFileStagingParams, opts Options) (*BulkFileStagingDetector, error) {
	if p.MinFiles < 1 {
		return nil, fmt.Errorf("bulk-file-staging: min_files %d: want at least 1", p.MinFiles)
	}
	if err := checkWindow(p.Window, p.EpisodeGap); err != nil {
		return nil, fmt.Errorf("bulk-file-staging: %w", err)
	}
	set, sup, err := stagingLists{p.StagingWindows, p.StagingLinux, p.StagingMacOS, p.MaxTier,
		DefaultList(ListSuppressions), p.Suppressions, p.Suppress}.build()
	if err != nil {
		return nil, fmt.Errorf("bulk-file-staging: %w", err)
	}
	sens, err := NewSensitive(p.SensitiveParams)
	if err != nil {
		return nil, fmt.Errorf("bulk-file-staging: %w", err)
	}
	d := &BulkFileStagingDetector{p: p, opts: opts, staging: set, sup: sup}
	d.sens = sens
	cap := max(opts.EvidenceCap, 0)
	d.win = window.New[bulkKey](opts.episodes(window.Config{Width: p.Window, Threshold: p.MinFiles, Gap: p.EpisodeGap}),
		func(acc *fileAcc, m fileMatch) {
			if acc.first == nil {
				acc.first, acc.tier, acc.entry = m.ev, m.tier, m.entry
				acc.sizes = make(map[uint64]int64)
			}
			if m.ev.File.Size >= 0 {
				acc.sizes[m.id] = m.ev.File.Size
			} else if _, ok := acc.sizes[m.id]; !ok {
				acc.sizes[m.id] = -1
			}
			if m.ev.File.Ext != "" {
				acc.exts = addSorted(acc.exts, m.ev.File.Ext, 64)
			}
			if m.ev.Kind == stagewatch.FileCreate {
				acc.creates++
			} else {
				acc.modifies++
			}
			acc.sens.file(d.sens, m.id, m.ev.File.Name, m.ev.File.Ext)
			acc.evidence = addEvidence(acc.evidence, cap, m.ev, m.ev.File.Path)
		})
	return d, nil
}

// Kinds implements stagewatch.Detector.
func (d *BulkFileStagingDetector) Kinds() []stagewatch.Kind {
	return []stagewatch.Kind{stagewatch.FileCreate, stagewatch.FileModify}
}

// Observe implements stagewatch.Detector. Events outside staging folders
// cost one list match and no allocation.
func (d *BulkFileStagingDetector) Observe(ev *stagewatch.Event) []stagewatch.Alert {
	if ev.Kind != stagewatch.FileCreate && ev.Kind != stagewatch.FileModify {
		return nil
	}
	dir := ev.File.NormDir
	tier, entry := d.staging.Match(ev.Host.OS, dir)
	if tier == 0 || tier > d.p.MaxTier {
		return nil
	}
	if _, ok := d.sup.Match(&Subject{Image: ev.Proc.Image, Parent: ev.Proc.ParentImage, CommandLine: ev.Proc.CommandLine,
		Path: ev.File.Path, User: ev.User, Host: ev.Host.Key()}); ok {
		return nil
	}
	key := bulkKey{host: ev.Host.Key(), domain: ev.User.Domain, user: ev.User.Name, proc: ev.Proc.Name,
		cmd: ev.Proc.CommandLine, dir: dir}
	id := hashPath(ev.Host.OS != stagewatch.Linux, dir, ev.File.Name)
	return d.alerts(d.win.Add(key, id, ev.Time, fileMatch{ev: ev, id: id, tier: tier, entry: entry}))
}

// Advance implements stagewatch.Detector.
func (d *BulkFileStagingDetector) Advance(t time.Time) []stagewatch.Alert {
	return d.alerts(d.win.Advance(t))
}

// Flush implements stagewatch.Detector.
func (d *BulkFileStagingDetector) Flush() []stagewatch.Alert { return d.alerts(d.win.Flush()) }

// Suppressions implements stagewatch.Suppressor.
func (d *BulkFileStagingDetector) Suppressions() []stagewatch.Suppression {
	return d.sup.Report("bulk-file-staging")
}

func (d *BulkFileStagingDetector) alerts(eps []window.Episode[bulkKey, fileAcc]) []stagewatch.Alert {
	return episodeAlerts(eps, d.alert)
}

func (d *BulkFileStagingDetector) alert(ep *window.Episode[bulkKey, fileAcc]) stagewatch.Alert {
	acc := &ep.Acc
	ev := acc.first
	var bytes int64
	sized := 0
	for _, n := range acc.sizes {
		if n >= 0 {
			bytes += n
			sized++
		}
	}
	sev, conf := stagewatch.SeverityHigh, stagewatch.ConfidenceMedium
	if acc.tier == 2 {
		sev, conf = stagewatch.SeverityMedium, stagewatch.ConfidenceLow
	}
	hidden := hiddenBelow(ep.Key.dir)
	if hidden {
		conf = raise(conf)
	}
	folder := ev.File.Dir
	if folder != "" && !strings.HasSuffix(folder, `\`) && !strings.HasSuffix(folder, "/") {
		folder += string(ep.Key.dir[len(ep.Key.dir)-1])
	}
	detail := ""
	switch {
	case sized > 0 && len(acc.exts) > 0:
		detail = " (" + formatBytes(bytes) + "; " + strings.Join(firstN(acc.exts, 6), " ") + ")"
	case sized > 0:
		detail = " (" + formatBytes(bytes) + ")"
	case len(acc.exts) > 0:
		detail = " (" + strings.Join(firstN(acc.exts, 6), " ") + ")"
	}
	proc := procName(&ev.Proc)
	a := stagewatch.Alert{
		ID:         stagewatch.AlertID("bulk-file-staging", joinKey(ep.Key.host, ep.Key.domain, ep.Key.user, ep.Key.proc, ep.Key.cmd, ep.Key.dir), ep.Start),
		Analytic:   "bulk-file-staging",
		Title:      "Bulk file writes into a staging folder",
		Attack:     attackDET0014(ev.Host.OS),
		Severity:   sev,
		Confidence: conf,
		Risk:       stagewatch.RiskScore(sev, conf),
		Host:       ep.Key.host,
		User:       ev.User.String(),
		Process:    proc,
		FirstSeen:  ep.Start,
		LastSeen:   ep.Last,
		Summary: fmt.Sprintf("%s (%s) wrote %s%s into %s %s", proc, userLabel(ev.User),
			plural(ep.Distinct, "file", "files"), detail, folder, formatSpan(ep.Start, ep.Last)),
		Fields: map[string]any{
			"files":         ep.Distinct,
			"events":        ep.Matches,
			"creates":       acc.creates,
			"modifies":      acc.modifies,
			"bytes":         bytes,
			"extensions":    nonNil(acc.exts),
			"folder":        folder,
			"staging_entry": acc.entry,
			"tier":          acc.tier,
			"hidden_folder": hidden,
			"image":         ev.Proc.Image,
			"command_line":  ev.Proc.CommandLine,
			"parent":        ev.Proc.ParentName,
		},
		Parameters: map[string]any{
			"min_files":    d.p.MinFiles,
			"window":       stagewatch.FormatDuration(d.p.Window),
			"episode_gap":  stagewatch.FormatDuration(d.p.EpisodeGap),
			"max_tier":     d.p.MaxTier,
			"suppressions": listParams(d.p.Suppressions),
		},
		Evidence: acc.evidence,
		Guide: stagewatch.Guide{
			Investigate: []string{
				"List the folder's contents and compare the files with their likely sources (shares, user documents, mail stores).",
				"Check how the process was started (parent, command line, logon session) and whether the user normally runs it.",
				"Look for an archive, a copy to removable media or an upload from this host after the last write.",
			},
			Respond: []string{
				"Preserve the staged files and the process image before clean-up; isolate the host if the data is sensitive.",
				"Reset the credentials of the account if the activity is not the user's own.",
			},
			Benign: []string{
				"Installers and updaters extracting into temp folders (msiexec, setup programs).",
				"Backup, deployment and log-collection agents consolidating files.",
				"Build tools writing intermediate files into temp folders.",
			},
		},
	}
	acc.sens.add(d.sens.Command(stagewatch.NormalizeCommandLine(ev.Proc.CommandLine)))
	weighAlert(&a, acc.sens.findings(d.sens))
	return a
}

func firstN(s []string, n int) []string {
	if len(s) > n {
		return append(s[:n:n], "...")
	}
	return s
}

// OpenWindows returns the groups the detector holds, for serve's metrics.
func (d *BulkFileStagingDetector) OpenWindows() int { return d.win.Len() }
