package synth

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// image is an executable the generator knows, with the version fields MDE
// copies from its resources.
type image struct {
	name, path                string
	company, product, version string
	description               string
	size                      int64
	sha1, sha256, md5         string
	signer                    string // "Microsoft", "OsVendor", "Unknown"...
}

// images lists the executables the episodes use. Hashes are filled from the
// seeded source, so they are stable per seed but mean nothing.
var imageTable = []image{
	{name: "svchost.exe", path: `C:\Windows\System32\svchost.exe`, description: "Host Process for Windows Services", size: 57360},
	{name: "sdbinst.exe", path: `c:\windows\system32\sdbinst.exe`, description: "Application Compatibility Database Installer", size: 299008},
	{name: "services.exe", path: `C:\Windows\System32\services.exe`, description: "Services and Controller app", size: 724816},
	{name: "explorer.exe", path: `C:\Windows\explorer.exe`, description: "Windows Explorer", size: 5566464},
	{name: "cmd.exe", path: `C:\Windows\System32\cmd.exe`, description: "Windows Command Processor", size: 323584},
	{name: "powershell.exe", path: `C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe`, description: "Windows PowerShell", size: 450560},
	{name: "conhost.exe", path: `C:\Windows\System32\conhost.exe`, description: "Console Window Host", size: 878592},
	{name: "msedge.exe", path: `C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe`, company: "Microsoft Corporation", product: "Microsoft Edge", version: "131.0.2903.86", description: "Microsoft Edge", size: 4210232},
	{name: "chrome.exe", path: `C:\Program Files\Google\Chrome\Application\chrome.exe`, company: "Google LLC", product: "Google Chrome", version: "131.0.6778.140", description: "Google Chrome", size: 3059480},
	{name: "TiWorker.exe", path: `C:\Windows\WinSxS\amd64_microsoft-windows-servicingstack_31bf3856ad364e35_10.0.26100.2592_none_5b1a11b1d38e1c5a\TiWorker.exe`, description: "Windows Modules Installer Worker", size: 233472},
	{name: "MoUsoCoreWorker.exe", path: `C:\Windows\UUS\amd64\MoUsoCoreWorker.exe`, description: "MoUSO Core Worker Process", size: 1810432},
	{name: "MsMpEng.exe", path: `C:\ProgramData\Microsoft\Windows Defender\Platform\4.18.24090.11-0\MsMpEng.exe`, product: "Microsoft Malware Protection", version: "4.18.24090.11", description: "Antimalware Service Executable", size: 133576},
	{name: "MpCmdRun.exe", path: `C:\ProgramData\Microsoft\Windows Defender\Platform\4.18.24090.11-0\MpCmdRun.exe`, product: "Microsoft Malware Protection", version: "4.18.24090.11", description: "Microsoft Malware Protection Command Line Utility", size: 1681384},
	{name: "MsSense.exe", path: `c:\program files\windows defender advanced threat protection\mssense.exe`, version: "10.8798.26100.1234", description: "Windows Defender Advanced Threat Protection Service Executable", size: 472368},
	{name: "WINWORD.EXE", path: `C:\Program Files\Microsoft Office\root\Office16\WINWORD.EXE`, product: "Microsoft Office", version: "16.0.18129.20158", description: "Microsoft Word", size: 1620360},
	{name: "EXCEL.EXE", path: `C:\Program Files\Microsoft Office\root\Office16\EXCEL.EXE`, product: "Microsoft Office", version: "16.0.18129.20158", description: "Microsoft Excel", size: 70452104},
	{name: "OneDrive.exe", path: `C:\Users\{user}\AppData\Local\Microsoft\OneDrive\OneDrive.exe`, product: "Microsoft OneDrive", version: "24.226.1110.0004", description: "Microsoft OneDrive", size: 3412344},
	{name: "msiexec.exe", path: `C:\Windows\System32\msiexec.exe`, description: "Windows® installer", size: 69632},
	{name: "setup.exe", path: `C:\Users\{user}\Downloads\setup.exe`, company: "Zoom Video Communications, Inc.", product: "Zoom", version: "6.3.1.53619", description: "Zoom Installer", size: 14728504, signer: "ThirdParty"},
	{name: "Veeam.EndPoint.Service.exe", path: `C:\Program Files\Veeam\Endpoint Backup\Veeam.EndPoint.Service.exe`, company: "Veeam Software Group GmbH", product: "Veeam Agent for Microsoft Windows", version: "6.2.0.121", description: "Veeam Agent for Microsoft Windows Service", size: 561272, signer: "ThirdParty"},
	{name: "robocopy.exe", path: `C:\Windows\System32\Robocopy.exe`, description: "Microsoft® Robust File Copy for Windows", size: 137216},
	{name: "xcopy.exe", path: `C:\Windows\System32\xcopy.exe`, description: "Extended Copy Utility", size: 47616},
	{name: "7z.exe", path: `C:\Program Files\7-Zip\7z.exe`, company: "Igor Pavlov", product: "7-Zip", version: "24.08", description: "7-Zip Console", size: 576000, signer: "Unknown"},
	{name: "rar.exe", path: `C:\Program Files\WinRAR\Rar.exe`, company: "Alexander Roshal", product: "Command line RAR", version: "7.01.0", description: "Command line RAR", size: 775856, signer: "ThirdParty"},
	{name: "userinit.exe", path: `C:\Windows\System32\userinit.exe`, description: "Userinit Logon Application", size: 38400},
	{name: "taskhostw.exe", path: `C:\Windows\System32\taskhostw.exe`, description: "Host Process for Windows Tasks", size: 101888},
}

// catalog holds the seeded tables one generator uses.
type catalog struct {
	images map[string]*image
}

func newCatalog(r *rand.Rand) *catalog {
	c := &catalog{images: make(map[string]*image, len(imageTable))}
	for _, im := range imageTable {
		im := im
		if im.company == "" {
			im.company = "Microsoft Corporation"
		}
		if im.product == "" {
			im.product = "Microsoft® Windows® Operating System"
		}
		if im.version == "" {
			im.version = "10.0.26100.2454"
		}
		if im.signer == "" {
			im.signer = "OsVendor"
		}
		im.sha1 = randHex(r, 40)
		im.sha256 = randHex(r, 64)
		im.md5 = randHex(r, 32)
		c.images[im.name] = &im
	}
	return c
}

func (c *catalog) image(name string) *image {
	im, ok := c.images[name]
	if !ok {
		panic("synth: no image " + name) // a typo in an episode, not bad input
	}
	return im
}

// account is a Windows account as MDE reports it.
type account struct {
	name, domain, sid, upn, objectID string
}

var (
	systemAccount  = account{name: "system", domain: "nt authority", sid: "S-1-5-18"}
	networkService = account{name: "network service", domain: "nt authority", sid: "S-1-5-20"}
)

var firstNames = []string{"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory", "oscar", "peggy", "rupert", "sybil", "trent", "victor", "walter"}

// host is one device with its own report counter and running processes.
type host struct {
	name, id, group string
	users           []account
	reportID        int64
	nextPID         int64
	ip              string
}

func newHost(r *rand.Rand, i int, domainSID string) *host {
	h := &host{
		id:       randHex(r, 40),
		reportID: int64(r.IntN(20000)),
		nextPID:  int64(1000 + r.IntN(9000)),
		ip:       fmt.Sprintf("10.%d.%d.%d", 10+i/60000%200, i/250%240, 10+i%240),
	}
	switch {
	case i%25 == 24:
		h.name = fmt.Sprintf("srv-file%02d.corp.contoso.com", i/25)
		h.group = "Servers"
	default:
		h.name = fmt.Sprintf("wks-%04d.corp.contoso.com", i)
		h.group = "Workstations"
	}
	for n := 1 + r.IntN(2); n > 0; n-- {
		u := firstNames[r.IntN(len(firstNames))]
		h.users = append(h.users, account{
			name:     u,
			domain:   "contoso",
			sid:      fmt.Sprintf("%s-%d", domainSID, 1100+r.IntN(8000)),
			upn:      u + "@contoso.com",
			objectID: randUUID(r),
		})
	}
	return h
}

func (h *host) pid() int64 {
	h.nextPID += 4 * int64(1+h.nextPID%7)
	if h.nextPID > 65000 {
		h.nextPID = 1000
	}
	return h.nextPID
}

func (h *host) user(r *rand.Rand) account { return h.users[r.IntN(len(h.users))] }

// proc is a running process: the initiating process of a row, or the new
// process of a ProcessCreated row.
type proc struct {
	img           *image
	path          string // img.path with the user filled in
	cmd           string
	pid           int64
	created       time.Time // zero until its ProcessCreated row is written
	parent        *image
	parentPID     int64
	parentCreated time.Time
	parentProc    *proc // set when the parent is started in the same episode
	acct          account
	integrity     string
	uniqueID      int64
}

// parentTime returns the parent's creation time, which is only known once a
// parent started in the same episode has been written.
func (p *proc) parentTime() time.Time {
	if p.parentProc != nil {
		return p.parentProc.created
	}
	return p.parentCreated
}

func randHex(r *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = hexDigits[r.IntN(16)]
	}
	return string(b)
}

func randUUID(r *rand.Rand) string {
	h := randHex(r, 32)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
