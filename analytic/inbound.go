package analytic

import (
	"fmt"
	"strings"
	"time"

	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/window"
)

// InboundShareStagingParams are the parameters of inbound-share-staging.
type InboundShareStagingParams struct {
	MinFiles        int           `yaml:"min_files" doc:"distinct files one remote source writes into one local folder within window that make an alert"`
	MinBytes        int64         `yaml:"min_bytes" doc:"or bytes written (last known size of each file); 0 turns the byte test off (ATT&CK TransferVolumeThreshold)"`
	Window          time.Duration `yaml:"window" doc:"longest span counted: an episode opens at the first remote write and closes at most this long after (ATT&CK TimeWindow)"`
	EpisodeGap      time.Duration `yaml:"episode_gap" doc:"an episode closes after this long without a remote write"`
	ExpectedSources List          `yaml:"expected_sources" doc:"allow-list of source IP and account globs (backup servers, deployment accounts) whose writes are expected"`
	RequireStaging  bool          `yaml:"require_staging" doc:"count only folders on the staging lists; off counts any folder and staging folders raise severity"`
	MaxTier         int           `yaml:"max_tier" doc:"highest staging tier that raises severity (and counts, with require_staging)"`
	StagingParams   `yaml:",inline"`
	SensitiveParams `yaml:",inline"`
}

// InboundShareStaging is the spec of inbound-share-staging.
func InboundShareStaging() Spec {
	return Spec{
		ID:    "inbound-share-staging",
		Title: "Files written into one folder over SMB or NFS by a remote source",
		Description: "On the staging host: one remote source (IP or account) writes min_files files or min_bytes into " +
			"one local folder over a share within window: Security 5145 write access, MDE file events with " +
			"RequestProtocol SMB/NFS, or Sysmon file creation by System after an inbound SMB connection.",
		Attack: attackAN0194,
		Defaults: func() any {
			return &InboundShareStagingParams{
				MinFiles:        20,
				MinBytes:        100_000_000,
				Window:          30 * time.Minute,
				EpisodeGap:      10 * time.Minute,
				MaxTier:         2,
				StagingParams:   defaultStaging(),
				SensitiveParams: defaultSensitive(),
			}
		},
		New: func(params any, opts Options) (stagewatch.Detector, error) {
			p, ok := params.(*InboundShareStagingParams)
			if !ok {
				return nil, fmt.Errorf("inbound-share-staging: parameters are %T, want *InboundShareStagingParams", params)
			}
			return NewInboundShareStaging(*p, opts)
		},
	}
}

type inboundKey struct{ host, source, dir string }

type inboundMatch struct {
	ev       *stagewatch.Event
	id       uint64
	account  string
	via      string // "5145", "mde-smb", "mde-nfs", "sysmon-system"
	inferred bool   // the source is the latest inbound SMB peer, not named by the event
}

type inboundAcc struct {
	first    *stagewatch.Event
	sizes    map[uint64]int64
	accounts []string
	shares   []string
	via      []string
	inferred bool
	sens     sensitiveAcc
	evidence []stagewatch.Evidence
}

// InboundShareStagingDetector is the running state of inbound-share-staging.
type InboundShareStagingDetector struct {
	p        InboundShareStagingParams
	staging  StagingSet
	expected []string
	sens     *Sensitive
	peers    map[string]smbPeer // host -> latest inbound SMB connection
	pruned   time.Time
	win      *window.Episodes[inboundKey, inboundMatch, inboundAcc]
}

type smbPeer struct {
	ip string
	at time.Time
}

// NewInboundShareStaging validates p and returns a detector.
func NewInboundShareStaging(p InboundShareStagingParams, opts Options) (*InboundShareStagingDetector, error) {
	fail := func(err error) (*InboundShareStagingDetector, error) {
		return nil, fmt.Errorf("inbound-share-staging: %w", err)
	}
	if p.MinFiles < 1 {
		return fail(fmt.Errorf("min_files %d: want at least 1", p.MinFiles))
	}
	if p.MinBytes < 0 {
		return fail(fmt.Errorf("min_bytes %d: want 0 or more", p.MinBytes))
	}
	if err := checkWindow(p.Window, p.EpisodeGap); err != nil {
		return fail(err)
	}
	if p.MaxTier < 1 || p.MaxTier > 2 {
		return fail(fmt.Errorf("max_tier %d: want 1 or 2", p.MaxTier))
	}
	set, err := NewStagingSet(p.StagingWindows, p.StagingLinux, p.StagingMacOS)
	if err != nil {
		return fail(err)
	}
	sens, err := NewSensitive(p.SensitiveParams)
	if err != nil {
		return fail(err)
	}
	d := &InboundShareStagingDetector{p: p, staging: set, sens: sens, peers: make(map[string]smbPeer), expected: lowerAll(p.ExpectedSources)}
	cap := max(opts.EvidenceCap, 0)
	d.win = window.New[inboundKey](opts.episodes(window.Config{Width: p.Window, Threshold: 1, Gap: p.EpisodeGap}),
		func(acc *inboundAcc, m inboundMatch) {
			if acc.first == nil {
				acc.first = m.ev
				acc.sizes = make(map[uint64]int64)
			}
			if m.ev.File.Size > 0 || acc.sizes[m.id] == 0 {
				acc.sizes[m.id] = max(m.ev.File.Size, 0)
			}
			if m.account != "" {
				acc.accounts = addSorted(acc.accounts, m.account, 8)
			}
			if m.ev.Remote.Share != "" {
				acc.shares = addSorted(acc.shares, m.ev.Remote.Share, 8)
			}
			acc.via = addSorted(acc.via, m.via, 4)
			acc.inferred = acc.inferred || m.inferred
			acc.sens.file(d.sens, m.id, m.ev.File.Name, m.ev.File.Ext)
			acc.evidence = addEvidence(acc.evidence, cap, m.ev, m.ev.File.Path)
		})
	return d, nil
}

// Kinds implements stagewatch.Detector.
func (d *InboundShareStagingDetector) Kinds() []stagewatch.Kind {
	return []stagewatch.Kind{stagewatch.ShareAccess, stagewatch.FileCreate, stagewatch.FileModify, stagewatch.NetConnect}
}

// isSystemProcess reports whether the acting process is the kernel's System
// process (PID 4), which performs the file writes of the SMB server.
func isSystemProcess(p *stagewatch.Process) bool {
	return p.PID == 4 || strings.EqualFold(p.Image, "System") || strings.EqualFold(p.Name, "System")
}

// Observe implements stagewatch.Detector. Local file writes (no remote
// protocol, not by System) cost a few comparisons and no allocation.
func (d *InboundShareStagingDetector) Observe(ev *stagewatch.Event) []stagewatch.Alert {
	m := inboundMatch{ev: ev}
	source := ""
	switch ev.Kind {
	case stagewatch.NetConnect:
		if ev.Net.Direction == "inbound" && ev.Net.LocalPort == 445 && ev.Net.RemoteIP != "" {
			d.peers[ev.Host.Key()] = smbPeer{ip: ev.Net.RemoteIP, at: ev.Time}
		}
		return nil
	case stagewatch.ShareAccess:
		if !isShareWrite(ev.Action) {
			return nil
		}
		m.via = "5145"
	case stagewatch.FileCreate, stagewatch.FileModify:
		switch {
		case ev.Remote.Protocol == "smb" || ev.Remote.Protocol == "nfs":
			m.via = "mde-" + ev.Remote.Protocol
		case ev.Kind == stagewatch.FileCreate && ev.Remote.Protocol == "" && isSystemProcess(&ev.Proc):
			peer, ok := d.peers[ev.Host.Key()]
			if !ok || ev.Time.Sub(peer.at) > d.p.Window || ev.Time.Before(peer.at) {
				return nil
			}
			source, m.via, m.inferred = peer.ip, "sysmon-system", true
		default:
			return nil
		}
	default:
		return nil
	}
	if ev.File.NormDir == "" {
		return nil
	}
	m.account = ev.Remote.Account
	if source == "" {
		source = cmpOr(ev.Remote.SourceIP, ev.Remote.Account, ev.User.String())
	}
	if source == "" || d.isExpected(source, m.account) {
		return nil
	}
	if d.p.RequireStaging {
		if tier, _ := d.staging.Match(ev.Host.OS, ev.File.NormDir); tier == 0 || tier > d.p.MaxTier {
			return nil
		}
	}
	m.id = hashPath(ev.Host.OS != stagewatch.Linux, ev.File.NormDir, ev.File.Name)
	key := inboundKey{host: ev.Host.Key(), source: source, dir: ev.File.NormDir}
	return d.alerts(d.win.Add(key, m.id, ev.Time, m))
}

// isShareWrite reads the ShareAccess contract of the Windows mapping: Action
// "5145:write" when the access mask includes WriteData or AppendData.
func isShareWrite(action string) bool {
	return len(action) > 6 && strings.EqualFold(action[len(action)-6:], ":write")
}

func cmpOr(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

func (d *InboundShareStagingDetector) isExpected(source, account string) bool {
	for _, g := range d.expected {
		if Glob(g, source) || (account != "" && Glob(g, account)) {
			return true
		}
	}
	return false
}

// Advance implements stagewatch.Detector.
func (d *InboundShareStagingDetector) Advance(t time.Time) []stagewatch.Alert {
	if t.Sub(d.pruned) >= d.p.Window {
		d.pruned = t
		for h, p := range d.peers {
			if t.Sub(p.at) > d.p.Window {
				delete(d.peers, h)
			}
		}
	}
	return d.alerts(d.win.Advance(t))
}

// Flush implements stagewatch.Detector.
func (d *InboundShareStagingDetector) Flush() []stagewatch.Alert { return d.alerts(d.win.Flush()) }

// alerts renders the closed episodes that reached min_files or min_bytes.
func (d *InboundShareStagingDetector) alerts(eps []window.Episode[inboundKey, inboundAcc]) []stagewatch.Alert {
	return keptAlerts(eps, d.alert)
}

// OpenWindows returns the groups the detector holds, for serve's metrics.
func (d *InboundShareStagingDetector) OpenWindows() int { return d.win.Len() }
