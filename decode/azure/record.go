package azure

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/decode/timestamp"
)

// record holds the members of both log shapes. encoding/json matches
// names without regard to case, which is what the Log Analytics columns
// (OperationName, CallerIpAddress, Uri, Category...) need: they are the
// resource log members capitalised.
type record struct {
	Time          string          `json:"time"`
	TimeGenerated string          `json:"TimeGenerated"`
	ResourceID    string          `json:"resourceId"`
	TableResource string          `json:"_ResourceId"`
	Category      json.RawMessage `json:"category"`
	OperationName json.RawMessage `json:"operationName"`
	OpNameValue   string          `json:"OperationNameValue"`
	StatusCode    json.RawMessage `json:"statusCode"`
	StatusText    string          `json:"statusText"`
	CallerIP      string          `json:"callerIpAddress"`
	CorrelationID string          `json:"correlationId"`
	Location      string          `json:"location"`
	URI           string          `json:"uri"`
	Identity      json.RawMessage `json:"identity"`
	Properties    json.RawMessage `json:"properties"`

	// Activity log members.
	ResultType      string `json:"resultType"`
	ResultSignature string `json:"resultSignature"`
	Caller          string `json:"caller"`
	ActivityStatus  string `json:"ActivityStatusValue"`
	SubscriptionID  string `json:"SubscriptionId"`

	// StorageBlobLogs columns.
	AccountName        string          `json:"AccountName"`
	ObjectKey          string          `json:"ObjectKey"`
	UserAgentHeader    string          `json:"UserAgentHeader"`
	AuthenticationType string          `json:"AuthenticationType"`
	AuthenticationHash string          `json:"AuthenticationHash"`
	RequesterObjectID  string          `json:"RequesterObjectId"`
	RequesterUpn       string          `json:"RequesterUpn"`
	RequesterAppID     string          `json:"RequesterAppId"`
	RequestBodySize    json.RawMessage `json:"RequestBodySize"`
	ResponseBodySize   json.RawMessage `json:"ResponseBodySize"`
}

// Parse maps one record to an event. It returns a nil event and no error
// for the Start record of an Activity log operation. On failure it returns
// a short reason for the run summary with the error. Origin is left for
// the caller, except RecordID.
func Parse(raw []byte) (*stagewatch.Event, string, error) {
	if len(raw) == 0 || raw[0] != '{' {
		return nil, "not an object", errors.New("record is not a JSON object")
	}
	var r record
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, "bad record", err
	}
	op := first(r.OpNameValue, value(r.OperationName))
	if op == "" {
		return nil, "not an azure record", errors.New(`record has no "operationName"`)
	}
	t, err := timestamp.Parse(first(r.Time, r.TimeGenerated))
	if err != nil {
		return nil, "bad timestamp", fmt.Errorf("time: %w", err)
	}
	ev := &stagewatch.Event{Time: t}
	ev.Origin.RecordID = r.CorrelationID
	c := &ev.Cloud
	c.Provider = "azure"
	c.Region = r.Location
	c.SourceIP = hostIP(r.CallerIP)
	resID := first(r.ResourceID, r.TableResource)
	c.Account = first(strings.ToLower(r.SubscriptionID), subscriptionOf(resID))
	switch {
	case strings.Contains(op, "/"):
		if !activity(ev, &r, op, resID) {
			return nil, "", nil
		}
	case isStorage(&r, resID):
		if err := storage(ev, &r, op, resID); err != nil {
			return nil, "bad record", err
		}
	default:
		// A resource log of another service (Key Vault, SQL...): kept
		// as a call on its resource.
		ev.Kind = stagewatch.CloudCall
		c.Action = op
		c.Resource = resID
		ns := segmentAfter(resID, "providers")
		c.Service = strings.ToLower(strings.TrimPrefix(strings.ToLower(ns), "microsoft."))
	}
	ev.Action = c.Action
	return ev, "", nil
}

// isStorage reports whether a record without an Activity log operation is
// a Storage resource log or a StorageBlobLogs row.
func isStorage(r *record, resID string) bool {
	switch strings.ToLower(value(r.Category)) {
	case "storageread", "storagewrite", "storagedelete":
		return true
	}
	return r.ObjectKey != "" || r.AccountName != "" ||
		strings.Contains(strings.ToLower(resID), "/microsoft.storage/storageaccounts/")
}

// value returns a member written as a string or as {"value": "..."} (the
// older Activity log schema).
func value(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var v struct {
		Value string `json:"value"`
	}
	json.Unmarshal(raw, &v)
	return v.Value
}

// hostIP returns the address of "ip", "ip:port" or "[ip]:port"; anything
// else gives "".
func hostIP(s string) string {
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().String()
	}
	if ip, err := netip.ParseAddr(s); err == nil {
		return ip.String()
	}
	return ""
}

// subscriptionOf returns the subscription id of a resource id, lower case
// (Activity log exports write ids in upper case).
func subscriptionOf(id string) string {
	parts := strings.Split(id, "/")
	for i := 0; i+1 < len(parts); i++ {
		if strings.EqualFold(parts[i], "subscriptions") {
			return strings.ToLower(parts[i+1])
		}
	}
	return ""
}

// segmentAfter returns the path segment after name in a resource id,
// matching name without regard to case.
func segmentAfter(id, name string) string {
	parts := strings.Split(id, "/")
	for i := 0; i+1 < len(parts); i++ {
		if strings.EqualFold(parts[i], name) {
			return parts[i+1]
		}
	}
	return ""
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
