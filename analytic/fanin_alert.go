package analytic

import (
	"fmt"
	"strings"

	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/window"
)

func (d *FanInStagingDetector) alert(ep *window.Episode[fanInKey, fanInAcc]) stagewatch.Alert {
	acc := &ep.Acc
	ev := acc.first
	os := ev.Host.OS
	if os == stagewatch.OSUnknown && strings.IndexByte(ep.Key.dest, '\\') >= 0 {
		os = stagewatch.Windows
	}
	tier, entry := d.staging.For(os, ep.Key.dest).MatchAggregation(ep.Key.dest)
	// Severity follows the folder; confidence the number of source folders
	// beyond the threshold and how the sources were seen.
	sev, conf := stagewatch.SeverityMedium, stagewatch.ConfidenceMedium
	if tier == 1 {
		sev = stagewatch.SeverityHigh
	}
	if ep.Distinct >= 2*d.p.MinSourceDirs {
		conf = raise(conf)
	}
	if tier == 2 {
		conf = lower(conf)
	}
	attack := attackAN0724
	switch os {
	case stagewatch.Linux:
		attack.Analytic = "AN0725"
	case stagewatch.MacOS:
		attack.Analytic = "AN0726"
	}
	dest := originalFolder(ev, ep.Key.dest)
	count := plural(ep.Distinct, "source folder", "source folders")
	var parts []string
	if n := len(acc.files); n > 0 {
		parts = append(parts, plural(n, "file", "files"))
	}
	if n := len(acc.commands); n > 0 {
		parts = append(parts, plural(n, "copy command", "copy commands"))
	}
	shown := acc.sources
	if len(shown) > 5 {
		shown = shown[:5]
	}
	more := ""
	if ep.Distinct > len(shown) {
		more = ", ..."
	}
	summary := fmt.Sprintf("%s (%s) gathered files from %s (%s%s) into %s (%s) %s", procName(&ev.Proc), userLabel(ev.User),
		count, strings.Join(shown, ", "), more, dest, strings.Join(parts, ", "), formatSpan(ep.Start, ep.Last))
	fields := map[string]any{
		"source_dirs":    ep.Distinct,
		"sources":        nonNil(acc.sources),
		"files":          len(acc.files),
		"copy_commands":  len(acc.commands),
		"events":         ep.Matches,
		"via":            nonNil(acc.via),
		"destination":    dest,
		"staging_entry":  entry,
		"tier":           tier,
		"image":          ev.Proc.Image,
		"command_line":   ev.Proc.CommandLine,
		"parent":         ev.Proc.ParentName,
		"sources_capped": ep.Distinct > len(acc.sources),
	}
	weigh(acc.sens.findings(d.sens), &sev, &conf, fields, &summary)
	return stagewatch.Alert{
		ID:         stagewatch.AlertID("fan-in-staging", joinKey(ep.Key.host, ep.Key.actor, ep.Key.dest), ep.Start),
		Analytic:   "fan-in-staging",
		Title:      "Files from many folders gathered into one staging folder",
		Attack:     attack,
		Severity:   sev,
		Confidence: conf,
		Risk:       stagewatch.RiskScore(sev, conf),
		Host:       ep.Key.host,
		User:       ev.User.String(),
		Process:    procName(&ev.Proc),
		FirstSeen:  ep.Start,
		LastSeen:   ep.Last,
		Summary:    summary,
		Fields:     fields,
		Parameters: map[string]any{
			"min_source_dirs":   d.p.MinSourceDirs,
			"window":            stagewatch.FormatDuration(d.p.Window),
			"episode_gap":       stagewatch.FormatDuration(d.p.EpisodeGap),
			"read_write_window": stagewatch.FormatDuration(d.p.ReadWriteWindow),
			"max_tier":          d.p.MaxTier,
			"suppressions":      listParams(d.p.Suppressions),
		},
		Evidence: acc.evidence,
		Guide: stagewatch.Guide{
			Investigate: []string{
				"List the staging folder: which files came from which source folders, and are they documents, keys or databases?",
				"Look for archiving of the folder and for its upload or deletion afterwards.",
				"Check how the process was started (interactive shell, script, AppleScript, remote session).",
			},
			Respond: []string{
				"Preserve the folder and the command history; scope the account for the same pattern on other hosts.",
			},
			Benign: []string{
				"Users or scripts consolidating their own files; build and packaging steps collecting artifacts into temp folders.",
			},
		},
	}
}

// originalFolder returns the folder as the first event spelled it when it
// can (file events keep the original case in File.Dir), else the normalized
// key.
func originalFolder(ev *stagewatch.Event, norm string) string {
	if ev.File.Dir != "" && ev.File.NormDir == norm {
		sep := norm[len(norm)-1]
		return strings.TrimRight(ev.File.Dir, `\/`) + string(sep)
	}
	return norm
}
