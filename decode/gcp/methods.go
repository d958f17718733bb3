package gcp

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/stagewatch/stagewatch"
)

// methodOf strips the API version Compute Engine puts before its method
// names: "v1.compute.snapshots.insert" is "compute.snapshots.insert".
func methodOf(m string) string {
	for _, v := range []string{"v1.", "beta.", "alpha."} {
		if strings.HasPrefix(m, v) {
			return m[len(v):]
		}
	}
	return m
}

// kindOf returns the kind of an audit-logged method.
func kindOf(method string) stagewatch.Kind {
	switch method {
	case "storage.objects.create", "storage.objects.rewrite", "storage.objects.compose":
		return stagewatch.CloudWrite
	case "storage.objects.get":
		return stagewatch.CloudRead
	case "compute.snapshots.insert", "compute.disks.createSnapshot", "compute.regionDisks.createSnapshot",
		"compute.images.insert", "compute.machineImages.insert":
		return stagewatch.Snapshot
	}
	return stagewatch.CloudCall
}

// objectOf splits "projects/_/buckets/B/objects/K" into B and K; object
// names may hold slashes.
func objectOf(name string) (bucket, key string, ok bool) {
	rest, ok := strings.CutPrefix(name, "projects/_/buckets/")
	if !ok {
		return "", "", false
	}
	bucket, key, ok = strings.Cut(rest, "/objects/")
	return bucket, key, ok
}

// bucketOf returns B of "projects/_/buckets/B".
func bucketOf(name string) string {
	b, _ := strings.CutPrefix(name, "projects/_/buckets/")
	if b == name {
		return ""
	}
	return b
}

// projectOf returns P of "projects/P/logs/...".
func projectOf(logName string) string {
	rest, ok := strings.CutPrefix(logName, "projects/")
	if !ok {
		return ""
	}
	p, _, _ := strings.Cut(rest, "/")
	return p
}

// regionOf returns the region of a zone: "us-central1-a" is in
// "us-central1".
func regionOf(zone string) string {
	if i := strings.LastIndexByte(zone, '-'); i > 0 && len(zone)-i == 2 {
		return zone[:i]
	}
	return zone
}

// codes are the google.rpc.Code names, by number.
var codes = [...]string{
	"", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
	"ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
	"ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS",
	"UNAUTHENTICATED",
}

// statusName returns the name of a status code written as 7 or "7"; 0 and
// a missing code mean success and give "".
func statusName(raw json.RawMessage) string {
	s := strings.Trim(string(raw), `"`)
	if s == "" || s == "0" || s == "null" {
		return ""
	}
	if n, err := strconv.Atoi(s); err == nil && n > 0 && n < len(codes) {
		return codes[n]
	}
	return s
}

// grantees returns the members an IAM policy change added: "all" for
// allUsers or allAuthenticatedUsers, else the members joined by commas.
func grantees(ev *stagewatch.Event, d *policyDelta) string {
	var added []string
	public := false
	for _, b := range d.BindingDeltas {
		if b.Action != "ADD" {
			continue
		}
		switch b.Member {
		case "allUsers", "allAuthenticatedUsers":
			public = true
		default:
			added = append(added, b.Member)
		}
	}
	if len(added) > 0 {
		attr(ev, "members_added", strings.Join(added, ","))
	}
	if public {
		return "all"
	}
	return strings.Join(added, ",")
}
