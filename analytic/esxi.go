package analytic

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/window"
)

// attackAN0197 is the ATT&CK mapping of esxi-datastore-staging; its alerts
// also name AN0727 and AN0044 in their fields.
var attackAN0197 = stagewatch.Attack{Technique: "T1074.002", Tactic: "collection", Strategy: "DET0071", Analytic: "AN0197"}

// EsxiDatastoreStagingParams are the parameters of esxi-datastore-staging,
// named after the ATT&CK mutable elements of AN0197, AN0727 and AN0044.
type EsxiDatastoreStagingParams struct {
	SnapshotThreshold int           `yaml:"snapshot_threshold" doc:"snapshot creations on one host within window above which they count (ATT&CK SnapshotThreshold); the same snapshot seen in shell.log, hostd.log and vmware.log counts once"`
	SnapshotFrequency time.Duration `yaml:"window" doc:"span one alert covers: everything one host does within it folds into one alert (ATT&CK SnapshotFrequency, TimeWindow)"`
	VMFSWriteRate     int           `yaml:"vmfs_write_rate" doc:"transfers into storage paths (scp, wget, curl -o, cp/tar/dd of VM disks) within window that count (ATT&CK VMFSWriteRate, RemoteWriteVolume)"`
	StorageMountPaths List          `yaml:"storage_mount_paths" doc:"folders whose writes are staging: datastores, /tmp, /scratch (ATT&CK StorageMountPaths)"`
	AccessUserList    List          `yaml:"allowed_users" doc:"users whose actions are expected, as globs on name or DOMAIN\\name (ATT&CK AccessUserList, CLIInvoker)"`
	ExpectedShares    List          `yaml:"expected_shares" doc:"NFS shares (server:/path globs) or datastore paths whose mounts are expected"`
	BackupUsers       List          `yaml:"backup_users" doc:"backup service accounts (vpxuser, Veeam) whose snapshots and mounts are expected inside maintenance windows"`
	Maintenance       List          `yaml:"maintenance" doc:"maintenance windows in event time, UTC: \"Sat 01:00-05:00\", \"daily 22:00-02:00\"; a window may cross midnight"`
}

// EsxiDatastoreStaging is the spec of esxi-datastore-staging.
func EsxiDatastoreStaging() Spec {
	return Spec{
		ID:    "esxi-datastore-staging",
		Title: "ESXi host staging VM data: NFS datastores, snapshots, disk clones, transfers",
		Description: "Per ESXi host within window: NFS datastores added (esxcli storage nfs add, esxcfg-nas -a, NFS mounts), " +
			"more than snapshot_threshold snapshots, virtual disk clones (vmkfstools -i) and transfers into datastores or /tmp, " +
			"outside allowed users and backup maintenance windows; combinations raise severity.",
		Attack: attackAN0197,
		Defaults: func() any {
			return &EsxiDatastoreStagingParams{
				SnapshotThreshold: 3,
				SnapshotFrequency: time.Hour,
				VMFSWriteRate:     1,
				StorageMountPaths: List{"/vmfs/volumes/", "/tmp/", "/scratch/", "/var/tmp/"},
				BackupUsers:       List{"vpxuser", "*veeam*", "*backup*"},
			}
		},
		New: func(params any, opts Options) (stagewatch.Detector, error) {
			p, ok := params.(*EsxiDatastoreStagingParams)
			if !ok {
				return nil, fmt.Errorf("esxi-datastore-staging: parameters are %T, want *EsxiDatastoreStagingParams", params)
			}
			return NewEsxiDatastoreStaging(*p, opts)
		},
	}
}

type esxiMatch struct {
	ev  *stagewatch.Event
	act esxiAct
	src string // snapshot source: shell, hostd, vmx, other
}

type esxiAcc struct {
	first     *stagewatch.Event
	snaps     map[string]int // snapshot creations by source
	vms       []string
	shares    []string
	stores    []string
	guests    []string // files pulled out of guests by guest operations
	mounts    []string // distinct NFS shares (or datastores) added
	commands  []string
	users     []string
	counts    [numCats]int
	processes []string
	evidence  []stagewatch.Evidence
}

// maintWindow is one weekly maintenance window: weekday (-1 = every day)
// and minutes since midnight.
type maintWindow struct {
	day        int
	start, end int
}

// EsxiDatastoreStagingDetector is the running state of esxi-datastore-staging.
type EsxiDatastoreStagingDetector struct {
	p       EsxiDatastoreStagingParams
	allowed []string
	backup  []string
	shares  []string
	maint   []maintWindow
	sup     [2]int // allowed user, backup in maintenance
	win     *window.Episodes[string, esxiMatch, esxiAcc]
}

// NewEsxiDatastoreStaging validates p and returns a detector.
func NewEsxiDatastoreStaging(p EsxiDatastoreStagingParams, opts Options) (*EsxiDatastoreStagingDetector, error) {
	fail := func(err error) (*EsxiDatastoreStagingDetector, error) {
		return nil, fmt.Errorf("esxi-datastore-staging: %w", err)
	}
	if p.SnapshotThreshold < 0 {
		return fail(fmt.Errorf("snapshot_threshold %d: want 0 or more", p.SnapshotThreshold))
	}
	if p.VMFSWriteRate < 1 {
		return fail(fmt.Errorf("vmfs_write_rate %d: want at least 1", p.VMFSWriteRate))
	}
	if err := checkWindow(p.SnapshotFrequency, 0); err != nil {
		return fail(err)
	}
	d := &EsxiDatastoreStagingDetector{p: p, allowed: lowerAll(p.AccessUserList), backup: lowerAll(p.BackupUsers), shares: lowerAll(p.ExpectedShares)}
	for _, s := range p.Maintenance {
		w, err := parseMaintenance(s)
		if err != nil {
			return fail(err)
		}
		d.maint = append(d.maint, w)
	}
	cap := max(opts.EvidenceCap, 0)
	d.win = window.New[string](opts.episodes(window.Config{Width: p.SnapshotFrequency, Threshold: 1}),
		func(acc *esxiAcc, m esxiMatch) {
			if acc.first == nil {
				acc.first = m.ev
				acc.snaps = make(map[string]int)
			}
			a := m.act
			acc.counts[a.cat]++
			if a.cat == catSnapshot {
				acc.snaps[m.src]++
			}
			if a.vm != "" {
				acc.vms = addSorted(acc.vms, a.vm, 16)
			}
			if a.share != "" {
				acc.shares = addSorted(acc.shares, a.share, 8)
			}
			if a.store != "" {
				acc.stores = addSorted(acc.stores, a.store, 8)
			}
			if a.guest != "" {
				acc.guests = addSorted(acc.guests, a.guest, 8)
			}
			if a.cat == catMount {
				acc.mounts = addSorted(acc.mounts, cmpOr(a.share, a.store, a.detail), 16)
			}
			acc.commands = addSorted(acc.commands, a.detail, 16)
			if u := m.ev.User.String(); u != "" {
				acc.users = addSorted(acc.users, u, 8)
			}
			if m.ev.Proc.Name != "" || m.ev.Proc.Image != "" {
				acc.processes = addSorted(acc.processes, procName(&m.ev.Proc), 8)
			}
			acc.evidence = addEvidence(acc.evidence, cap, m.ev, a.detail)
		})
	return d, nil
}

// parseMaintenance reads "Sat 01:00-05:00" or "daily 22:00-02:00".
func parseMaintenance(s string) (maintWindow, error) {
	bad := fmt.Errorf("maintenance %q: want \"DAY HH:MM-HH:MM\" with DAY Mon..Sun or daily", s)
	day, span, ok := strings.Cut(strings.TrimSpace(s), " ")
	if !ok {
		return maintWindow{}, bad
	}
	w := maintWindow{day: -1}
	if !strings.EqualFold(day, "daily") && day != "*" {
		w.day = -2
		for i, n := range []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"} {
			if strings.HasPrefix(strings.ToLower(day), n) {
				w.day = i
			}
		}
		if w.day == -2 {
			return w, bad
		}
	}
	from, to, ok := strings.Cut(strings.TrimSpace(span), "-")
	var err1, err2 error
	w.start, err1 = clockMinutes(from)
	w.end, err2 = clockMinutes(to)
	if !ok || err1 != nil || err2 != nil {
		return w, bad
	}
	return w, nil
}

func clockMinutes(s string) (int, error) {
	h, m, ok := strings.Cut(strings.TrimSpace(s), ":")
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if !ok || err1 != nil || err2 != nil || hh < 0 || hh > 24 || mm < 0 || mm > 59 {
		return 0, fmt.Errorf("bad clock %q", s)
	}
	return hh*60 + mm, nil
}

// inMaintenance reports whether t (UTC) falls in a maintenance window. A
// window crossing midnight belongs to the day it starts on.
func (d *EsxiDatastoreStagingDetector) inMaintenance(t time.Time) bool {
	t = t.UTC()
	mins := t.Hour()*60 + t.Minute()
	day := int(t.Weekday())
	for _, w := range d.maint {
		if w.start <= w.end {
			if (w.day < 0 || w.day == day) && mins >= w.start && mins < w.end {
				return true
			}
			continue
		}
		if (w.day < 0 || w.day == day) && mins >= w.start {
			return true
		}
		if (w.day < 0 || w.day == (day+6)%7) && mins < w.end {
			return true
		}
	}
	return false
}

// Kinds implements stagewatch.Detector.
func (d *EsxiDatastoreStagingDetector) Kinds() []stagewatch.Kind {
	return []stagewatch.Kind{stagewatch.ProcessStart, stagewatch.Snapshot, stagewatch.Mount, stagewatch.FileCreate}
}

// Observe implements stagewatch.Detector. Events from other platforms cost
// one comparison.
func (d *EsxiDatastoreStagingDetector) Observe(ev *stagewatch.Event) []stagewatch.Alert {
	if ev.Host.OS != stagewatch.ESXi {
		return nil
	}
	var acts []esxiAct
	src := "other"
	switch ev.Kind {
	case stagewatch.ProcessStart:
		if !mayStageESXi(ev.Proc.CommandLine) {
			return nil
		}
		acts, src = esxiCommands(ev.Proc.CommandLine, d.p.StorageMountPaths), "shell"
	case stagewatch.Snapshot:
		if ev.Cloud.Provider != "" {
			return nil
		}
		vm := cmpOr(ev.File.Path, ev.File.Name)
		acts = []esxiAct{{cat: catSnapshot, vm: vm, detail: strings.TrimSpace(ev.Action + " " + vm)}}
		switch {
		case strings.HasPrefix(ev.Action, "SnapshotVMX"):
			src = "vmx"
		case strings.Contains(ev.Action, "reateSnapshot"):
			src = "hostd"
		}
	case stagewatch.Mount:
		acts = []esxiAct{{cat: catMount, share: ev.Remote.Share, store: ev.File.Path,
			detail: strings.TrimSpace(ev.Action + " " + cmpOr(ev.Remote.Share, ev.File.Path))}}
	case stagewatch.FileCreate:
		if ev.Action != "Initiate File Transfer From Guest" {
			return nil
		}
		acts = []esxiAct{{cat: catTransfer, guest: ev.File.Path, detail: ev.Action + " " + ev.File.Path}}
	}
	var out []stagewatch.Alert
	for _, a := range acts {
		if d.expected(ev, a) {
			continue
		}
		id := hashString(fmt.Sprintf("%d\x1f%s\x1f%s\x1f%d", a.cat, a.detail, ev.Origin.File, ev.Origin.Line))
		out = append(out, d.alerts(d.win.Add(ev.Host.Key(), id, ev.Time, esxiMatch{ev: ev, act: a, src: src}))...)
	}
	return out
}

// expected applies the allow-lists: allowed users, expected shares, and
// snapshots or mounts by backup accounts inside maintenance windows.
func (d *EsxiDatastoreStagingDetector) expected(ev *stagewatch.Event, a esxiAct) bool {
	user := strings.ToLower(ev.User.Name)
	full := strings.ToLower(ev.User.String())
	if user != "" && (globAny(d.allowed, user) || globAny(d.allowed, full)) {
		d.sup[0]++
		return true
	}
	if a.cat == catMount && (a.share != "" && globAny(d.shares, strings.ToLower(a.share)) || a.store != "" && globAny(d.shares, strings.ToLower(a.store))) {
		return true
	}
	if (a.cat == catSnapshot || a.cat == catMount) && user != "" && len(d.maint) > 0 &&
		(globAny(d.backup, user) || globAny(d.backup, full)) && d.inMaintenance(ev.Time) {
		d.sup[1]++
		return true
	}
	return false
}

func globAny(globs []string, v string) bool {
	for _, g := range globs {
		if Glob(g, v) {
			return true
		}
	}
	return false
}

// Suppressions implements stagewatch.Suppressor.
func (d *EsxiDatastoreStagingDetector) Suppressions() []stagewatch.Suppression {
	return []stagewatch.Suppression{
		{Analytic: "esxi-datastore-staging", Name: "allowed-user", Count: d.sup[0]},
		{Analytic: "esxi-datastore-staging", Name: "backup-maintenance-window", Count: d.sup[1]},
	}
}

// Advance implements stagewatch.Detector.
func (d *EsxiDatastoreStagingDetector) Advance(t time.Time) []stagewatch.Alert {
	return d.alerts(d.win.Advance(t))
}

// Flush implements stagewatch.Detector.
func (d *EsxiDatastoreStagingDetector) Flush() []stagewatch.Alert { return d.alerts(d.win.Flush()) }

func (d *EsxiDatastoreStagingDetector) alerts(eps []window.Episode[string, esxiAcc]) []stagewatch.Alert {
	return keptAlerts(eps, d.alert)
}

// OpenWindows returns the groups the detector holds, for serve's metrics.
func (d *EsxiDatastoreStagingDetector) OpenWindows() int { return d.win.Len() }
