package analytic

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/window"
)

// objBytes is what one key received: bytes of whole-object writes and of
// parts or blocks; the key counts max(whole, parts), so a multipart upload's
// parts and its completion are not added twice.
type objBytes struct {
	whole, parts int64
	object       bool
}

// bucketAcc accumulates one bucket's episode. Failed calls are counted in
// failed and kept as evidence but add no object, byte, source or principal.
type bucketAcc struct {
	first      *stagewatch.Event
	account    string // bucket owner account, when an event names it
	keys       map[uint64]objBytes
	sources    map[string]struct{}
	principals map[string]struct{}
	prefixes   map[string]int
	srcList    []string
	prinList   []string
	actions    []string
	instances  []string
	newPrins   []string
	crossAcct  []string
	failed     int
	evidence   []stagewatch.Evidence
}

const cloudListLimit = 10

func (acc *bucketAcc) add(m bucketMatch, limit int) {
	c := &m.ev.Cloud
	if acc.keys == nil {
		acc.keys = make(map[uint64]objBytes)
		acc.sources = make(map[string]struct{})
		acc.principals = make(map[string]struct{})
		acc.prefixes = make(map[string]int)
	}
	what := c.Action + " " + c.Key
	if m.failed {
		acc.failed++
		acc.evidence = addEvidence(acc.evidence, limit, m.ev, what+" (failed: "+c.Error+")")
		return
	}
	if acc.first == nil {
		acc.first = m.ev
	}
	if acc.account == "" {
		acc.account = c.Account
	}
	ob := acc.keys[m.id]
	if m.object {
		if !ob.object {
			acc.prefixes[keyPrefix(c.Key)]++
		}
		ob.object = true
		ob.whole = max(ob.whole, c.Bytes)
	} else {
		ob.parts += max(c.Bytes, 0)
	}
	acc.keys[m.id] = ob
	if m.source != "" {
		if _, ok := acc.sources[m.source]; !ok {
			acc.sources[m.source] = struct{}{}
			acc.srcList = addSorted(acc.srcList, m.source, cloudListLimit)
		}
	}
	if p := c.Principal; p != "" {
		if _, ok := acc.principals[p]; !ok {
			acc.principals[p] = struct{}{}
			acc.prinList = addSorted(acc.prinList, p, cloudListLimit)
			if pa := principalAccount(c); pa != "" && c.Account != "" && pa != c.Account {
				acc.crossAcct = addSorted(acc.crossAcct, p, cloudListLimit)
			}
		}
	}
	if m.newP {
		acc.newPrins = addSorted(acc.newPrins, cmpOr(c.Principal, c.SourceIP), cloudListLimit)
	}
	if isInstanceRole(c) {
		acc.instances = addSorted(acc.instances, m.source, cloudListLimit)
	}
	acc.actions = addSorted(acc.actions, c.Action, cloudListLimit)
	acc.evidence = addEvidence(acc.evidence, limit, m.ev, what)
}

// totals returns the objects made and the bytes written.
func (acc *bucketAcc) totals() (objects int, bytes int64) {
	for _, ob := range acc.keys {
		if ob.object {
			objects++
		}
		bytes += max(ob.whole, ob.parts)
	}
	return objects, bytes
}

// topPrefixes returns the most written key prefixes, most first, as
// "prefix (n)".
func (acc *bucketAcc) topPrefixes(n int) []string {
	type pc struct {
		p string
		n int
	}
	var all []pc
	for p, c := range acc.prefixes {
		all = append(all, pc{p, c})
	}
	slices.SortFunc(all, func(a, b pc) int { return cmp.Or(cmp.Compare(b.n, a.n), cmp.Compare(a.p, b.p)) })
	out := []string{}
	for _, x := range all[:min(n, len(all))] {
		out = append(out, fmt.Sprintf("%s (%d)", x.p, x.n))
	}
	return out
}

func (d *CloudBucketStagingDetector) alert(ep *window.Episode[bucketKey, bucketAcc]) (stagewatch.Alert, bool) {
	acc := &ep.Acc
	if acc.first == nil {
		return stagewatch.Alert{}, false // failed calls only
	}
	objects, bytes := acc.totals()
	read := ep.Key.read
	var why []string
	if read {
		if objects < d.p.ReadMinObjects {
			return stagewatch.Alert{}, false
		}
		why = append(why, "objects")
	} else {
		if d.p.MinSources > 0 && len(acc.sources) >= d.p.MinSources {
			why = append(why, "sources")
		}
		if d.p.MinObjects > 0 && objects >= d.p.MinObjects {
			why = append(why, "objects")
		}
		if d.p.MinBytes > 0 && bytes >= d.p.MinBytes {
			why = append(why, "bytes")
		}
		if len(why) == 0 {
			return stagewatch.Alert{}, false
		}
	}
	sev, conf := stagewatch.SeverityMedium, stagewatch.ConfidenceMedium
	if read {
		sev, conf = stagewatch.SeverityLow, stagewatch.ConfidenceLow
	} else if len(why) > 1 {
		// Many sources and bulk together: aggregation, not one busy writer.
		sev++
	}
	bucket := ep.Key.bucket
	name := bucket
	if ep.Key.provider == "azure" {
		_, name, _ = strings.Cut(bucket, "/")
	}
	pattern := matchGlob(d.patterns, name)
	random := d.p.RandomNames && randomName(name)
	if pattern != "" || random {
		sev++
	}
	if len(acc.crossAcct) > 0 {
		sev++
	}
	if len(acc.instances) > 0 && !read {
		conf = raise(conf) // AN0043: copies to buckets from instances
	}
	if len(acc.newPrins) > 0 {
		conf = raise(conf)
	}
	sev = min(sev, stagewatch.SeverityCritical)
	loc := cloudLocation(ep.Key.provider, bucket)
	verb, title := "written to", "Objects gathered into one cloud bucket from many sources or in bulk"
	if read {
		verb, title = "read from", "Objects read in bulk from one cloud bucket"
	}
	summary := fmt.Sprintf("%s (%s) %s %s from %s by %s %s", plural(objects, "object", "objects"), formatBytes(bytes), verb, loc,
		plural(len(acc.sources), "source", "sources"), plural(len(acc.principals), "principal", "principals"), formatSpan(ep.Start, ep.Last))
	var notes []string
	if pattern != "" {
		notes = append(notes, "bucket name matches "+pattern)
	} else if random {
		notes = append(notes, "random-looking bucket name")
	}
	if len(acc.instances) > 0 {
		notes = append(notes, "instance credentials: "+strings.Join(acc.instances, ", "))
	}
	if len(acc.newPrins) > 0 {
		notes = append(notes, "new to the bucket: "+strings.Join(acc.newPrins, ", "))
	}
	if len(acc.crossAcct) > 0 {
		notes = append(notes, "cross-account: "+strings.Join(acc.crossAcct, ", "))
	}
	if len(notes) > 0 {
		summary += "; " + strings.Join(notes, "; ")
	}
	direction := "write"
	if read {
		direction = "read"
	}
	fields := map[string]any{
		"direction":      direction,
		"provider":       ep.Key.provider,
		"bucket":         bucket,
		"account":        acc.account,
		"objects":        objects,
		"bytes":          bytes,
		"events":         ep.Matches - acc.failed,
		"failed":         acc.failed,
		"source_count":   len(acc.sources),
		"sources":        nonNil(acc.srcList),
		"principals":     nonNil(acc.prinList),
		"actions":        nonNil(acc.actions),
		"top_prefixes":   acc.topPrefixes(5),
		"thresholds_met": why,
		"bucket_pattern": pattern,
		"random_name":    random,
		"instance_roles": nonNil(acc.instances),
		"new_principals": nonNil(acc.newPrins),
		"cross_account":  nonNil(acc.crossAcct),
		"first_seen":     ep.Start.UTC().Format(time.RFC3339),
		"last_seen":      ep.Last.UTC().Format(time.RFC3339),
		"also":           "DET0014 AN0043",
	}
	user := ""
	if len(acc.prinList) > 0 {
		user = acc.prinList[0]
	}
	key := joinKey(ep.Key.provider, bucket, direction)
	return stagewatch.Alert{
		ID:         stagewatch.AlertID("cloud-bucket-staging", key, ep.Start),
		Analytic:   "cloud-bucket-staging",
		Title:      title,
		Attack:     attackAN0198,
		Severity:   sev,
		Confidence: conf,
		Risk:       stagewatch.RiskScore(sev, conf),
		Host:       loc,
		User:       user,
		Process:    cmpOr(acc.first.Cloud.UserAgent, acc.first.Cloud.Action),
		FirstSeen:  ep.Start,
		LastSeen:   ep.Last,
		Summary:    summary,
		Fields:     fields,
		Parameters: map[string]any{
			"transfer_window":  stagewatch.FormatDuration(d.p.TransferWindow),
			"episode_gap":      stagewatch.FormatDuration(d.p.EpisodeGap),
			"min_sources":      d.p.MinSources,
			"min_objects":      d.p.MinObjects,
			"min_bytes":        d.p.MinBytes,
			"read_min_objects": d.p.ReadMinObjects,
			"bucket_patterns":  listParams(d.p.BucketPatterns),
			"learning_period":  stagewatch.FormatDuration(d.p.LearningPeriod),
		},
		Evidence: acc.evidence,
		Guide: stagewatch.Guide{
			Investigate: []string{
				"Who owns the bucket and what is it for? Is it new, or outside the organisation's accounts?",
				"List the sources and principals: do these instances or roles normally write here, and what ran on them just before?",
				"Look for reads of the same objects from outside (GetObject from unknown IPs), sharing or public access changes on the bucket.",
			},
			Respond: []string{
				"Preserve the bucket's access logs and objects; block public access and revoke the principals' sessions if the transfer is not expected.",
			},
			Benign: []string{
				"Backup jobs, CI artifact uploads, log delivery and provider services (named suppressions: aws-service, log-delivery, backup-job, ci-artifacts).",
				"Fleets of application servers writing to a shared bucket: raise min_sources or suppress the role.",
			},
		},
	}, true
}
