package analytic

import (
	"fmt"

	"github.com/stagewatch/stagewatch"
)

// alert renders one share, copy or export. origin is the creation of the
// same resource seen within window, or nil.
func (d *CloudSnapshotStagingDetector) alert(ev *stagewatch.Event, origin *stagewatch.Event, f snapFinding, key string) stagewatch.Alert {
	c := &ev.Cloud
	conf := stagewatch.ConfidenceMedium
	if origin != nil && origin != ev {
		conf = stagewatch.ConfidenceHigh
	}
	resource := cmpOr(c.Resource, "an unnamed resource")
	target := f.target
	switch {
	case target == "all":
		target = "the public"
	case target == "sas":
		target = "a download URL"
	default:
		if r, ok := cutRegion(target); ok {
			target = "region " + r
		} else {
			target = "account " + target
		}
	}
	prep := "to"
	if f.how == "shared" {
		prep = "with"
	}
	summary := fmt.Sprintf("%s %s %s %s %s using %s", cmpOr(c.Principal, c.SourceIP, "unknown principal"), f.how, resource, prep, target, c.Action)
	created := ""
	var evidence []stagewatch.Evidence
	if origin != nil && origin != ev {
		created = origin.Time.UTC().Format("2006-01-02T15:04:05Z")
		summary += fmt.Sprintf(", %s after its creation with %s", ev.Time.Sub(origin.Time).Round(1e9), origin.Cloud.Action)
		evidence = addEvidence(evidence, d.limit, origin, origin.Cloud.Action+" "+resource)
	} else if ev.Kind != stagewatch.Snapshot {
		summary += "; no creation of it seen within window"
	}
	evidence = addEvidence(evidence, d.limit, ev, c.Action+" "+resource+" -> "+f.target)
	first := ev.Time
	if origin != nil {
		first = origin.Time
	}
	host := c.Provider + ":" + c.Account
	if c.Account == "" {
		host = c.Provider
	}
	return stagewatch.Alert{
		ID:         stagewatch.AlertID("cloud-snapshot-staging", key, ev.Time),
		Analytic:   "cloud-snapshot-staging",
		Title:      "Cloud snapshot or image shared, copied out or exported",
		Attack:     attackAN0198,
		Severity:   f.sev,
		Confidence: conf,
		Risk:       stagewatch.RiskScore(f.sev, conf),
		Host:       host,
		User:       c.Principal,
		Process:    cmpOr(c.UserAgent, c.Action),
		FirstSeen:  first,
		LastSeen:   ev.Time,
		Summary:    summary,
		Fields: map[string]any{
			"provider":       c.Provider,
			"account":        c.Account,
			"region":         c.Region,
			"resource":       c.Resource,
			"action":         c.Action,
			"how":            f.how,
			"target":         f.target,
			"principal":      c.Principal,
			"principal_type": c.PrincipalType,
			"source_ip":      c.SourceIP,
			"created":        created,
			"created_seen":   created != "",
			"public":         f.target == "all",
		},
		Parameters: map[string]any{
			"window":           stagewatch.FormatDuration(d.p.Window),
			"trusted_accounts": nonNil(listParams(d.p.TrustedAccounts)),
			"trusted_regions":  nonNil(listParams(d.p.TrustedRegions)),
		},
		Evidence: evidence,
		Guide: stagewatch.Guide{
			Investigate: []string{
				"Is the target account one of yours (add it to trusted_accounts), a partner's, or unknown? A public share is exposure by itself.",
				"Who made the call, from which IP and with which credentials? Was the snapshot created by the same principal just before?",
				"Look for volume or instance creation from the snapshot in the target account or region, and for the source disk's contents.",
			},
			Respond: []string{
				"Revoke the share (remove the create-volume or launch permission, reset the attribute, revoke the SAS access) and delete unexpected copies.",
				"Disable the principal's keys or sessions if the sharing is not expected.",
			},
			Benign: []string{
				"AWS Backup or Data Lifecycle Manager copying snapshots to a backup account (trusted_accounts, backup-service suppression).",
				"Disaster recovery copies to a standby region (trusted_regions); AMI sharing with your own organisation's accounts.",
			},
		},
	}
}

// cutRegion returns the region of a "region:NAME" target.
func cutRegion(target string) (string, bool) {
	const p = "region:"
	if len(target) > len(p) && target[:len(p)] == p {
		return target[len(p):], true
	}
	return "", false
}
