package winevent

import (
	"strconv"
	"strings"

	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/decode/timestamp"
)

// Providers whose events Map understands.
const (
	ProviderSysmon         = "Microsoft-Windows-Sysmon"
	ProviderSecurity       = "Microsoft-Windows-Security-Auditing"
	ProviderPowerShell     = "Microsoft-Windows-PowerShell"
	ProviderPowerShellCore = "PowerShellCore"
	// ProviderSysmonLinux is Sysmon for Linux: the Sysmon schema with
	// POSIX paths (formats.md 3.4).
	ProviderSysmonLinux = "Linux-Sysmon"
)

// Map turns a Windows event into a stagewatch event. ok is false for events
// no analytic uses (they are counted by the caller, never silently dropped).
//
// Event.Action is the decimal EventID, with a suffix where one event ID
// covers actions an analytic must tell apart:
//
//	Sysmon   1 ProcessStart, 2 FileModify (creation time changed),
//	         3 NetConnect, 11 FileCreate, 13 RegistrySet,
//	         15 FileCreate of the file that got the stream, 23/26 FileDelete
//	Security 4688 ProcessStart; 4663 "4663:read" FileRead, "4663:write"
//	         FileModify, "4663:delete" FileDelete; 5140/5145 ShareAccess
//	         "5145:write", "5145:read" or "5145" (neither: attributes only)
//	PowerShell 4104 and 4103 ProcessStart whose CommandLine is the script
//	         block text (4104) or the invoked command rebuilt from its
//	         parameter bindings (4103)
//
// Sysmon for Linux (provider Linux-Sysmon) maps as Sysmon, with Host.OS
// Linux, POSIX paths and File.Size 0 (Sysmon does not report sizes).
//
// Host is the Computer, OS Windows. Values "-" (Windows' "none") are empty.
// The event time is Sysmon's UtcTime when present, else TimeCreated. An
// empty origin.RecordID is filled from EventRecordID.
func Map(r *Record, origin stagewatch.Origin) (ev *stagewatch.Event, ok bool) {
	if origin.RecordID == "" && r.RecordID != 0 {
		origin.RecordID = strconv.FormatUint(r.RecordID, 10)
	}
	ev = &stagewatch.Event{
		Time:   r.TimeCreated,
		Action: strconv.Itoa(r.EventID),
		Host:   stagewatch.Host{Name: r.Computer, OS: stagewatch.Windows},
		Origin: origin,
	}
	switch providerOf(r) {
	case ProviderSysmon:
		ok = mapSysmon(r, ev)
	case ProviderSysmonLinux:
		if ok = mapSysmon(r, ev); ok {
			toPOSIX(ev)
		}
	case ProviderSecurity:
		ok = mapSecurity(r, ev)
	case ProviderPowerShell, ProviderPowerShellCore:
		ok = mapPowerShell(r, ev)
	}
	if !ok {
		return nil, false
	}
	return ev, true
}

// providerOf returns the canonical provider name, recognised by name
// (case-insensitively) or, when a carrier dropped it, by channel.
func providerOf(r *Record) string {
	for _, p := range [...]string{ProviderSysmon, ProviderSecurity, ProviderPowerShell, ProviderPowerShellCore, ProviderSysmonLinux} {
		if strings.EqualFold(r.Provider, p) {
			return p
		}
	}
	if r.Provider != "" {
		return r.Provider
	}
	switch {
	case strings.EqualFold(r.Channel, "Microsoft-Windows-Sysmon/Operational"):
		return ProviderSysmon
	case strings.EqualFold(r.Channel, "Linux-Sysmon/Operational"):
		return ProviderSysmonLinux
	case strings.EqualFold(r.Channel, "Security"):
		return ProviderSecurity
	case strings.EqualFold(r.Channel, "Microsoft-Windows-PowerShell/Operational"):
		return ProviderPowerShell
	case strings.EqualFold(r.Channel, "PowerShellCore/Operational"):
		return ProviderPowerShellCore
	}
	return ""
}

// value returns the named field with surrounding space trimmed, and ""
// for Windows' placeholder "-".
func value(r *Record, name string) string {
	v := strings.TrimSpace(r.Get(name))
	if v == "-" {
		return ""
	}
	return v
}

// ParseID parses a process id or access mask written in decimal ("420") or
// hex ("0x1a4", as Security events write them). ok is false for "", "-" and
// anything else.
func ParseID(s string) (n int64, ok bool) {
	s = strings.TrimSpace(s)
	base := 10
	if len(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
		s, base = s[2:], 16
	}
	v, err := strconv.ParseUint(s, base, 63)
	if err != nil {
		return 0, false
	}
	return int64(v), true
}

// id returns the named field parsed by ParseID, or 0.
func id(r *Record, name string) int64 {
	n, _ := ParseID(r.Get(name))
	return n
}

// splitUser splits DOMAIN\name; a value without a backslash is a name.
func splitUser(s string) stagewatch.User {
	if s == "" || s == "-" {
		return stagewatch.User{}
	}
	if i := strings.IndexByte(s, '\\'); i >= 0 {
		return stagewatch.User{Domain: s[:i], Name: s[i+1:]}
	}
	return stagewatch.User{Name: s}
}

// baseName returns the last element of a Windows path.
func baseName(p string) string {
	_, name := stagewatch.SplitPath(stagewatch.Windows, p)
	return name
}

// setImage fills Image and Name.
func setImage(p *stagewatch.Process, image string) {
	p.Image = image
	if image != "" {
		p.Name = baseName(image)
	}
}

// setParent fills ParentImage and ParentName.
func setParent(p *stagewatch.Process, image string) {
	p.ParentImage = image
	if image != "" {
		p.ParentName = baseName(image)
	}
}

// setFile fills File from a full path and marks the size unknown.
func setFile(ev *stagewatch.Event, path string) {
	ev.File.SetPath(stagewatch.Windows, path)
	ev.File.Size = -1
}

// sha256Of returns the SHA256 entry of a Sysmon hash list
// ("SHA1=..,MD5=..,SHA256=..,IMPHASH=.."), lower case, or "".
func sha256Of(hashes string) string {
	for h := range strings.SplitSeq(hashes, ",") {
		alg, hex, ok := strings.Cut(strings.TrimSpace(h), "=")
		if ok && strings.EqualFold(alg, "SHA256") {
			return stagewatch.LowerASCII(hex)
		}
	}
	return ""
}

// setAttr records a display-only extra, skipping empty values.
func setAttr(ev *stagewatch.Event, key, v string) {
	if v == "" {
		return
	}
	if ev.Attrs == nil {
		ev.Attrs = make(map[string]string, 2)
	}
	ev.Attrs[key] = v
}

// sysmonTime sets the event time from Sysmon's UtcTime (when the action
// happened, as the sensor saw it), keeping TimeCreated when UtcTime is
// absent or unreadable.
func sysmonTime(r *Record, ev *stagewatch.Event) {
	if v := value(r, "UtcTime"); v != "" {
		if t, err := timestamp.Parse(v); err == nil {
			ev.Time = t
		}
	}
}

// toPOSIX redoes the path-derived fields of a Sysmon for Linux event, which
// mapSysmon filled by Windows rules, for a Linux host.
func toPOSIX(ev *stagewatch.Event) {
	ev.Host.OS = stagewatch.Linux
	p := &ev.Proc
	if p.Image != "" {
		_, p.Name = stagewatch.SplitPath(stagewatch.Linux, p.Image)
	}
	if p.ParentImage != "" {
		_, p.ParentName = stagewatch.SplitPath(stagewatch.Linux, p.ParentImage)
	}
	if ev.File.Path != "" {
		ev.File.SetPath(stagewatch.Linux, ev.File.Path)
		ev.File.Size = 0
	}
}
