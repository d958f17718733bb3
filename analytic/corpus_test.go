package analytic

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stagewatch/stagewatch"
)

// corpusEvents reads the real host captures of the shared corpus (Sysmon 1,
// 3, 11 and Security 5145 in flat winlogbeat-lite JSON lines) into events,
// with just enough mapping for the process-start and share analytics. It
// skips the test when the corpus is absent.
func corpusEvents(t *testing.T) []*stagewatch.Event {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join("..", "..", "shared", "corpus", "windows", "json", "*.json.gz"))
	if len(files) == 0 {
		t.Skip("no corpus at ../shared/corpus/windows/json")
	}
	var out []*stagewatch.Event
	for _, file := range files {
		f, err := os.Open(file)
		if err != nil {
			t.Fatal(err)
		}
		zr, err := gzip.NewReader(f)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		sc := bufio.NewScanner(zr)
		sc.Buffer(make([]byte, 1<<20), 16<<20)
		for line := 1; sc.Scan(); line++ {
			var r map[string]any
			if json.Unmarshal(sc.Bytes(), &r) != nil {
				continue
			}
			if ev := corpusEvent(r); ev != nil {
				ev.Origin = stagewatch.Origin{Format: "corpus", File: filepath.Base(file), Line: int64(line)}
				out = append(out, ev)
			}
		}
		f.Close()
	}
	slices.SortStableFunc(out, func(a, b *stagewatch.Event) int { return a.Time.Compare(b.Time) })
	return out
}

func corpusEvent(r map[string]any) *stagewatch.Event {
	str := func(k string) string { s, _ := r[k].(string); return s }
	t, err := time.Parse(time.RFC3339Nano, str("@timestamp"))
	if err != nil {
		return nil
	}
	id, _ := r["EventID"].(float64)
	ev := &stagewatch.Event{Time: t, Host: stagewatch.Host{Name: str("Hostname"), OS: stagewatch.Windows}}
	if d, n, ok := strings.Cut(str("User"), `\`); ok {
		ev.User = stagewatch.User{Domain: d, Name: n}
	}
	pid, _ := strconv.ParseInt(str("ProcessId"), 10, 64)
	ev.Proc = stagewatch.Process{PID: pid, Image: str("Image"), CommandLine: str("CommandLine"), CWD: str("CurrentDirectory"),
		ParentImage: str("ParentImage")}
	_, ev.Proc.Name = stagewatch.SplitPath(stagewatch.Windows, ev.Proc.Image)
	switch {
	case str("Channel") == "Microsoft-Windows-Sysmon/Operational" && id == 1:
		ev.Kind = stagewatch.ProcessStart
	case str("Channel") == "Microsoft-Windows-Sysmon/Operational" && id == 11:
		ev.Kind = stagewatch.FileCreate
		ev.File.SetPath(stagewatch.Windows, str("TargetFilename"))
		ev.File.Size = -1
	case str("Channel") == "Microsoft-Windows-Sysmon/Operational" && id == 3 && str("Initiated") == "false":
		ev.Kind = stagewatch.NetConnect
		port, _ := strconv.Atoi(str("DestinationPort"))
		ev.Net = stagewatch.Net{Direction: "inbound", LocalPort: port, RemoteIP: str("SourceIp")}
	case str("Channel") == "Security" && id == 5145:
		ev.Kind, ev.Action = stagewatch.ShareAccess, "5145"
		if strings.Contains(str("AccessList"), "%%4417") || strings.Contains(str("AccessList"), "%%4418") {
			ev.Action = "5145:write"
		}
		ev.Remote = stagewatch.Remote{Protocol: "smb", SourceIP: str("IpAddress"), Share: str("ShareName"),
			Account: str("SubjectDomainName") + `\` + str("SubjectUserName")}
		ev.File.SetPath(stagewatch.Windows, strings.TrimPrefix(str("ShareLocalPath"), `\??\`)+`\`+str("RelativeTargetName"))
	default:
		return nil
	}
	return ev
}

// TestCorpusNoFalsePositives runs the four Windows analytics of this issue
// over real host captures in which nobody stages data: every alert would be
// a false positive.
func TestCorpusNoFalsePositives(t *testing.T) {
	events := corpusEvents(t)
	kinds := map[stagewatch.Kind]int{}
	for _, ev := range events {
		kinds[ev.Kind]++
	}
	t.Logf("%d corpus events: %v", len(events), kinds)
	for _, spec := range []Spec{ArchiveCommand(), ReconOutputStaging(), RemoteToLocalCopy(), InboundShareStaging()} {
		det, err := spec.New(spec.Defaults(), Options{EvidenceCap: 3})
		if err != nil {
			t.Fatal(err)
		}
		var alerts []stagewatch.Alert
		for _, ev := range events {
			alerts = append(alerts, det.Advance(ev.Time)...)
			if slices.Contains(det.Kinds(), ev.Kind) {
				alerts = append(alerts, det.Observe(ev)...)
			}
		}
		alerts = append(alerts, det.Flush()...)
		for _, a := range alerts {
			t.Errorf("%s: %s (%s)", spec.ID, a.Summary, fmt.Sprint(a.Evidence))
		}
	}
}
