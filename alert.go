package stagewatch

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Severity ranks how bad an alert would be if true.
type Severity uint8

// Severities, lowest first.
const (
	SeverityInfo Severity = iota
	SeverityLow
	SeverityMedium
	SeverityHigh
	SeverityCritical
)

var severityNames = [...]string{"info", "low", "medium", "high", "critical"}

// String returns the lower-case name of the severity.
func (s Severity) String() string {
	if int(s) < len(severityNames) {
		return severityNames[s]
	}
	return fmt.Sprintf("severity(%d)", uint8(s))
}

// ParseSeverity returns the Severity named s.
func ParseSeverity(s string) (Severity, error) {
	for i, n := range severityNames {
		if strings.EqualFold(n, s) {
			return Severity(i), nil
		}
	}
	return 0, fmt.Errorf("unknown severity %q (want info, low, medium, high or critical)", s)
}

// MarshalText implements encoding.TextMarshaler.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	*s = v
	return err
}

// Confidence says how likely an alert is to be true staging.
type Confidence uint8

// Confidence levels, lowest first.
const (
	ConfidenceLow Confidence = iota
	ConfidenceMedium
	ConfidenceHigh
)

var confidenceNames = [...]string{"low", "medium", "high"}

// String returns the lower-case name of the confidence.
func (c Confidence) String() string {
	if int(c) < len(confidenceNames) {
		return confidenceNames[c]
	}
	return fmt.Sprintf("confidence(%d)", uint8(c))
}

// ParseConfidence returns the Confidence named s.
func ParseConfidence(s string) (Confidence, error) {
	for i, n := range confidenceNames {
		if strings.EqualFold(n, s) {
			return Confidence(i), nil
		}
	}
	return 0, fmt.Errorf("unknown confidence %q (want low, medium or high)", s)
}

// MarshalText implements encoding.TextMarshaler.
func (c Confidence) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (c *Confidence) UnmarshalText(b []byte) error {
	v, err := ParseConfidence(string(b))
	*c = v
	return err
}

// Attack names the MITRE ATT&CK technique, detection strategy and analytic an
// alert implements.
type Attack struct {
	Technique string `json:"technique"`          // T1074.001
	Tactic    string `json:"tactic"`             // collection
	Strategy  string `json:"strategy,omitempty"` // DET0014
	Analytic  string `json:"analytic,omitempty"` // AN0040
}

// Alert is one finding. While its window is open more matching events fold
// into it; ID stays the same.
type Alert struct {
	ID         string         `json:"id"`
	Analytic   string         `json:"analytic"`
	Title      string         `json:"title"`
	Attack     Attack         `json:"attack"`
	Severity   Severity       `json:"severity"`
	Confidence Confidence     `json:"confidence"`
	Risk       int            `json:"risk"` // 0-100
	Host       string         `json:"host"`
	User       string         `json:"user"`
	Process    string         `json:"process"`
	FirstSeen  time.Time      `json:"first_seen"`
	LastSeen   time.Time      `json:"last_seen"`
	Summary    string         `json:"summary"`
	Fields     map[string]any `json:"fields"`
	Parameters map[string]any `json:"parameters"`
	Evidence   []Evidence     `json:"evidence"`
	Guide      Guide          `json:"guide"`
}

// Evidence is one event that contributed to an alert, with enough of its
// origin for an analyst to find the raw record.
type Evidence struct {
	Time   time.Time `json:"time"`
	Kind   Kind      `json:"kind"`
	What   string    `json:"what"` // the file path or command line that matched
	Origin Origin    `json:"origin"`
}

// EvidenceOf returns the Evidence for ev; what is the matched detail.
func EvidenceOf(ev *Event, what string) Evidence {
	return Evidence{Time: ev.Time, Kind: ev.Kind, What: what, Origin: ev.Origin}
}

// Guide tells the analyst what to do with an alert.
type Guide struct {
	Investigate []string `json:"investigate,omitempty"` // what to check next
	Respond     []string `json:"respond,omitempty"`     // how to respond if it is real
	Benign      []string `json:"benign,omitempty"`      // known benign look-alikes
}

// AlertID returns the deterministic id of an alert: a hash of the analytic,
// the grouping key and the window start, so re-runs and replays of the same
// input produce the same ids and duplicates can be dropped.
func AlertID(analytic, key string, windowStart time.Time) string {
	h := sha256.New()
	h.Write([]byte(analytic))
	h.Write([]byte{0})
	h.Write([]byte(key))
	h.Write([]byte{0})
	h.Write([]byte(windowStart.UTC().Format(time.RFC3339Nano)))
	sum := h.Sum(nil)
	return hex.EncodeToString(sum[:12])
}

// RiskScore combines severity and confidence into the 0-100 risk of an alert.
func RiskScore(s Severity, c Confidence) int {
	base := [...]int{10, 25, 50, 75, 90}[min(int(s), 4)]
	adj := [...]int{-15, 0, 10}[min(int(c), 2)]
	return max(0, min(100, base+adj))
}

// MarshalJSON writes every documented key, with empty objects and arrays
// rather than null, so consumers can rely on the schema of docs/alerts.md.
func (a Alert) MarshalJSON() ([]byte, error) {
	type plain Alert // without the method, so Marshal does not recurse
	if a.Fields == nil {
		a.Fields = map[string]any{}
	}
	if a.Parameters == nil {
		a.Parameters = map[string]any{}
	}
	if a.Evidence == nil {
		a.Evidence = []Evidence{}
	}
	return json.Marshal(plain(a))
}
