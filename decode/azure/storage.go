package azure

import (
	"encoding/json"
	"net/url"
	"strconv"
	"strings"

	"github.com/stagewatch/stagewatch"
)

// storageIdentity is the identity member of a Storage resource log.
type storageIdentity struct {
	Type          string `json:"type"`
	TokenHash     string `json:"tokenHash"`
	Authorization []struct {
		Principals []struct {
			ID   string `json:"id"`
			Type string `json:"type"`
		} `json:"principals"`
	} `json:"authorization"`
	Requester struct {
		AppID    string `json:"appId"`
		ObjectID string `json:"objectId"`
		UPN      string `json:"upn"`
	} `json:"requester"`
}

// storageProperties is the properties member of a Storage resource log.
type storageProperties struct {
	AccountName      string          `json:"accountName"`
	ObjectKey        string          `json:"objectKey"`
	UserAgentHeader  string          `json:"userAgentHeader"`
	ServiceType      string          `json:"serviceType"`
	RequestBodySize  json.RawMessage `json:"requestBodySize"`
	ResponseBodySize json.RawMessage `json:"responseBodySize"`
}

// storageKind returns the kind of a blob operation.
func storageKind(op string) stagewatch.Kind {
	switch op {
	case "PutBlob", "PutBlock", "PutBlockList", "PutBlockFromURL", "CopyBlob", "CopyBlobFromURL",
		"AppendBlock", "AppendBlockFromURL", "PutPage", "PutPageFromURL":
		return stagewatch.CloudWrite
	case "GetBlob":
		return stagewatch.CloudRead
	}
	return stagewatch.CloudCall
}

// storage maps a Storage resource log record or a StorageBlobLogs row.
func storage(ev *stagewatch.Event, r *record, op, resID string) error {
	var id storageIdentity
	var props storageProperties
	if len(r.Identity) > 0 && r.Identity[0] == '{' {
		if err := json.Unmarshal(r.Identity, &id); err != nil {
			return err
		}
	}
	if len(r.Properties) > 0 && r.Properties[0] == '{' {
		if err := json.Unmarshal(r.Properties, &props); err != nil {
			return err
		}
	}
	ev.Kind = storageKind(op)
	c := &ev.Cloud
	c.Action = op
	c.Service = first(props.ServiceType, "blob")
	account := first(props.AccountName, r.AccountName, segmentAfter(resID, "storageAccounts"))
	container, blob := objectOf(first(props.ObjectKey, r.ObjectKey), account)
	if container == "" {
		container, blob = uriObject(r.URI)
	}
	if container != "" {
		c.Bucket = account + "/" + container
	}
	c.Key = blob
	c.UserAgent = first(props.UserAgentHeader, r.UserAgentHeader)

	authType := first(id.Type, r.AuthenticationType)
	attr(ev, "auth", authType)
	c.Principal = first(id.Requester.UPN, r.RequesterUpn, id.Requester.ObjectID, r.RequesterObjectID)
	switch {
	case len(id.Authorization) > 0 && len(id.Authorization[0].Principals) > 0:
		p := id.Authorization[0].Principals[0]
		c.Principal = first(c.Principal, p.ID)
		c.PrincipalType = p.Type
	case c.Principal != "":
		c.PrincipalType = "User"
		if first(id.Requester.UPN, r.RequesterUpn) == "" && first(id.Requester.AppID, r.RequesterAppID) != "" {
			c.PrincipalType = "ServicePrincipal"
		}
	default:
		// SAS, account key or anonymous: the key or token hash is all
		// that names the caller.
		c.Principal = first(id.TokenHash, r.AuthenticationHash)
		c.PrincipalType = authType
	}

	code := strings.Trim(string(r.StatusCode), `"`)
	attr(ev, "status", code)
	if n, err := strconv.Atoi(code); err == nil && n >= 400 {
		c.Error = first(r.StatusText, code)
	}
	switch ev.Kind {
	case stagewatch.CloudWrite:
		c.Bytes = size(props.RequestBodySize, r.RequestBodySize)
	case stagewatch.CloudRead:
		c.Bytes = size(props.ResponseBodySize, r.ResponseBodySize)
	}
	return nil
}

// objectOf splits an object key "/account/container/blob" (URL-encoded)
// into container and blob.
func objectOf(key, account string) (container, blob string) {
	if key == "" {
		return "", ""
	}
	if u, err := url.PathUnescape(key); err == nil {
		key = u
	}
	key = strings.TrimPrefix(key, "/")
	if a, rest, ok := strings.Cut(key, "/"); ok && (account == "" || strings.EqualFold(a, account)) {
		key = rest
	}
	container, blob, _ = strings.Cut(key, "/")
	return container, blob
}

// uriObject returns the container and blob of a request URI.
func uriObject(uri string) (container, blob string) {
	u, err := url.Parse(uri)
	if err != nil {
		return "", ""
	}
	container, blob, _ = strings.Cut(strings.TrimPrefix(u.Path, "/"), "/")
	return container, blob
}

// size returns the first byte count given, written as a number or a
// string.
func size(raws ...json.RawMessage) int64 {
	for _, raw := range raws {
		s := strings.Trim(string(raw), `"`)
		if n, err := strconv.ParseInt(s, 10, 64); err == nil && n > 0 {
			return n
		}
		if f, err := strconv.ParseFloat(s, 64); err == nil && f > 0 && f < 1<<62 {
			return int64(f)
		}
	}
	return 0
}
