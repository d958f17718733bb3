package analytic

import (
	"fmt"
	"strings"

	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/window"
)

func (d *InboundTransferStagingDetector) alert(ep *window.Episode[transferKey, transferAcc]) (stagewatch.Alert, bool) {
	acc := &ep.Acc
	var bytes int64
	for _, n := range acc.sizes {
		bytes += n
	}
	if ep.Distinct < d.p.TransferVolumeThreshold && (d.p.MinBytes == 0 || bytes < d.p.MinBytes) {
		return stagewatch.Alert{}, false
	}
	t := acc.t
	ev := acc.first
	tier, entry := 0, ""
	for _, f := range acc.folders {
		if ft, fe := d.staging.Match(ev.Host.OS, f); ft != 0 && ft <= d.p.MaxTier && (tier == 0 || ft < tier) {
			tier, entry = ft, fe
		}
	}
	// Severity follows where the data lands and whether it is packed;
	// confidence follows how firmly the writes belong to the transfer.
	sev, conf := stagewatch.SeverityMedium, stagewatch.ConfidenceMedium
	if tier == 1 {
		sev = stagewatch.SeverityHigh
	}
	compression := append(append([]string(nil), acc.archives...), t.compressed...)
	if len(compression) > 0 {
		sev = min(sev+1, stagewatch.SeverityCritical)
	}
	if len(acc.by) == 1 && acc.by[0] == "process" {
		conf = raise(conf)
	}
	if t.source == "" {
		conf = lower(conf)
	}
	attack := attackAN0195
	if ev.Host.OS == stagewatch.MacOS {
		attack.Analytic = "AN0196"
	}
	from := t.source
	if from == "" {
		from = "an unknown source"
	}
	what := t.via
	if t.share != "" {
		what += " of " + t.share
	}
	into := ""
	if t.dest != "" {
		into = " into " + t.dest
	}
	summary := fmt.Sprintf("%s from %s%s, then %s (%s) written into %s %s", what, from, into,
		plural(ep.Distinct, "file", "files"), formatBytes(bytes), strings.Join(acc.folders, ", "), formatSpan(ep.Start, ep.Last))
	if len(compression) > 0 {
		summary += "; compressed: " + strings.Join(compression, ", ")
	}
	fields := map[string]any{
		"files":         ep.Distinct,
		"events":        ep.Matches,
		"bytes":         bytes,
		"transfer":      t.via,
		"protocol":      t.protocol,
		"destination":   t.dest,
		"share":         t.share,
		"source":        t.source,
		"transfer_pid":  t.pid,
		"attributed_by": nonNil(acc.by),
		"folders":       nonNil(acc.folders),
		"compression":   nonNil(compression),
		"staging_entry": entry,
		"tier":          tier,
		"image":         t.ev.Proc.Image,
		"command_line":  t.ev.Proc.CommandLine,
		"parent":        t.ev.Proc.ParentName,
	}
	weigh(acc.sens.findings(d.sens), &sev, &conf, fields, &summary)
	return stagewatch.Alert{
		ID:         stagewatch.AlertID("inbound-transfer-staging", joinKey(ep.Key.host, t.via, t.ev.Time.String(), t.dest), ep.Start),
		Analytic:   "inbound-transfer-staging",
		Title:      "Inbound scp, rsync, sftp or remote mount followed by files staged on this host",
		Attack:     attack,
		Severity:   sev,
		Confidence: conf,
		Risk:       stagewatch.RiskScore(sev, conf),
		Host:       ep.Key.host,
		User:       cmpOr(t.ev.User.String(), ev.User.String()),
		Process:    procName(&t.ev.Proc),
		FirstSeen:  ep.Start,
		LastSeen:   ep.Last,
		Summary:    summary,
		Fields:     fields,
		Parameters: map[string]any{
			"transfer_volume_threshold": d.p.TransferVolumeThreshold,
			"min_bytes":                 d.p.MinBytes,
			"window":                    stagewatch.FormatDuration(d.p.Window),
			"episode_gap":               stagewatch.FormatDuration(d.p.EpisodeGap),
			"remote_hosts":              listParams(d.p.RemoteHosts),
			"mount_targets":             listParams(d.p.MountTargets),
			"compression_indicators":    listParams(d.p.CompressionIndicators),
			"max_tier":                  d.p.MaxTier,
		},
		Evidence: acc.evidence,
		Guide: stagewatch.Guide{
			Investigate: []string{
				"Identify the source host and account of the transfer or share: is it a backup server or deployment host that normally sends here?",
				"On the source, look for the collection that fed the transfer; on this host, list the folder and look for archiving and upload afterwards.",
				"For a mount, check who mounted it and whether the share is expected on this host.",
			},
			Respond: []string{
				"Preserve the staged folder; block SSH or the share from the source if the transfer is not expected.",
				"Scope the account used for the transfer across other hosts.",
			},
			Benign: []string{
				"Backups and configuration management pushing files with rsync or scp (add the source to remote_hosts).",
				"Users copying their own data between machines; NFS home or build shares.",
			},
		},
	}, true
}
