package gen

import (
	"fmt"
	"strings"
	"time"
)

// host is one MDE-onboarded device.
type host struct {
	name  string // FQDN, as DeviceName holds it
	id    string
	group string
	next  int64 // next ReportId
}

// account is a Windows account as MDE reports it.
type account struct {
	domain, name, sid string
	upn               *string
	logon             int64
}

// proc is a running process. Processes the dataset starts are emitted as
// ProcessCreated rows; the ones that were already running (services.exe,
// explorer.exe...) are only referenced as parents.
type proc struct {
	h         *host
	acct      account
	image     string // full path, original case
	cmd       string
	pid       int64
	start     time.Time
	integrity string
	parent    *proc
}

func (p *proc) name() string {
	i := strings.LastIndexByte(p.image, '\\')
	return p.image[i+1:]
}

// builder collects the records of the dataset.
type builder struct {
	recs []Record
}

func strp(s string) *string { return &s }

func (b *builder) emit(h *host, category string, at time.Time, props any) {
	b.recs = append(b.recs, Record{
		Time:          at.Add(97 * time.Second).Format(stamp),
		TenantID:      tenant,
		OperationName: "Publish",
		Category:      category,
		Received:      at.Add(41 * time.Second).Format(stamp),
		Properties:    props,
		Tenant:        "DefaultTenant",
		at:            at,
	})
}

func initiatingOf(p *proc) initiating {
	s1, s256, _ := hashes(p.image)
	in := initiating{
		InitiatingProcessAccountDomain:  p.acct.domain,
		InitiatingProcessAccountName:    p.acct.name,
		InitiatingProcessAccountSid:     p.acct.sid,
		InitiatingProcessAccountUpn:     p.acct.upn,
		InitiatingProcessFileName:       p.name(),
		InitiatingProcessFolderPath:     strings.ToLower(p.image),
		InitiatingProcessCommandLine:    p.cmd,
		InitiatingProcessID:             p.pid,
		InitiatingProcessCreationTime:   p.start.Format(stamp),
		InitiatingProcessIntegrityLevel: p.integrity,
		InitiatingProcessTokenElevation: "TokenElevationTypeDefault",
		InitiatingProcessSHA1:           s1,
		InitiatingProcessSHA256:         s256,
	}
	if p.parent != nil {
		in.InitiatingProcessParentFileName = p.parent.name()
		in.InitiatingProcessParentID = p.parent.pid
		in.InitiatingProcessParentCreationTime = p.parent.start.Format(stamp)
	}
	return in
}

// running returns a process that was started before the dataset begins.
func running(h *host, acct account, image, cmd string, pid int64, start time.Time, parent *proc) *proc {
	integrity := "Medium"
	if acct.sid == systemSID {
		integrity = "System"
	}
	return &proc{h: h, acct: acct, image: image, cmd: cmd, pid: pid, start: start, integrity: integrity, parent: parent}
}

// spawn emits the ProcessCreated row of a new process and returns it.
func (b *builder) spawn(at time.Time, parent *proc, acct account, image, cmd string, pid int64) *proc {
	p := running(parent.h, acct, image, cmd, pid, at, parent)
	s1, s256, m5 := hashes(image)
	h := parent.h
	h.next++
	name := p.name()
	b.emit(h, "AdvancedHunting-DeviceProcessEvents", at, &ProcessProps{
		Timestamp:             at.Add(4 * time.Millisecond).Format(stamp),
		DeviceID:              h.id,
		DeviceName:            h.name,
		ActionType:            "ProcessCreated",
		FileName:              name,
		FolderPath:            image,
		SHA1:                  s1,
		SHA256:                s256,
		MD5:                   m5,
		FileSize:              int64(90_000 + 7*len(image)*len(name)*113),
		ProcessID:             pid,
		ProcessCommandLine:    cmd,
		ProcessIntegrityLevel: p.integrity,
		ProcessTokenElevation: "TokenElevationTypeDefault",
		ProcessCreationTime:   at.Format(stamp),
		AccountDomain:         acct.domain,
		AccountName:           acct.name,
		AccountSid:            acct.sid,
		AccountUpn:            acct.upn,
		LogonID:               acct.logon,
		AdditionalFields:      "{}",
		ReportID:              h.next,
		MachineGroup:          h.group,
		initiating:            initiatingOf(parent),
	})
	return p
}

// write emits a DeviceFileEvents row: p performs action on path.
func (b *builder) write(at time.Time, p *proc, action, path string, size int64) {
	b.fileEvent(at, p, action, path, "", size, `{"FileType":"Unknown"}`)
}

// fileEvent is write with a previous path (for renames) and AdditionalFields.
func (b *builder) fileEvent(at time.Time, p *proc, action, path, prev string, size int64, extra string) {
	h := p.h
	h.next++
	i := strings.LastIndexByte(path, '\\')
	s1, s256, m5 := hashes(path)
	var prevDir, prevName string
	if prev != "" {
		j := strings.LastIndexByte(prev, '\\')
		prevDir, prevName = prev[:j+1], prev[j+1:]
	}
	b.emit(h, "AdvancedHunting-DeviceFileEvents", at, &FileProps{
		Timestamp:            at.Format(stamp),
		DeviceID:             h.id,
		DeviceName:           h.name,
		ActionType:           action,
		FileName:             path[i+1:],
		FolderPath:           path,
		SHA1:                 s1,
		SHA256:               s256,
		MD5:                  m5,
		FileSize:             size,
		PreviousFolderPath:   prevDir,
		PreviousFileName:     prevName,
		RequestProtocol:      "Local",
		RequestAccountName:   strings.ToUpper(p.acct.name),
		RequestAccountDomain: strings.ToUpper(p.acct.domain),
		RequestAccountSid:    p.acct.sid,
		AdditionalFields:     extra,
		ReportID:             h.next,
		MachineGroup:         h.group,
		initiating:           initiatingOf(p),
	})
}

// burst writes names into dir, one every step starting at start, and returns
// the time after the last write.
func (b *builder) burst(start time.Time, step time.Duration, p *proc, action, dir string, names []string, size func(i int) int64) time.Time {
	at := start
	for i, n := range names {
		b.write(at, p, action, dir+`\`+n, size(i))
		at = at.Add(step)
	}
	return at
}

// numbered returns n names made from a printf pattern with one %d verb.
func numbered(pattern string, first, n int) []string {
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf(pattern, first+i)
	}
	return names
}
