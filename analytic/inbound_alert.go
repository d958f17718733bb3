package analytic

import (
	"fmt"
	"slices"
	"strings"

	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/window"
)

func (d *InboundShareStagingDetector) alert(ep *window.Episode[inboundKey, inboundAcc]) (stagewatch.Alert, bool) {
	acc := &ep.Acc
	var bytes int64
	for _, n := range acc.sizes {
		bytes += n
	}
	if ep.Distinct < d.p.MinFiles && (d.p.MinBytes == 0 || bytes < d.p.MinBytes) {
		return stagewatch.Alert{}, false
	}
	ev := acc.first
	tier, entry := d.staging.Match(ev.Host.OS, ep.Key.dir)
	if tier > d.p.MaxTier {
		tier, entry = 0, ""
	}
	sev, conf := stagewatch.SeverityMedium, stagewatch.ConfidenceMedium
	if tier == 1 {
		sev = stagewatch.SeverityHigh
	}
	admin := slices.ContainsFunc(acc.shares, func(s string) bool { return strings.HasSuffix(s, "$") })
	if admin {
		// Writing through C$ or ADMIN$ is how intruders push data to a
		// staging host; users save through named shares.
		conf = raise(conf)
	}
	if acc.inferred {
		conf = lower(conf)
	}
	folder := ev.File.Dir
	if folder != "" && !strings.HasSuffix(folder, `\`) && !strings.HasSuffix(folder, "/") {
		folder += string(ep.Key.dir[len(ep.Key.dir)-1])
	}
	who := ep.Key.source
	if len(acc.accounts) > 0 && acc.accounts[0] != who {
		who += " (" + strings.Join(acc.accounts, ", ") + ")"
	}
	summary := fmt.Sprintf("%s wrote %s (%s) into %s over %s %s", who, plural(ep.Distinct, "file", "files"),
		formatBytes(bytes), folder, strings.Join(acc.via, ", "), formatSpan(ep.Start, ep.Last))
	fields := map[string]any{
		"files":           ep.Distinct,
		"events":          ep.Matches,
		"bytes":           bytes,
		"source":          ep.Key.source,
		"accounts":        nonNil(acc.accounts),
		"shares":          nonNil(acc.shares),
		"admin_share":     admin,
		"via":             nonNil(acc.via),
		"source_inferred": acc.inferred,
		"folder":          folder,
		"staging_entry":   entry,
		"tier":            tier,
	}
	weigh(acc.sens.findings(d.sens), &sev, &conf, fields, &summary)
	user := ""
	if len(acc.accounts) > 0 {
		user = acc.accounts[0]
	}
	return stagewatch.Alert{
		ID:         stagewatch.AlertID("inbound-share-staging", joinKey(ep.Key.host, ep.Key.source, ep.Key.dir), ep.Start),
		Analytic:   "inbound-share-staging",
		Title:      "Files written into one folder over SMB or NFS by a remote source",
		Attack:     attackAN0194,
		Severity:   sev,
		Confidence: conf,
		Risk:       stagewatch.RiskScore(sev, conf),
		Host:       ep.Key.host,
		User:       user,
		Process:    procName(&ev.Proc),
		FirstSeen:  ep.Start,
		LastSeen:   ep.Last,
		Summary:    summary,
		Fields:     fields,
		Parameters: map[string]any{
			"min_files":        d.p.MinFiles,
			"min_bytes":        d.p.MinBytes,
			"window":           stagewatch.FormatDuration(d.p.Window),
			"episode_gap":      stagewatch.FormatDuration(d.p.EpisodeGap),
			"expected_sources": listParams(d.p.ExpectedSources),
			"require_staging":  d.p.RequireStaging,
		},
		Evidence: acc.evidence,
		Guide: stagewatch.Guide{
			Investigate: []string{
				"Identify the source host and account: is it a server or user that normally writes here (backups, roaming profiles)?",
				"On the source host, look for the collection that fed the transfer (copy commands, archives).",
				"List the folder and look for archiving or upload from this host afterwards.",
			},
			Respond: []string{
				"Preserve the folder; disable the account or block SMB from the source if the transfer is not expected.",
			},
			Benign: []string{
				"Backup servers, software deployment and profile or folder redirection writing in bulk (add them to expected_sources).",
				"Users saving many files to a departmental share.",
			},
		},
	}, true
}
