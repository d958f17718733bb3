package synth

import (
	"time"
)

// table is the advanced hunting table a row belongs to.
type table uint8

const (
	fileTable table = iota
	processTable
	networkTable
)

var categories = [...]string{
	fileTable:    "AdvancedHunting-DeviceFileEvents",
	processTable: "AdvancedHunting-DeviceProcessEvents",
	networkTable: "AdvancedHunting-DeviceNetworkEvents",
}

// row is one planned record; it is rendered when its turn comes, so its
// timestamps come from the generator's clock.
type row struct {
	table  table
	action string
	actor  *proc // the initiating process

	// DeviceFileEvents
	path, prevPath string
	size           int64
	fileType       string // AdditionalFields FileType
	originURL      string

	// DeviceProcessEvents: the new process
	child *proc

	// DeviceNetworkEvents
	remoteIP, remoteURL string
	remotePort          int
	localPort           int
}

// render appends the streaming record of rw to b.
func (g *gen) render(b []byte, h *host, rw *row, ts time.Time) []byte {
	h.reportID += 1 + int64(g.r.IntN(9))
	received := ts.Add(time.Duration(30+g.r.IntN(150_000)) * time.Millisecond)
	o := object{b: b}
	o.open()
	o.time("time", received.Add(time.Duration(g.r.IntN(90_000))*time.Millisecond))
	o.str("tenantId", g.tenant)
	o.str("operationName", "Publish")
	o.str("category", categories[rw.table])
	o.time("_TimeReceivedBySvc", received)
	o.nested("properties")
	switch rw.table {
	case fileTable:
		g.fileProps(&o, h, rw, ts)
	case processTable:
		g.processProps(&o, h, rw, ts)
	case networkTable:
		g.networkProps(&o, h, rw, ts)
	}
	o.close()
	o.str("Tenant", "DefaultTenant")
	o.close()
	return o.b
}

func (g *gen) fileProps(o *object, h *host, rw *row, ts time.Time) {
	_, name := splitWin(rw.path)
	locked := g.r.IntN(10) == 0 // hashes are empty when files are locked
	if locked {
		o.null("SHA1")
	} else {
		o.str("SHA1", randHex(g.r, 40))
	}
	o.num("FileSize", rw.size)
	if locked {
		o.null("MD5")
	} else {
		o.str("MD5", randHex(g.r, 32))
	}
	o.str("FileName", name)
	o.str("FolderPath", rw.path)
	a := rw.actor
	o.str("InitiatingProcessCommandLine", a.cmd)
	o.str("InitiatingProcessFileName", a.img.name)
	o.str("InitiatingProcessParentFileName", a.parent.name)
	o.str("InitiatingProcessSHA1", a.img.sha1)
	o.str("InitiatingProcessMD5", a.img.md5)
	o.str("InitiatingProcessFolderPath", lower(a.path))
	o.time("InitiatingProcessParentCreationTime", a.parentTime())
	o.num("InitiatingProcessId", a.pid)
	o.str("DeviceName", h.name)
	o.str("DeviceId", h.id)
	o.time("InitiatingProcessCreationTime", a.created)
	o.str("InitiatingProcessAccountName", lower(a.acct.name))
	o.str("InitiatingProcessAccountDomain", lower(a.acct.domain))
	o.str("InitiatingProcessAccountSid", a.acct.sid)
	o.num("InitiatingProcessParentId", a.parentPID)
	o.num("ReportId", h.reportID)
	if locked || g.r.IntN(3) == 0 {
		o.null("SHA256")
	} else {
		o.str("SHA256", randHex(g.r, 64))
	}
	o.str("InitiatingProcessIntegrityLevel", a.integrity)
	o.str("InitiatingProcessTokenElevation", "TokenElevationTypeDefault")
	o.strOrNull("FileOriginUrl", rw.originURL)
	o.null("FileOriginIP")
	o.null("FileOriginReferrerUrl")
	o.str("AppGuardContainerId", "")
	o.str("ActionType", rw.action)
	o.null("SensitivityLabel")
	o.null("SensitivitySubLabel")
	o.null("IsAzureInfoProtectionApplied")
	o.str("RequestProtocol", "Local")
	o.null("ShareName")
	o.null("RequestSourceIP")
	o.null("RequestSourcePort")
	o.str("RequestAccountName", upper(a.acct.name))
	o.str("RequestAccountDomain", upper(a.acct.domain))
	o.str("RequestAccountSid", a.acct.sid)
	o.str("InitiatingProcessSHA256", a.img.sha256)
	o.strOrNull("InitiatingProcessAccountUpn", a.acct.upn)
	o.strOrNull("InitiatingProcessAccountObjectId", a.acct.objectID)
	ft := rw.fileType
	if ft == "" {
		ft = "Unknown"
	}
	o.str("AdditionalFields", `{"FileType":"`+ft+`"}`)
	pdir, pname := splitWin(rw.prevPath)
	o.str("PreviousFolderPath", pdir)
	o.str("PreviousFileName", pname)
	o.num("InitiatingProcessFileSize", a.img.size)
	g.versionInfo(o, true, a.img)
	o.num("InitiatingProcessSessionId", sessionOf(a))
	o.boolean("IsInitiatingProcessRemoteSession", false)
	o.null("InitiatingProcessRemoteSessionDeviceName")
	o.null("InitiatingProcessRemoteSessionIP")
	o.str("InitiatingProcessUniqueId", itoa(a.uniqueID))
	o.time("Timestamp", ts)
	o.str("MachineGroup", h.group)
}

func (g *gen) processProps(o *object, h *host, rw *row, ts time.Time) {
	c, a := rw.child, rw.actor
	c.created = ts
	o.time("Timestamp", ts)
	o.str("DeviceId", h.id)
	o.str("DeviceName", h.name)
	o.str("ActionType", "ProcessCreated")
	o.str("FileName", c.img.name)
	o.str("FolderPath", c.path)
	o.str("SHA1", c.img.sha1)
	o.str("SHA256", c.img.sha256)
	o.str("MD5", c.img.md5)
	o.num("FileSize", c.img.size)
	g.versionInfo(o, false, c.img)
	o.num("ProcessId", c.pid)
	o.str("ProcessCommandLine", c.cmd)
	o.str("ProcessIntegrityLevel", c.integrity)
	o.str("ProcessTokenElevation", "TokenElevationTypeDefault")
	o.time("ProcessCreationTime", ts)
	o.str("AccountDomain", lower(c.acct.domain))
	o.str("AccountName", lower(c.acct.name))
	o.str("AccountSid", c.acct.sid)
	o.strOrNull("AccountUpn", c.acct.upn)
	o.strOrNull("AccountObjectId", c.acct.objectID)
	o.num("LogonId", 999+int64(len(c.acct.name))*1_000_003)
	o.str("InitiatingProcessAccountDomain", lower(a.acct.domain))
	o.str("InitiatingProcessAccountName", lower(a.acct.name))
	o.str("InitiatingProcessAccountSid", a.acct.sid)
	o.strOrNull("InitiatingProcessAccountUpn", a.acct.upn)
	o.strOrNull("InitiatingProcessAccountObjectId", a.acct.objectID)
	o.num("InitiatingProcessLogonId", 999+int64(len(a.acct.name))*1_000_003)
	g.actorProps(o, a)
	o.num("ReportId", h.reportID)
	o.null("AppGuardContainerId")
	o.str("AdditionalFields", `{"ProcessStartKey":`+itoa(c.uniqueID)+`}`)
	o.str("InitiatingProcessSignerType", a.img.signer)
	o.str("InitiatingProcessSignatureStatus", "Valid")
	o.str("InitiatingProcessUniqueId", itoa(a.uniqueID))
	o.str("ProcessUniqueId", itoa(c.uniqueID))
	o.str("MachineGroup", h.group)
}

func (g *gen) networkProps(o *object, h *host, rw *row, ts time.Time) {
	a := rw.actor
	o.num("RemotePort", int64(rw.remotePort))
	o.str("RemoteIP", rw.remoteIP)
	o.str("Protocol", "Tcp")
	o.str("LocalIP", h.ip)
	o.num("LocalPort", int64(rw.localPort))
	o.str("RemoteUrl", rw.remoteURL)
	o.str("LocalIPType", "Private")
	if isPrivate(rw.remoteIP) {
		o.str("RemoteIPType", "Private")
	} else {
		o.str("RemoteIPType", "Public")
	}
	o.null("AdditionalFields")
	o.str("ActionType", rw.action)
	g.actorProps(o, a)
	o.str("DeviceId", h.id)
	o.null("AppGuardContainerId")
	o.str("MachineGroup", h.group)
	o.time("Timestamp", ts)
	o.str("DeviceName", h.name)
	o.num("ReportId", h.reportID)
	o.str("InitiatingProcessUniqueId", itoa(a.uniqueID))
}

// actorProps writes the InitiatingProcess* block shared by process and
// network rows.
func (g *gen) actorProps(o *object, a *proc) {
	g.versionInfo(o, true, a.img)
	o.str("InitiatingProcessFolderPath", lower(a.path))
	o.num("InitiatingProcessFileSize", a.img.size)
	o.str("InitiatingProcessMD5", a.img.md5)
	o.str("InitiatingProcessSHA256", a.img.sha256)
	o.str("InitiatingProcessSHA1", a.img.sha1)
	o.time("InitiatingProcessCreationTime", a.created)
	o.num("InitiatingProcessId", a.pid)
	o.str("InitiatingProcessFileName", a.img.name)
	o.str("InitiatingProcessCommandLine", a.cmd)
	o.time("InitiatingProcessParentCreationTime", a.parentTime())
	o.num("InitiatingProcessParentId", a.parentPID)
	o.str("InitiatingProcessParentFileName", a.parent.name)
	o.str("InitiatingProcessIntegrityLevel", a.integrity)
	o.str("InitiatingProcessTokenElevation", "TokenElevationTypeDefault")
}

func (g *gen) versionInfo(o *object, initiating bool, im *image) {
	if initiating {
		o.str("InitiatingProcessVersionInfoCompanyName", im.company)
		o.str("InitiatingProcessVersionInfoProductName", im.product)
		o.str("InitiatingProcessVersionInfoProductVersion", im.version)
		o.str("InitiatingProcessVersionInfoInternalFileName", im.name)
		o.str("InitiatingProcessVersionInfoOriginalFileName", im.name)
		o.str("InitiatingProcessVersionInfoFileDescription", im.description)
		return
	}
	o.str("ProcessVersionInfoCompanyName", im.company)
	o.str("ProcessVersionInfoProductName", im.product)
	o.str("ProcessVersionInfoProductVersion", im.version)
	o.str("ProcessVersionInfoInternalFileName", im.name)
	o.str("ProcessVersionInfoOriginalFileName", im.name)
	o.str("ProcessVersionInfoFileDescription", im.description)
}

func sessionOf(p *proc) int64 {
	if p.acct.domain == "nt authority" {
		return 0
	}
	return 1
}
