package synth

import (
	"fmt"
	"strings"
	"time"
)

// benign returns the rows of one background episode on h. The mix is
// weighted towards file events, as real DeviceFileEvents volumes are.
func (g *gen) benign(h *host) []*row {
	switch n := g.r.IntN(100); {
	case n < 25:
		return g.browser(h)
	case n < 37:
		return g.windowsUpdate(h)
	case n < 49:
		return g.defender(h)
	case n < 62:
		return g.office(h)
	case n < 74:
		return g.maintenance(h)
	case n < 82:
		return g.installer(h)
	case n < 88:
		return g.backup(h)
	default:
		return g.sync(h)
	}
}

// running returns a process that started before the episode.
func (g *gen) running(h *host, img, cmd, parent string, acct account, integrity string) *proc {
	created := g.clock.Add(-time.Minute - 100*time.Duration(g.r.Int64N(3*24*3600*1e7)))
	return &proc{
		img: g.cat.image(img), path: userPath(g.cat.image(img).path, acct),
		cmd: cmd, pid: h.pid(), created: created,
		parent: g.cat.image(parent), parentPID: h.pid(),
		parentCreated: created.Add(-time.Second - 100*time.Duration(g.r.Int64N(7200*1e7))),
		acct:          acct, integrity: integrity, uniqueID: g.uniqueID(),
	}
}

// spawn returns a process that actor starts in this episode; its creation
// time is set when its ProcessCreated row is written.
func (g *gen) spawn(h *host, actor *proc, img, cmd string) *proc {
	return &proc{
		img: g.cat.image(img), path: userPath(g.cat.image(img).path, actor.acct),
		cmd: cmd, pid: h.pid(), parent: actor.img, parentPID: actor.pid,
		parentProc: actor, acct: actor.acct, integrity: actor.integrity,
		uniqueID: g.uniqueID(),
	}
}

func (g *gen) uniqueID() int64 { return 1e16 + g.r.Int64N(9e16) }

func (g *gen) start(actor, child *proc) *row {
	return &row{table: processTable, action: "ProcessCreated", actor: actor, child: child}
}

func (g *gen) file(actor *proc, action, path string, size int64) *row {
	return &row{table: fileTable, action: action, actor: actor, path: path, size: size, fileType: fileType(path)}
}

func (g *gen) connect(actor *proc, url, ip string, port int) *row {
	return &row{table: networkTable, action: "ConnectionSuccess", actor: actor,
		remoteURL: url, remoteIP: ip, remotePort: port, localPort: 49152 + g.r.IntN(16000)}
}

func (g *gen) publicIP() string {
	return fmt.Sprintf("%d.%d.%d.%d", 13+g.r.IntN(180), g.r.IntN(256), g.r.IntN(256), 1+g.r.IntN(254))
}

func (g *gen) size(lo, hi int64) int64 { return lo + g.r.Int64N(hi-lo+1) }

func (g *gen) userActor(h *host, img, cmd string) *proc {
	u := h.user(g.r)
	return g.running(h, img, cmd, "explorer.exe", u, "Medium")
}

func (g *gen) browser(h *host) []*row {
	img, dir := "msedge.exe", `\AppData\Local\Microsoft\Edge\User Data\Default\Cache\Cache_Data\`
	if g.r.IntN(3) == 0 {
		img, dir = "chrome.exe", `\AppData\Local\Google\Chrome\User Data\Default\Cache\Cache_Data\`
	}
	a := g.userActor(h, img, `"`+g.cat.image(img).path+`" --type=utility --utility-sub-type=network.mojom.NetworkService --lang=en-US --service-sandbox-type=none`)
	home := `C:\Users\` + a.acct.name
	var rows []*row
	rows = append(rows, g.connect(a, "www.bing.com", g.publicIP(), 443))
	for n := 3 + g.r.IntN(22); n > 0; n-- {
		action := "FileCreated"
		if g.r.IntN(3) == 0 {
			action = "FileModified"
		}
		rows = append(rows, g.file(a, action, home+dir+fmt.Sprintf("f_%06x", g.r.IntN(1<<24)), g.size(512, 300<<10)))
	}
	if g.r.IntN(4) == 0 {
		name := pick(g, docNames) + pick(g, []string{".pdf", ".docx", ".zip", ".msi"})
		part := home + `\Downloads\` + name + ".crdownload"
		rows = append(rows, g.file(a, "FileCreated", part, g.size(10<<10, 40<<20)))
		done := g.file(a, "FileRenamed", home+`\Downloads\`+name, rows[len(rows)-1].size)
		done.prevPath, done.originURL = part, "https://download.contoso-partner.com/files/"+name
		rows = append(rows, done)
	}
	return rows
}

func (g *gen) windowsUpdate(h *host) []*row {
	sv := g.running(h, "svchost.exe", `C:\Windows\system32\svchost.exe -k netsvcs -p -s wuauserv`, "services.exe", systemAccount, "System")
	rows := []*row{g.connect(sv, "7.tlu.dl.delivery.mp.microsoft.com", g.publicIP(), 443)}
	uso := g.spawn(h, sv, "MoUsoCoreWorker.exe", `C:\Windows\uus\AMD64\MoUsoCoreWorker.exe -Embedding`)
	rows = append(rows, g.start(sv, uso))
	ti := g.running(h, "TiWorker.exe", `C:\Windows\winsxs\amd64_microsoft-windows-servicingstack_31bf3856ad364e35_10.0.26100.2592_none_5b1a11b1d38e1c5a\TiWorker.exe -Embedding`, "svchost.exe", systemAccount, "System")
	dir := `C:\Windows\SoftwareDistribution\Download\` + randHex(g.r, 32) + `\`
	for n := 5 + g.r.IntN(35); n > 0; n-- {
		name := fmt.Sprintf("Windows11.0-KB50%05d-x64%s", g.r.IntN(100000), pick(g, []string{".cab", ".psf", ".msu", ".esd"}))
		rows = append(rows, g.file(sv, "FileCreated", dir+name, g.size(1<<20, 600<<20)))
		if g.r.IntN(3) == 0 {
			rows = append(rows, g.file(ti, "FileCreated", `C:\Windows\WinSxS\Temp\InFlight\`+randHex(g.r, 16)+`\amd64_`+randHex(g.r, 8)+".dll", g.size(20<<10, 4<<20)))
		}
	}
	return rows
}

func (g *gen) defender(h *host) []*row {
	eng := g.running(h, "MsMpEng.exe", `"C:\ProgramData\Microsoft\Windows Defender\platform\4.18.24090.11-0\MsMpEng.exe"`, "services.exe", systemAccount, "System")
	sense := g.running(h, "MsSense.exe", `"MsSense.exe"`, "services.exe", systemAccount, "System")
	rows := []*row{g.connect(sense, "winatp-gw-weu3.microsoft.com", g.publicIP(), 443)}
	cmd := g.spawn(h, eng, "MpCmdRun.exe", `"C:\ProgramData\Microsoft\Windows Defender\platform\4.18.24090.11-0\MpCmdRun.exe" SignaturesUpdateService -ScheduleJob -UnmanagedUpdate`)
	rows = append(rows, g.start(eng, cmd))
	dir := `C:\ProgramData\Microsoft\Windows Defender\Definition Updates\{` + strings.ToUpper(randUUID(g.r)) + `}\`
	for _, f := range []string{"mpasbase.vdm", "mpasdlta.vdm", "mpavbase.vdm", "mpavdlta.vdm", "mpengine.dll"} {
		if g.r.IntN(4) > 0 {
			rows = append(rows, g.file(cmd, "FileCreated", dir+f, g.size(100<<10, 80<<20)))
		}
	}
	for n := g.r.IntN(8); n > 0; n-- {
		rows = append(rows, g.file(eng, "FileModified", `C:\ProgramData\Microsoft\Windows Defender\Scans\History\CacheManager\`+randHex(g.r, 16)+"-0.bin", g.size(1<<10, 64<<10)))
	}
	rows = append(rows, g.connect(sense, "eu-v20.events.data.microsoft.com", g.publicIP(), 443))
	return rows
}

func (g *gen) office(h *host) []*row {
	img, ext, folder := "WINWORD.EXE", ".docx", "Word"
	if g.r.IntN(2) == 0 {
		img, ext, folder = "EXCEL.EXE", ".xlsx", "Excel"
	}
	a := g.userActor(h, img, `"`+g.cat.image(img).path+`" /n "C:\Users\x\Documents\doc`+ext+`"`)
	home := `C:\Users\` + a.acct.name
	doc := pick(g, docNames) + ext
	a.cmd = strings.Replace(a.cmd, `C:\Users\x\Documents\doc`+ext, home+`\Documents\`+doc, 1)
	lock := home + `\Documents\~$` + doc
	rows := []*row{g.file(a, "FileCreated", lock, 162)}
	for n := 1 + g.r.IntN(6); n > 0; n-- {
		tmp := home + `\AppData\Roaming\Microsoft\` + folder + fmt.Sprintf(`\~WRL%04d.tmp`, g.r.IntN(10000))
		rows = append(rows,
			g.file(a, "FileCreated", tmp, g.size(20<<10, 4<<20)),
			g.file(a, "FileModified", home+`\Documents\`+doc, g.size(20<<10, 4<<20)),
			g.file(a, "FileDeleted", tmp, 0))
	}
	if g.r.IntN(3) == 0 {
		rows = append(rows, g.file(a, "FileCreated", home+`\AppData\Local\Microsoft\Office\UnsavedFiles\`+strings.TrimSuffix(doc, ext)+"((Autosaved-"+randHex(g.r, 18)+"))"+ext, g.size(20<<10, 4<<20)))
	}
	return append(rows, g.file(a, "FileDeleted", lock, 0))
}

func (g *gen) maintenance(h *host) []*row {
	sv := g.running(h, "svchost.exe", `C:\Windows\system32\svchost.exe -k netsvcs -p -s Schedule`, "services.exe", systemAccount, "System")
	sdb := g.spawn(h, sv, "sdbinst.exe", "sdbinst.exe -m -bg")
	th := g.spawn(h, sv, "taskhostw.exe", "taskhostw.exe Install $(Arg0)")
	rows := []*row{
		g.start(sv, sdb),
		g.file(sdb, "FileCreated", `C:\Windows\apppatch\MergeSdbFiles\`+strings.ToUpper(randHex(g.r, 16))+".msimain.sdb", g.size(2<<10, 8<<10)),
		g.start(sv, th),
	}
	for n := 2 + g.r.IntN(12); n > 0; n-- {
		pf := fmt.Sprintf(`C:\Windows\Prefetch\%s-%08X.pf`, strings.ToUpper(pick(g, exeNames)), g.r.Uint32())
		rows = append(rows, g.file(sv, "FileModified", pf, g.size(4<<10, 120<<10)))
	}
	rows = append(rows, g.file(th, "FileModified", `C:\Windows\System32\Tasks\Microsoft\Windows\UpdateOrchestrator\Schedule Scan`, g.size(3<<10, 5<<10)))
	return rows
}

func (g *gen) installer(h *host) []*row {
	ex := g.userActor(h, "explorer.exe", `C:\Windows\Explorer.EXE`)
	home := `C:\Users\` + ex.acct.name
	setup := g.spawn(h, ex, "setup.exe", `"`+home+`\Downloads\setup.exe" `)
	rows := []*row{g.start(ex, setup)}
	tmp := home + `\AppData\Local\Temp\{` + strings.ToUpper(randUUID(g.r)) + `}\`
	var files []string
	for n := 20 + g.r.IntN(100); n > 0; n-- {
		f := tmp + pick(g, []string{"Zoom", "zWebview2", "CptHost", "aomhost", "zCrashReport", "Installer"}) + fmt.Sprintf("%03d", g.r.IntN(1000)) + pick(g, []string{".dll", ".dll", ".exe", ".dat", ".cab", ".json"})
		files = append(files, f)
		rows = append(rows, g.file(setup, "FileCreated", f, g.size(8<<10, 30<<20)))
	}
	msi := g.spawn(h, setup, "msiexec.exe", `C:\Windows\System32\msiexec.exe /i "`+tmp+`ZoomInstallerFull.msi" /quiet`)
	rows = append(rows, g.start(setup, msi))
	for n := 3 + g.r.IntN(15); n > 0; n-- {
		rows = append(rows, g.file(msi, "FileCreated", home+`\AppData\Roaming\Zoom\bin\`+pick(g, exeNames)+".dll", g.size(8<<10, 30<<20)))
	}
	for _, f := range files {
		if g.r.IntN(2) == 0 {
			rows = append(rows, g.file(setup, "FileDeleted", f, 0))
		}
	}
	return rows
}

func (g *gen) backup(h *host) []*row {
	svc := g.running(h, "Veeam.EndPoint.Service.exe", `"C:\Program Files\Veeam\Endpoint Backup\Veeam.EndPoint.Service.exe"`, "services.exe", systemAccount, "System")
	rows := []*row{g.connect(svc, "", "10.0.5.20", 10005)}
	dir := `C:\ProgramData\Veeam\Endpoint\` + h.name + `\`
	for n := 2 + g.r.IntN(6); n > 0; n-- {
		rows = append(rows, g.file(svc, "FileModified", dir+fmt.Sprintf("Job.%s.Backup.log", strings.ToUpper(h.name[:8])), g.size(10<<10, 2<<20)))
	}
	if g.r.IntN(2) == 0 {
		th := g.running(h, "taskhostw.exe", "taskhostw.exe", "svchost.exe", systemAccount, "System")
		c := g.spawn(h, th, "cmd.exe", `C:\Windows\system32\cmd.exe /c "C:\Scripts\nightly-backup.cmd"`)
		u := h.users[0]
		rc := g.spawn(h, c, "robocopy.exe", `robocopy  "C:\Users\`+u.name+`\Documents" "\\srv-backup01.corp.contoso.com\backup$\`+h.name+`\`+u.name+`" /MIR /R:1 /W:1 /NP /LOG:C:\Scripts\backup.log`)
		rows = append(rows, g.start(th, c), g.start(c, rc), g.connect(rc, "", "10.0.5.21", 445),
			g.file(rc, "FileModified", `C:\Scripts\backup.log`, g.size(1<<10, 900<<10)))
	}
	return rows
}

func (g *gen) sync(h *host) []*row {
	u := h.user(g.r)
	od := g.running(h, "OneDrive.exe", `"C:\Users\`+u.name+`\AppData\Local\Microsoft\OneDrive\OneDrive.exe" /background`, "explorer.exe", u, "Medium")
	rows := []*row{g.connect(od, "contoso-my.sharepoint.com", g.publicIP(), 443)}
	dir := `C:\Users\` + u.name + `\OneDrive - Contoso\Documents\`
	for n := 1 + g.r.IntN(30); n > 0; n-- {
		action := "FileModified"
		if g.r.IntN(4) == 0 {
			action = "FileCreated"
		}
		rows = append(rows, g.file(od, action, dir+pick(g, docNames)+pick(g, docExts), g.size(10<<10, 20<<20)))
	}
	sh := g.spawn(h, g.running(h, "explorer.exe", `C:\Windows\Explorer.EXE`, "userinit.exe", u, "Medium"), pick(g, []string{"cmd.exe", "powershell.exe"}), "")
	sh.cmd = `"` + sh.img.path + `" `
	return append(rows, g.start(sh.parentProc, sh))
}
