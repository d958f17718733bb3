package seedrule

import "testing"

// The fidelity cases: each runs the seed reference and stagewatch's default
// analytics over one fixture and states what both report. docs/seed-rule.md
// lists every one of them (TestDocListsEveryCase keeps the two in step).

// Branch 1 can only fire when one path is written ten times (it groups by
// FolderPath, which holds the file name). A collection script that appends
// to an index after each file makes both fire on the same activity: the
// seed on the index file, stagewatch on the folder.
func TestAgreeBulkFileStaging(t *testing.T) {
	check(t, outcome{
		Seed:   []string{`BulkFileStaging: C:\Users\Public\Documents\c\index.txt`},
		Alerts: []string{"bulk-file-staging critical/high: powershell.exe"},
	}, run(t, "agree_bulk"))
}

func TestAgreeArchiveInStaging(t *testing.T) {
	check(t, outcome{
		Seed:   []string{`ArchiveCreated: C:\Users\bob\AppData\Local\Temp\loot.7z`},
		Alerts: []string{"archive-command high/medium: 7z.exe", "archive-in-staging high/medium: 7z.exe"},
	}, run(t, "agree_archive"))
}

// Recursion (/s) raises stagewatch's confidence to high.
func TestAgreeBulkCopyCommand(t *testing.T) {
	check(t, outcome{
		Seed:   []string{`BulkCopyCommand: robocopy C:\Users\bob\Documents C:\Users\Public\Videos\x *.docx /s`},
		Alerts: []string{"bulk-copy-command critical/high: Robocopy.exe"},
	}, run(t, "agree_copy"))
}

// Ten distinct files into one folder: the seed groups by file and never
// reaches ten.
func TestDiffFolderGrouping(t *testing.T) {
	check(t, outcome{
		Alerts: []string{"bulk-file-staging critical/high: Robocopy.exe"},
	}, run(t, "folder_grouping"))
}

// One file written twelve times is one file, not bulk staging.
func TestDiffRepeatedWrites(t *testing.T) {
	check(t, outcome{
		Seed: []string{`BulkFileStaging: C:\Users\Public\list.txt`},
	}, run(t, "repeated_writes"))
}

// robocopy out of C:\Temp into D:\backup: the staging path is the source.
// stagewatch parses the destination and, having found it, does not fall
// back to the substring test.
func TestDiffDestinationParsing(t *testing.T) {
	check(t, outcome{
		Seed: []string{`BulkCopyCommand: robocopy C:\Temp\src D:\backup /e`},
	}, run(t, "destination"))
}

// A vendor installer's ProgramData\...\Temp folder is tier 2: both fire, but
// stagewatch lowers severity and confidence against tier-1 %TEMP%.
func TestDiffTiers(t *testing.T) {
	check(t, outcome{
		Seed: []string{
			`ArchiveCreated: C:\Users\bob\AppData\Local\Temp\payload.zip`,
			`ArchiveCreated: C:\ProgramData\Contoso\Installer\Temp\payload.zip`,
		},
		Alerts: []string{
			"archive-in-staging medium/low: cupdate.exe",
			"archive-in-staging high/medium: cupdate.exe",
		},
	}, run(t, "tiers"))
}

// has_any(".7z") matches q.7z.001 (7z is a whole term there), so both see
// the 7-Zip split volume; only stagewatch knows .z01 and .tgz.
func TestDiffSplitVolumes(t *testing.T) {
	check(t, outcome{
		Seed: []string{`ArchiveCreated: C:\Users\Public\q.7z.001`},
		Alerts: []string{
			"archive-in-staging high/high: 7z.exe",
			"archive-in-staging high/high: wzzip.exe",
			"archive-in-staging high/medium: tar.exe",
		},
	}, run(t, "split_volume"))
}

// "copy /" needs the switch right after copy; stagewatch parses cmd's copy
// wherever its switches are.
func TestDiffCmdCopy(t *testing.T) {
	check(t, outcome{
		Seed: []string{`BulkCopyCommand: cmd.exe /c copy /y C:\Users\bob\Documents\*.docx C:\Users\Public\Libraries\d`},
		Alerts: []string{
			"bulk-copy-command high/high: cmd.exe",
			"bulk-copy-command high/high: cmd.exe",
		},
	}, run(t, "cmd_copy"))
}

// $env:TEMP\stage and %PUBLIC%\d hold no staging path until they are
// expanded.
func TestDiffEnvVar(t *testing.T) {
	check(t, outcome{
		Alerts: []string{
			"bulk-copy-command high/high: powershell.exe",
			"bulk-copy-command high/high: cmd.exe",
		},
	}, run(t, "env_var"))
}

// The seed names the copy tool by FileName. PowerShell 7 (pwsh.exe) is not
// in its list; stagewatch reads the command line. A renamed robocopy
// (rc.exe) is recognised by its arguments (two paths and /s), and its
// source is a share, so remote-to-local-copy fires too.
func TestDiffRenamedTool(t *testing.T) {
	check(t, outcome{
		Alerts: []string{
			"remote-to-local-copy critical/high: rc.exe",
			"bulk-copy-command critical/high: rc.exe",
			"bulk-copy-command high/high: pwsh.exe",
		},
	}, run(t, "renamed_tool"))
}

// Linux MDE: the process is cp, not in the seed's FileName list, and the
// seed's staging paths are Windows-only.
func TestDiffLinuxCp(t *testing.T) {
	check(t, outcome{
		Alerts: []string{
			"bulk-copy-command high/high: cp",
			"bulk-file-staging high/high: cp",
		},
	}, run(t, "linux_cp"))
}

// msiexec's cab in C:\Windows\Temp: the seed has no suppressions.
func TestDiffSuppression(t *testing.T) {
	check(t, outcome{
		Seed:       []string{`ArchiveCreated: C:\Windows\Temp\Setup1.cab`},
		Suppressed: []string{"bulk-file-staging/installer", "archive-in-staging/installer"},
	}, run(t, "suppression"))
}
