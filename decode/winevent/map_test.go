package winevent

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stagewatch/stagewatch"
)

var (
	created = time.Date(2024, 5, 6, 7, 8, 9, 123456700, time.UTC)
	utcTime = time.Date(2024, 5, 6, 7, 8, 9, 120000000, time.UTC)
	origin  = stagewatch.Origin{Format: "winxml", File: "a.xml", Line: 3, Record: 2}
)

// rec builds a Record from alternating names and values.
func rec(provider string, eid int, kv ...string) *Record {
	r := &Record{Provider: provider, EventID: eid, Computer: "WS1.corp.local", TimeCreated: created, RecordID: 77, UserSID: "S-1-5-18", ExecPID: 3000}
	for i := 0; i+1 < len(kv); i += 2 {
		r.Data = append(r.Data, Field{Name: kv[i], Value: kv[i+1]})
	}
	return r
}

// want builds the expected event: the common header, then edit.
func want(kind stagewatch.Kind, action string, t time.Time, edit func(*stagewatch.Event)) *stagewatch.Event {
	o := origin
	o.RecordID = "77"
	ev := &stagewatch.Event{Time: t, Kind: kind, Action: action, Origin: o,
		Host: stagewatch.Host{Name: "WS1.corp.local", OS: stagewatch.Windows}}
	edit(ev)
	return ev
}

func file(path string) stagewatch.File {
	var f stagewatch.File
	f.SetPath(stagewatch.Windows, path)
	f.Size = -1
	return f
}

func TestMapSysmon(t *testing.T) {
	bob := stagewatch.User{Domain: "CORP", Name: "bob"}
	tests := []struct {
		name string
		in   *Record
		want *stagewatch.Event // nil: not mapped
	}{
		{"1 process create", rec(ProviderSysmon, 1,
			"UtcTime", "2024-05-06 07:08:09.120", "ProcessGuid", "{aa}", "ProcessId", "4242",
			"Image", `C:\Windows\System32\Robocopy.exe`, "CommandLine", `robocopy C:\Users\bob\Documents C:\Users\Public\x /E`,
			"CurrentDirectory", `C:\Users\bob\`, "User", `CORP\bob`, "ParentProcessId", "100",
			"ParentImage", `C:\Windows\System32\cmd.exe`, "ParentCommandLine", `cmd.exe /c run.bat`),
			want(stagewatch.ProcessStart, "1", utcTime, func(e *stagewatch.Event) {
				e.User = bob
				e.Proc = stagewatch.Process{PID: 4242, GUID: "{aa}", Image: `C:\Windows\System32\Robocopy.exe`, Name: "Robocopy.exe",
					CommandLine: `robocopy C:\Users\bob\Documents C:\Users\Public\x /E`, CWD: `C:\Users\bob\`,
					ParentPID: 100, ParentImage: `C:\Windows\System32\cmd.exe`, ParentName: "cmd.exe", ParentCommandLine: "cmd.exe /c run.bat"}
			})},
		{"1 placeholders and bad UtcTime", rec(ProviderSysmon, 1,
			"UtcTime", "yesterday", "Image", `C:\a.exe`, "CommandLine", "-", "User", "-", "ParentImage", "-", "ParentProcessId", "-"),
			want(stagewatch.ProcessStart, "1", created, func(e *stagewatch.Event) {
				e.Proc = stagewatch.Process{Image: `C:\a.exe`, Name: "a.exe"}
			})},
		{"2 creation time changed", rec(ProviderSysmon, 2, "Image", `C:\x\t.exe`, "ProcessId", "9", "TargetFilename", `C:\Users\Public\x\a.docx`),
			want(stagewatch.FileModify, "2", created, func(e *stagewatch.Event) {
				e.Proc = stagewatch.Process{PID: 9, Image: `C:\x\t.exe`, Name: "t.exe"}
				e.File = file(`C:\Users\Public\x\a.docx`)
			})},
		{"3 outbound", rec(ProviderSysmon, 3, "Image", `C:\p.exe`, "User", `CORP\bob`, "Protocol", "tcp", "Initiated", "true",
			"SourceIp", "10.0.0.5", "SourcePort", "50000", "DestinationIp", "1.2.3.4", "DestinationHostname", "evil.example", "DestinationPort", "443"),
			want(stagewatch.NetConnect, "3", created, func(e *stagewatch.Event) {
				e.User = bob
				e.Proc = stagewatch.Process{Image: `C:\p.exe`, Name: "p.exe"}
				e.Net = stagewatch.Net{Direction: "outbound", LocalIP: "10.0.0.5", LocalPort: 50000, RemoteIP: "1.2.3.4", RemotePort: 443, Protocol: "tcp"}
				e.Attrs = map[string]string{"remote_hostname": "evil.example"}
			})},
		{"3 inbound", rec(ProviderSysmon, 3, "Protocol", "TCP", "Initiated", "false",
			"SourceIp", "1.2.3.4", "SourcePort", "50000", "SourceHostname", "-", "DestinationIp", "10.0.0.5", "DestinationPort", "445"),
			want(stagewatch.NetConnect, "3", created, func(e *stagewatch.Event) {
				e.Net = stagewatch.Net{Direction: "inbound", LocalIP: "10.0.0.5", LocalPort: 445, RemoteIP: "1.2.3.4", RemotePort: 50000, Protocol: "tcp"}
			})},
		{"11 file create", rec(ProviderSysmon, 11, "UtcTime", "2024-05-06 07:08:09.120", "ProcessId", "4242", "Image", `C:\Windows\System32\Robocopy.exe`,
			"TargetFilename", `C:\Users\Public\x\Q3.xlsx`, "User", `CORP\bob`),
			want(stagewatch.FileCreate, "11", utcTime, func(e *stagewatch.Event) {
				e.User = bob
				e.Proc = stagewatch.Process{PID: 4242, Image: `C:\Windows\System32\Robocopy.exe`, Name: "Robocopy.exe"}
				e.File = file(`C:\Users\Public\x\Q3.xlsx`)
			})},
		{"13 registry set", rec(ProviderSysmon, 13, "EventType", "SetValue", "Image", `C:\r.exe`, "TargetObject", `HKLM\SOFTWARE\x`, "Details", "DWORD (0x00000001)"),
			want(stagewatch.RegistrySet, "13", created, func(e *stagewatch.Event) {
				e.Proc = stagewatch.Process{Image: `C:\r.exe`, Name: "r.exe"}
				e.Attrs = map[string]string{"target_object": `HKLM\SOFTWARE\x`, "details": "DWORD (0x00000001)"}
			})},
		{"15 zone identifier is the downloaded file", rec(ProviderSysmon, 15, "Image", `C:\ff\firefox.exe`,
			"TargetFilename", `C:\Users\bob\Downloads\tools.zip:Zone.Identifier`, "Hash", "SHA256=AB", "Contents", "[ZoneTransfer]  ZoneId=3"),
			want(stagewatch.FileCreate, "15", created, func(e *stagewatch.Event) {
				e.Proc = stagewatch.Process{Image: `C:\ff\firefox.exe`, Name: "firefox.exe"}
				e.File = file(`C:\Users\bob\Downloads\tools.zip`)
				e.Attrs = map[string]string{"stream": "Zone.Identifier", "stream_contents": "[ZoneTransfer]  ZoneId=3"}
			})},
		{"23 delete with hashes", rec(ProviderSysmon, 23, "Image", `C:\d.exe`, "TargetFilename", `C:\Temp\a.7z`,
			"Hashes", "SHA1=11,MD5=22,SHA256=ABCDEF,IMPHASH=00", "Archived", "true"),
			want(stagewatch.FileDelete, "23", created, func(e *stagewatch.Event) {
				e.Proc = stagewatch.Process{Image: `C:\d.exe`, Name: "d.exe"}
				e.File = file(`C:\Temp\a.7z`)
				e.File.SHA256 = "abcdef"
			})},
		{"26 delete detected", rec(ProviderSysmon, 26, "TargetFilename", `C:\Temp\b.rar`),
			want(stagewatch.FileDelete, "26", created, func(e *stagewatch.Event) { e.File = file(`C:\Temp\b.rar`) })},
		{"10 process access is not used", rec(ProviderSysmon, 10, "SourceImage", `C:\a.exe`), nil},
		{"provider name case", rec("microsoft-windows-sysmon", 26, "TargetFilename", `C:\Temp\b.rar`),
			want(stagewatch.FileDelete, "26", created, func(e *stagewatch.Event) { e.File = file(`C:\Temp\b.rar`) })},
		{"channel when the provider is missing", func() *Record {
			r := rec("", 26, "TargetFilename", `C:\Temp\b.rar`)
			r.Channel = "Microsoft-Windows-Sysmon/Operational"
			return r
		}(), want(stagewatch.FileDelete, "26", created, func(e *stagewatch.Event) { e.File = file(`C:\Temp\b.rar`) })},
		{"unknown provider", rec("Microsoft-Windows-Kernel-General", 1, "Image", `C:\a.exe`), nil},
	}
	runMap(t, tests)
}

func runMap(t *testing.T, tests []struct {
	name string
	in   *Record
	want *stagewatch.Event
}) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Map(tt.in, origin)
			if ok != (tt.want != nil) {
				t.Fatalf("Map ok = %v, want %v (event %+v)", ok, tt.want != nil, got)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Map mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseID(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"420", 420, true},
		{"0x1a4", 420, true},
		{"0X1A4", 420, true},
		{" 7 ", 7, true},
		{"-", 0, false},
		{"", 0, false},
		{"0x", 0, false},
		{"12ab", 0, false},
		{"-5", 0, false},
		{"0xffffffffffffffff", 0, false},
	}
	for _, tt := range tests {
		got, ok := ParseID(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseID(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestCutStream(t *testing.T) {
	tests := []struct{ in, path, stream string }{
		{`C:\a\b.zip:Zone.Identifier`, `C:\a\b.zip`, "Zone.Identifier"},
		{`C:\a\b.zip:Zone.Identifier:$DATA`, `C:\a\b.zip`, "Zone.Identifier"},
		{`C:\a\b.zip`, `C:\a\b.zip`, ""},
		{`C:b.zip`, `C:b.zip`, ""},
		{`b.zip:s`, `b.zip`, "s"},
	}
	for _, tt := range tests {
		path, stream := cutStream(tt.in)
		if diff := cmp.Diff([]string{tt.path, tt.stream}, []string{path, stream}); diff != "" {
			t.Errorf("cutStream(%q) mismatch (-want +got):\n%s", tt.in, diff)
		}
	}
}
