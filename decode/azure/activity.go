package azure

import (
	"encoding/json"
	"strings"

	"github.com/stagewatch/stagewatch"
)

// activityIdentity is the identity member of an Activity log record.
type activityIdentity struct {
	Authorization struct {
		Evidence struct {
			PrincipalID   string `json:"principalId"`
			PrincipalType string `json:"principalType"`
		} `json:"evidence"`
	} `json:"authorization"`
	Claims map[string]any `json:"claims"`
}

// Claim names, as Azure writes them: URIs.
const (
	claimUPN      = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn"
	claimObjectID = "http://schemas.microsoft.com/identity/claims/objectidentifier"
)

// operations are the Activity log operations that have a kind other than
// CloudCall, in their documented spelling; records match them without
// regard to case.
var operations = [...]struct {
	name string
	kind stagewatch.Kind
}{
	{"Microsoft.Compute/snapshots/write", stagewatch.Snapshot},
	{"Microsoft.Compute/images/write", stagewatch.Snapshot},
	{"Microsoft.Compute/restorePointCollections/restorePoints/write", stagewatch.Snapshot},
	{"Microsoft.Compute/disks/beginGetAccess/action", stagewatch.CloudCall},
	{"Microsoft.Compute/snapshots/beginGetAccess/action", stagewatch.CloudCall},
	{"Microsoft.Storage/storageAccounts/listKeys/action", stagewatch.CloudCall},
}

// activity maps an Activity log record (or an AzureActivity row). It
// reports false for the Start record of an operation.
func activity(ev *stagewatch.Event, r *record, op, resID string) bool {
	result := first(r.ActivityStatus, r.ResultType)
	switch strings.ToLower(result) {
	case "start", "started":
		return false
	}
	ev.Kind = stagewatch.CloudCall
	c := &ev.Cloud
	c.Action = op
	for _, o := range operations {
		if strings.EqualFold(o.name, op) {
			c.Action, ev.Kind = o.name, o.kind
			break
		}
	}
	ns, _, _ := strings.Cut(c.Action, "/")
	c.Service = strings.ToLower(strings.TrimPrefix(strings.ToLower(ns), "microsoft."))
	c.Resource = resID
	attr(ev, "result", result)
	switch strings.ToLower(result) {
	case "failure", "failed":
		c.Error = first(r.ResultSignature, result)
	}
	var id activityIdentity
	if len(r.Identity) > 0 && r.Identity[0] == '{' {
		json.Unmarshal(r.Identity, &id) // a malformed identity leaves the principal empty
	}
	claim := func(k string) string { s, _ := id.Claims[k].(string); return s }
	c.Principal = first(r.Caller, claim(claimUPN), claim(claimObjectID), id.Authorization.Evidence.PrincipalID)
	c.PrincipalType = id.Authorization.Evidence.PrincipalType
	if c.PrincipalType == "" && c.Principal != "" {
		if strings.Contains(c.Principal, "@") {
			c.PrincipalType = "User"
		}
	}
	if strings.HasSuffix(strings.ToLower(c.Action), "/begingetaccess/action") {
		attr(ev, "access", "sas")
	}
	return true
}
