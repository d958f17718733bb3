package mde

import (
	"bytes"
	"fmt"
	"strings"
	"time"
	"unsafe"

	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/decode/timestamp"
)

// mapped is the outcome of mapping one row.
type mapped struct {
	ev     *stagewatch.Event // nil when the row was ignored or bad
	table  string
	reason string // DecodeError reason when bad
	err    error
}

// toEvent maps a scanned row to an Event. Rows whose ActionType no
// analytic uses come back with a nil event and no error.
func toEvent(r *row, origin stagewatch.Origin) mapped {
	var at []byte
	if r.has(fActionType) {
		at = r.raw(fActionType)
	}
	a, known := actionOf(at)
	table := tableOf(r, a, known)
	if !known && !r.present(fActionType) && table == tableProcess {
		// A hunting query that projected away ActionType: the process
		// table has one action only.
		a, known = action{name: "ProcessCreated", kind: stagewatch.ProcessStart, table: tableProcess}, true
	}
	if !known {
		return mapped{table: table}
	}
	t, reason, err := r.time()
	if err != nil {
		return mapped{table: table, reason: reason, err: err}
	}

	ev := &stagewatch.Event{Time: t, Kind: a.kind, Action: a.name, Origin: origin}
	var sb strbuf
	sb.reset(r.size())
	os := r.os()
	ev.Host = stagewatch.Host{ID: sb.value(r, fDeviceID), Name: sb.value(r, fDeviceName), OS: os}
	if r.has(fReportID) {
		ev.Origin.RecordID = sb.value(r, fReportID)
	}

	switch {
	case a.kind == stagewatch.ProcessStart:
		processStart(ev, r, &sb, os)
	case a.kind == stagewatch.NetConnect:
		actor(ev, r, &sb, os)
		ev.Net = stagewatch.Net{
			Direction: a.direction,
			LocalIP:   sb.value(r, fLocalIP),
			RemoteIP:  sb.value(r, fRemoteIP),
			RemoteURL: sb.value(r, fRemoteURL),
			Protocol:  protocol(r, &sb),
		}
		if p, ok := r.int(fLocalPort); ok {
			ev.Net.LocalPort = int(p)
		}
		if p, ok := r.int(fRemotePort); ok {
			ev.Net.RemotePort = int(p)
		}
	case a.kind == stagewatch.Mount:
		actor(ev, r, &sb, os)
	default:
		actor(ev, r, &sb, os)
		fileFields(ev, r, &sb, os)
	}
	return mapped{ev: ev, table: table}
}

// time returns the row's event time: Timestamp, else TimeGenerated (a
// Sentinel projection may keep only that).
func (r *row) time() (time.Time, string, error) {
	f, loc := fTimestamp, r.tsLoc
	if !r.has(f) {
		f, loc = fTimeGenerated, r.genLoc
	}
	if !r.has(f) {
		return time.Time{}, "missing timestamp", fmt.Errorf("row has no Timestamp")
	}
	v := r.raw(f)
	var buf [64]byte
	if r.f[f].kind == vEscaped && len(v) <= len(buf) {
		v = unescape(buf[:0], v)
	}
	t, err := timestamp.ParseIn(unsafe.String(unsafe.SliceData(v), len(v)), loc)
	if err != nil {
		return time.Time{}, "bad timestamp", fmt.Errorf("bad Timestamp: %w", err)
	}
	return t, "", nil
}

// os guesses the device's operating system. MDE rows do not name it; POSIX
// paths and the Posix* keys Linux and macOS sensors put in AdditionalFields
// give it away.
func (r *row) os() stagewatch.OS {
	posix := false
	var paths [3][]byte
	for i, f := range [...]field{fFolderPath, fIPFolderPath, fProcessCommandLine} {
		if r.has(f) {
			paths[i] = r.raw(f)
			if i < 2 && len(paths[i]) > 0 && paths[i][0] == '/' {
				posix = true
			}
		}
	}
	if !posix && r.has(fAdditionalFields) && bytes.Contains(r.raw(fAdditionalFields), []byte("Posix")) {
		posix = true
	}
	if !posix {
		return stagewatch.Windows
	}
	for _, p := range paths {
		for _, prefix := range [...]string{"/Users/", "/Applications/", "/System/", "/Library/", "/private/", "/Volumes/"} {
			if bytes.HasPrefix(p, []byte(prefix)) {
				return stagewatch.MacOS
			}
		}
	}
	return stagewatch.Linux
}

// actor fills Proc and User from the InitiatingProcess* columns: the
// process that performed a file or network action.
func actor(ev *stagewatch.Event, r *row, sb *strbuf, os stagewatch.OS) {
	p := &ev.Proc
	p.Image, p.Name = sb.join(os, r, fIPFolderPath, fIPFileName)
	p.CommandLine = sb.value(r, fIPCommandLine)
	p.PID, _ = r.int(fIPID)
	p.ParentPID, _ = r.int(fIPParentID)
	parent := sb.value(r, fIPParentFileName)
	if strings.ContainsAny(parent, `\/`) {
		// An NT device path or full path rather than a bare name.
		p.ParentImage, p.ParentName = parent, baseName(stagewatch.Windows, parent)
		if os != stagewatch.Windows {
			p.ParentName = baseName(os, parent)
		}
	} else {
		p.ParentName = parent
	}
	ev.User = stagewatch.User{
		Name:   sb.value(r, fIPAccountName),
		Domain: sb.value(r, fIPAccountDomain),
		SID:    sb.value(r, fIPAccountSid),
	}
}

// processStart fills a ProcessStart: Proc is the new process, the Parent
// fields its initiating process.
func processStart(ev *stagewatch.Event, r *row, sb *strbuf, os stagewatch.OS) {
	p := &ev.Proc
	p.Image, p.Name = sb.join(os, r, fFolderPath, fFileName)
	p.CommandLine = sb.value(r, fProcessCommandLine)
	if p.Image == "" && os != stagewatch.Windows && strings.HasPrefix(p.CommandLine, "/") {
		// Linux container processes can have FileName "/" and no
		// FolderPath; the command line still names the executable.
		exe := p.CommandLine
		if i := strings.IndexAny(exe, " \t"); i >= 0 {
			exe = exe[:i]
		}
		p.Image, p.Name = exe, baseName(os, exe)
	}
	p.PID, _ = r.int(fProcessID)
	p.ParentImage, p.ParentName = sb.join(os, r, fIPFolderPath, fIPFileName)
	p.ParentCommandLine = sb.value(r, fIPCommandLine)
	p.ParentPID, _ = r.int(fIPID)
	if os != stagewatch.Windows {
		p.CWD = additionalString(r, "ProcessCurrentWorkingDirectory")
	}
	if r.has(fAccountName) || r.has(fAccountSid) {
		ev.User = stagewatch.User{
			Name:   sb.value(r, fAccountName),
			Domain: sb.value(r, fAccountDomain),
			SID:    sb.value(r, fAccountSid),
		}
	} else {
		ev.User = stagewatch.User{
			Name:   sb.value(r, fIPAccountName),
			Domain: sb.value(r, fIPAccountDomain),
			SID:    sb.value(r, fIPAccountSid),
		}
	}
}

// fileFields fills File and Remote.
func fileFields(ev *stagewatch.Event, r *row, sb *strbuf, os stagewatch.OS) {
	full, _ := sb.join(os, r, fFolderPath, fFileName)
	if full != "" {
		setPath(&ev.File, sb, os, full)
	}
	ev.File.Size = -1
	if n, ok := r.int(fFileSize); ok {
		ev.File.Size = n
	}
	if r.has(fPreviousFolderPath) || r.has(fPreviousFileName) {
		ev.File.PrevPath, _ = sb.join(os, r, fPreviousFolderPath, fPreviousFileName)
	}
	ev.File.SHA256 = sb.value(r, fSHA256)
	ev.File.Type = fileType(r, sb)

	proto := ""
	if r.has(fRequestProtocol) {
		switch v := r.raw(fRequestProtocol); {
		case bytes.EqualFold(v, []byte("Local")), bytes.EqualFold(v, []byte("Unknown")):
		case bytes.EqualFold(v, []byte("SMB")):
			proto = "smb"
		case bytes.EqualFold(v, []byte("NFS")):
			proto = "nfs"
		default:
			proto = sb.lower(r, fRequestProtocol)
		}
	}
	ip := sb.value(r, fRequestSourceIP)
	share := sb.value(r, fShareName)
	if proto == "" && ip == "" && share == "" {
		return
	}
	ev.Remote = stagewatch.Remote{Protocol: proto, SourceIP: ip, Share: share}
	name, domain := sb.value(r, fRequestAccountName), sb.value(r, fRequestAccountDomain)
	ev.Remote.Account = stagewatch.User{Name: name, Domain: domain}.String()
}

// protocol returns the network protocol in lower case.
func protocol(r *row, sb *strbuf) string {
	if !r.has(fProtocol) {
		return ""
	}
	switch v := r.raw(fProtocol); {
	case bytes.EqualFold(v, []byte("Tcp")):
		return "tcp"
	case bytes.EqualFold(v, []byte("Udp")):
		return "udp"
	}
	return sb.lower(r, fProtocol)
}

// additionalString returns a top-level string from AdditionalFields, which
// is a JSON object, or a string holding one (streaming and CSV exports).
func additionalString(r *row, key string) string {
	if !r.has(fAdditionalFields) {
		return ""
	}
	v := r.raw(fAdditionalFields)
	if !bytes.Contains(v, []byte(key)) {
		return ""
	}
	if r.f[fAdditionalFields].kind == vEscaped {
		v = unescape(nil, v)
	}
	i := skipSpace(v, 0)
	if i >= len(v) || v[i] != '{' {
		return ""
	}
	val, k, ok := findKey(v, i, key)
	if !ok {
		return ""
	}
	var sb strbuf
	sb.reset(len(val))
	sb.appendValue(val, k)
	return sb.str(0)
}

// setPath does what File.SetPath does, without its allocations: NormDir is
// computed by stagewatch.NormalizeDir on a copy of Dir that is already lower
// case (Windows) and ends in a separator, for which it allocates nothing.
// TestSetPathEquivalent holds the two to the same result.
func setPath(f *stagewatch.File, sb *strbuf, os stagewatch.OS, p string) {
	f.Path = p
	f.Dir, f.Name = stagewatch.SplitPath(os, p)
	f.Ext = stagewatch.Ext(f.Name)
	if f.Dir == "" {
		return
	}
	start := len(sb.b)
	sb.b = append(sb.b, f.Dir...)
	windows := os == stagewatch.Windows // the decoder always names the OS
	if windows {
		for i := start; i < len(sb.b); i++ {
			if c := sb.b[i]; 'A' <= c && c <= 'Z' {
				sb.b[i] = c + 'a' - 'A'
			}
		}
	}
	if last := sb.b[len(sb.b)-1]; last != '/' && (!windows || last != '\\') {
		if windows {
			sb.b = append(sb.b, '\\')
		} else {
			sb.b = append(sb.b, '/')
		}
	}
	f.NormDir = stagewatch.NormalizeDir(os, sb.str(start))
}

// fileType returns AdditionalFields.FileType ("Zip", "SevenZip", "Rar"...),
// the content type MDE determined, or "" when it is absent or "Unknown".
// AdditionalFields is usually a JSON object escaped into a string, and
// FileType values are plain words, so the raw bytes are searched directly
// instead of being unescaped and parsed.
func fileType(r *row, sb *strbuf) string {
	if !r.has(fAdditionalFields) {
		return ""
	}
	v := r.raw(fAdditionalFields)
	i := bytes.Index(v, []byte("FileType"))
	if i < 0 {
		return ""
	}
	v = v[i+len("FileType"):]
	// Skip the closing quote of the key, the colon and the value's
	// opening quote, escaped or not.
	j := 0
	for j < len(v) && (v[j] == '\\' || v[j] == '"' || v[j] == ':' || v[j] == ' ') {
		j++
	}
	k := j
	for k < len(v) && isWordByte(v[k]) {
		k++
	}
	if k == j || string(v[j:k]) == "Unknown" {
		return ""
	}
	start := len(sb.b)
	sb.b = append(sb.b, v[j:k]...)
	return sb.str(start)
}

func isWordByte(c byte) bool {
	return c == '_' || c == '-' || c == '.' || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9')
}
