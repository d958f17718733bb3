package gcp

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/decode/timestamp"
)

// entry is a LogEntry with the AuditLog fields the decoder maps. Message
// is set instead when the entry is a Pub/Sub message carrying one.
type entry struct {
	LogName   string `json:"logName"`
	Timestamp string `json:"timestamp"`
	InsertID  string `json:"insertId"`
	Resource  struct {
		Type   string            `json:"type"`
		Labels map[string]string `json:"labels"`
	} `json:"resource"`
	ProtoPayload *auditLog `json:"protoPayload"`
	Message      *struct {
		Data string `json:"data"`
	} `json:"message"`
}

type auditLog struct {
	ServiceName        string `json:"serviceName"`
	MethodName         string `json:"methodName"`
	ResourceName       string `json:"resourceName"`
	AuthenticationInfo struct {
		PrincipalEmail   string `json:"principalEmail"`
		PrincipalSubject string `json:"principalSubject"`
	} `json:"authenticationInfo"`
	RequestMetadata struct {
		CallerIP                string `json:"callerIp"`
		CallerSuppliedUserAgent string `json:"callerSuppliedUserAgent"`
		RequestAttributes       struct {
			Time string `json:"time"`
		} `json:"requestAttributes"`
	} `json:"requestMetadata"`
	Status struct {
		Code    json.RawMessage `json:"code"`
		Message string          `json:"message"`
	} `json:"status"`
	ResourceLocation struct {
		CurrentLocations []string `json:"currentLocations"`
	} `json:"resourceLocation"`
	Request struct {
		Name       string `json:"name"`
		SourceDisk string `json:"sourceDisk"`
	} `json:"request"`
	ServiceData struct {
		PolicyDelta policyDelta `json:"policyDelta"`
	} `json:"serviceData"`
}

type policyDelta struct {
	BindingDeltas []struct {
		Action string `json:"action"`
		Role   string `json:"role"`
		Member string `json:"member"`
	} `json:"bindingDeltas"`
}

// Parse maps one LogEntry (or a Pub/Sub message holding one) to an event.
// On failure it returns a short reason for the run summary with the error.
// Origin is left for the caller, except RecordID.
func Parse(raw []byte) (*stagewatch.Event, string, error) {
	if len(raw) == 0 || raw[0] != '{' {
		return nil, "not an object", errors.New("record is not a JSON object")
	}
	for range 2 { // a message holds an entry, never another message
		var e entry
		if err := json.Unmarshal(raw, &e); err != nil {
			return nil, "bad record", err
		}
		if e.ProtoPayload != nil {
			if e.ProtoPayload.MethodName == "" {
				// Not an AuditLog: App Engine request logs and others
				// carry a protoPayload too.
				return nil, "not an audit log entry", errors.New(`protoPayload has no "methodName"`)
			}
			return mapEntry(&e)
		}
		if e.Message == nil || e.Message.Data == "" {
			break
		}
		data, err := decode64(e.Message.Data)
		if err != nil {
			return nil, "bad pubsub message", fmt.Errorf("message.data: %w", err)
		}
		raw = data
	}
	return nil, "not an audit log entry", errors.New(`entry has no "protoPayload"`)
}

// decode64 decodes Pub/Sub data, which is standard base64 but is seen
// without padding or in the URL alphabet.
func decode64(s string) ([]byte, error) {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			return b, nil
		}
	}
	return nil, errors.New("not base64")
}

// firstData returns the decoded value of the first "data" member in head,
// for sniffing Pub/Sub messages.
func firstData(head []byte) ([]byte, bool) {
	i := bytes.Index(head, []byte(`"data"`))
	if i < 0 {
		return nil, false
	}
	rest := bytes.TrimLeft(head[i+len(`"data"`):], " \t\r\n")
	if len(rest) == 0 || rest[0] != ':' {
		return nil, false
	}
	rest = bytes.TrimLeft(rest[1:], " \t\r\n")
	if len(rest) == 0 || rest[0] != '"' {
		return nil, false
	}
	end := bytes.IndexByte(rest[1:], '"')
	if end < 0 {
		return nil, false
	}
	s := rest[1 : 1+end]
	s = s[:len(s)/4*4] // head may cut the value; decode whole quanta
	b, err := base64.StdEncoding.DecodeString(string(s))
	if err != nil {
		b, err = base64.URLEncoding.DecodeString(string(s))
	}
	return b, err == nil
}

func mapEntry(e *entry) (*stagewatch.Event, string, error) {
	p := e.ProtoPayload
	ts := e.Timestamp
	if ts == "" {
		ts = p.RequestMetadata.RequestAttributes.Time
	}
	t, err := timestamp.Parse(ts)
	if err != nil {
		return nil, "bad timestamp", fmt.Errorf("timestamp: %w", err)
	}
	method := methodOf(p.MethodName)
	ev := &stagewatch.Event{Time: t, Kind: kindOf(method), Action: method}
	ev.Origin.RecordID = e.InsertID
	c := &ev.Cloud
	c.Provider = "gcp"
	c.Action = method
	c.Service, _, _ = strings.Cut(p.ServiceName, ".")
	labels := e.Resource.Labels
	c.Account = labels["project_id"]
	if c.Account == "" {
		c.Account = projectOf(e.LogName)
	}
	c.Region = first(labels["location"], labels["region"], regionOf(labels["zone"]))
	attr(ev, "zone", labels["zone"])
	if c.Region == "" && len(p.ResourceLocation.CurrentLocations) > 0 {
		c.Region = p.ResourceLocation.CurrentLocations[0]
	}
	c.Principal = first(p.AuthenticationInfo.PrincipalEmail, p.AuthenticationInfo.PrincipalSubject)
	switch {
	case strings.HasSuffix(c.Principal, ".gserviceaccount.com"):
		c.PrincipalType = "ServiceAccount"
	case c.Principal != "":
		c.PrincipalType = "User"
	}
	if ip, err := netip.ParseAddr(p.RequestMetadata.CallerIP); err == nil {
		c.SourceIP = ip.String()
	} else {
		attr(ev, "caller", p.RequestMetadata.CallerIP)
	}
	c.UserAgent = strings.TrimSuffix(p.RequestMetadata.CallerSuppliedUserAgent, ",gzip(gfe)")
	c.Error = statusName(p.Status.Code)
	attr(ev, "status_message", p.Status.Message)
	if p.MethodName != method {
		attr(ev, "method", p.MethodName)
	}
	if b, k, ok := objectOf(p.ResourceName); ok {
		c.Bucket, c.Key = b, k
	} else if c.Service == "storage" {
		c.Bucket = first(bucketOf(p.ResourceName), labels["bucket_name"])
	} else {
		c.Resource = p.ResourceName
	}
	if ev.Kind == stagewatch.Snapshot {
		attr(ev, "name", p.Request.Name)
		attr(ev, "source_disk", p.Request.SourceDisk)
	}
	c.Target = grantees(ev, &p.ServiceData.PolicyDelta)
	return ev, "", nil
}

func attr(ev *stagewatch.Event, k, v string) {
	if v == "" {
		return
	}
	if ev.Attrs == nil {
		ev.Attrs = make(map[string]string, 4)
	}
	ev.Attrs[k] = v
}

func first(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
