package analytic

import (
	"fmt"
	"strings"
	"time"

	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/window"
)

// attackAN0195 is inbound-transfer-staging's mapping on Linux; macOS alerts
// name AN0196.
var attackAN0195 = stagewatch.Attack{Technique: "T1074.002", Tactic: "collection", Strategy: "DET0071", Analytic: "AN0195"}

// InboundTransferStagingParams are the parameters of inbound-transfer-staging.
type InboundTransferStagingParams struct {
	TransferVolumeThreshold int           `yaml:"transfer_volume_threshold" doc:"distinct files written for one inbound transfer or mount within window that make an alert (ATT&CK TransferVolumeThreshold)"`
	MinBytes                int64         `yaml:"min_bytes" doc:"or bytes written (last known size of each file); 0 turns the byte test off"`
	Window                  time.Duration `yaml:"window" doc:"how long after a transfer starts (or a share is mounted) writes are attributed to it (ATT&CK TimeWindow)"`
	EpisodeGap              time.Duration `yaml:"episode_gap" doc:"an episode closes after this long without an attributed write"`
	ConnectionWindow        time.Duration `yaml:"connection_window" doc:"an inbound SSH connection (NetConnect to port 22) this long before scp/rsync/sftp starts on the host names the transfer's source"`
	RemoteHosts             List          `yaml:"remote_hosts" doc:"expected sources: IP addresses, CIDR prefixes or host-name globs (backup servers, deployment hosts) whose transfers and shares are not alerted (ATT&CK RemoteHosts)"`
	MountTargets            List          `yaml:"mount_targets" doc:"folder globs where attributed writes count besides the staging folders; a mount's own target always counts (ATT&CK MountTargets)"`
	CompressionIndicators   List          `yaml:"compression_indicators" doc:"archive extensions (.tgz) among the written files, or archivers (tar) started on the host during the transfer, that raise severity (ATT&CK CompressionIndicators)"`
	MaxTier                 int           `yaml:"max_tier" doc:"highest staging tier whose folders count (ATT&CK StagingPaths: the staging lists below)"`
	StagingParams           `yaml:",inline"`
	SensitiveParams         `yaml:",inline"`
	SuppressParams          `yaml:",inline"`
}

// InboundTransferStaging is the spec of inbound-transfer-staging.
func InboundTransferStaging() Spec {
	return Spec{
		ID:    "inbound-transfer-staging",
		Title: "Inbound scp, rsync, sftp or remote mount followed by files staged on this host",
		Description: "Linux and macOS staging hosts: the receiving end of a transfer (scp -t, rsync --server without " +
			"--sender, sftp-server) or an NFS/CIFS/SMB mount, followed within window by transfer_volume_threshold files " +
			"(or min_bytes) written by that transfer's processes, into its destination, a mount target or a staging folder.",
		Attack: attackAN0195,
		Defaults: func() any {
			return &InboundTransferStagingParams{
				TransferVolumeThreshold: 20,
				MinBytes:                100_000_000,
				Window:                  30 * time.Minute,
				EpisodeGap:              10 * time.Minute,
				ConnectionWindow:        2 * time.Minute,
				RemoteHosts:             List{},
				MountTargets:            List{"/mnt/*", "/media/*", "/Volumes/*"},
				CompressionIndicators: List{".zip", ".7z", ".rar", ".tar", ".gz", ".tgz", ".bz2", ".xz", ".zst", ".dmg",
					"tar", "gzip", "pigz", "bzip2", "xz", "zstd", "zip", "7z", "7za", "ditto", "hdiutil"},
				MaxTier:         2,
				StagingParams:   defaultStaging(),
				SensitiveParams: defaultSensitive(),
				SuppressParams:  defaultSuppress(),
			}
		},
		New: func(params any, opts Options) (stagewatch.Detector, error) {
			p, ok := params.(*InboundTransferStagingParams)
			if !ok {
				return nil, fmt.Errorf("inbound-transfer-staging: parameters are %T, want *InboundTransferStagingParams", params)
			}
			return NewInboundTransferStaging(*p, opts)
		},
	}
}

// transfer is one open inbound transfer or mount on a host.
type transfer struct {
	inboundStart
	seq        uint64 // order of arrival, for the grouping key
	ev         *stagewatch.Event
	pid        int64
	destDir    string // normalized destination folder ("" when unknown)
	source     string // IP (from the mount or the SSH connection) or share host
	expected   bool   // the source is on remote_hosts
	compressed []string
}

type transferKey struct {
	host string
	seq  uint64
}

type transferMatch struct {
	ev  *stagewatch.Event
	t   *transfer
	id  uint64
	by  string // "process", "destination", "mount"
	dir string
}

type transferAcc struct {
	t        *transfer
	first    *stagewatch.Event
	sizes    map[uint64]int64
	folders  []string
	by       []string
	archives []string
	sens     sensitiveAcc
	evidence []stagewatch.Evidence
}

type sshPeer struct {
	ip string
	at time.Time
}

// InboundTransferStagingDetector is the running state of inbound-transfer-staging.
type InboundTransferStagingDetector struct {
	p          InboundTransferStagingParams
	staging    StagingSet
	remote     hostList
	targets    []string
	indicators []string
	sens       *Sensitive
	sup        *Suppressions
	transfers  map[string][]*transfer // host -> open transfers, oldest first
	peers      map[string][]sshPeer   // host -> recent inbound SSH connections, oldest first
	seq        uint64
	expected   int // writes dropped because the source is on remote_hosts
	win        *window.Episodes[transferKey, transferMatch, transferAcc]
}

// NewInboundTransferStaging validates p and returns a detector.
func NewInboundTransferStaging(p InboundTransferStagingParams, opts Options) (*InboundTransferStagingDetector, error) {
	fail := func(err error) (*InboundTransferStagingDetector, error) {
		return nil, fmt.Errorf("inbound-transfer-staging: %w", err)
	}
	if p.TransferVolumeThreshold < 1 {
		return fail(fmt.Errorf("transfer_volume_threshold %d: want at least 1", p.TransferVolumeThreshold))
	}
	if p.MinBytes < 0 {
		return fail(fmt.Errorf("min_bytes %d: want 0 or more", p.MinBytes))
	}
	if p.ConnectionWindow < 0 {
		return fail(fmt.Errorf("connection_window %v: want 0 or more", p.ConnectionWindow))
	}
	if err := checkWindow(p.Window, p.EpisodeGap); err != nil {
		return fail(err)
	}
	set, sup, err := stagingLists{p.StagingWindows, p.StagingLinux, p.StagingMacOS, p.MaxTier,
		DefaultList(ListSuppressions), p.Suppressions, p.Suppress}.build()
	if err != nil {
		return fail(err)
	}
	remote, err := newHostList(p.RemoteHosts)
	if err != nil {
		return fail(fmt.Errorf("remote_hosts: %w", err))
	}
	sens, err := NewSensitive(p.SensitiveParams)
	if err != nil {
		return fail(err)
	}
	d := &InboundTransferStagingDetector{p: p, staging: set, remote: remote, sens: sens, sup: sup,
		targets: lowerAll(p.MountTargets), indicators: lowerAll(p.CompressionIndicators),
		transfers: make(map[string][]*transfer), peers: make(map[string][]sshPeer)}
	cap := max(opts.EvidenceCap, 0)
	d.win = window.New[transferKey](opts.episodes(window.Config{Width: p.Window, Threshold: 1, Gap: p.EpisodeGap}),
		func(acc *transferAcc, m transferMatch) {
			if acc.first == nil {
				acc.first, acc.t = m.ev, m.t
				acc.sizes = make(map[uint64]int64)
				acc.evidence = addEvidence(acc.evidence, cap, m.t.ev, cmpOr(m.t.ev.Proc.CommandLine, m.t.via))
			}
			if m.ev.File.Size > 0 || acc.sizes[m.id] == 0 {
				acc.sizes[m.id] = max(m.ev.File.Size, 0)
			}
			acc.folders = addSorted(acc.folders, m.dir, 8)
			acc.by = addSorted(acc.by, m.by, 3)
			if d.isIndicator(m.ev.File.Name) {
				acc.archives = addSorted(acc.archives, m.ev.File.Name, 8)
			}
			acc.sens.file(d.sens, m.id, m.ev.File.Name, m.ev.File.Ext)
			acc.evidence = addEvidence(acc.evidence, cap, m.ev, m.ev.File.Path)
		})
	return d, nil
}

// Kinds implements stagewatch.Detector.
func (d *InboundTransferStagingDetector) Kinds() []stagewatch.Kind {
	return []stagewatch.Kind{stagewatch.ProcessStart, stagewatch.Mount, stagewatch.NetConnect,
		stagewatch.FileCreate, stagewatch.FileModify, stagewatch.FileRename}
}

// Observe implements stagewatch.Detector. Windows events, and file writes on
// a host with no open transfer, cost a map lookup.
func (d *InboundTransferStagingDetector) Observe(ev *stagewatch.Event) []stagewatch.Alert {
	if ev.Host.OS == stagewatch.Windows {
		return nil
	}
	switch ev.Kind {
	case stagewatch.NetConnect:
		if ev.Net.Direction == "inbound" && ev.Net.LocalPort == 22 && ev.Net.RemoteIP != "" {
			h := ev.Host.Key()
			peers := append(d.peers[h], sshPeer{ip: ev.Net.RemoteIP, at: ev.Time})
			if len(peers) > 8 {
				peers = peers[len(peers)-8:]
			}
			d.peers[h] = peers
		}
		return nil
	case stagewatch.Mount:
		if s, ok := mountEvent(ev); ok {
			d.open(ev, s)
		}
		return nil
	case stagewatch.ProcessStart:
		d.processStart(ev)
		return nil
	}
	open := d.transfers[ev.Host.Key()]
	if len(open) == 0 || ev.File.NormDir == "" {
		return nil
	}
	return d.write(ev, open)
}

func (d *InboundTransferStagingDetector) processStart(ev *stagewatch.Event) {
	name := commandName(procName(&ev.Proc))
	if mayTransfer(name) {
		argv := SplitPOSIX(ev.Proc.CommandLine)
		if len(argv) > 0 {
			if s, ok := parseInbound(name, argv[0]); ok {
				d.open(ev, s)
			}
		}
		return
	}
	// An archiver started on a host with an open transfer: the staged
	// data is being compressed.
	open := d.transfers[ev.Host.Key()]
	if len(open) == 0 || !anyGlobOf(d.indicators, name) {
		return
	}
	for _, t := range open {
		if ev.Time.Sub(t.ev.Time) <= d.p.Window && !ev.Time.Before(t.ev.Time) {
			t.compressed = addSorted(t.compressed, name, 4)
		}
	}
}

// open records a transfer, naming its source.
func (d *InboundTransferStagingDetector) open(ev *stagewatch.Event, s inboundStart) {
	h := ev.Host.Key()
	d.seq++
	t := &transfer{inboundStart: s, seq: d.seq, ev: ev, pid: ev.Proc.PID}
	if s.dest != "" {
		dest := s.dest
		if !strings.HasPrefix(dest, "/") && ev.Proc.CWD != "" {
			dest = strings.TrimRight(ev.Proc.CWD, "/") + "/" + dest
		}
		if strings.HasPrefix(dest, "/") {
			t.destDir = stagewatch.NormalizeDir(ev.Host.OS, dest)
		}
	}
	if s.mount {
		t.source = cmpOr(s.sourceIP, shareHost(s.share))
	} else {
		peers := d.peers[h]
		for i := len(peers) - 1; i >= 0; i-- {
			if !peers[i].at.After(ev.Time) && ev.Time.Sub(peers[i].at) <= d.p.ConnectionWindow {
				t.source = peers[i].ip
				break
			}
		}
	}
	t.expected = d.remote.match(t.source, shareHost(s.share))
	open := d.prune(d.transfers[h], ev.Time)
	if len(open) >= 64 {
		open = open[1:]
	}
	d.transfers[h] = append(open, t)
}

// prune drops transfers older than window.
func (d *InboundTransferStagingDetector) prune(open []*transfer, now time.Time) []*transfer {
	i := 0
	for i < len(open) && now.Sub(open[i].ev.Time) > d.p.Window {
		i++
	}
	return open[i:]
}

// write attributes a file write to the newest open transfer it belongs to.
func (d *InboundTransferStagingDetector) write(ev *stagewatch.Event, open []*transfer) []stagewatch.Alert {
	dir := ev.File.NormDir
	for i := len(open) - 1; i >= 0; i-- {
		t := open[i]
		if ev.Time.Before(t.ev.Time) || ev.Time.Sub(t.ev.Time) > d.p.Window {
			continue
		}
		underDest := t.destDir != "" && dirUnder(ev.Host.OS, dir, t.destDir)
		tier, _ := d.staging.Match(ev.Host.OS, dir)
		staged := (tier != 0 && tier <= d.p.MaxTier) || (len(d.targets) > 0 && anyPath(d.targets, dir))
		by := ""
		switch {
		case t.pid != 0 && (ev.Proc.PID == t.pid || ev.Proc.ParentPID == t.pid):
			by = "process"
		case underDest && !t.mount:
			by = "destination"
		case t.mount && underDest:
			by, staged = "mount", true // into the share itself
		case t.mount && staged && d.fromMount(ev, t):
			by = "mount" // a copy tool gathering from the share into a staging folder
		default:
			continue
		}
		if !staged {
			return nil // the transfer's own write, outside staging folders
		}
		if t.expected {
			d.expected++
			return nil
		}
		if _, ok := d.sup.Match(&Subject{Image: ev.Proc.Image, Parent: ev.Proc.ParentImage, CommandLine: ev.Proc.CommandLine,
			Path: ev.File.Path, User: ev.User, Host: ev.Host.Key()}); ok {
			return nil
		}
		m := transferMatch{ev: ev, t: t, by: by, dir: dir, id: hashPath(ev.Host.OS == stagewatch.MacOS, dir, ev.File.Name)}
		return d.alerts(d.win.Add(transferKey{host: ev.Host.Key(), seq: t.seq}, m.id, ev.Time, m))
	}
	return nil
}

// Advance implements stagewatch.Detector.
func (d *InboundTransferStagingDetector) Advance(t time.Time) []stagewatch.Alert {
	for h, open := range d.transfers {
		if open = d.prune(open, t); len(open) == 0 {
			delete(d.transfers, h)
		} else {
			d.transfers[h] = open
		}
	}
	for h, peers := range d.peers {
		if len(peers) > 0 && t.Sub(peers[len(peers)-1].at) > d.p.ConnectionWindow {
			delete(d.peers, h)
		}
	}
	return d.alerts(d.win.Advance(t))
}

// Flush implements stagewatch.Detector.
func (d *InboundTransferStagingDetector) Flush() []stagewatch.Alert { return d.alerts(d.win.Flush()) }

// Suppressions implements stagewatch.Suppressor: the built-in and user
// suppressions, and the writes of transfers from remote_hosts.
func (d *InboundTransferStagingDetector) Suppressions() []stagewatch.Suppression {
	return append(d.sup.Report("inbound-transfer-staging"),
		stagewatch.Suppression{Analytic: "inbound-transfer-staging", Name: "remote_hosts", Count: d.expected})
}

// alerts renders the closed episodes that reached the volume threshold.
func (d *InboundTransferStagingDetector) alerts(eps []window.Episode[transferKey, transferAcc]) []stagewatch.Alert {
	return keptAlerts(eps, d.alert)
}

// OpenWindows returns the groups the detector holds, for serve's metrics.
func (d *InboundTransferStagingDetector) OpenWindows() int { return d.win.Len() }
