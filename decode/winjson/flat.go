package winjson

import (
	"strings"
	"time"

	"github.com/stagewatch/stagewatch/decode/winevent"
)

// fromFlat converts the flat shapes, NXLog and "winlogbeat-lite": the
// System values under the shipper's names and the EventData values beside
// them at the top level.
func fromFlat(v *value, shape Shape, loc *time.Location, r *winevent.Record) error {
	r.Provider = first(v.get("SourceName"), v.get("ProviderName"), v.get("Provider"))
	var err error
	if r.EventID, err = eventID(v.get("EventID")); err != nil {
		return err
	}
	r.Version = atoi(v.get("Version").text())
	r.Channel = v.get("Channel").text()
	r.Computer = first(v.get("Hostname"), v.get("Computer"))
	if r.Computer == "" {
		if h := v.get("host"); h != nil && h.kind == kString {
			r.Computer = h.s
		}
	}
	r.RecordID = atou(first(v.get("RecordNumber"), v.get("EventRecordID")))
	r.UserSID = v.get("UserID").text()
	r.Message = v.get("Message").text()
	// TimeCreated (lite) has a zone; NXLog's EventTime is local time
	// unless a newer NXLog wrote an offset; @timestamp is the shipper's
	// last resort.
	if tc := v.get("TimeCreated"); tc != nil {
		r.TimeCreated, err = parseTime(tc, nil)
	} else {
		r.TimeCreated, err = firstTime(loc, v.get("EventTime"), v.get("@timestamp"))
	}
	if err != nil {
		return err
	}

	// NXLog's own ProcessID is the logging service and collides with
	// Sysmon's ProcessId case-insensitively: older NXLog kept only its
	// own, so the subject's id survives only in Message (formats.md 2.3).
	// Newer NXLog writes ExecutionProcessID, and then ProcessID is data.
	serviceOwnsPID := false
	if e := v.get("ExecutionProcessID"); e != nil {
		r.ExecPID = int64(atou(e.text()))
	} else if p := v.get("ProcessID"); p != nil && shape == ShapeNXLog {
		r.ExecPID = int64(atou(p.text()))
		serviceOwnsPID = true
	}
	r.Data = appendObject(r.Data, v, func(key string, m *value) bool {
		if m.kind == kObject || m.kind == kArray {
			return true
		}
		switch key {
		case "ProcessID":
			return serviceOwnsPID
		case "EventType":
			return nxlogLevel(m.text())
		}
		return flatEnvelope(key)
	})
	if serviceOwnsPID && !has(r, "ProcessId") {
		label := "ProcessId"
		if !strings.EqualFold(r.Provider, winevent.ProviderSysmon) {
			label = "Process ID"
		}
		if pid, ok := messageValue(r.Message, label); ok {
			r.Data = append(r.Data, winevent.Field{Name: "ProcessId", Value: pid})
		}
	}
	return nil
}

// flatEnvelope reports whether a top-level key of a flat event is the
// shipper's (System values, NXLog and Logstash metadata), not EventData.
func flatEnvelope(key string) bool {
	switch key {
	case "EventTime", "EventReceivedTime", "TimeCreated", "@timestamp", "@version",
		"Hostname", "Computer", "host", "port", "type", "tags",
		"EventID", "SourceName", "ProviderName", "Provider", "ProviderGuid", "Channel", "Version",
		"RecordNumber", "EventRecordID", "ExecutionProcessID", "ExecutionThreadID", "ThreadID",
		"Domain", "AccountName", "AccountType", "UserID", "Category", "Message",
		"SourceModuleName", "SourceModuleType", "Severity", "SeverityValue", "EventTypeOrignal",
		"Keywords", "Opcode", "OpcodeValue", "Task", "TaskValue", "Level", "LevelValue",
		"ActivityID", "RelatedActivityID", "ERROR_EVT_UNRESOLVED", "DeviceVendor", "DeviceProduct":
		return true
	}
	return false
}

// nxlogLevel reports whether an EventType value is NXLog's severity
// rather than the Sysmon registry event's own EventType ("SetValue").
func nxlogLevel(s string) bool {
	switch s {
	case "INFO", "AUDIT_SUCCESS", "AUDIT_FAILURE", "WARNING", "ERROR", "CRITICAL", "VERBOSE":
		return true
	}
	return false
}

// messageValue finds "label: value" at the start of a line of a rendered
// message (Sysmon writes "ProcessId: 13636", Security "\tProcess
// ID:\t\t0x4").
func messageValue(msg, label string) (string, bool) {
	for msg != "" {
		line := msg
		if i := strings.IndexByte(msg, '\n'); i >= 0 {
			line, msg = msg[:i], msg[i+1:]
		} else {
			msg = ""
		}
		line = strings.TrimLeft(line, " \t")
		if rest, ok := strings.CutPrefix(line, label+":"); ok {
			if v := strings.TrimSpace(rest); v != "" {
				return v, true
			}
		}
	}
	return "", false
}
