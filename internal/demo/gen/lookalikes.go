package gen

import (
	"fmt"
	"time"
)

// lookalikes writes one benign look-alike of every built-in suppression
// class. Each writes enough files into a staging folder (or creates an
// archive there, or runs a copy tool into one) to cross the analytics'
// thresholds, so only the suppression keeps it from alerting, and the run
// summary shows how many matches each suppression removed.
func (b *builder) lookalikes(w *world) {
	b.installers(w)
	b.deployment(w)
	b.logCollection(w)
	b.explorerZip(w)
	b.backups(w)
	b.builds(w)
	b.browser(w)
	b.webServer(w)
}

// webServer: IIS on the server recycles its app pools; the activation
// service (WAS, in svchost) rewrites each pool's config under
// C:\inetpub\temp\appPools, a tier-2 temp folder.
func (b *builder) webServer(w *world) {
	was := running(w.srv, w.system, `C:\Windows\System32\svchost.exe`, `C:\Windows\system32\svchost.exe -k iissvcs`,
		2216, at(0, 0, 0).Add(-30*time.Hour), w.srvServices)
	b.burst(at(10, 30, 0), 150*time.Millisecond, was, "FileCreated", `C:\inetpub\temp\appPools`,
		numbered(`APC%04X.tmp`, 0x3606, 12), w.size(6_000))
}

// browser: Chrome unpacks an extension update into a scoped_dir in %TEMP%.
func (b *builder) browser(w *world) {
	chrome := running(w.ws, w.alice, `C:\Program Files\Google\Chrome\Application\chrome.exe`,
		`"C:\Program Files\Google\Chrome\Application\chrome.exe" --type=utility --utility-sub-type=unzip.mojom.Unzipper --lang=en-US --service-sandbox-type=none`,
		6710, at(11, 12, 0), w.wsExplorer)
	dir := `C:\Users\alice\AppData\Local\Temp\scoped_dir6012_1784392217\ghbmnnjooekpmoecnnnilnnbdlolhkhi_1.88.1_0`
	b.burst(at(11, 12, 1), 20*time.Millisecond, chrome, "FileCreated", dir,
		[]string{"manifest.json", "background.js", "content.js", "offscreen.html", "offscreen.js", "page_embed_script.js",
			"verified_contents.json", "messages.json", "icon16.png", "icon48.png", "icon128.png", "styles.css"}, w.size(20_000))
}

// installers: an MSI installed by Alice extracts into %TEMP% and the
// Windows Installer service into C:\Windows\Temp.
func (b *builder) installers(w *world) {
	msi := b.spawn(at(8, 50, 12), w.wsExplorer, w.alice, `C:\Windows\System32\msiexec.exe`,
		`"C:\WINDOWS\System32\msiexec.exe" /i "C:\Users\alice\Downloads\ZoomInstallerFull.msi"`, 8840)
	srvMsi := b.spawn(at(8, 50, 14), w.wsServices, w.system, `C:\Windows\System32\msiexec.exe`,
		`C:\WINDOWS\system32\msiexec.exe /V`, 8856)
	child := b.spawn(at(8, 50, 20), srvMsi, w.system, `C:\Windows\System32\msiexec.exe`,
		`C:\Windows\System32\MsiExec.exe -Embedding 5A0E3B7C2D9F1E4A8B6C0D2E4F6A8B1C E Global\MSI0000`, 8872)
	b.burst(at(8, 50, 16), 300*time.Millisecond, msi, "FileCreated", `C:\Users\alice\AppData\Local\Temp\{2F1C7B0E-93D4-4E8A-B5C6-1D2E3F4A5B6C}`,
		[]string{"Zoom.msi", "Installer.dll", "zCrashReport64.exe", "zTscoder.exe", "aomhost64.exe", "airhost.exe",
			"CptHost.exe", "Zoom.exe", "zzhost.dll", "zWebview2Agent.dll", "Installer.exe", "install.log"}, w.size(2_000_000))
	b.burst(at(8, 50, 22), 250*time.Millisecond, child, "FileCreated", `C:\Windows\Temp\MSI4a7c2.tmp-`,
		numbered(`ZoomSetupPart%02d.tmp`, 1, 14), w.size(700_000))
	b.write(at(8, 50, 28), child, "FileCreated", `C:\Windows\Temp\Zoom1.cab`, 31_457_280)
}

// deployment: SCCM's client and Intune's management extension both stage
// content before installing it.
func (b *builder) deployment(w *world) {
	ccm := running(w.ws, w.system, `C:\Windows\CCM\CcmExec.exe`, `C:\WINDOWS\CCM\CcmExec.exe`, 3008, at(0, 0, 0).Add(-70*time.Hour), w.wsServices)
	b.burst(at(7, 52, 0), 400*time.Millisecond, ccm, "FileCreated", `C:\Windows\ccmcache\3f`,
		numbered(`Office16-update-%02d.cab`, 1, 6), w.size(12_000_000))
	b.burst(at(7, 52, 30), 200*time.Millisecond, ccm, "FileCreated", `C:\Windows\CCM\Temp`,
		numbered(`CCM%04X.tmp`, 0x2a10, 15), w.size(40_000))
	ccmsetup := b.spawn(at(7, 53, 40), ccm, w.system, `C:\Windows\ccmsetup\ccmsetup.exe`,
		`"C:\WINDOWS\ccmsetup\ccmsetup.exe" /runfrommanagedinstaller`, 3120)
	b.burst(at(7, 53, 42), 200*time.Millisecond, ccmsetup, "FileCreated", `C:\Windows\Temp\ccmsetup`,
		numbered(`client-%02d.msp`, 1, 11), w.size(900_000))

	ime := running(w.ws, w.system, `C:\Program Files (x86)\Microsoft Intune Management Extension\Microsoft.Management.Services.IntuneWindowsAgent.exe`,
		`"C:\Program Files (x86)\Microsoft Intune Management Extension\Microsoft.Management.Services.IntuneWindowsAgent.exe"`,
		3480, at(0, 0, 0).Add(-70*time.Hour), w.wsServices)
	base := `C:\ProgramData\Microsoft\IntuneManagementExtension\Content`
	b.write(at(10, 15, 1), ime, "FileCreated", base+`\Incoming\9c1a7e2b-5d3f-4a8e-b6c4-0f2d1e3a5b7c_1.intunewin.bin`, 48_234_112)
	b.write(at(10, 15, 30), ime, "FileCreated", base+`\Staging\9c1a7e2b-5d3f-4a8e-b6c4-0f2d1e3a5b7c_1\IntunePackage.intunewin.zip`, 48_230_400)
	b.burst(at(10, 15, 40), 150*time.Millisecond, ime, "FileCreated", base+`\Staging\9c1a7e2b-5d3f-4a8e-b6c4-0f2d1e3a5b7c_1\contents`,
		[]string{"Install.ps1", "Detect.ps1", "setup.exe", "setup.xml", "config.json", "readme.txt", "app.msi",
			"app.cab", "license.rtf", "prereq.exe", "uninstall.ps1", "icon.png"}, w.size(3_000_000))
}

// logCollection: Windows Error Reporting queues a crash report, and the
// Azure guest agent collects its logs.
func (b *builder) logCollection(w *world) {
	wer := b.spawn(at(10, 51, 3), w.wsSvchost, w.system, `C:\Windows\System32\wermgr.exe`,
		`C:\WINDOWS\system32\wermgr.exe -upload`, 9904)
	b.burst(at(10, 51, 5), 120*time.Millisecond, wer, "FileCreated", `C:\ProgramData\Microsoft\Windows\WER\Temp`,
		[]string{"WER6A1F.tmp.dmp", "WER6A2F.tmp.WERInternalMetadata.xml", "WER6A3F.tmp.csv", "WER6A4F.tmp.txt",
			"WER6A5F.tmp.xml", "WER6A6F.tmp.mdmp", "WER6A7F.tmp.WERDataCollectionStatus.txt", "WER6A8F.tmp.appcompat.txt",
			"WER6A9F.tmp.etl", "WER6AAF.tmp.hdmp", "WER6ABF.tmp.log", "WER6ACF.tmp.json"}, w.size(400_000))
	b.write(at(10, 51, 8), wer, "FileCreated",
		`C:\ProgramData\Microsoft\Windows\WER\ReportQueue\AppCrash_OUTLOOK.EXE_3c9f1a_cab_0f2d1e3a\Report.cab`, 2_311_040)

	cgl := b.spawn(at(9, 0, 4), w.srvGuestAgent, w.system, `C:\WindowsAzure\GuestAgent_2.7.41491.1102_2024-03-12_010101\CollectGuestLogs.exe`,
		`"C:\WindowsAzure\GuestAgent_2.7.41491.1102_2024-03-12_010101\CollectGuestLogs.exe" -Mode:ga -FileName:C:\WindowsAzure\CollectGuestLogsTemp\7d1e0b52.zip`, 5912)
	b.burst(at(9, 0, 6), 100*time.Millisecond, cgl, "FileCreated", `C:\Windows\Temp\CollectGuestLogs\7d1e0b52`,
		[]string{"WaAppAgent.log", "TransparentInstaller.log", "Telemetry.log", "System.evtx", "Application.evtx",
			"Setup.evtx", "netsh-advfirewall.txt", "ipconfig.txt", "route-print.txt", "systeminfo.txt",
			"dism-packages.txt", "services.txt"}, w.size(600_000))
	b.write(at(9, 0, 9), cgl, "FileCreated", `C:\Windows\Temp\CollectGuestLogs\7d1e0b52.zip`, 5_242_880)
}

// explorerZip: Alice opens a zipped attachment in Explorer, which extracts
// it into %TEMP%\Temp1_<name>.zip.
func (b *builder) explorerZip(w *world) {
	names := make([]string, 14)
	for i := range names {
		names[i] = fmt.Sprintf("INV-2026-02%03d.pdf", 117+i)
	}
	b.burst(at(8, 40, 12), 90*time.Millisecond, w.wsExplorer, "FileCreated",
		`C:\Users\alice\AppData\Local\Temp\Temp1_invoices-feb.zip`, names, w.size(180_000))
}

// backups: the Veeam agent and Windows Server Backup stage into temp
// folders on the server.
func (b *builder) backups(w *world) {
	veeam := running(w.srv, w.system, `C:\Program Files\Veeam\Endpoint Backup\Veeam.EndPoint.Service.exe`,
		`"C:\Program Files\Veeam\Endpoint Backup\Veeam.EndPoint.Service.exe"`, 2480, at(0, 0, 0).Add(-200*time.Hour), w.srvServices)
	b.burst(at(7, 31, 0), 2*time.Second, veeam, "FileCreated", `C:\Windows\Temp\VeeamBackup\Job-APP-SRV02`,
		numbered(`APP-SRV02_2026-03-10T073100_%02d.vblob`, 1, 24), w.size(64_000_000))
	b.write(at(7, 32, 0), veeam, "FileCreated", `C:\Windows\Temp\VeeamBackup\Job-APP-SRV02\config.zip`, 81_920)

	wbadmin := b.spawn(at(11, 30, 0), w.srvSvchost, w.system, `C:\Windows\System32\wbadmin.exe`,
		`"C:\Windows\system32\wbadmin.exe" start backup -backupTarget:\\nas01\wsb -include:C:\inetpub -quiet`, 6600)
	wbengine := b.spawn(at(11, 30, 2), w.srvServices, w.system, `C:\Windows\System32\wbengine.exe`,
		`"C:\Windows\system32\wbengine.exe"`, 6620)
	_ = wbadmin
	b.burst(at(11, 30, 5), 500*time.Millisecond, wbengine, "FileCreated", `C:\Windows\Temp\WindowsImageBackup\APP-SRV02`,
		append(numbered(`Catalog%02d.edb`, 1, 4), numbered(`{8A1C3E5F-2B4D-4F6A-9C8E-0D1F2A3B4C5D}_%02d.vhdx.tmp`, 1, 8)...), w.size(900_000))
}

// builds: the Azure DevOps agent builds a .NET service, its npm front end
// and a Go tool in the build account's %TEMP%.
func (b *builder) builds(w *world) {
	worker := b.spawn(at(10, 0, 0), w.srvBuildAgent, w.build, `C:\agent\bin\Agent.Worker.exe`,
		`"C:\agent\bin\Agent.Worker.exe" spawnclient 3540 3612`, 7012)
	cmd := b.spawn(at(10, 0, 4), worker, w.build, `C:\Windows\System32\cmd.exe`,
		`"C:\Windows\system32\cmd.exe" /D /E:ON /V:OFF /S /C "CALL "C:\agent\_work\_temp\3b1f7e2a-0c4d-4e5f-8a9b-1c2d3e4f5a6b.cmd""`, 7040)
	tmp := `C:\Users\svc-build\AppData\Local\Temp`

	msbuild := b.spawn(at(10, 0, 6), cmd, w.build,
		`C:\Program Files\Microsoft Visual Studio\2022\BuildTools\MSBuild\Current\Bin\amd64\MSBuild.exe`,
		`"C:\Program Files\Microsoft Visual Studio\2022\BuildTools\MSBuild\Current\Bin\amd64\MSBuild.exe" C:\agent\_work\1\s\Intranet.sln /p:Configuration=Release /m`, 7088)
	b.burst(at(10, 0, 8), 60*time.Millisecond, msbuild, "FileCreated", tmp+`\MSBuildTempsvc-build`,
		numbered(`tmp%X.tmp`, 0xa0c1, 20), w.size(12_000))

	npm := b.spawn(at(10, 3, 0), cmd, w.build, `C:\Program Files\nodejs\node.exe`,
		`"C:\Program Files\nodejs\node.exe" "C:\Program Files\nodejs\node_modules\npm\bin\npm-cli.js" ci`, 7312)
	b.burst(at(10, 3, 2), 40*time.Millisecond, npm, "FileCreated", tmp+`\npm-7312-5f0a2c1e`,
		numbered(`package-%02d.tgz`, 1, 16), w.size(90_000))

	gobuild := b.spawn(at(10, 6, 0), cmd, w.build, `C:\Program Files\Go\bin\go.exe`,
		`"C:\Program Files\Go\bin\go.exe" build -o C:\agent\_work\1\a\stagectl.exe ./cmd/stagectl`, 7460)
	b.burst(at(10, 6, 1), 30*time.Millisecond, gobuild, "FileCreated", tmp+`\go-build2915530167\b001`,
		[]string{"_pkg_.a", "importcfg", "importcfg.link", "exe\\a.out.exe", "_gomod_.go", "buildid",
			"_cgo_.o", "_x001.o", "_x002.o", "_x003.o", "vet.cfg", "vet.out"}, w.size(300_000))

}
