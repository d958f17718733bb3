package kafka

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/decode/native"
)

// rawRecord is one record for the raw topic.
type rawRecord struct {
	partition int32
	value     []byte
}

// write is one file write of a generated host.
type write struct {
	host, dir, name, proc, cmd string
	pid                        int
	t                          time.Time
	seq                        int
}

// burstHost returns the writes of host h: files distinct files into a
// staging folder, 10s apart from start, plus two writes into a user folder
// that no analytic counts.
func burstHost(h, from, to int, start time.Time) []write {
	host := fmt.Sprintf("ws%02d", h)
	var ws []write
	for i := from; i < to; i++ {
		ws = append(ws, write{
			host: host, dir: `C:\Users\Public\stage`, name: fmt.Sprintf("doc%03d.docx", i),
			proc: "robocopy.exe", cmd: `robocopy.exe \\fs01\finance C:\Users\Public\stage /s`, pid: 4000 + h,
			t: start.Add(time.Duration(h)*7*time.Second + time.Duration(i)*10*time.Second), seq: i,
		})
		if i%5 == 0 {
			ws = append(ws, write{
				host: host, dir: `C:\Users\bob\Documents`, name: fmt.Sprintf("notes%03d.txt", i),
				proc: "winword.exe", cmd: `"C:\Program Files\Microsoft Office\winword.exe"`, pid: 3000 + h,
				t: start.Add(time.Duration(h)*7*time.Second + time.Duration(i)*10*time.Second + time.Second), seq: 1000 + i,
			})
		}
	}
	return ws
}

// rawRecords encodes the writes of host h in the format the host's number
// picks (MDE Event Hubs batches, Sysmon XML, gzipped or plain native
// NDJSON), several events per record where the format allows, all on raw
// partition h % partitions.
func rawRecords(h int, ws []write, partitions int32) []rawRecord {
	p := int32(h) % partitions
	var out []rawRecord
	switch h % 4 {
	case 0: // Event Hubs batches of up to 4 rows
		for i := 0; i < len(ws); i += 4 {
			var rows []string
			for _, w := range ws[i:min(i+4, len(ws))] {
				rows = append(rows, mdeRow(w))
			}
			out = append(out, rawRecord{p, []byte(`{"records":[` + strings.Join(rows, ",") + `]}`)})
		}
	case 1: // one Sysmon event per record
		for _, w := range ws {
			out = append(out, rawRecord{p, []byte(sysmonXML(w))})
		}
	default: // native NDJSON, 3 events per record, gzipped for h%4 == 3
		for i := 0; i < len(ws); i += 3 {
			var b bytes.Buffer
			for _, w := range ws[i:min(i+3, len(ws))] {
				b.Write(must(native.Marshal(nativeEvent(w))))
				b.WriteByte('\n')
			}
			v := b.Bytes()
			if h%4 == 3 {
				v = gz(v)
			}
			out = append(out, rawRecord{p, v})
		}
	}
	return out
}

func mdeRow(w write) string {
	props := map[string]any{
		"Timestamp":                      w.t.UTC().Format(time.RFC3339Nano),
		"ActionType":                     "FileCreated",
		"DeviceName":                     w.host,
		"DeviceId":                       "dev-" + w.host,
		"FileName":                       w.name,
		"FolderPath":                     w.dir + `\` + w.name,
		"FileSize":                       1000 + w.seq,
		"InitiatingProcessFileName":      w.proc,
		"InitiatingProcessFolderPath":    `c:\windows\system32\` + w.proc,
		"InitiatingProcessCommandLine":   w.cmd,
		"InitiatingProcessId":            w.pid,
		"InitiatingProcessAccountName":   "bob",
		"InitiatingProcessAccountDomain": "corp",
		"ReportId":                       w.seq,
	}
	b := must(json.Marshal(map[string]any{
		"time":       w.t.UTC().Format(time.RFC3339Nano),
		"category":   "AdvancedHunting-DeviceFileEvents",
		"properties": props,
	}))
	return string(b)
}

func sysmonXML(w write) string {
	return fmt.Sprintf(`<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>`+
		`<Provider Name='Microsoft-Windows-Sysmon' Guid='{5770385F-C22A-43E0-BF4C-06F5698FFBD9}'/><EventID>11</EventID>`+
		`<TimeCreated SystemTime='%s'/><EventRecordID>%d</EventRecordID><Channel>Microsoft-Windows-Sysmon/Operational</Channel>`+
		`<Computer>%s</Computer></System><EventData><Data Name='UtcTime'>%s</Data><Data Name='ProcessId'>%d</Data>`+
		`<Data Name='Image'>C:\Windows\System32\%s</Data><Data Name='TargetFilename'>%s\%s</Data><Data Name='User'>CORP\bob</Data></EventData></Event>`,
		w.t.UTC().Format(time.RFC3339Nano), w.seq+1, w.host, w.t.UTC().Format("2006-01-02 15:04:05.000"), w.pid,
		w.proc, w.dir, w.name)
}

func nativeEvent(w write) *stagewatch.Event {
	ev := &stagewatch.Event{
		Time:   w.t.UTC(),
		Kind:   stagewatch.FileCreate,
		Action: "FileCreate",
		Host:   stagewatch.Host{Name: w.host, OS: stagewatch.Windows},
		User:   stagewatch.User{Name: "bob", Domain: "corp"},
		Proc:   stagewatch.Process{PID: int64(w.pid), Image: `C:\Windows\System32\` + w.proc, Name: w.proc, CommandLine: w.cmd},
	}
	ev.File.SetPath(stagewatch.Windows, w.dir+`\`+w.name)
	ev.File.Size = int64(1000 + w.seq)
	ev.Origin = stagewatch.Origin{Format: "gen", File: w.host, Record: int64(w.seq + 1)}
	return ev
}
