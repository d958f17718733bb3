// Package seedrule is a faithful Go rendering of the seed Defender/Sentinel
// KQL rule for T1074 (seed file 000): three branches, bulk file staging,
// archive created and bulk copy command, over Microsoft Defender for
// Endpoint rows. It exists to show, test by test, where stagewatch's
// analytics agree with the seed and where they deliberately differ (see
// docs/seed-rule.md). It is a reference, not a detector: it keeps the
// seed's defects on purpose.
package seedrule

import (
	"cmp"
	"slices"
	"strings"
	"time"
)

// The seed's lists, exactly as it declares them. They are functions so
// that no caller can change the reference by accident.

// StagingPaths is the seed's `let StagingPaths`.
func StagingPaths() []string {
	return []string{`\Temp\`, `\tmp\`, `\AppData\Local\Temp\`, `\AppData\Roaming\`, `\ProgramData\`, `\Users\Public\`, `\Windows\Temp\`}
}

// StagingExtensions is the seed's `let StagingExtensions`.
func StagingExtensions() []string {
	return []string{".zip", ".7z", ".rar", ".tar", ".gz", ".cab", ".iso"}
}

// BulkCopyProcesses is the seed's `let BulkCopyProcesses`, which no branch
// uses; it is kept for the record.
func BulkCopyProcesses() []string {
	return []string{"robocopy.exe", "xcopy.exe", "copy", "cp", "rsync"}
}

// CopyProcessNames is branch 3's `FileName in~ (...)`.
func CopyProcessNames() []string {
	return []string{"robocopy.exe", "xcopy.exe", "cmd.exe", "powershell.exe"}
}

// CopyCommandTerms is branch 3's first `ProcessCommandLine has_any (...)`.
func CopyCommandTerms() []string {
	return []string{"robocopy", "xcopy", "copy /", "Copy-Item", "cp -r"}
}

// The StagingType values the seed projects.
const (
	BulkFileStaging = "BulkFileStaging"
	ArchiveCreated  = "ArchiveCreated"
	BulkCopyCommand = "BulkCopyCommand"
)

// The MDE tables the seed reads.
const (
	DeviceFileEvents    = "DeviceFileEvents"
	DeviceProcessEvents = "DeviceProcessEvents"
)

// Row holds the MDE columns the seed reads, with their raw values: in
// particular FolderPath is what MDE stores, which for DeviceFileEvents and
// DeviceProcessEvents includes the file name.
type Row struct {
	Table                        string // DeviceFileEvents or DeviceProcessEvents
	Timestamp                    time.Time
	DeviceName                   string
	ActionType                   string
	FileName                     string
	FolderPath                   string
	ProcessCommandLine           string
	AccountName                  string
	InitiatingProcessAccountName string
	InitiatingProcessFileName    string
	InitiatingProcessCommandLine string
}

// Hit is one row of the seed's output, the union of the three branches'
// projections. Columns a branch does not project are empty.
type Hit struct {
	StagingType                  string
	Timestamp                    time.Time
	DeviceName                   string
	AccountName                  string
	FileName                     string `json:",omitempty"`
	FolderPath                   string `json:",omitempty"`
	ProcessCommandLine           string `json:",omitempty"`
	InitiatingProcessFileName    string
	InitiatingProcessCommandLine string
	FileCount                    int      `json:",omitempty"`
	Extensions                   []string `json:",omitempty"`
}

// Run evaluates the seed query over rows as if it ran at now: rows at or
// before now-24h are dropped (`Timestamp > ago(24h)`); a zero now keeps
// every row. Hits are sorted by Timestamp, newest first; KQL leaves the
// order of ties open, so ties are broken by the other columns to keep the
// result deterministic. make_set's order is also unspecified in KQL;
// Extensions is sorted.
func Run(rows []Row, now time.Time) []Hit {
	var in []Row
	for _, r := range rows {
		if now.IsZero() || r.Timestamp.After(now.Add(-24*time.Hour)) {
			in = append(in, r)
		}
	}
	hits := bulkFileStaging(in)
	hits = append(hits, archiveStaging(in)...)
	hits = append(hits, bulkCopyStaging(in)...)
	slices.SortStableFunc(hits, func(a, b Hit) int {
		if c := b.Timestamp.Compare(a.Timestamp); c != 0 {
			return c
		}
		return cmp.Or(
			strings.Compare(a.StagingType, b.StagingType),
			strings.Compare(a.DeviceName, b.DeviceName),
			strings.Compare(a.FolderPath, b.FolderPath),
			strings.Compare(a.ProcessCommandLine, b.ProcessCommandLine),
		)
	})
	return hits
}

// bulkFileStaging is branch 1: summarize count() by DeviceName, account,
// initiating process name and command line, and FolderPath, where
// FolderPath includes the file name, then keep groups of at least ten.
func bulkFileStaging(rows []Row) []Hit {
	type key struct{ device, account, proc, cmd, folder string }
	type group struct {
		hit  Hit
		exts map[string]bool
	}
	paths := StagingPaths()
	groups := map[key]*group{}
	var order []key
	for _, r := range rows {
		if r.Table != DeviceFileEvents || (r.ActionType != "FileCreated" && r.ActionType != "FileModified") {
			continue
		}
		if !hasAny(r.FolderPath, paths) {
			continue
		}
		k := key{r.DeviceName, r.InitiatingProcessAccountName, r.InitiatingProcessFileName, r.InitiatingProcessCommandLine, r.FolderPath}
		g := groups[k]
		if g == nil {
			g = &group{hit: Hit{
				StagingType:                  BulkFileStaging,
				Timestamp:                    r.Timestamp,
				DeviceName:                   r.DeviceName,
				AccountName:                  r.InitiatingProcessAccountName,
				FolderPath:                   r.FolderPath,
				InitiatingProcessFileName:    r.InitiatingProcessFileName,
				InitiatingProcessCommandLine: r.InitiatingProcessCommandLine,
			}, exts: map[string]bool{}}
			groups[k] = g
			order = append(order, k)
		}
		g.hit.FileCount++
		if r.Timestamp.After(g.hit.Timestamp) {
			g.hit.Timestamp = r.Timestamp // LastSeen
		}
		g.exts[lastDotPart(r.FileName)] = true
	}
	var hits []Hit
	for _, k := range order {
		g := groups[k]
		if g.hit.FileCount < 10 {
			continue
		}
		for e := range g.exts {
			g.hit.Extensions = append(g.hit.Extensions, e)
		}
		slices.Sort(g.hit.Extensions)
		hits = append(hits, g.hit)
	}
	return hits
}

// archiveStaging is branch 2: a FileCreated row whose FolderPath has a
// staging path and whose FileName has an archive extension.
func archiveStaging(rows []Row) []Hit {
	paths, exts := StagingPaths(), StagingExtensions()
	var hits []Hit
	for _, r := range rows {
		if r.Table != DeviceFileEvents || r.ActionType != "FileCreated" {
			continue
		}
		if !hasAny(r.FolderPath, paths) || !hasAny(r.FileName, exts) {
			continue
		}
		hits = append(hits, Hit{
			StagingType:                  ArchiveCreated,
			Timestamp:                    r.Timestamp,
			DeviceName:                   r.DeviceName,
			AccountName:                  r.InitiatingProcessAccountName,
			FileName:                     r.FileName,
			FolderPath:                   r.FolderPath,
			InitiatingProcessFileName:    r.InitiatingProcessFileName,
			InitiatingProcessCommandLine: r.InitiatingProcessCommandLine,
		})
	}
	return hits
}

// bulkCopyStaging is branch 3: a new robocopy, xcopy, cmd or PowerShell
// process whose command line has a copy term and a staging path.
func bulkCopyStaging(rows []Row) []Hit {
	paths, names, terms := StagingPaths(), CopyProcessNames(), CopyCommandTerms()
	var hits []Hit
	for _, r := range rows {
		if r.Table != DeviceProcessEvents || !inCI(r.FileName, names) {
			continue
		}
		if !hasAny(r.ProcessCommandLine, terms) || !hasAny(r.ProcessCommandLine, paths) {
			continue
		}
		hits = append(hits, Hit{
			StagingType:                  BulkCopyCommand,
			Timestamp:                    r.Timestamp,
			DeviceName:                   r.DeviceName,
			AccountName:                  r.AccountName,
			FileName:                     r.FileName,
			ProcessCommandLine:           r.ProcessCommandLine,
			InitiatingProcessFileName:    r.InitiatingProcessFileName,
			InitiatingProcessCommandLine: r.InitiatingProcessCommandLine,
		})
	}
	return hits
}
