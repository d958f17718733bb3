package analytic

import (
	"fmt"
	"strings"
	"time"

	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/window"
)

// ArchiveInStagingParams are the parameters of archive-in-staging.
type ArchiveInStagingParams struct {
	Window          time.Duration `yaml:"window" doc:"archives by one process in one folder within this window fold into one alert"`
	EpisodeGap      time.Duration `yaml:"episode_gap" doc:"an open alert closes after this long without a new archive (and at the latest window after it opened)"`
	MaxTier         int           `yaml:"max_tier" doc:"highest staging tier that counts: 1 = tier-1 folders only, 2 = also tier 2"`
	Extensions      List          `yaml:"extensions" doc:"archive file-name suffixes (ATT&CK CompressionToolList outputs; # matches a digit)"`
	Magic           List          `yaml:"magic" doc:"archive header bytes: NAME [@OFFSET] HEX..."`
	StagingParams   `yaml:",inline"`
	SensitiveParams `yaml:",inline"`
	SuppressParams  `yaml:",inline"`
}

// ArchiveInStaging is the spec of archive-in-staging (seed branch 2).
func ArchiveInStaging() Spec {
	return Spec{
		ID:    "archive-in-staging",
		Title: "Archive created in a staging folder",
		Description: "An archive (by extension, split-volume name or header bytes) is created in, or renamed " +
			"to an archive name in, a staging folder; archives by one process in one folder within window fold into one alert.",
		Attack: attackAN0040,
		Defaults: func() any {
			return &ArchiveInStagingParams{
				Window:          24 * time.Hour,
				EpisodeGap:      time.Hour,
				MaxTier:         2,
				Extensions:      DefaultList(ListArchiveExtensions),
				Magic:           DefaultList(ListArchiveMagic),
				StagingParams:   defaultStaging(),
				SensitiveParams: defaultSensitive(),
				SuppressParams:  defaultSuppress(),
			}
		},
		New: func(params any, opts Options) (stagewatch.Detector, error) {
			p, ok := params.(*ArchiveInStagingParams)
			if !ok {
				return nil, fmt.Errorf("archive-in-staging: parameters are %T, want *ArchiveInStagingParams", params)
			}
			return NewArchiveInStaging(*p, opts)
		},
	}
}

type archiveKey struct {
	host, domain, user, proc, dir string
}

type archiveMatch struct {
	ev     *stagewatch.Event
	id     uint64
	tier   int
	entry  string
	how    string // "extension", "header", "content-type" or "rename"
	format string // header format, when known
}

type archiveAcc struct {
	first    *stagewatch.Event
	tier     int
	entry    string
	sizes    map[uint64]int64
	names    []string
	formats  []string
	how      []string
	disguise bool // header says archive, name does not
	split    bool // split volumes
	evidence []stagewatch.Evidence
	sens     sensitiveAcc
}

// ArchiveInStagingDetector is the running state of archive-in-staging.
type ArchiveInStagingDetector struct {
	p        ArchiveInStagingParams
	staging  StagingSet
	archives *Archives
	sup      *Suppressions
	win      *window.Episodes[archiveKey, archiveMatch, archiveAcc]
	sens     *Sensitive
}

// NewArchiveInStaging validates p and returns a detector.
func NewArchiveInStaging(p ArchiveInStagingParams, opts Options) (*ArchiveInStagingDetector, error) {
	if err := checkWindow(p.Window, p.EpisodeGap); err != nil {
		return nil, fmt.Errorf("archive-in-staging: %w", err)
	}
	set, sup, err := stagingLists{p.StagingWindows, p.StagingLinux, p.StagingMacOS, p.MaxTier,
		DefaultList(ListSuppressions), p.Suppressions, p.Suppress}.build()
	if err != nil {
		return nil, fmt.Errorf("archive-in-staging: %w", err)
	}
	arch, err := NewArchives(p.Extensions, p.Magic)
	if err != nil {
		return nil, fmt.Errorf("archive-in-staging: %w", err)
	}
	sens, err := NewSensitive(p.SensitiveParams)
	if err != nil {
		return nil, fmt.Errorf("archive-in-staging: %w", err)
	}
	d := &ArchiveInStagingDetector{p: p, staging: set, archives: arch, sup: sup}
	d.sens = sens
	cap := max(opts.EvidenceCap, 0)
	d.win = window.New[archiveKey](opts.episodes(window.Config{Width: p.Window, Threshold: 1, Gap: p.EpisodeGap}),
		func(acc *archiveAcc, m archiveMatch) {
			if acc.first == nil {
				acc.first, acc.tier, acc.entry = m.ev, m.tier, m.entry
				acc.sizes = make(map[uint64]int64)
			}
			if _, seen := acc.sizes[m.id]; !seen {
				acc.names = addSorted(acc.names, m.ev.File.Name, 32)
			}
			acc.sizes[m.id] = m.ev.File.Size
			acc.how = addSorted(acc.how, m.how, 4)
			if m.format != "" {
				acc.formats = addSorted(acc.formats, m.format, 16)
			}
			if m.how == "header" || m.how == "content-type" {
				acc.disguise = true
			}
			if isSplitVolume(m.ev.File.Name) {
				acc.split = true
			}
			acc.sens.file(d.sens, m.id, m.ev.File.Name, m.ev.File.Ext)
			acc.evidence = addEvidence(acc.evidence, cap, m.ev, m.ev.File.Path)
		})
	return d, nil
}

// isSplitVolume reports whether a name looks like one volume of a split
// archive: .001, .z01, .r00, .partN.rar.
func isSplitVolume(name string) bool {
	for _, p := range []string{".###", ".z##", ".r##", ".part#.rar", ".part##.rar"} {
		if suffixDigits(name, p) {
			return true
		}
	}
	return false
}

// Kinds implements stagewatch.Detector.
func (d *ArchiveInStagingDetector) Kinds() []stagewatch.Kind {
	return []stagewatch.Kind{stagewatch.FileCreate, stagewatch.FileRename}
}

// Observe implements stagewatch.Detector. A FileRename counts when the new
// name is an archive name in a staging folder and the old name was not the
// same archive: archivers that write a temporary file and rename it, and
// intruders who rename staged data to .zip, both end here.
func (d *ArchiveInStagingDetector) Observe(ev *stagewatch.Event) []stagewatch.Alert {
	if ev.Kind != stagewatch.FileCreate && ev.Kind != stagewatch.FileRename {
		return nil
	}
	tier, entry := d.staging.Match(ev.Host.OS, ev.File.NormDir)
	if tier == 0 || tier > d.p.MaxTier {
		return nil
	}
	m := archiveMatch{ev: ev, tier: tier, entry: entry}
	if _, ok := d.archives.MatchName(ev.File.Name, ev.File.Ext); ok {
		m.how = "extension"
		if ev.Kind == stagewatch.FileRename {
			if ev.File.PrevPath != "" && strings.EqualFold(ev.File.PrevPath, ev.File.Path) {
				return nil
			}
			m.how = "rename"
		}
		if f, how := d.content(ev); how != "" {
			m.format = f
		}
	} else if f, how := d.content(ev); how != "" {
		// An archive under another name: created so, or renamed to hide.
		m.how, m.format = how, f
	} else {
		return nil
	}
	if _, ok := d.sup.Match(&Subject{Image: ev.Proc.Image, Parent: ev.Proc.ParentImage, CommandLine: ev.Proc.CommandLine,
		Path: ev.File.Path, User: ev.User, Host: ev.Host.Key()}); ok {
		return nil
	}
	m.id = hashPath(ev.Host.OS != stagewatch.Linux, ev.File.NormDir, ev.File.Name)
	key := archiveKey{host: ev.Host.Key(), domain: ev.User.Domain, user: ev.User.Name, proc: ev.Proc.Name, dir: ev.File.NormDir}
	return d.alerts(d.win.Add(key, m.id, ev.Time, m))
}

// content recognises an archive by its bytes: the header when the telemetry
// has it, else the content type the sensor reported. how is "header",
// "content-type" or "" when neither says archive.
func (d *ArchiveInStagingDetector) content(ev *stagewatch.Event) (format, how string) {
	if f, ok := d.archives.MatchHeader(ev.File.Header); ok {
		return f, "header"
	}
	if ev.File.Type != "" {
		if f, ok := d.archives.MatchType(ev.File.Type); ok {
			return f, "content-type"
		}
	}
	return "", ""
}

// Advance implements stagewatch.Detector.
func (d *ArchiveInStagingDetector) Advance(t time.Time) []stagewatch.Alert {
	return d.alerts(d.win.Advance(t))
}

// Flush implements stagewatch.Detector.
func (d *ArchiveInStagingDetector) Flush() []stagewatch.Alert { return d.alerts(d.win.Flush()) }

// Suppressions implements stagewatch.Suppressor.
func (d *ArchiveInStagingDetector) Suppressions() []stagewatch.Suppression {
	return d.sup.Report("archive-in-staging")
}

func (d *ArchiveInStagingDetector) alerts(eps []window.Episode[archiveKey, archiveAcc]) []stagewatch.Alert {
	return episodeAlerts(eps, d.alert)
}

func (d *ArchiveInStagingDetector) alert(ep *window.Episode[archiveKey, archiveAcc]) stagewatch.Alert {
	acc := &ep.Acc
	ev := acc.first
	var bytes int64
	sized := false
	for _, n := range acc.sizes {
		if n > 0 {
			bytes += n
			sized = true
		}
	}
	sev, conf := stagewatch.SeverityHigh, stagewatch.ConfidenceMedium
	if acc.tier == 2 {
		sev, conf = stagewatch.SeverityMedium, stagewatch.ConfidenceLow
	}
	if acc.disguise || acc.split || hiddenBelow(ep.Key.dir) {
		conf = raise(conf)
	}
	folder := ev.File.Dir
	if folder != "" && !strings.HasSuffix(folder, `\`) && !strings.HasSuffix(folder, "/") {
		folder += string(ep.Key.dir[len(ep.Key.dir)-1])
	}
	detail := strings.Join(firstN(acc.names, 4), " ")
	if sized {
		detail = formatBytes(bytes) + "; " + detail
	}
	proc := procName(&ev.Proc)
	a := stagewatch.Alert{
		ID:         stagewatch.AlertID("archive-in-staging", joinKey(ep.Key.host, ep.Key.domain, ep.Key.user, ep.Key.proc, ep.Key.dir), ep.Start),
		Analytic:   "archive-in-staging",
		Title:      "Archive created in a staging folder",
		Attack:     attackDET0014(ev.Host.OS),
		Severity:   sev,
		Confidence: conf,
		Risk:       stagewatch.RiskScore(sev, conf),
		Host:       ep.Key.host,
		User:       ev.User.String(),
		Process:    proc,
		FirstSeen:  ep.Start,
		LastSeen:   ep.Last,
		Summary: fmt.Sprintf("%s (%s) created %s (%s) in %s %s", proc, userLabel(ev.User),
			plural(ep.Distinct, "archive", "archives"), detail, folder, formatSpan(ep.Start, ep.Last)),
		Fields: map[string]any{
			"archives":      ep.Distinct,
			"events":        ep.Matches,
			"bytes":         bytes,
			"names":         nonNil(acc.names),
			"formats":       nonNil(acc.formats),
			"detected_by":   nonNil(acc.how),
			"disguised":     acc.disguise,
			"split_volumes": acc.split,
			"folder":        folder,
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
			"suppressions": listParams(d.p.Suppressions),
		},
		Evidence: acc.evidence,
		Guide: stagewatch.Guide{
			Investigate: []string{
				"Open or list the archive (it may be password protected) and identify where its contents came from.",
				"Find the archiver's command line (7z/rar/Compress-Archive) around the first archive and any earlier bulk writes into the folder.",
				"Look for the archive leaving the host: uploads, cloud sync, removable media, or its deletion after a transfer.",
			},
			Respond: []string{
				"Preserve the archive and its hash; block its transfer if egress is still possible.",
				"Scope the account and host for the collection that fed the archive.",
			},
			Benign: []string{
				"Downloads and installers unpacked or repacked in temp folders.",
				"Backup and log-collection agents bundling their output.",
				"Explorer's Temp1_*.zip extraction folders and Outlook's Content.Outlook attachment cache.",
			},
		},
	}
	acc.sens.args(d.sens, stagewatch.NormalizeCommandLine(ev.Proc.CommandLine), false, SplitWindows(ev.Proc.CommandLine))
	weighAlert(&a, acc.sens.findings(d.sens))
	return a
}

// OpenWindows returns the groups the detector holds, for serve's metrics.
func (d *ArchiveInStagingDetector) OpenWindows() int { return d.win.Len() }
