package analytic

import (
	"fmt"
	"slices"
	"strings"

	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/window"
)

func (d *RemoteToLocalCopyDetector) alert(ep *window.Episode[remoteCopyKey, remoteCopyAcc]) stagewatch.Alert {
	acc := &ep.Acc
	ev := acc.first
	sev, conf := stagewatch.SeverityHigh, stagewatch.ConfidenceMedium
	if acc.tier == 2 {
		sev, conf = stagewatch.SeverityMedium, stagewatch.ConfidenceLow
	}
	// An administrative share or a freshly mapped drive is how intruders
	// reach other hosts' data; recursion or wildcards make it bulk.
	if slices.ContainsFunc(acc.via, func(v string) bool { return v == "admin-share" || strings.HasPrefix(v, "mapped-drive") }) {
		conf = raise(conf)
	}
	if acc.recursive || acc.wildcard {
		conf = raise(conf)
	}
	var how []string
	if acc.recursive {
		how = append(how, "recursive")
	}
	if acc.wildcard {
		how = append(how, "wildcard")
	}
	what := strings.Join(acc.tools, ", ")
	if len(how) > 0 {
		what += "; " + strings.Join(how, ", ")
	}
	proc := procName(&ev.Proc)
	summary := fmt.Sprintf("%s (%s) ran %s (%s) from %s into %s %s", proc, userLabel(ev.User),
		plural(ep.Distinct, "copy command", "copy commands"), what, strings.Join(firstN(acc.remotes, 3), ", "),
		acc.dest, formatSpan(ep.Start, ep.Last))
	fields := map[string]any{
		"commands":       ep.Distinct,
		"events":         ep.Matches,
		"tools":          nonNil(acc.tools),
		"destination":    acc.dest,
		"remote_sources": nonNil(acc.remotes),
		"remote_hosts":   nonNil(acc.hosts),
		"via":            nonNil(acc.via),
		"recursive":      acc.recursive,
		"wildcard":       acc.wildcard,
		"staging_entry":  acc.entry,
		"tier":           acc.tier,
		"image":          ev.Proc.Image,
		"command_line":   ev.Proc.CommandLine,
		"parent":         ev.Proc.ParentName,
	}
	weigh(acc.sens.findings(d.sens), &sev, &conf, fields, &summary)
	return stagewatch.Alert{
		ID:         stagewatch.AlertID("remote-to-local-copy", joinKey(ep.Key.host, ep.Key.domain, ep.Key.user, ep.Key.dest), ep.Start),
		Analytic:   "remote-to-local-copy",
		Title:      "Copy from a remote share into a local staging folder",
		Attack:     attackAN0194,
		Severity:   sev,
		Confidence: conf,
		Risk:       stagewatch.RiskScore(sev, conf),
		Host:       ep.Key.host,
		User:       ev.User.String(),
		Process:    proc,
		FirstSeen:  ep.Start,
		LastSeen:   ep.Last,
		Summary:    summary,
		Fields:     fields,
		Parameters: map[string]any{
			"window":               stagewatch.FormatDuration(d.p.Window),
			"episode_gap":          stagewatch.FormatDuration(d.p.EpisodeGap),
			"max_tier":             d.p.MaxTier,
			"remote_path_patterns": listParams(d.p.RemotePathPatterns),
			"suppressions":         listParams(d.p.Suppressions),
		},
		Evidence: acc.evidence,
		Guide: stagewatch.Guide{
			Investigate: []string{
				"On the remote hosts named here, check the share access logs (Security 5140/5145) for the account and what it read.",
				"List the destination folder and look for a later archive or upload of it.",
				"Check how the drive was mapped (net use, New-PSDrive) and with which credentials.",
			},
			Respond: []string{
				"Preserve the destination folder; scope the account's access to the file servers and reset it if misused.",
			},
			Benign: []string{
				"Login scripts and deployment jobs copying packages from a software share into temp folders.",
				"Administrators pulling logs from servers into a local temp folder.",
			},
		},
	}
}
