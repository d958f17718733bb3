package analytic

import (
	"fmt"
	"strconv"
	"time"

	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/window"
)

// attackAN0724 is fan-in-staging's mapping on Windows; Linux alerts name
// AN0725 and macOS alerts AN0726.
var attackAN0724 = stagewatch.Attack{Technique: "T1074.001", Tactic: "collection", Strategy: "DET0261", Analytic: "AN0724"}

// FanInStagingParams are the parameters of fan-in-staging.
type FanInStagingParams struct {
	MinSourceDirs   int           `yaml:"min_source_dirs" doc:"distinct source folders whose files one process or user gathers into one staging folder within window that make an alert (ATT&CK UserThreshold)"`
	Window          time.Duration `yaml:"window" doc:"longest span counted: an episode opens at the first gathered source and closes at most this long after (ATT&CK TimeWindow)"`
	EpisodeGap      time.Duration `yaml:"episode_gap" doc:"an episode closes after this long without a new source"`
	ReadWriteWindow time.Duration `yaml:"read_write_window" doc:"a file read by a process counts as a source of that process's writes into a staging folder this long after"`
	MaxTier         int           `yaml:"max_tier" doc:"highest staging tier that counts for the destination (tier 2 includes the aggregation-only entries such as /home/*/)"`
	CopyTools       List          `yaml:"copy_tools" doc:"copy commands whose source arguments count (ATT&CK ArchivingToolPatterns' copy half; lists/copy_tools.txt)"`
	StagingParams   `yaml:",inline"`
	SensitiveParams `yaml:",inline"`
	SuppressParams  `yaml:",inline"`
}

// FanInStaging is the spec of fan-in-staging.
func FanInStaging() Spec {
	return Spec{
		ID:    "fan-in-staging",
		Title: "Files from many folders gathered into one staging folder",
		Description: "One process or user writes files into one staging folder that come from at least min_source_dirs " +
			"distinct folders within window: copy-command sources (cp, rsync, ditto, robocopy, xcopy, Copy-Item), " +
			"renames and moves (PrevPath), and files the same process read shortly before writing.",
		Attack: attackAN0724,
		Defaults: func() any {
			return &FanInStagingParams{
				MinSourceDirs:   3,
				Window:          time.Hour,
				EpisodeGap:      15 * time.Minute,
				ReadWriteWindow: 10 * time.Minute,
				MaxTier:         2,
				CopyTools:       DefaultList(ListCopyTools),
				StagingParams:   defaultStaging(),
				SensitiveParams: defaultSensitive(),
				SuppressParams:  defaultSuppress(),
			}
		},
		New: func(params any, opts Options) (stagewatch.Detector, error) {
			p, ok := params.(*FanInStagingParams)
			if !ok {
				return nil, fmt.Errorf("fan-in-staging: parameters are %T, want *FanInStagingParams", params)
			}
			return NewFanInStaging(*p, opts)
		},
	}
}

type fanInKey struct{ host, actor, dest string }

type fanInMatch struct {
	ev     *stagewatch.Event
	source string // source folder as written
	via    string // "copy", "rename", "read"
	file   uint64 // written file identity, 0 for a copy command
	name   string // written file name, "" for a copy command
	cmd    []string
	norm   string // normalized command line of a copy command
}

type fanInAcc struct {
	first    *stagewatch.Event
	dest     string
	sources  []string
	files    map[uint64]struct{}
	commands map[uint64]struct{}
	via      []string
	tools    []string
	sens     sensitiveAcc
	evidence []stagewatch.Evidence
}

type procRef struct {
	host string
	pid  int64
}

type readDir struct {
	dir  string // normalized
	raw  string // as the event had it
	at   time.Time
	used string // the staging folder this read was last counted for
}

// FanInStagingDetector is the running state of fan-in-staging.
type FanInStagingDetector struct {
	p       FanInStagingParams
	staging StagingSet
	tools   *CopyTools
	sens    *Sensitive
	sup     *Suppressions
	reads   map[procRef][]readDir // recent read folders per process, oldest first
	win     *window.Episodes[fanInKey, fanInMatch, fanInAcc]
}

// maxReadProcs bounds the processes whose reads are remembered; when full
// the table is cleared.
const maxReadProcs = 8192

// NewFanInStaging validates p and returns a detector.
func NewFanInStaging(p FanInStagingParams, opts Options) (*FanInStagingDetector, error) {
	fail := func(err error) (*FanInStagingDetector, error) { return nil, fmt.Errorf("fan-in-staging: %w", err) }
	if p.MinSourceDirs < 2 {
		return fail(fmt.Errorf("min_source_dirs %d: want at least 2", p.MinSourceDirs))
	}
	if p.ReadWriteWindow < 0 {
		return fail(fmt.Errorf("read_write_window %v: want 0 or more", p.ReadWriteWindow))
	}
	if err := checkWindow(p.Window, p.EpisodeGap); err != nil {
		return fail(err)
	}
	set, sup, err := stagingLists{p.StagingWindows, p.StagingLinux, p.StagingMacOS, p.MaxTier,
		DefaultList(ListSuppressions), p.Suppressions, p.Suppress}.build()
	if err != nil {
		return fail(err)
	}
	tools, err := NewCopyTools(p.CopyTools)
	if err != nil {
		return fail(err)
	}
	sens, err := NewSensitive(p.SensitiveParams)
	if err != nil {
		return fail(err)
	}
	d := &FanInStagingDetector{p: p, staging: set, tools: tools, sens: sens, sup: sup, reads: make(map[procRef][]readDir)}
	cap := max(opts.EvidenceCap, 0)
	d.win = window.New[fanInKey](opts.episodes(window.Config{Width: p.Window, Threshold: 1, Gap: p.EpisodeGap}),
		func(acc *fanInAcc, m fanInMatch) {
			if acc.first == nil {
				acc.first = m.ev
				acc.files = make(map[uint64]struct{})
				acc.commands = make(map[uint64]struct{})
			}
			acc.sources = addSorted(acc.sources, m.source, 16)
			acc.via = addSorted(acc.via, m.via, 3)
			what := m.ev.File.Path
			if m.file != 0 {
				if _, seen := acc.files[m.file]; !seen {
					acc.files[m.file] = struct{}{}
					acc.sens.file(d.sens, m.file, m.name, m.ev.File.Ext)
				}
			} else {
				h := hashString(m.ev.Proc.CommandLine)
				if _, seen := acc.commands[h]; !seen {
					acc.commands[h] = struct{}{}
					acc.sens.args(d.sens, m.norm, true, m.cmd)
				}
				what = m.ev.Proc.CommandLine
			}
			if len(acc.evidence) == 0 || acc.evidence[len(acc.evidence)-1].What != what {
				acc.evidence = addEvidence(acc.evidence, cap, m.ev, what)
			}
		})
	return d, nil
}

// Kinds implements stagewatch.Detector.
func (d *FanInStagingDetector) Kinds() []stagewatch.Kind {
	return []stagewatch.Kind{stagewatch.ProcessStart, stagewatch.FileRead, stagewatch.FileCreate, stagewatch.FileModify, stagewatch.FileRename}
}

// Observe implements stagewatch.Detector. A file write that is not a
// rename, by a process with no recent read, costs at most a map lookup; a
// read costs a map update.
func (d *FanInStagingDetector) Observe(ev *stagewatch.Event) []stagewatch.Alert {
	switch ev.Kind {
	case stagewatch.ProcessStart:
		return d.copyCommand(ev)
	case stagewatch.FileRead:
		d.read(ev)
		return nil
	}
	dir := ev.File.NormDir
	if dir == "" {
		return nil
	}
	// Find the write's sources first: most writes have none (no rename, no
	// recent read by the process), and a map lookup is cheaper than the
	// staging match.
	var sources []readDir
	via := "read"
	if ev.Kind == stagewatch.FileRename && ev.File.PrevPath != "" {
		prev, _ := stagewatch.SplitPath(ev.Host.OS, ev.File.PrevPath)
		sources, via = []readDir{{dir: stagewatch.NormalizeDir(ev.Host.OS, prev), raw: prev}}, "rename"
	} else if ev.Proc.PID != 0 && len(d.reads) > 0 {
		sources = d.reads[procRef{ev.Host.Key(), ev.Proc.PID}]
	}
	if len(sources) == 0 {
		return nil
	}
	if tier, _ := d.staging.For(ev.Host.OS, dir).MatchAggregation(dir); tier == 0 || tier > d.p.MaxTier {
		return nil
	}
	if _, ok := d.sup.Match(&Subject{Image: ev.Proc.Image, Parent: ev.Proc.ParentImage, CommandLine: ev.Proc.CommandLine,
		Path: ev.File.Path, User: ev.User, Host: ev.Host.Key()}); ok {
		return nil
	}
	key := fanInKey{host: ev.Host.Key(), actor: d.actor(ev), dest: dir}
	file := hashPath(ev.Host.OS != stagewatch.Linux, dir, ev.File.Name)
	var out []stagewatch.Alert
	// A read folder already counted for this destination is not added again
	// (cp -r writes thousands of files after reading a few folders); the
	// write still counts as a file through one of them.
	last := -1
	added := false
	for i := range sources {
		s := &sources[i]
		if via == "read" && (ev.Time.Sub(s.at) > d.p.ReadWriteWindow || ev.Time.Before(s.at)) {
			continue
		}
		if dirUnder(ev.Host.OS, s.dir, dir) {
			continue // reading back what was staged
		}
		last = i
		if s.used == dir {
			continue
		}
		s.used, added = dir, true
		out = append(out, d.add(key, ev, s, via, file)...)
	}
	if !added && last >= 0 {
		out = append(out, d.add(key, ev, &sources[last], via, file)...)
	}
	return out
}

func (d *FanInStagingDetector) add(key fanInKey, ev *stagewatch.Event, s *readDir, via string, file uint64) []stagewatch.Alert {
	m := fanInMatch{ev: ev, source: s.raw, via: via, file: file, name: ev.File.Name}
	return d.alerts(d.win.Add(key, hashPath(ev.Host.OS != stagewatch.Linux, s.dir), ev.Time, m))
}

// actor is the grouping identity: the user, else the process.
func (d *FanInStagingDetector) actor(ev *stagewatch.Event) string {
	if u := ev.User.String(); u != "" {
		return u
	}
	if ev.User.SID != "" {
		return ev.User.SID
	}
	return "pid:" + strconv.FormatInt(ev.Proc.PID, 10)
}

// read remembers the folder a process read from.
func (d *FanInStagingDetector) read(ev *stagewatch.Event) {
	if ev.Proc.PID == 0 || ev.File.NormDir == "" || d.p.ReadWriteWindow == 0 {
		return
	}
	ref := procRef{ev.Host.Key(), ev.Proc.PID}
	dirs := d.reads[ref]
	for i := range dirs {
		if dirs[i].dir == ev.File.NormDir {
			dirs[i].at = ev.Time
			return
		}
	}
	if dirs == nil && len(d.reads) >= maxReadProcs {
		clear(d.reads)
	}
	if len(dirs) >= 16 {
		dirs = dirs[1:]
	}
	raw, _ := stagewatch.SplitPath(ev.Host.OS, ev.File.Path)
	d.reads[ref] = append(dirs, readDir{dir: ev.File.NormDir, raw: raw, at: ev.Time})
}

// Advance implements stagewatch.Detector.
func (d *FanInStagingDetector) Advance(t time.Time) []stagewatch.Alert {
	for ref, dirs := range d.reads {
		if len(dirs) == 0 || t.Sub(dirs[len(dirs)-1].at) > d.p.ReadWriteWindow {
			delete(d.reads, ref)
		}
	}
	return d.alerts(d.win.Advance(t))
}

// Flush implements stagewatch.Detector.
func (d *FanInStagingDetector) Flush() []stagewatch.Alert { return d.alerts(d.win.Flush()) }

// Suppressions implements stagewatch.Suppressor.
func (d *FanInStagingDetector) Suppressions() []stagewatch.Suppression {
	return d.sup.Report("fan-in-staging")
}

func (d *FanInStagingDetector) alerts(eps []window.Episode[fanInKey, fanInAcc]) []stagewatch.Alert {
	var out []stagewatch.Alert
	for i := range eps {
		if eps[i].Distinct >= d.p.MinSourceDirs {
			out = append(out, d.alert(&eps[i]))
		}
	}
	if out == nil {
		return nil
	}
	return sortAlerts(out)
}

// OpenWindows returns the groups the detector holds, for serve's metrics.
func (d *FanInStagingDetector) OpenWindows() int { return d.win.Len() }
