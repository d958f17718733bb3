// Package decode opens telemetry inputs: it expands the paths a user names
// into files (Expand), undoes gzip, recognises the format of each input from
// its first bytes and returns a stagewatch.Source for it (Open, OpenFile).
//
// Formats lists every format in a fixed order. Adding a format is one entry
// in that list; sniffing tries the entries in order, so a format with a
// stricter signature goes before a looser one.
package decode

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/decode/auditd"
	"github.com/stagewatch/stagewatch/decode/azure"
	"github.com/stagewatch/stagewatch/decode/cloudtrail"
	"github.com/stagewatch/stagewatch/decode/ecs"
	"github.com/stagewatch/stagewatch/decode/eslogger"
	"github.com/stagewatch/stagewatch/decode/esxi"
	"github.com/stagewatch/stagewatch/decode/evtx"
	"github.com/stagewatch/stagewatch/decode/gcp"
	"github.com/stagewatch/stagewatch/decode/mde"
	"github.com/stagewatch/stagewatch/decode/native"
	"github.com/stagewatch/stagewatch/decode/ocsf"
	"github.com/stagewatch/stagewatch/decode/syslogrows"
	"github.com/stagewatch/stagewatch/decode/sysmonlinux"
	"github.com/stagewatch/stagewatch/decode/winjson"
	"github.com/stagewatch/stagewatch/decode/winxml"
)

// Options control how inputs are opened and decoded.
type Options struct {
	// File names the input in Origins and errors; Open fills it from its
	// name argument.
	File string
	// Location is the time zone of timestamps written without one (some
	// CSV exports use the analyst's local time); nil means UTC.
	Location *time.Location
	// MaxLine is the longest record a line-oriented decoder accepts, in
	// bytes; zero leaves the decoder's default.
	MaxLine int
	// Format forces a format by name instead of sniffing; "" or "auto"
	// sniffs.
	Format string
	// Year is the year of syslog timestamps written without one (RFC 3164
	// "Mar 14 02:11:00") when the input itself gives none; 0 means none.
	Year int
}

// Format is one input format.
type Format struct {
	// Name is the stable name used by --format and in Origins.
	Name string
	// Description is one line for `stagewatch formats`.
	Description string
	// Sniff reports whether head, the first bytes of an input (up to
	// HeadSize, already decompressed, possibly cut mid-record), is in
	// this format. It must be cheap and must not retain head.
	Sniff func(head []byte) bool
	// Open returns a Source reading the whole input from r.
	Open func(r io.Reader, o Options) stagewatch.Source
}

// HeadSize is how many leading bytes sniffers see.
const HeadSize = 64 << 10

// Formats returns every supported format, in sniffing order.
func Formats() []Format {
	return []Format{
		{
			// First: its signature ("time" then "kind" as the first keys)
			// is the strictest of all.
			Name:        "stagewatch",
			Description: "stagewatch's own normalized events, one JSON object per line, as `stagewatch normalize` prints them",
			Sniff:       native.Sniff,
			Open: func(r io.Reader, o Options) stagewatch.Source {
				return native.NewDecoder(r, native.Options{File: o.File, MaxLine: o.MaxLine})
			},
		},
		{
			Name:        "evtx",
			Description: "Windows event log files (.evtx): Sysmon, Security, PowerShell and any other channel, read natively",
			Sniff:       evtx.Sniff,
			Open: func(r io.Reader, o Options) stagewatch.Source {
				return evtx.NewDecoder(r, evtx.Options{File: o.File})
			},
		},
		{
			// The cloud formats go before mde and winjson: their
			// signatures (eventSource + eventName, protoPayload,
			// operationName + callerIpAddress) never occur in Windows
			// or MDE records.
			Name:        cloudtrail.Format,
			Description: "AWS CloudTrail: S3 delivery files {\"Records\":[...]}, NDJSON, arrays, EventBridge events, lookup-events output",
			Sniff:       cloudtrail.Sniff,
			Open: func(r io.Reader, o Options) stagewatch.Source {
				return cloudtrail.NewDecoder(r, cloudtrail.Options{File: o.File, MaxLine: o.MaxLine})
			},
		},
		{
			Name:        gcp.Format,
			Description: "Google Cloud Audit Logs (LogEntry JSON): NDJSON, gcloud logging read output, Pub/Sub push and pull messages",
			Sniff:       gcp.Sniff,
			Open: func(r io.Reader, o Options) stagewatch.Source {
				return gcp.NewDecoder(r, gcp.Options{File: o.File, MaxLine: o.MaxLine})
			},
		},
		{
			Name:        azure.Format,
			Description: "Azure Storage blob resource logs, StorageBlobLogs rows and Activity log records: NDJSON, arrays, {\"records\":[...]}",
			Sniff:       azure.Sniff,
			Open: func(r io.Reader, o Options) stagewatch.Source {
				return azure.NewDecoder(r, azure.Options{File: o.File, MaxLine: o.MaxLine})
			},
		},
		{
			// Before mde and winjson: a JSON row with SyslogMessage is
			// neither.
			Name:        "syslog-rows",
			Description: "Microsoft Sentinel Syslog table rows (JSON lines or array) carrying audit/AUOMS records or Sysmon for Linux XML",
			Sniff:       syslogrows.Sniff,
			Open: func(r io.Reader, o Options) stagewatch.Source {
				return syslogrows.NewDecoder(r, syslogrows.Options{File: o.File, MaxLine: o.MaxLine})
			},
		},
		{
			Name:        "mde",
			Description: "Microsoft Defender for Endpoint advanced hunting rows: streaming API NDJSON, Event Hub records, hunting API JSON, portal and Sentinel CSV",
			Sniff:       mde.Sniff,
			Open: func(r io.Reader, o Options) stagewatch.Source {
				return mde.NewDecoder(r, mde.Options{File: o.File, Location: o.Location, MaxLine: o.MaxLine})
			},
		},
		{
			Name:        "winxml",
			Description: "Windows events rendered as XML (wevtutil, Event Viewer, Splunk XmlWinEventLog, python-evtx): Sysmon, Security, PowerShell",
			Sniff:       winxml.Sniff,
			Open: func(r io.Reader, o Options) stagewatch.Source {
				return winxml.NewDecoder(r, winxml.Options{File: o.File, MaxEvent: o.MaxLine})
			},
		},
		{
			// After mde: its sniffer needs MDE's own columns, and a row
			// with them is never a Windows event.
			Name:        "winjson",
			Description: "Windows events as JSON: evtx_dump, xmltodict, Winlogbeat/Elastic Agent (raw and ECS), NXLog, flat winlogbeat-lite, Sentinel SecurityEvent/Event rows",
			Sniff:       winjson.Sniff,
			Open: func(r io.Reader, o Options) stagewatch.Source {
				return winjson.NewDecoder(r, winjson.Options{File: o.File, Location: o.Location, MaxLine: o.MaxLine})
			},
		},
		{
			// Strict: the first record must carry a numeric class_uid
			// and an activity_id or type_uid, which no other format has.
			Name:        "ocsf",
			Description: "OCSF events (NDJSON or arrays): API Activity 6003 as cloud calls, File System Activity 1001, Process Activity 1007 Launch",
			Sniff:       ocsf.Sniff,
			Open: func(r io.Reader, o Options) stagewatch.Source {
				return ocsf.NewDecoder(r, ocsf.Options{File: o.File, MaxRecord: o.MaxLine})
			},
		},
		{
			// Line-oriented text: after the JSON and XML formats. Its
			// sniffer claims forwarded syslog only when an ESXi-only program
			// (hostd, vmkernel, shell...) appears, so Linux syslog stays free.
			Name:        "esxi",
			Description: "VMware ESXi logs (shell, hostd, vmkernel, auth, vobd, syslog, vmware.log), ESXi 5-9 line formats and forwarded RFC 3164/5424 syslog",
			Sniff:       esxi.Sniff,
			Open: func(r io.Reader, o Options) stagewatch.Source {
				return esxi.NewDecoder(r, esxi.Options{File: o.File, MaxLine: o.MaxLine, Year: o.Year})
			},
		},
		{
			Name:        "auditd",
			Description: "Linux audit logs: raw audit.log (node= prefix, ENRICHED, kernel type=1300 form) and AUOMS records",
			Sniff:       auditd.Sniff,
			Open: func(r io.Reader, o Options) stagewatch.Source {
				return auditd.NewDecoder(r, auditd.Options{File: o.File, MaxLine: o.MaxLine})
			},
		},
		{
			Name:        "sysmon-linux",
			Description: "Sysmon for Linux events in syslog: one <Event> XML per line after a BSD or RFC 5424 prefix",
			Sniff:       sysmonlinux.Sniff,
			Open: func(r io.Reader, o Options) stagewatch.Source {
				return sysmonlinux.NewDecoder(r, sysmonlinux.Options{File: o.File, MaxLine: o.MaxLine})
			},
		},
		{
			// Before ecs: an es_message_t also has "event" and "process"
			// objects, but its sniffer needs schema_version, mach_time and
			// global_seq_num.
			Name:        "eslogger",
			Description: "macOS Endpoint Security events as eslogger prints them (JSON Lines, message versions 9 and 10)",
			Sniff:       eslogger.Sniff,
			Open: func(r io.Reader, o Options) stagewatch.Source {
				return eslogger.NewDecoder(r, eslogger.Options{File: o.File, MaxLine: o.MaxLine})
			},
		},
		{
			// After winjson, which takes Winlogbeat documents (those with
			// winlog.*), and after eslogger: ecs is the loosest JSON
			// signature (@timestamp plus ECS's event or ecs fields). A
			// format for other Elastic-shipped documents (cloud audit logs
			// with aws.*, gcp.*) must come before it.
			Name:        "ecs",
			Description: "Elastic Common Schema documents: Elastic Endpoint/Defend, Elastic Agent, Auditbeat, Filebeat (NDJSON, arrays, search hits)",
			Sniff:       ecs.Sniff,
			Open: func(r io.Reader, o Options) stagewatch.Source {
				return ecs.NewDecoder(r, ecs.Options{File: o.File, MaxRecord: o.MaxLine})
			},
		},
	}
}

// Lookup returns the format called name. The error lists the known names,
// so a command can report a bad --format before opening anything.
func Lookup(name string) (Format, error) {
	for _, f := range Formats() {
		if strings.EqualFold(f.Name, name) {
			return f, nil
		}
	}
	return Format{}, fmt.Errorf("unknown format %q; known formats: %s", name, knownNames())
}

// knownNames returns the format names as "a, b, c".
func knownNames() string {
	fs := Formats()
	names := make([]string, len(fs))
	for i, f := range fs {
		names[i] = f.Name
	}
	return strings.Join(names, ", ")
}

// Sniff returns the first format that recognises head, or false.
func Sniff(head []byte) (Format, bool) {
	for _, f := range Formats() {
		if f.Sniff(head) {
			return f, true
		}
	}
	return Format{}, false
}
