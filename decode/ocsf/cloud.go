package ocsf

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/stagewatch/stagewatch"
)

// cloudKind returns the kind of a cloud API operation by the event
// contract: object writes, object reads, snapshot and image creation,
// everything else a control-plane call.
func cloudKind(op string) stagewatch.Kind {
	switch op {
	case "PutObject", "CopyObject", "UploadPart", "UploadPartCopy", "CreateMultipartUpload", "CompleteMultipartUpload",
		"PostObject", "storage.objects.create", "storage.objects.rewrite", "storage.objects.compose",
		"PutBlob", "PutBlock", "PutBlockList", "CopyBlob", "AppendBlock", "PutBlockFromURL", "PutPage", "CopyBlobFromURL":
		return stagewatch.CloudWrite
	case "GetObject", "storage.objects.get", "GetBlob":
		return stagewatch.CloudRead
	case "CreateSnapshot", "CreateSnapshots", "CreateDBSnapshot", "CreateDBClusterSnapshot", "CreateImage",
		"CopySnapshot", "CopyImage", "CopyDBSnapshot", "CopyDBClusterSnapshot",
		"compute.snapshots.insert", "compute.disks.createSnapshot", "compute.images.insert",
		"Microsoft.Compute/snapshots/write":
		return stagewatch.Snapshot
	}
	return stagewatch.CloudCall
}

// provider normalizes cloud.provider to aws, gcp or azure (else lower case).
func provider(p string) string {
	switch l := strings.ToLower(strings.TrimSpace(p)); l {
	case "aws", "amazon", "amazon web services":
		return "aws"
	case "gcp", "google", "google cloud", "google cloud platform":
		return "gcp"
	case "azure", "microsoft azure", "microsoft":
		return "azure"
	default:
		return l
	}
}

// service shortens api.service.name: s3.amazonaws.com -> s3,
// storage.googleapis.com -> storage.
func service(name string) string {
	name = strings.ToLower(name)
	for _, suf := range []string{".amazonaws.com", ".googleapis.com", ".azure.com"} {
		if s, ok := strings.CutSuffix(name, suf); ok {
			return s
		}
	}
	return name
}

// mapCloud fills ev from an API Activity record.
func mapCloud(r *record, ev *stagewatch.Event) {
	c := &ev.Cloud
	u := &r.Actor.User
	c.Provider = provider(r.Cloud.Provider)
	c.Region = r.Cloud.Region
	c.Account = first(r.Cloud.Account.UID, r.Cloud.ProjectID, r.Unmapped.RecipientAccountID, u.Account.UID)
	c.Service = service(r.API.Service.Name)
	c.Action = r.API.Operation
	ev.Action = c.Action
	ev.Kind = cloudKind(c.Action)
	c.Principal = first(u.UID, u.Email, u.Name)
	c.PrincipalType = u.Type
	c.SourceIP = r.SrcEndpoint.IP
	c.UserAgent = r.HTTPRequest.UserAgent
	c.Error = cloudError(r)
	// CloudTrail's own request and response, as OCSF keeps them in
	// unmapped: decoded only for the calls whose fields the contract uses.
	var req, resp, extra map[string]any
	if ev.Kind != stagewatch.CloudCall || isShare(c.Action) {
		req, resp, extra = object(r.Unmapped.RequestParameters), object(r.Unmapped.ResponseElements), object(r.Unmapped.AdditionalEventData)
	}
	c.Bucket, c.Key = str(req, "bucketName"), str(req, "key")
	for _, res := range r.Resources {
		t := strings.ToLower(res.Type)
		id := first(res.UID, res.Name)
		switch {
		case strings.HasPrefix(id, "arn:aws:s3:::"):
			b, k, _ := strings.Cut(strings.TrimPrefix(id, "arn:aws:s3:::"), "/")
			c.Bucket = first(c.Bucket, b)
			c.Key = first(c.Key, k)
		case strings.HasPrefix(id, "projects/_/buckets/"):
			b, k, _ := strings.Cut(strings.TrimPrefix(id, "projects/_/buckets/"), "/objects/")
			c.Bucket = first(c.Bucket, b)
			c.Key = first(c.Key, k)
		case strings.Contains(t, "bucket"):
			c.Bucket = first(c.Bucket, id)
		case strings.Contains(t, "snapshot"), strings.Contains(t, "image"), strings.Contains(t, "disk"):
			c.Resource = first(c.Resource, id)
		}
	}
	if strings.HasPrefix(c.Action, "Copy") && ev.Kind == stagewatch.Snapshot {
		c.Resource = first(str(req, "sourceSnapshotId"), str(req, "sourceImageId"), str(req, "sourceDBSnapshotIdentifier"), c.Resource)
		if src := str(req, "sourceRegion"); src != "" && src != c.Region && c.Region != "" {
			c.Target = "region:" + c.Region
		}
	}
	c.Resource = first(c.Resource, str(resp, "snapshotId"), str(resp, "imageId"), str(req, "snapshotId"), str(req, "imageId"),
		str(req, "dBSnapshotIdentifier"), str(req, "dBClusterSnapshotIdentifier"))
	if c.Target == "" {
		c.Target = shareTarget(req)
	}
	if ev.Kind == stagewatch.CloudWrite || ev.Kind == stagewatch.CloudRead {
		if ad, ok := extra["bytesTransferredIn"]; ok && ev.Kind == stagewatch.CloudWrite {
			c.Bytes = num(ad)
		} else if ad, ok := extra["bytesTransferredOut"]; ok && ev.Kind == stagewatch.CloudRead {
			c.Bytes = num(ad)
		}
	}
	c.Instance = first(r.SrcEndpoint.InstanceUID, r.Device.InstanceUID, instanceSession(c.Principal))
	if c.Instance != "" {
		ev.Host.Name = c.Instance
	}
}

// isShare reports whether a control-plane call may share or export a
// snapshot, image or disk, so its request is worth decoding.
func isShare(action string) bool {
	return strings.HasPrefix(action, "Modify") && strings.HasSuffix(action, "Attribute") ||
		strings.Contains(action, "etIamPolicy") || strings.Contains(action, "beginGetAccess")
}

// object decodes a JSON object, or returns nil.
func object(raw json.RawMessage) map[string]any {
	if len(raw) == 0 || raw[0] != '{' {
		return nil
	}
	var m map[string]any
	if json.Unmarshal(raw, &m) != nil {
		return nil
	}
	return m
}

// cloudError is the error code of a failed call: api.response.error, the
// CloudTrail errorCode, or the status code of a Failure status.
func cloudError(r *record) string {
	if e := strings.TrimSpace(string(r.API.Response.Error)); e != "" && e != "null" {
		var s string
		if json.Unmarshal(r.API.Response.Error, &s) == nil {
			if s != "" {
				return s
			}
		} else {
			return e
		}
	}
	if r.Unmapped.ErrorCode != "" {
		return r.Unmapped.ErrorCode
	}
	if r.StatusID != nil && *r.StatusID == 2 {
		return first(r.StatusCode, r.Status, "Failure")
	}
	return ""
}

// shareTarget reads who a snapshot, image or DB snapshot attribute change
// adds: an account id, or "all" for public.
func shareTarget(req map[string]any) string {
	for _, attr := range []string{"createVolumePermission", "launchPermission"} {
		perm, _ := req[attr].(map[string]any)
		add, _ := perm["add"].(map[string]any)
		items, _ := add["items"].([]any)
		for _, it := range items {
			m, _ := it.(map[string]any)
			if g := str(m, "group"); g != "" {
				return g
			}
			if id := first(str(m, "userId"), str(m, "organizationArn"), str(m, "organizationalUnitArn")); id != "" {
				return id
			}
		}
	}
	if vals, ok := req["valuesToAdd"].([]any); ok && len(vals) > 0 {
		s, _ := vals[0].(string)
		return s
	}
	return ""
}

// instanceSession returns the EC2 instance id naming an assumed-role
// session (arn:aws:sts::1:assumed-role/Role/i-0abc), or "".
func instanceSession(principal string) string {
	if !strings.Contains(principal, ":assumed-role/") {
		return ""
	}
	s := principal[strings.LastIndexByte(principal, '/')+1:]
	if len(s) > 2 && strings.HasPrefix(s, "i-") {
		return s
	}
	return ""
}

func str(m map[string]any, k string) string {
	s, _ := m[k].(string)
	return s
}

func num(v any) int64 {
	switch x := v.(type) {
	case float64:
		if x > 0 {
			return int64(x)
		}
	case string:
		n, _ := strconv.ParseInt(x, 10, 64)
		return max(n, 0)
	}
	return 0
}

func first(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}
