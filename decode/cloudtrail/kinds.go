package cloudtrail

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/stagewatch/stagewatch"
)

// kindOf returns the kind of an API call by its name. The names are unique
// across the services that matter (S3, EC2, RDS), so the event source need
// not be consulted.
func kindOf(name string) stagewatch.Kind {
	switch name {
	case "PutObject", "CopyObject", "UploadPart", "UploadPartCopy",
		"CreateMultipartUpload", "CompleteMultipartUpload":
		return stagewatch.CloudWrite
	case "GetObject":
		return stagewatch.CloudRead
	case "CreateSnapshot", "CreateSnapshots", "CopySnapshot",
		"CreateImage", "CopyImage",
		"CreateDBSnapshot", "CreateDBClusterSnapshot", "CopyDBSnapshot", "CopyDBClusterSnapshot":
		return stagewatch.Snapshot
	}
	return stagewatch.CloudCall
}

// s3Request holds the S3 request parameters the mapping reads. S3 writes
// "key" and S3 on Outposts "Key": with a field for each, encoding/json
// matches each name exactly.
type s3Request struct {
	BucketName string `json:"bucketName"`
	KeyLower   string `json:"key"`
	KeyUpper   string `json:"Key"`
	CopySource string `json:"x-amz-copy-source"`
	UploadID   string `json:"uploadId"`
}

// s3Extra holds the byte counts of additionalEventData, written as 89 or
// 89.0.
type s3Extra struct {
	BytesIn  json.Number `json:"bytesTransferredIn"`
	BytesOut json.Number `json:"bytesTransferredOut"`
}

// mapS3 fills the bucket, key and bytes of an S3 call.
func mapS3(ev *stagewatch.Event, rawReq, rawExtra json.RawMessage) error {
	var req s3Request
	var extra s3Extra
	if len(rawReq) > 0 && rawReq[0] == '{' {
		if err := json.Unmarshal(rawReq, &req); err != nil {
			return fmt.Errorf("requestParameters: %w", err)
		}
	}
	if len(rawExtra) > 0 && rawExtra[0] == '{' {
		if err := json.Unmarshal(rawExtra, &extra); err != nil {
			return fmt.Errorf("additionalEventData: %w", err)
		}
	}
	c := &ev.Cloud
	c.Bucket = req.BucketName
	c.Key = first(req.KeyLower, req.KeyUpper)
	attr(ev, "copy_source", req.CopySource)
	attr(ev, "upload_id", req.UploadID)
	switch ev.Kind {
	case stagewatch.CloudWrite:
		c.Bytes = count(extra.BytesIn)
	case stagewatch.CloudRead:
		c.Bytes = count(extra.BytesOut)
	}
	return nil
}

// mapSnapshot fills the resource and the sharing or copy target of EC2 and
// RDS snapshot and image calls.
func mapSnapshot(ev *stagewatch.Event, region string, req, resp fields) {
	c := &ev.Cloud
	switch ev.Action {
	case "CreateSnapshot":
		c.Resource = first(str(resp, "snapshotId"), str(req, "volumeId"))
		if v := str(req, "volumeId"); v != "" {
			attr(ev, "volume", v)
		}
	case "CreateSnapshots":
		var ids []string
		for _, it := range items(resp.sub("snapshotSet")) {
			if id := str(it, "snapshotId"); id != "" {
				ids = append(ids, id)
			}
		}
		c.Resource = strings.Join(ids, ",")
		attr(ev, "instance", str(req.sub("CreateSnapshotsRequest").sub("InstanceSpecification"), "InstanceId"))
	case "CopySnapshot", "CopyImage":
		c.Resource = first(str(resp, "snapshotId"), str(resp, "imageId"))
		attr(ev, "copy_of", first(str(req, "sourceSnapshotId"), str(req, "sourceImageId")))
		c.Target = crossRegion(region, first(str(req, "sourceRegion"), str(req, "SourceRegion")),
			first(str(req, "destinationRegion"), str(req, "DestinationRegion")))
	case "CreateImage":
		c.Resource = str(resp, "imageId")
		if v := str(req, "instanceId"); v != "" {
			attr(ev, "instance", v)
		}
	case "ModifySnapshotAttribute":
		c.Resource = str(req, "snapshotId")
		c.Target = shared(ev, req, "createVolumePermission")
	case "ModifyImageAttribute":
		c.Resource = str(req, "imageId")
		c.Target = shared(ev, req, "launchPermission")
	case "CreateDBSnapshot", "CopyDBSnapshot", "ModifyDBSnapshotAttribute":
		c.Resource = first(str(resp, "dBSnapshotArn"), str(req, "targetDBSnapshotIdentifier"), str(req, "dBSnapshotIdentifier"))
	case "CreateDBClusterSnapshot", "CopyDBClusterSnapshot", "ModifyDBClusterSnapshotAttribute":
		c.Resource = first(str(resp, "dBClusterSnapshotArn"), str(req, "targetDBClusterSnapshotIdentifier"), str(req, "dBClusterSnapshotIdentifier"))
	}
	if c.Resource == "" {
		c.Resource = first(str(req, "snapshotId"), str(req, "imageId"), str(req, "dBSnapshotIdentifier"),
			str(req, "dBClusterSnapshotIdentifier"), str(req, "volumeId"))
	}
	switch ev.Action {
	case "CopyDBSnapshot", "CopyDBClusterSnapshot":
		c.Target = crossRegion(region, str(req, "sourceRegion"), "")
	case "ModifyDBSnapshotAttribute", "ModifyDBClusterSnapshotAttribute":
		if str(req, "attributeName") == "restore" {
			c.Target = strings.Join(strs(req["valuesToAdd"]), ",")
			if rm := strs(req["valuesToRemove"]); len(rm) > 0 {
				attr(ev, "removed", strings.Join(rm, ","))
			}
		}
	}
}

// shared returns who a Modify*Attribute call granted access to: account
// ids and "all" for public, joined by commas. Removals go to Attrs.
func shared(ev *stagewatch.Event, req fields, perm string) string {
	p := req.sub(perm)
	grantees := func(op string) []string {
		var out []string
		for _, it := range items(p.sub(op)) {
			if g := str(it, "group"); g != "" {
				out = append(out, g)
			} else if u := str(it, "userId"); u != "" {
				out = append(out, u)
			}
		}
		return out
	}
	if rm := grantees("remove"); len(rm) > 0 {
		attr(ev, "removed", strings.Join(rm, ","))
	}
	return strings.Join(grantees("add"), ",")
}

// crossRegion returns "region:<destination>" when a copy leaves its source
// region. CloudTrail logs a copy in the destination region, so that is the
// default destination.
func crossRegion(region, src, dst string) string {
	if dst == "" {
		dst = region
	}
	if src == "" || dst == "" || src == dst {
		return ""
	}
	return "region:" + dst
}

// fields is a JSON object with its members left raw: keys match exactly
// and only the members the mapping reads are decoded.
type fields map[string]json.RawMessage

// sub returns the object member k.
func (m fields) sub(k string) fields {
	o, _ := object(m[k])
	return o
}

// items returns the objects of m["items"], the EC2 list shape.
func items(m fields) []fields {
	var list []json.RawMessage
	if json.Unmarshal(m["items"], &list) != nil {
		return nil
	}
	var out []fields
	for _, v := range list {
		if o, _ := object(v); o != nil {
			out = append(out, o)
		}
	}
	return out
}

func str(m fields, k string) string {
	raw := m[k]
	if len(raw) == 0 || raw[0] != '"' {
		return ""
	}
	var s string
	json.Unmarshal(raw, &s)
	return s
}

// strs returns the strings of a JSON array (or a lone string).
func strs(raw json.RawMessage) []string {
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return []string{one}
	}
	var list []json.RawMessage
	json.Unmarshal(raw, &list)
	var out []string
	for _, e := range list {
		if json.Unmarshal(e, &one) == nil {
			out = append(out, one)
		}
	}
	return out
}

// count returns a byte count written as 89 or 89.0; anything else is 0.
func count(n json.Number) int64 {
	if i, err := n.Int64(); err == nil && i > 0 {
		return i
	}
	f, err := n.Float64()
	if err != nil || f < 0 || f > 1<<62 {
		return 0
	}
	return int64(f)
}

func first(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
