package analytic

import (
	"fmt"
	"strings"
	"time"

	"github.com/stagewatch/stagewatch"
)

// CloudSnapshotStagingParams are the parameters of cloud-snapshot-staging.
type CloudSnapshotStagingParams struct {
	Window           time.Duration `yaml:"window" doc:"how long after a snapshot or image is created a share, copy or export of it is linked to the creation"`
	ShareActions     List          `yaml:"share_actions" doc:"control-plane actions (globs) that share a snapshot or image when they name a target (Cloud.Target)"`
	ExportActions    List          `yaml:"export_actions" doc:"actions (globs) that export a disk or snapshot without a target, such as an Azure SAS grant"`
	TrustedAccounts  List          `yaml:"trusted_accounts" doc:"your own account, project or subscription ids: sharing or copying to them does not alert"`
	TrustedRegions   List          `yaml:"trusted_regions" doc:"regions copies may go to without an alert (disaster recovery); empty alerts on every cross-region copy"`
	Suppressions     List          `yaml:"suppressions" doc:"built-in suppressions in force: backup-service; remove the name to disable it"`
	BackupPrincipals List          `yaml:"backup_principals" doc:"backup-service: principal globs of backup and lifecycle services whose copies (never public shares) are expected"`
}

// CloudSnapshotStaging is the spec of cloud-snapshot-staging.
func CloudSnapshotStaging() Spec {
	return Spec{
		ID:    "cloud-snapshot-staging",
		Title: "Cloud snapshot or image shared, copied out or exported",
		Description: "A snapshot or image (CreateSnapshot, CreateDBSnapshot, CreateImage, CopySnapshot...) shared with another " +
			"account or the public, copied to another region or account, or exported with an Azure disk SAS grant; " +
			"linked to its creation within window, alerting at lower confidence when the creation was not seen.",
		Attack: attackAN0198,
		Defaults: func() any {
			return &CloudSnapshotStagingParams{
				Window: 24 * time.Hour,
				ShareActions: List{"ModifySnapshotAttribute", "ModifyImageAttribute", "ModifyDBSnapshotAttribute",
					"ModifyDBClusterSnapshotAttribute", "*.setIamPolicy"},
				ExportActions: List{"Microsoft.Compute/disks/beginGetAccess*", "Microsoft.Compute/snapshots/beginGetAccess*", "beginGetAccess"},
				Suppressions:  List{"backup-service"},
				BackupPrincipals: List{"backup.amazonaws.com", "dlm.amazonaws.com",
					"*:assumed-role/AWSBackupDefaultServiceRole/*", "*:assumed-role/AWSDataLifecycleManagerDefaultRole*"},
			}
		},
		New: func(params any, opts Options) (stagewatch.Detector, error) {
			p, ok := params.(*CloudSnapshotStagingParams)
			if !ok {
				return nil, fmt.Errorf("cloud-snapshot-staging: parameters are %T, want *CloudSnapshotStagingParams", params)
			}
			return NewCloudSnapshotStaging(*p, opts)
		},
	}
}

// snapKey identifies a snapshot or image within an account.
type snapKey struct{ provider, account, resource string }

// CloudSnapshotStagingDetector is the running state of
// cloud-snapshot-staging. It alerts as soon as the share, copy or export is
// seen; a later share of the same resource to the same target within window
// folds into nothing (it was already reported).
type CloudSnapshotStagingDetector struct {
	p                CloudSnapshotStagingParams
	share, export    []string
	trusted, regions []string
	backup           []string
	backupOn         bool
	suppressed       int
	created          map[snapKey]*stagewatch.Event
	reported         map[string]time.Time
	pruned           time.Time
	limit            int
}

// NewCloudSnapshotStaging validates p and returns a detector.
func NewCloudSnapshotStaging(p CloudSnapshotStagingParams, opts Options) (*CloudSnapshotStagingDetector, error) {
	if p.Window <= 0 {
		return nil, fmt.Errorf("cloud-snapshot-staging: window %v: want a positive duration", p.Window)
	}
	d := &CloudSnapshotStagingDetector{
		p: p, share: lowerAll(p.ShareActions), export: lowerAll(p.ExportActions),
		trusted: lowerAll(p.TrustedAccounts), regions: lowerAll(p.TrustedRegions), backup: lowerAll(p.BackupPrincipals),
		created: make(map[snapKey]*stagewatch.Event), reported: make(map[string]time.Time), limit: max(opts.EvidenceCap, 0),
	}
	for _, s := range p.Suppressions {
		if s != "backup-service" {
			return nil, fmt.Errorf("cloud-snapshot-staging: unknown suppression %q (known: backup-service)", s)
		}
		d.backupOn = true
	}
	return d, nil
}

// Kinds implements stagewatch.Detector.
func (d *CloudSnapshotStagingDetector) Kinds() []stagewatch.Kind {
	return []stagewatch.Kind{stagewatch.Snapshot, stagewatch.CloudCall}
}

// snapFinding is what a share, copy or export call did.
type snapFinding struct {
	how    string // "public share", "shared", "copied", "exported"
	target string
	sev    stagewatch.Severity
}

// Observe implements stagewatch.Detector.
func (d *CloudSnapshotStagingDetector) Observe(ev *stagewatch.Event) []stagewatch.Alert {
	c := &ev.Cloud
	if c.Failed() {
		return nil
	}
	var f snapFinding
	sk := snapKey{c.Provider, c.Account, c.Resource}
	origin := d.created[sk]
	if origin != nil && ev.Time.Sub(origin.Time) > d.p.Window {
		origin = nil
	}
	switch ev.Kind {
	case stagewatch.Snapshot:
		if c.Resource != "" && origin == nil {
			d.created[sk] = ev
		}
		if c.Target == "" {
			return nil
		}
		f = snapFinding{how: "copied", target: c.Target, sev: stagewatch.SeverityHigh}
		if region, ok := strings.CutPrefix(c.Target, "region:"); ok {
			if matchGlob(d.regions, region) != "" {
				return nil
			}
			f.sev = stagewatch.SeverityMedium
		}
	case stagewatch.CloudCall:
		switch {
		case c.Target != "" && matchGlob(d.share, c.Action) != "":
			f = snapFinding{how: "shared", target: c.Target, sev: stagewatch.SeverityHigh}
			if strings.EqualFold(c.Target, "all") || strings.EqualFold(c.Target, "allUsers") {
				f = snapFinding{how: "shared", target: "all", sev: stagewatch.SeverityCritical}
			}
		case matchGlob(d.export, c.Action) != "":
			f = snapFinding{how: "exported (SAS grant)", target: cmpOr(c.Target, "sas"), sev: stagewatch.SeverityHigh}
		default:
			return nil
		}
	default:
		return nil
	}
	if f.target != "all" && !strings.HasPrefix(f.target, "region:") && f.target != "sas" {
		if f.target == c.Account || matchGlob(d.trusted, f.target) != "" {
			return nil
		}
	}
	if d.backupOn && f.target != "all" && matchGlob(d.backup, c.Principal) != "" {
		d.suppressed++
		return nil
	}
	key := joinKey(c.Provider, c.Account, c.Resource, f.target)
	if at, ok := d.reported[key]; ok && ev.Time.Sub(at) < d.p.Window {
		return nil
	}
	d.reported[key] = ev.Time
	return []stagewatch.Alert{d.alert(ev, origin, f, key)}
}

// Advance implements stagewatch.Detector. It forgets creations and reports
// older than window, at most once per window of event time.
func (d *CloudSnapshotStagingDetector) Advance(t time.Time) []stagewatch.Alert {
	if t.Sub(d.pruned) < d.p.Window {
		return nil
	}
	d.pruned = t
	for k, ev := range d.created {
		if t.Sub(ev.Time) > d.p.Window {
			delete(d.created, k)
		}
	}
	for k, at := range d.reported {
		if t.Sub(at) > d.p.Window {
			delete(d.reported, k)
		}
	}
	return nil
}

// Flush implements stagewatch.Detector; alerts are never held back.
func (d *CloudSnapshotStagingDetector) Flush() []stagewatch.Alert {
	clear(d.created)
	clear(d.reported)
	return nil
}

// Suppressions implements stagewatch.Suppressor.
func (d *CloudSnapshotStagingDetector) Suppressions() []stagewatch.Suppression {
	if !d.backupOn {
		return nil
	}
	return []stagewatch.Suppression{{Analytic: "cloud-snapshot-staging", Name: "backup-service", Count: d.suppressed}}
}
