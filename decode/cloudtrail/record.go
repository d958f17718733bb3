package cloudtrail

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/decode/timestamp"
)

// record holds the CloudTrail fields the decoder maps. The free-form
// members stay raw and are decoded into maps only when the event needs
// them, with exact key matching (S3 "key" and S3 on Outposts "Key" differ
// only by case).
type record struct {
	UserIdentity        identity        `json:"userIdentity"`
	EventTime           string          `json:"eventTime"`
	LogstashTime        string          `json:"@timestamp"`
	EventSource         string          `json:"eventSource"`
	EventName           string          `json:"eventName"`
	AWSRegion           string          `json:"awsRegion"`
	SourceIPAddress     string          `json:"sourceIPAddress"`
	UserAgent           string          `json:"userAgent"`
	ErrorCode           string          `json:"errorCode"`
	ErrorMessage        string          `json:"errorMessage"`
	RequestParameters   json.RawMessage `json:"requestParameters"`
	ResponseElements    json.RawMessage `json:"responseElements"`
	AdditionalEventData json.RawMessage `json:"additionalEventData"`
	EventID             string          `json:"eventID"`
	RecipientAccountID  string          `json:"recipientAccountId"`
	Resources           []resource      `json:"resources"`
}

type identity struct {
	Type           string  `json:"type"`
	PrincipalID    string  `json:"principalId"`
	ARN            string  `json:"arn"`
	AccountID      string  `json:"accountId"`
	InvokedBy      string  `json:"invokedBy"`
	SessionContext session `json:"sessionContext"`
}

type session struct {
	SessionIssuer struct {
		ARN string `json:"arn"`
	} `json:"sessionIssuer"`
	EC2RoleDelivery string `json:"ec2RoleDelivery"`
}

type resource struct {
	ARN  string `json:"ARN"`
	Type string `json:"type"`
}

// wrapper holds the members of the shapes that carry a record inside
// another object.
type wrapper struct {
	DetailType      string          `json:"detail-type"`
	Detail          json.RawMessage `json:"detail"`
	CloudTrailEvent *string         `json:"CloudTrailEvent"`
	DigestStartTime *string         `json:"digestStartTime"`
}

// Parse maps one CloudTrail record (or an EventBridge event or a
// LookupEvents entry holding one) to an event. On failure it returns a
// short reason for the run summary with the error. Origin is left for the
// caller, except RecordID.
func Parse(raw []byte) (*stagewatch.Event, string, error) {
	if len(raw) == 0 || raw[0] != '{' {
		return nil, "not an object", errors.New("record is not a JSON object")
	}
	raw, reason, err := unwrap(raw)
	if err != nil {
		return nil, reason, err
	}
	var r record
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, "bad record", err
	}
	if r.EventName == "" {
		return nil, "not a cloudtrail record", errors.New(`record has no "eventName"`)
	}
	ts := r.EventTime
	if ts == "" {
		ts = r.LogstashTime
	}
	t, err := timestamp.Parse(ts)
	if err != nil {
		return nil, "bad timestamp", fmt.Errorf("eventTime: %w", err)
	}
	ev := &stagewatch.Event{Time: t, Kind: kindOf(r.EventName), Action: r.EventName}
	ev.Origin.RecordID = r.EventID
	c := &ev.Cloud
	c.Provider = "aws"
	c.Account = r.RecipientAccountID
	if c.Account == "" {
		c.Account = r.UserIdentity.AccountID
	}
	c.Region = r.AWSRegion
	c.Service = service(r.EventSource)
	c.Action = r.EventName
	c.UserAgent = r.UserAgent
	c.Error = r.ErrorCode
	setPrincipal(ev, &r.UserIdentity)
	if ip, err := netip.ParseAddr(r.SourceIPAddress); err == nil {
		c.SourceIP = ip.String()
	} else if r.SourceIPAddress != "" {
		attr(ev, "source", r.SourceIPAddress)
	}
	if r.ErrorMessage != "" {
		attr(ev, "error_message", r.ErrorMessage)
	}
	if c.Service == "s3" && r.EventSource != "s3.amazonaws.com" {
		attr(ev, "event_source", r.EventSource)
	}
	switch c.Service {
	case "s3":
		if err := mapS3(ev, r.RequestParameters, r.AdditionalEventData); err != nil {
			return nil, "bad record", err
		}
	case "ec2", "rds":
		req, err := object(r.RequestParameters)
		if err != nil {
			return nil, "bad record", fmt.Errorf("requestParameters: %w", err)
		}
		resp, err := object(r.ResponseElements)
		if err != nil {
			return nil, "bad record", fmt.Errorf("responseElements: %w", err)
		}
		mapSnapshot(ev, r.AWSRegion, req, resp)
	}
	if c.Resource == "" && c.Bucket == "" && len(r.Resources) > 0 {
		c.Resource = r.Resources[0].ARN
	}
	return ev, "", nil
}

// unwrap returns the CloudTrail record inside an EventBridge event or a
// LookupEvents entry, or raw itself.
func unwrap(raw []byte) ([]byte, string, error) {
	if !bytes.Contains(raw, []byte(`"detail-type"`)) &&
		!bytes.Contains(raw, []byte(`"CloudTrailEvent"`)) &&
		!bytes.Contains(raw, []byte(`"digestStartTime"`)) {
		return raw, "", nil
	}
	var w wrapper
	if err := json.Unmarshal(raw, &w); err != nil {
		return nil, "bad record", err
	}
	switch {
	case w.DigestStartTime != nil:
		return nil, "cloudtrail digest file", errors.New("cloudtrail digest file (integrity hashes, no events): skipped")
	case w.CloudTrailEvent != nil:
		return []byte(*w.CloudTrailEvent), "", nil
	case len(w.Detail) > 0 && w.DetailType != "":
		return w.Detail, "", nil
	}
	return raw, "", nil
}

// object decodes a free-form member, leaving its values raw (numbers
// stay exact). JSON null and a missing member give a nil map.
func object(raw json.RawMessage) (fields, error) {
	if len(raw) == 0 || raw[0] != '{' {
		return nil, nil
	}
	var m fields
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, err
	}
	return m, nil
}

// service returns the short service name of an event source:
// "s3.amazonaws.com" gives "s3"; S3 on Outposts is "s3" too.
func service(src string) string {
	s, _, _ := strings.Cut(src, ".")
	if s == "s3-outposts" {
		return "s3"
	}
	return s
}

// setPrincipal fills the principal, its type and, for an EC2 instance
// profile session, the instance.
func setPrincipal(ev *stagewatch.Event, id *identity) {
	c := &ev.Cloud
	c.PrincipalType = id.Type
	switch id.Type {
	case "AWSService":
		c.Principal = id.InvokedBy
	case "AWSAccount":
		c.Principal = id.AccountID
		if c.Principal == "" {
			c.Principal = id.PrincipalID
		}
	default:
		c.Principal = id.ARN
	}
	if c.Principal == "" {
		c.Principal = id.PrincipalID
	}
	if id.Type != "AssumedRole" {
		return
	}
	if role := id.SessionContext.SessionIssuer.ARN; role != "" {
		attr(ev, "role", role)
	}
	name := sessionName(id)
	if isInstanceID(name) {
		c.Instance = name
		ev.Host.Name = name
	}
}

// sessionName returns the role session name: the part of principalId after
// the colon, or the last element of the session ARN.
func sessionName(id *identity) string {
	if _, s, ok := strings.Cut(id.PrincipalID, ":"); ok {
		return s
	}
	if i := strings.LastIndexByte(id.ARN, '/'); i >= 0 && strings.Contains(id.ARN, ":assumed-role/") {
		return id.ARN[i+1:]
	}
	return ""
}

// isInstanceID reports whether s is an EC2 instance id: "i-" and 8 or 17
// hex digits.
func isInstanceID(s string) bool {
	if len(s) != 10 && len(s) != 19 || !strings.HasPrefix(s, "i-") {
		return false
	}
	for _, c := range s[2:] {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// attr sets a display attribute; empty values are left out.
func attr(ev *stagewatch.Event, k, v string) {
	if v == "" {
		return
	}
	if ev.Attrs == nil {
		ev.Attrs = make(map[string]string, 4)
	}
	ev.Attrs[k] = v
}
