package analytic

import (
	"fmt"
	"strings"

	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/window"
)

// alert renders a closed episode when one of its four parts reached its
// test: an NFS datastore added, more than snapshot_threshold snapshots, a
// disk clone, or vmfs_write_rate transfers.
func (d *EsxiDatastoreStagingDetector) alert(ep *window.Episode[string, esxiAcc]) (stagewatch.Alert, bool) {
	acc := &ep.Acc
	snaps := 0
	for _, n := range acc.snaps {
		snaps = max(snaps, n)
	}
	mounts, clones, transfers := len(acc.mounts), acc.counts[catClone], acc.counts[catTransfer]
	hit := [numCats]bool{
		catMount:    mounts > 0,
		catSnapshot: snaps > d.p.SnapshotThreshold,
		catClone:    clones > 0,
		catTransfer: transfers >= d.p.VMFSWriteRate,
	}
	var parts, cats []string
	n := 0
	for c, ok := range hit {
		if ok {
			n++
			cats = append(cats, catNames[c])
		}
	}
	if n == 0 {
		return stagewatch.Alert{}, false
	}
	if hit[catMount] {
		parts = append(parts, fmt.Sprintf("added %s (%s)", plural(mounts, "NFS datastore", "NFS datastores"), strings.Join(acc.mounts, ", ")))
	}
	if snaps > 0 {
		parts = append(parts, "created "+plural(snaps, "snapshot", "snapshots"))
	}
	if clones > 0 {
		parts = append(parts, "cloned "+plural(clones, "virtual disk", "virtual disks"))
	}
	if transfers > 0 {
		parts = append(parts, "made "+plural(transfers, "transfer", "transfers")+" into datastores or /tmp or of VM disks")
	}
	// One part is a lead; a new NFS store with snapshots or clones is the
	// AN0197 pattern (copy VM data out through a datastore the attacker
	// controls); three parts or more is the whole chain.
	sev, conf := stagewatch.SeverityMedium, stagewatch.ConfidenceMedium
	switch {
	case n >= 3:
		sev, conf = stagewatch.SeverityCritical, stagewatch.ConfidenceHigh
	case hit[catMount] && (hit[catSnapshot] || hit[catClone]), hit[catClone] && hit[catSnapshot]:
		sev, conf = stagewatch.SeverityHigh, stagewatch.ConfidenceHigh
	case n == 2:
		sev = stagewatch.SeverityHigh
	case hit[catTransfer]:
		sev, conf = stagewatch.SeverityLow, stagewatch.ConfidenceLow
	}
	host := ep.Key
	label := host
	if label == "" {
		label = "ESXi host (name not in the log)"
	}
	who := strings.Join(acc.users, ", ")
	if who == "" {
		who = "unknown user"
	}
	summary := fmt.Sprintf("%s: %s %s, by %s", label, strings.Join(parts, ", "), formatSpan(ep.Start, ep.Last), who)
	fields := map[string]any{
		"categories":        cats,
		"snapshots":         snaps,
		"nfs_datastores":    nonNil(acc.mounts),
		"disk_clones":       clones,
		"transfers":         transfers,
		"vms":               nonNil(acc.vms),
		"datastores":        nonNil(acc.stores),
		"guest_files":       nonNil(acc.guests),
		"commands":          nonNil(acc.commands),
		"users":             nonNil(acc.users),
		"events":            ep.Matches,
		"attack_analytics":  []string{"AN0197", "AN0727", "AN0044"},
		"attack_strategies": []string{"DET0071", "DET0261", "DET0014"},
	}
	user := ""
	if len(acc.users) > 0 {
		user = acc.users[0]
	}
	return stagewatch.Alert{
		ID:         stagewatch.AlertID("esxi-datastore-staging", host, ep.Start),
		Analytic:   "esxi-datastore-staging",
		Title:      "ESXi host staging VM data: NFS datastores, snapshots, disk clones, transfers",
		Attack:     attackAN0197,
		Severity:   sev,
		Confidence: conf,
		Risk:       stagewatch.RiskScore(sev, conf),
		Host:       host,
		User:       user,
		Process:    strings.Join(acc.processes, ", "),
		FirstSeen:  ep.Start,
		LastSeen:   ep.Last,
		Summary:    summary,
		Fields:     fields,
		Parameters: map[string]any{
			"snapshot_threshold":  d.p.SnapshotThreshold,
			"window":              stagewatch.FormatDuration(d.p.SnapshotFrequency),
			"vmfs_write_rate":     d.p.VMFSWriteRate,
			"storage_mount_paths": nonNil(listParams(d.p.StorageMountPaths)),
			"allowed_users":       nonNil(listParams(d.p.AccessUserList)),
			"expected_shares":     nonNil(listParams(d.p.ExpectedShares)),
			"backup_users":        nonNil(listParams(d.p.BackupUsers)),
			"maintenance":         nonNil(listParams(d.p.Maintenance)),
		},
		Evidence: acc.evidence,
		Guide: stagewatch.Guide{
			Investigate: []string{
				"Who logged in (auth.log, hostd 'Accepted password', vobd ssh session) and from where, just before the commands?",
				"Is the NFS server a known backup or storage target? List datastores (esxcli storage nfs list) and their contents.",
				"Which VMs were snapshotted or cloned (vim-cmd vmsvc/getallvms maps ids to names)? Domain controllers and file servers matter most.",
			},
			Respond: []string{
				"Unmount unknown NFS datastores, block the NFS server, disable SSH and the ESXi Shell, rotate root and vCenter credentials.",
				"Preserve shell.log, hostd.log, vmkernel.log and the VMs' vmware.log before they rotate.",
			},
			Benign: []string{
				"Backup products (Veeam, vSphere Data Protection) snapshot VMs through vpxuser at night: list them in backup_users and maintenance.",
				"Administrators adding NFS datastores or cloning templates during changes: allowed_users or expected_shares.",
			},
		},
	}, true
}
