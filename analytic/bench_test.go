package analytic

import (
	"fmt"
	"testing"
	"time"

	"github.com/stagewatch/stagewatch"
)

// eventMix returns a deterministic, realistic mix of n Windows events: most
// file events outside staging folders, a share in temp folders by installers
// and browsers, a trickle of staging, and process starts of shells, copy
// tools and services.
func eventMix(n int) []*stagewatch.Event {
	t0 := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	host := stagewatch.Host{Name: "WS1", OS: stagewatch.Windows}
	user := stagewatch.User{Domain: "CORP", Name: "bob"}
	type fileCase struct{ image, path string }
	files := []fileCase{
		{`C:\Program Files\Microsoft Office\root\Office16\WINWORD.EXE`, `C:\Users\bob\Documents\Q%d.docx`},
		{`C:\Windows\System32\svchost.exe`, `C:\Windows\System32\LogFiles\WMI\RtBackup\x%d.etl`},
		{`C:\Program Files\Google\Chrome\Application\chrome.exe`, `C:\Users\bob\AppData\Local\Google\Chrome\User Data\Default\Cache\f_%06d`},
		{`C:\Windows\System32\msiexec.exe`, `C:\Windows\Temp\MSI%d.tmp`},
		{`C:\Program Files\Google\Chrome\Application\chrome.exe`, `C:\Users\bob\AppData\Local\Temp\scoped_dir%d\x`},
		{`C:\Program Files\App\app.exe`, `C:\Program Files\App\data\%d.bin`},
		{`C:\Windows\explorer.exe`, `C:\Users\bob\Desktop\n%d.txt`},
		{`C:\Users\Public\p.exe`, `C:\Users\Public\loot\d%d.pdf`},
	}
	procs := []string{
		`"C:\Windows\System32\svchost.exe" -k netsvcs -p -s Schedule`,
		`C:\Windows\System32\cmd.exe /c echo hi`,
		`powershell.exe -NoProfile -Command "Get-Process | Out-File C:\x.txt"`,
		`robocopy \\fs01\share C:\Users\Public\loot *.docx /s`,
		`C:\Windows\System32\conhost.exe 0xffffffff -ForceV1`,
		`cmd.exe /c copy /y C:\Users\bob\Documents\*.pdf %TEMP%\p\`,
	}
	var out []*stagewatch.Event
	for i := range n {
		ev := &stagewatch.Event{Time: t0.Add(time.Duration(i) * 10 * time.Millisecond), Host: host, User: user}
		if i%7 == 0 {
			ev.Kind = stagewatch.ProcessStart
			cmd := procs[i%len(procs)]
			ev.Proc.CommandLine = cmd
			args := SplitWindows(cmd)
			ev.Proc.Image = args[0]
			_, ev.Proc.Name = stagewatch.SplitPath(stagewatch.Windows, args[0])
		} else {
			ev.Kind = stagewatch.FileCreate
			if i%3 == 0 {
				ev.Kind = stagewatch.FileModify
			}
			c := files[i%len(files)]
			ev.Proc.Image = c.image
			_, ev.Proc.Name = stagewatch.SplitPath(stagewatch.Windows, c.image)
			ev.File.SetPath(stagewatch.Windows, fmt.Sprintf(c.path, i%500))
			ev.File.Size = int64(i % 100000)
		}
		out = append(out, ev)
	}
	return out
}

func benchDetector(b *testing.B, spec Spec) {
	events := eventMix(100000)
	det, err := spec.New(spec.Defaults(), Options{EvidenceCap: 20})
	if err != nil {
		b.Fatal(err)
	}
	want := map[stagewatch.Kind]bool{}
	for _, k := range det.Kinds() {
		want[k] = true
	}
	b.ReportAllocs()
	b.ResetTimer()
	n := 0
	for i := 0; b.Loop(); i++ {
		ev := events[i%len(events)]
		if i%len(events) == 0 && i > 0 {
			det.Flush()
		}
		if i%1000 == 0 {
			det.Advance(ev.Time)
		}
		if want[ev.Kind] {
			det.Observe(ev)
		}
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "events/s")
}

func BenchmarkBulkFileStaging(b *testing.B)  { benchDetector(b, BulkFileStaging()) }
func BenchmarkArchiveInStaging(b *testing.B) { benchDetector(b, ArchiveInStaging()) }
func BenchmarkBulkCopyCommand(b *testing.B)  { benchDetector(b, BulkCopyCommand()) }

func BenchmarkArchiveCommand(b *testing.B)      { benchDetector(b, ArchiveCommand()) }
func BenchmarkReconOutputStaging(b *testing.B)  { benchDetector(b, ReconOutputStaging()) }
func BenchmarkRemoteToLocalCopy(b *testing.B)   { benchDetector(b, RemoteToLocalCopy()) }
func BenchmarkInboundShareStaging(b *testing.B) { benchDetector(b, InboundShareStaging()) }

func BenchmarkInboundTransferStaging(b *testing.B) { benchDetector(b, InboundTransferStaging()) }
func BenchmarkFanInStaging(b *testing.B)           { benchDetector(b, FanInStaging()) }
