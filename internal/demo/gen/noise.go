package gen

import (
	"fmt"
	"time"
)

// workstationNoise is Alice's ordinary morning: browser cache, Office,
// OneDrive, Windows Update and Defender. None of it is staging; the
// folders are either not staging folders or see fewer than ten files.
func (b *builder) workstationNoise(w *world) {
	chrome := b.spawn(at(8, 2, 10), w.wsExplorer, w.alice, `C:\Program Files\Google\Chrome\Application\chrome.exe`,
		`"C:\Program Files\Google\Chrome\Application\chrome.exe"`, 6012)
	for i, pid := range []int64{6044, 6068, 6100, 6152} {
		b.spawn(at(8, 2, 11+i), chrome, w.alice, `C:\Program Files\Google\Chrome\Application\chrome.exe`,
			fmt.Sprintf(`"C:\Program Files\Google\Chrome\Application\chrome.exe" --type=renderer --lang=en-US --renderer-client-id=%d --mojo-platform-channel-handle=%d /prefetch:1`, 7+i, 3100+4*i), pid)
	}
	cache := `C:\Users\alice\AppData\Local\Google\Chrome\User Data\Default\Cache\Cache_Data`
	t := at(8, 2, 30)
	for i := range 160 {
		action := "FileCreated"
		name := fmt.Sprintf("f_%06x", 0x1a40+i)
		if i%5 == 4 {
			action, name = "FileModified", fmt.Sprintf("data_%d", i%4)
		}
		b.write(t, chrome, action, cache+`\`+name, 512+w.r.Int64N(180_000))
		t = t.Add(w.jitter(20*time.Second, 90*time.Second))
	}

	outlook := b.spawn(at(8, 5, 40), w.wsExplorer, w.alice, `C:\Program Files\Microsoft Office\root\Office16\OUTLOOK.EXE`,
		`"C:\Program Files\Microsoft Office\root\Office16\OUTLOOK.EXE" `, 6320)
	ost := `C:\Users\alice\AppData\Local\Microsoft\Outlook\alice@contoso.com.ost`
	for t := at(8, 6, 0); t.Before(at(11, 50, 0)); t = t.Add(w.jitter(4*time.Minute, 11*time.Minute)) {
		b.write(t, outlook, "FileModified", ost, 2_147_483_648+w.r.Int64N(1<<20))
	}
	b.write(at(8, 31, 12), outlook, "FileCreated",
		`C:\Users\alice\AppData\Local\Microsoft\Windows\INetCache\Content.Outlook\8K2J4QZP\invoices-feb.zip`, 1_204_311)

	word := b.spawn(at(8, 20, 5), w.wsExplorer, w.alice, `C:\Program Files\Microsoft Office\root\Office16\WINWORD.EXE`,
		`"C:\Program Files\Microsoft Office\root\Office16\WINWORD.EXE" /n "C:\Users\alice\Documents\Q3 plan.docx" /o ""`, 6480)
	b.write(at(8, 20, 7), word, "FileCreated", `C:\Users\alice\Documents\~$Q3 plan.docx`, 162)
	autosave := `C:\Users\alice\AppData\Roaming\Microsoft\Word\`
	for i := range 6 {
		b.write(at(8, 30+10*i, 5), word, "FileModified", autosave+"AutoRecovery save of Q3 plan.asd", 48_000+int64(i)*1300)
	}
	b.write(at(8, 45, 0), word, "FileCreated", autosave+"~WRL0003.tmp", 41_022)
	for i := range 5 {
		b.write(at(8, 24+15*i, 30), word, "FileModified", `C:\Users\alice\Documents\Q3 plan.docx`, 51_200+int64(i)*900)
	}

	excel := b.spawn(at(10, 2, 44), w.wsExplorer, w.alice, `C:\Program Files\Microsoft Office\root\Office16\EXCEL.EXE`,
		`"C:\Program Files\Microsoft Office\root\Office16\EXCEL.EXE" "C:\Users\alice\Documents\expenses-Feb.xlsx"`, 9120)
	for i := range 4 {
		b.write(at(10, 10+12*i, 0), excel, "FileModified", `C:\Users\alice\Documents\expenses-Feb.xlsx`, 33_000+int64(i)*700)
	}

	onedrive := running(w.ws, w.alice, `C:\Users\alice\AppData\Local\Microsoft\OneDrive\OneDrive.exe`,
		`"C:\Users\alice\AppData\Local\Microsoft\OneDrive\OneDrive.exe" /background`, 5560, at(7, 58, 30), w.wsExplorer)
	logs := `C:\Users\alice\AppData\Local\Microsoft\OneDrive\logs\Business1`
	for i, t := 0, at(8, 0, 0); t.Before(at(12, 0, 0)); i, t = i+1, t.Add(w.jitter(6*time.Minute, 14*time.Minute)) {
		b.write(t, onedrive, "FileModified", logs+fmt.Sprintf(`\SyncEngine-2026-03-10.%04d.odl`, 712+i/6), 262_144)
	}

	// Windows Update downloads into SoftwareDistribution, not a staging
	// folder.
	wu := running(w.ws, w.system, `C:\Windows\System32\svchost.exe`, `C:\WINDOWS\system32\svchost.exe -k netsvcs -p -s wuauserv`, 2212, at(7, 40, 0), w.wsServices)
	dl := `C:\Windows\SoftwareDistribution\Download\8e1b2f6c0a4d5e93b7c1f0a2d6e4b8c9`
	b.burst(at(10, 40, 0), 9*time.Second, wu, "FileCreated", dl,
		numbered(`Windows10.0-KB5053598-x64_%02d.psf`, 1, 18), w.size(24_000_000))

	// Defender definition update: five files under ProgramData, below any
	// threshold.
	mpcmd := b.spawn(at(8, 47, 1), w.wsSvchost, w.system, `C:\Program Files\Windows Defender\MpCmdRun.exe`,
		`"C:\Program Files\Windows Defender\MpCmdRun.exe" -SignatureUpdate -ScheduleJob -RestrictPrivileges`, 3996)
	msmpeng := running(w.ws, w.system, `C:\ProgramData\Microsoft\Windows Defender\Platform\4.18.25010.11-0\MsMpEng.exe`,
		`"C:\ProgramData\Microsoft\Windows Defender\Platform\4.18.25010.11-0\MsMpEng.exe"`, 3560, at(0, 0, 0).Add(-70*time.Hour), w.wsServices)
	defs := `C:\ProgramData\Microsoft\Windows Defender\Definition Updates\{6B3C1E0A-4F2D-4B8E-9A7C-2D5E8F1B3A90}`
	b.burst(at(8, 47, 9), 2*time.Second, mpcmd, "FileCreated", defs,
		[]string{"mpasbase.vdm", "mpasdlta.vdm", "mpavbase.vdm", "mpavdlta.vdm", "mpengine.dll"}, w.size(40_000_000))
	b.write(at(8, 48, 2), msmpeng, "FileModified", `C:\ProgramData\Microsoft\Windows Defender\Scans\mpenginedb.db`, 5_505_024)

	// Scheduled tasks and service chatter.
	for i, t := 0, at(7, 45, 0); t.Before(at(12, 0, 0)); i, t = i+1, t.Add(w.jitter(9*time.Minute, 21*time.Minute)) {
		p := b.spawn(t, w.wsSvchost, w.system, `C:\Windows\System32\taskhostw.exe`, `taskhostw.exe`, 10_400+int64(i)*4)
		b.write(t.Add(300*time.Millisecond), p, "FileModified", `C:\Windows\System32\LogFiles\Scm\`+fmt.Sprintf("%08x-%d", 0x3c9fe2a1, i%3), 2048)
	}
	for i, t := 0, at(7, 50, 0); t.Before(at(12, 0, 0)); i, t = i+1, t.Add(w.jitter(12*time.Minute, 25*time.Minute)) {
		b.spawn(t, w.wsServices, w.system, `C:\Windows\System32\svchost.exe`, `C:\WINDOWS\system32\svchost.exe -k UnistackSvcGroup -s CDPUserSvc`, 11_200+int64(i)*4)
	}
}

// serverNoise is the server's ordinary morning: guest agent heartbeats,
// IIS logs and Windows Update.
func (b *builder) serverNoise(w *world) {
	iis := running(w.srv, account{domain: "iis apppool", name: "intranet", sid: "S-1-5-82-3006700770-424185619-1745488364-794895919-4004696415", logon: 2202113},
		`C:\Windows\System32\inetsrv\w3wp.exe`, `c:\windows\system32\inetsrv\w3wp.exe -ap "intranet" -v "v4.0" -l "webengine4.dll"`, 4420, at(6, 0, 0), w.srvSvchost)
	for t := at(7, 30, 0); t.Before(at(12, 0, 0)); t = t.Add(w.jitter(3*time.Minute, 8*time.Minute)) {
		b.write(t, iis, "FileModified", `C:\inetpub\logs\LogFiles\W3SVC1\u_ex260310.log`, 1_048_576+w.r.Int64N(900_000))
	}
	for t := at(7, 30, 30); t.Before(at(12, 0, 0)); t = t.Add(w.jitter(8*time.Minute, 16*time.Minute)) {
		b.write(t, w.srvGuestAgent, "FileModified", `C:\WindowsAzure\Logs\WaAppAgent.log`, 3_145_728)
	}
	for i, t := 0, at(7, 40, 0); t.Before(at(12, 0, 0)); i, t = i+1, t.Add(w.jitter(10*time.Minute, 20*time.Minute)) {
		b.spawn(t, w.srvSvchost, w.system, `C:\Windows\System32\taskhostw.exe`, `taskhostw.exe`, 20_400+int64(i)*4)
	}
	wu := running(w.srv, w.system, `C:\Windows\System32\svchost.exe`, `C:\Windows\system32\svchost.exe -k netsvcs -p -s wuauserv`, 1904, at(7, 0, 0), w.srvServices)
	b.burst(at(11, 5, 0), 7*time.Second, wu, "FileCreated", `C:\Windows\SoftwareDistribution\Download\c0a4d5e938e1b2f6b7c1f0a2d6e4b8c9`,
		numbered(`Windows10.0-KB5053596-x64_%02d.psf`, 1, 12), w.size(30_000_000))
}
