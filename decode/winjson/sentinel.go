package winjson

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/stagewatch/stagewatch/decode/winevent"
)

// fromSentinel converts Sentinel / Log Analytics rows: SecurityEvent
// (EventSourceName, Channel), Event (Source, EventLog) and WindowsEvent
// (Provider, Channel). EventData is the event's XML as a string, or an
// object in WindowsEvent; SecurityEvent rows without it carry the values
// as columns of their own.
func fromSentinel(v *value, r *winevent.Record) error {
	r.Provider = first(v.get("EventSourceName"), v.get("Source"), v.get("Provider"))
	var err error
	if r.EventID, err = eventID(v.get("EventID")); err != nil {
		return err
	}
	r.Channel = first(v.get("Channel"), v.get("EventLog"))
	r.Computer = v.get("Computer").text()
	r.RecordID = atou(first(v.get("EventRecordId"), v.get("EventRecordID")))
	r.ExecPID = int64(atou(v.get("SystemProcessId").text()))
	r.Message = v.get("RenderedDescription").text()
	if r.TimeCreated, err = parseTime(v.get("TimeGenerated"), nil); err != nil {
		return err
	}
	switch ed := v.get("EventData"); {
	case ed == nil || ed.kind == kNull:
	case ed.kind == kString:
		if r.Data, err = appendXMLData(r.Data, ed.s); err != nil {
			return &recordError{"bad eventdata xml", fmt.Errorf("EventData: %w", err)}
		}
	default:
		r.Data = appendEventData(r.Data, ed)
	}
	if len(r.Data) == 0 {
		r.Data = appendObject(r.Data, v, func(key string, m *value) bool {
			return m.kind == kNull || m.kind == kObject || m.kind == kArray ||
				m.kind == kString && m.s == "" || sentinelEnvelope(key)
		})
	}
	return nil
}

// sentinelEnvelope reports whether a column is Log Analytics' own rather
// than an EventData value.
func sentinelEnvelope(key string) bool {
	if strings.HasPrefix(key, "_") {
		return true
	}
	switch key {
	case "TenantId", "TimeGenerated", "TimeCollected", "SourceSystem", "Type", "MG", "ManagementGroupName",
		"Computer", "EventSourceName", "Source", "Provider", "Channel", "EventLog", "EventID", "EventData",
		"Task", "Level", "EventLevel", "EventLevelName", "Activity", "SourceComputerId", "EventOriginId",
		"EventRecordId", "EventRecordID", "SystemProcessId", "SystemThreadId", "SystemUserId",
		"Account", "AccountType", "UserName", "RenderedDescription", "ParameterXml",
		"AzureDeploymentID", "Role", "EventCategory", "Keywords", "Opcode", "Version", "Correlation":
		return true
	}
	return false
}

// appendXMLData appends the <Data Name="..">value</Data> elements of an
// EventData XML string (wrapped in <DataItem> in the Event table), or the
// leaf elements of <UserData>.
func appendXMLData(dst []winevent.Field, s string) ([]winevent.Field, error) {
	dec := xml.NewDecoder(strings.NewReader(s))
	var (
		text      strings.Builder
		name      string
		capturing bool
		userData  int // depth inside UserData, 0 outside
	)
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return dst, nil
		}
		if err != nil {
			return dst, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if userData > 0 {
				userData++
			}
			switch {
			case t.Name.Local == "UserData":
				userData = 1
				capturing = false
			case t.Name.Local == "Data" || userData > 2:
				name, capturing = t.Name.Local, true
				if t.Name.Local == "Data" {
					name = ""
					for _, a := range t.Attr {
						if a.Name.Local == "Name" {
							name = a.Value
						}
					}
				}
				text.Reset()
			default:
				capturing = false
			}
		case xml.CharData:
			if capturing {
				text.Write(t)
			}
		case xml.EndElement:
			if capturing {
				dst = append(dst, winevent.Field{Name: name, Value: text.String()})
				capturing = false
			}
			if userData > 0 {
				userData--
			}
		}
	}
}
