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
	"github.com/stagewatch/stagewatch/decode/ecs"
	"github.com/stagewatch/stagewatch/decode/eslogger"
	"github.com/stagewatch/stagewatch/decode/evtx"
	"github.com/stagewatch/stagewatch/decode/mde"
	"github.com/stagewatch/stagewatch/decode/native"
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
