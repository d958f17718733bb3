// Package winevent is the common form of a Windows event log record, shared
// by every decoder of Windows events (EVTX, rendered XML, the JSON shapes of
// shippers), and its mapping to stagewatch events.
//
// Each decoder's job ends at a Record; Map turns a Record into an Event, so
// Sysmon, Security and PowerShell events mean the same whatever carried them.
package winevent

import (
	"time"
)

// Record is one Windows event: the System header and the EventData (or
// UserData) values, as rendered strings.
type Record struct {
	Provider    string    // System/Provider/@Name, e.g. "Microsoft-Windows-Sysmon"
	EventID     int       // System/EventID
	Version     int       // System/Version
	Channel     string    // System/Channel, e.g. "Microsoft-Windows-Sysmon/Operational"
	Computer    string    // System/Computer
	TimeCreated time.Time // System/TimeCreated/@SystemTime, UTC
	RecordID    uint64    // System/EventRecordID
	// ExecPID is System/Execution/@ProcessID: the logging service, not the
	// subject process (formats.md 2.3).
	ExecPID int64
	UserSID string // System/Security/@UserID
	// Data holds EventData/Data (or UserData) values in document order.
	// Unnamed values have an empty Name.
	Data []Field
	// Message is the rendered message text when the carrier has one (NXLog,
	// Winlogbeat); it is a fallback source of values, never required.
	Message string
}

// Field is one named EventData value.
type Field struct {
	Name  string
	Value string
}

// Get returns the value of the first field called name (exact match; Sysmon
// and Security field names are case-sensitive and some carriers collide
// case-insensitively, formats.md 0.2), or "".
func (r *Record) Get(name string) string {
	for i := range r.Data {
		if r.Data[i].Name == name {
			return r.Data[i].Value
		}
	}
	return ""
}
