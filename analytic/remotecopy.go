package analytic

import (
	"fmt"
	"strings"
	"time"

	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/window"
)

// attackAN0194 is the ATT&CK mapping of remote data staging on Windows.
var attackAN0194 = stagewatch.Attack{Technique: "T1074.002", Tactic: "collection", Strategy: "DET0071", Analytic: "AN0194"}

// RemoteToLocalCopyParams are the parameters of remote-to-local-copy.
type RemoteToLocalCopyParams struct {
	Window             time.Duration `yaml:"window" doc:"copies by one user into one destination within this window fold into one alert; drive mappings are remembered this long (ATT&CK TimeWindow)"`
	EpisodeGap         time.Duration `yaml:"episode_gap" doc:"an open alert closes after this long without a new copy"`
	MaxTier            int           `yaml:"max_tier" doc:"highest staging tier that counts for the destination: 1 = tier-1 folders only, 2 = also tier 2"`
	RemotePathPatterns List          `yaml:"remote_path_patterns" doc:"globs of remote source paths (ATT&CK RemotePathPatterns; lists/remote_paths.txt)"`
	CopyToolPatterns   List          `yaml:"copy_tool_patterns" doc:"copy tools and their argument syntax (ATT&CK CopyToolPatterns; lists/copy_tools.txt)"`
	Archivers          List          `yaml:"archivers" doc:"archivers whose inputs may be remote (lists/archivers.txt)"`
	StagingParams      `yaml:",inline"`
	SensitiveParams    `yaml:",inline"`
	SuppressParams     `yaml:",inline"`
}

// RemoteToLocalCopy is the spec of remote-to-local-copy.
func RemoteToLocalCopy() Spec {
	return Spec{
		ID:    "remote-to-local-copy",
		Title: "Copy from a remote share into a local staging folder",
		Description: "A copy tool or archiver reads a remote source (a UNC path, an administrative share, a drive " +
			"mapped by net use, New-SmbMapping or New-PSDrive by the same user within window, or scp/rsync host:path) " +
			"and writes into a local staging folder.",
		Attack: attackAN0194,
		Defaults: func() any {
			return &RemoteToLocalCopyParams{
				Window:             24 * time.Hour,
				EpisodeGap:         time.Hour,
				MaxTier:            2,
				RemotePathPatterns: DefaultList(ListRemotePaths),
				CopyToolPatterns:   DefaultList(ListCopyTools),
				Archivers:          DefaultList(ListArchivers),
				StagingParams:      defaultStaging(),
				SensitiveParams:    defaultSensitive(),
				SuppressParams:     defaultSuppress(),
			}
		},
		New: func(params any, opts Options) (stagewatch.Detector, error) {
			p, ok := params.(*RemoteToLocalCopyParams)
			if !ok {
				return nil, fmt.Errorf("remote-to-local-copy: parameters are %T, want *RemoteToLocalCopyParams", params)
			}
			return NewRemoteToLocalCopy(*p, opts)
		},
	}
}

type remoteCopyKey struct{ host, domain, user, dest string }

type remoteCopyMatch struct {
	ev                  *stagewatch.Event
	norm                string
	tool, dest          string
	sources, remotes    []string // every source; the remote ones (resolved)
	via                 []string // unc, admin-share, mapped-drive z:, host-path
	recursive, wildcard bool
	tier                int
	entry               string
}

type remoteCopyAcc struct {
	first               *stagewatch.Event
	dest, entry         string
	tier                int
	tools, remotes, via []string
	hosts               []string
	recursive, wildcard bool
	sens                sensitiveAcc
	evidence            []stagewatch.Evidence
}

// RemoteToLocalCopyDetector is the running state of remote-to-local-copy.
type RemoteToLocalCopyDetector struct {
	p         RemoteToLocalCopyParams
	staging   StagingSet
	remote    []string // lower-case globs
	tools     *CopyTools
	archivers *Archivers
	sens      *Sensitive
	sup       *Suppressions
	drives    *driveMaps
	win       *window.Episodes[remoteCopyKey, remoteCopyMatch, remoteCopyAcc]
}

// NewRemoteToLocalCopy validates p and returns a detector.
func NewRemoteToLocalCopy(p RemoteToLocalCopyParams, opts Options) (*RemoteToLocalCopyDetector, error) {
	fail := func(err error) (*RemoteToLocalCopyDetector, error) {
		return nil, fmt.Errorf("remote-to-local-copy: %w", err)
	}
	if err := checkWindow(p.Window, p.EpisodeGap); err != nil {
		return fail(err)
	}
	set, sup, err := stagingLists{p.StagingWindows, p.StagingLinux, p.StagingMacOS, p.MaxTier,
		DefaultList(ListSuppressions), p.Suppressions, p.Suppress}.build()
	if err != nil {
		return fail(err)
	}
	tools, err := NewCopyTools(p.CopyToolPatterns)
	if err != nil {
		return fail(err)
	}
	arch, err := NewArchivers(p.Archivers)
	if err != nil {
		return fail(err)
	}
	sens, err := NewSensitive(p.SensitiveParams)
	if err != nil {
		return fail(err)
	}
	d := &RemoteToLocalCopyDetector{p: p, staging: set, tools: tools, archivers: arch, sens: sens, sup: sup, drives: newDriveMaps(p.Window)}
	for _, g := range p.RemotePathPatterns {
		if g = strings.ToLower(stripComment(g)); g != "" {
			d.remote = append(d.remote, g)
		}
	}
	cap := max(opts.EvidenceCap, 0)
	d.win = window.New[remoteCopyKey](opts.episodes(window.Config{Width: p.Window, Threshold: 1, Gap: p.EpisodeGap}),
		func(acc *remoteCopyAcc, m remoteCopyMatch) {
			if acc.first == nil {
				acc.first, acc.dest, acc.tier, acc.entry = m.ev, originalCase(m.ev.Proc.CommandLine, m.dest), m.tier, m.entry
			}
			acc.tools = addSorted(acc.tools, m.tool, 8)
			for _, r := range m.remotes {
				acc.remotes = addSorted(acc.remotes, originalCase(m.ev.Proc.CommandLine, r), 16)
				acc.hosts = addSorted(acc.hosts, remoteHost(r), 16)
			}
			for _, v := range m.via {
				acc.via = addSorted(acc.via, v, 8)
			}
			acc.recursive = acc.recursive || m.recursive
			acc.wildcard = acc.wildcard || m.wildcard
			acc.sens.args(d.sens, m.norm, m.recursive, m.sources, []string{m.dest})
			acc.evidence = addEvidence(acc.evidence, cap, m.ev, m.ev.Proc.CommandLine)
		})
	return d, nil
}

// remoteHost returns the host of a remote path: \\host\share or host:path.
func remoteHost(r string) string {
	if strings.HasPrefix(r, `\\?\unc\`) {
		r = `\\` + r[len(`\\?\unc\`):]
	}
	if strings.HasPrefix(r, `\\`) || strings.HasPrefix(r, "//") {
		r = r[2:]
		if i := strings.IndexAny(r, `\/`); i >= 0 {
			r = r[:i]
		}
		return r
	}
	if i := strings.IndexByte(r, ':'); i > 0 {
		r = r[:i]
	}
	if i := strings.IndexByte(r, '@'); i >= 0 {
		r = r[i+1:]
	}
	return r
}

// Kinds implements stagewatch.Detector.
func (d *RemoteToLocalCopyDetector) Kinds() []stagewatch.Kind {
	return []stagewatch.Kind{stagewatch.ProcessStart}
}

// mayRemote is the allocation-free prefilter: a UNC path, a drive mapping,
// a drive-qualified path, or an encoded PowerShell script.
func mayRemote(cmdline string) bool {
	return strings.Contains(cmdline, `\\`) || strings.Contains(cmdline, "//") || strings.IndexByte(cmdline, ':') >= 0 ||
		containsFold(cmdline, " -e")
}

// Observe implements stagewatch.Detector.
func (d *RemoteToLocalCopyDetector) Observe(ev *stagewatch.Event) []stagewatch.Alert {
	if ev.Kind != stagewatch.ProcessStart || ev.Proc.CommandLine == "" || !mayRemote(ev.Proc.CommandLine) {
		return nil
	}
	cl := ev.Proc.CommandLine
	if !mayCopy(cl) && !mayArchive(cl) && !containsFold(cl, "use") && !containsFold(cl, "smbmapping") && !containsFold(cl, "psdrive") &&
		!containsFold(cl, "ndr ") {
		return nil
	}
	norm := stagewatch.NormalizeCommandLine(cl)
	syn := syntaxOf(ev, norm)
	windows := syn.windows()
	owner := driveOwner{ev.Host.Key(), ev.User.Domain, ev.User.Name}
	type op struct {
		tool, dest          string
		sources             []string
		recursive, wildcard bool
		posix               bool
	}
	var ops []op
	w := walker{
		visit: func(c command) {
			if drive, remote, ok := mapping(c.argv); ok {
				d.drives.add(owner, drive, remote, ev.Time)
				return
			}
			if cp, ok := d.tools.op(c.argv, c.sh); ok && cp.Tool != "" {
				ops = append(ops, op{cp.Tool, cp.Dest, cp.Sources, cp.Recursive, cp.Wildcard, c.sh == shellPOSIX || !windows})
				return
			}
			if a, ok := d.archivers.op(c.argv, c.sh); ok {
				ops = append(ops, op{a.Tool, a.Output, a.Inputs, a.Recursive, false, false})
			}
		},
		script: func(s string) {
			for _, a := range zipFileCalls(s) {
				ops = append(ops, op{a.Tool, a.Output, a.Inputs, true, false, false})
			}
		},
	}
	w.walk(norm, syn)
	var best remoteCopyMatch
	for _, o := range ops {
		if o.dest == "" || isVariable(o.dest) || IsRemote(o.dest) || d.isRemote(o.dest) {
			continue
		}
		m := remoteCopyMatch{ev: ev, norm: norm, tool: o.tool, sources: o.sources, recursive: o.recursive || w.recursive}
		for _, s := range o.sources {
			r, via := d.remoteSource(owner, s, o.posix, ev.Time)
			if r == "" {
				continue
			}
			m.remotes = append(m.remotes, r)
			m.via = append(m.via, via)
			m.wildcard = m.wildcard || o.wildcard || strings.ContainsAny(s, "*?")
		}
		if len(m.remotes) == 0 {
			continue
		}
		tier, entry, dest := stagingTarget(d.staging, ev, o.dest, windows)
		if tier == 0 || tier > d.p.MaxTier || (best.ev != nil && tier >= best.tier) {
			continue
		}
		m.tier, m.entry, m.dest = tier, entry, dest
		best = m
	}
	if best.ev == nil {
		return nil
	}
	if _, ok := d.sup.Match(&Subject{Image: ev.Proc.Image, Parent: ev.Proc.ParentImage, CommandLine: cl,
		Path: best.dest, User: ev.User, Host: ev.Host.Key()}); ok {
		return nil
	}
	key := remoteCopyKey{host: ev.Host.Key(), domain: ev.User.Domain, user: ev.User.Name, dest: userPathKey(strings.TrimRight(best.dest, `\/`), ev.User)}
	return d.alerts(d.win.Add(key, hashString(cl), ev.Time, best))
}

// remoteSource says whether a (normalized) source argument is remote, and
// how: its remote form and "unc", "admin-share", "mapped-drive z:" or
// "host-path".
func (d *RemoteToLocalCopyDetector) remoteSource(owner driveOwner, src string, posix bool, t time.Time) (string, string) {
	src = strings.Trim(src, `"'`)
	if posix && IsRemote(src) {
		return src, "host-path"
	}
	if d.isRemote(src) {
		if isAdminShare(src) {
			return src, "admin-share"
		}
		return src, "unc"
	}
	if r, drive, ok := d.drives.resolve(owner, src, t); ok {
		return r, "mapped-drive " + drive
	}
	return "", ""
}

func (d *RemoteToLocalCopyDetector) isRemote(p string) bool {
	if strings.HasPrefix(p, `\\?\`) && !strings.HasPrefix(p, `\\?\unc\`) || strings.HasPrefix(p, `\\.\`) {
		return false // a local long path or a device
	}
	return anyGlobOf(d.remote, p)
}

// isAdminShare reports whether a UNC path names an administrative or hidden
// share (\\host\c$, \\host\admin$).
func isAdminShare(p string) bool {
	p = strings.TrimPrefix(p, `\\`)
	i := strings.IndexAny(p, `\/`)
	if i < 0 {
		return false
	}
	share := p[i+1:]
	if j := strings.IndexAny(share, `\/`); j >= 0 {
		share = share[:j]
	}
	return strings.HasSuffix(share, "$")
}

// anyGlobOf is anyGlob without the empty-list-matches-all rule.
func anyGlobOf(globs []string, v string) bool {
	return len(globs) > 0 && anyGlob(globs, v)
}

// Advance implements stagewatch.Detector.
func (d *RemoteToLocalCopyDetector) Advance(t time.Time) []stagewatch.Alert {
	d.drives.prune(t)
	return d.alerts(d.win.Advance(t))
}

// Flush implements stagewatch.Detector.
func (d *RemoteToLocalCopyDetector) Flush() []stagewatch.Alert { return d.alerts(d.win.Flush()) }

// Suppressions implements stagewatch.Suppressor.
func (d *RemoteToLocalCopyDetector) Suppressions() []stagewatch.Suppression {
	return d.sup.Report("remote-to-local-copy")
}

func (d *RemoteToLocalCopyDetector) alerts(eps []window.Episode[remoteCopyKey, remoteCopyAcc]) []stagewatch.Alert {
	return episodeAlerts(eps, d.alert)
}

// OpenWindows returns the groups the detector holds, for serve's metrics.
func (d *RemoteToLocalCopyDetector) OpenWindows() int { return d.win.Len() }
