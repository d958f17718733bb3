package winevent

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stagewatch/stagewatch"
)

func subject(kv ...string) []string {
	return append([]string{"SubjectUserSid", "S-1-5-21-1-2-3-1001", "SubjectUserName", "bob", "SubjectDomainName", "CORP", "SubjectLogonId", "0x3e7"}, kv...)
}

func TestMapSecurity(t *testing.T) {
	bob := stagewatch.User{Name: "bob", Domain: "CORP", SID: "S-1-5-21-1-2-3-1001"}
	tests := []struct {
		name string
		in   *Record
		want *stagewatch.Event
	}{
		{"4688 hex pids, no target", rec(ProviderSecurity, 4688, subject(
			"NewProcessId", "0x1a4", "NewProcessName", `C:\Windows\System32\Robocopy.exe`, "ProcessId", "0x10",
			"CommandLine", `robocopy a C:\Users\Public\x`, "TargetUserSid", "S-1-0-0", "TargetUserName", "-", "TargetDomainName", "-",
			"ParentProcessName", `C:\Windows\System32\cmd.exe`)...),
			want(stagewatch.ProcessStart, "4688", created, func(e *stagewatch.Event) {
				e.User = bob
				e.Proc = stagewatch.Process{PID: 420, Image: `C:\Windows\System32\Robocopy.exe`, Name: "Robocopy.exe",
					CommandLine: `robocopy a C:\Users\Public\x`, ParentPID: 16, ParentImage: `C:\Windows\System32\cmd.exe`, ParentName: "cmd.exe"}
			})},
		{"4688 target account", rec(ProviderSecurity, 4688, subject(
			"NewProcessId", "0x1a4", "NewProcessName", `C:\a.exe`, "TargetUserSid", "S-1-5-21-9", "TargetUserName", "eve", "TargetDomainName", "CORP")...),
			want(stagewatch.ProcessStart, "4688", created, func(e *stagewatch.Event) {
				e.User = stagewatch.User{Name: "eve", Domain: "CORP", SID: "S-1-5-21-9"}
				e.Proc = stagewatch.Process{PID: 420, Image: `C:\a.exe`, Name: "a.exe"}
			})},
		{"4663 read by code", rec(ProviderSecurity, 4663, subject("ObjectType", "File", "ObjectName", `C:\Finance\q3.xlsx`,
			"AccessList", "%%4416\n\t\t\t\t", "AccessMask", "0x1", "ProcessId", "0x44", "ProcessName", `C:\Windows\explorer.exe`)...),
			want(stagewatch.FileRead, "4663:read", created, func(e *stagewatch.Event) {
				e.User = bob
				e.Proc = stagewatch.Process{PID: 68, Image: `C:\Windows\explorer.exe`, Name: "explorer.exe"}
				e.File = file(`C:\Finance\q3.xlsx`)
			})},
		{"4663 write by name only", rec(ProviderSecurity, 4663, subject("ObjectType", "File", "ObjectName", `C:\Users\Public\x\a.doc`,
			"AccessList", "WriteData (or AddFile)")...),
			want(stagewatch.FileModify, "4663:write", created, func(e *stagewatch.Event) {
				e.User = bob
				e.File = file(`C:\Users\Public\x\a.doc`)
			})},
		{"4663 append by mask wins over read", rec(ProviderSecurity, 4663, subject("ObjectName", `C:\l.txt`, "AccessMask", "0x5")...),
			want(stagewatch.FileModify, "4663:write", created, func(e *stagewatch.Event) {
				e.User = bob
				e.File = file(`C:\l.txt`)
			})},
		{"4663 delete", rec(ProviderSecurity, 4663, subject("ObjectType", "File", "ObjectName", `C:\l.txt`, "AccessList", "%%1537")...),
			want(stagewatch.FileDelete, "4663:delete", created, func(e *stagewatch.Event) {
				e.User = bob
				e.File = file(`C:\l.txt`)
			})},
		{"4663 registry key", rec(ProviderSecurity, 4663, subject("ObjectType", "Key", "ObjectName", `\REGISTRY\MACHINE`, "AccessMask", "0x1")...), nil},
		{"4663 read attributes only", rec(ProviderSecurity, 4663, subject("ObjectType", "File", "ObjectName", `C:\l.txt`, "AccessList", "%%4423", "AccessMask", "0x80")...), nil},
		{"5145 write", rec(ProviderSecurity, 5145, subject("ObjectType", "File", "IpAddress", "10.1.1.9", "IpPort", "50123",
			"ShareName", `\\*\C$`, "ShareLocalPath", `\??\C:\`, "RelativeTargetName", `Users\Public\x\q3.xlsx`,
			"AccessMask", "0x2", "AccessList", "%%4417\n")...),
			want(stagewatch.ShareAccess, "5145:write", created, func(e *stagewatch.Event) {
				e.User = bob
				e.Remote = stagewatch.Remote{Protocol: "smb", SourceIP: "10.1.1.9", Account: `CORP\bob`, Share: `\\*\C$`}
				e.File = file(`C:\Users\Public\x\q3.xlsx`)
			})},
		{"5145 read", rec(ProviderSecurity, 5145, subject("IpAddress", "10.1.1.9",
			"ShareName", `\\*\Data`, "ShareLocalPath", `\??\D:\Data`, "RelativeTargetName", `q3.xlsx`, "AccessList", "%%1538 %%4416")...),
			want(stagewatch.ShareAccess, "5145:read", created, func(e *stagewatch.Event) {
				e.User = bob
				e.Remote = stagewatch.Remote{Protocol: "smb", SourceIP: "10.1.1.9", Account: `CORP\bob`, Share: `\\*\Data`}
				e.File = file(`D:\Data\q3.xlsx`)
			})},
		{"5140 share root", rec(ProviderSecurity, 5140, subject("IpAddress", "10.1.1.9",
			"ShareName", `\\*\Data`, "ShareLocalPath", `\??\D:\Data`, "AccessMask", "0x80")...),
			want(stagewatch.ShareAccess, "5140", created, func(e *stagewatch.Event) {
				e.User = bob
				e.Remote = stagewatch.Remote{Protocol: "smb", SourceIP: "10.1.1.9", Account: `CORP\bob`, Share: `\\*\Data`}
				e.File = file(`D:\Data`)
			})},
		{"5145 IPC$ is not a file", rec(ProviderSecurity, 5145, subject("ShareName", `\\*\IPC$`, "RelativeTargetName", "srvsvc", "AccessMask", "0x3")...), nil},
		{"4624 logon is not used", rec(ProviderSecurity, 4624, subject()...), nil},
	}
	runMap(t, tests)
}

func TestMapPowerShell(t *testing.T) {
	tests := []struct {
		name string
		in   *Record
		want *stagewatch.Event
	}{
		{"4104 script block", rec(ProviderPowerShell, 4104, "MessageNumber", "1", "MessageTotal", "1",
			"ScriptBlockText", "Copy-Item -Path C:\\Users\\bob\\Documents\\* -Destination C:\\Users\\Public\\x -Recurse\n",
			"ScriptBlockId", "{5d1}", "Path", ""),
			want(stagewatch.ProcessStart, "4104", created, func(e *stagewatch.Event) {
				e.User = stagewatch.User{SID: "S-1-5-18"}
				e.Proc = stagewatch.Process{PID: 3000, Name: "powershell.exe",
					CommandLine: `Copy-Item -Path C:\Users\bob\Documents\* -Destination C:\Users\Public\x -Recurse`}
				e.Attrs = map[string]string{"script_block_id": "{5d1}"}
			})},
		{"4104 part of a long block, pwsh", rec(ProviderPowerShellCore, 4104, "MessageNumber", "2", "MessageTotal", "3",
			"ScriptBlockText", "Compress-Archive a b", "Path", `C:\s\collect.ps1`),
			want(stagewatch.ProcessStart, "4104", created, func(e *stagewatch.Event) {
				e.User = stagewatch.User{SID: "S-1-5-18"}
				e.Proc = stagewatch.Process{PID: 3000, Name: "pwsh.exe", CommandLine: "Compress-Archive a b"}
				e.Attrs = map[string]string{"part": "2/3", "script_path": `C:\s\collect.ps1`}
			})},
		{"4104 empty", rec(ProviderPowerShell, 4104, "ScriptBlockText", "  "), nil},
		{"4103 module logging", rec(ProviderPowerShell, 4103,
			"ContextInfo", "        Severity = Informational\r\n        Host Application = \"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe\" -nop\r\n        Command Name = Copy-Item\r\n        User = CORP\\bob\r\n        Connected User = \r\n",
			"UserData", "",
			"Payload", "CommandInvocation(Copy-Item): \"Copy-Item\"\r\nParameterBinding(Copy-Item): name=\"Path\"; value=\"C:\\Users\\bob\\My Docs\"\r\nParameterBinding(Copy-Item): name=\"Destination\"; value=\"C:\\Users\\Public\\x\"\r\nParameterBinding(Copy-Item): name=\"Recurse\"; value=\"True\"\r\nParameterBinding(Copy-Item): name=\"Force\"; value=\"False\"\r\n"),
			want(stagewatch.ProcessStart, "4103", created, func(e *stagewatch.Event) {
				e.User = stagewatch.User{Name: "bob", Domain: "CORP", SID: "S-1-5-18"}
				e.Proc = stagewatch.Process{PID: 3000, Image: `C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe`, Name: "powershell.exe",
					CommandLine: `Copy-Item -Path 'C:\Users\bob\My Docs' -Destination C:\Users\Public\x -Recurse -Force:$false`}
				e.Attrs = map[string]string{"command_name": "Copy-Item"}
			})},
		{"4103 without invocation", rec(ProviderPowerShell, 4103, "Payload", "Error Message = x"), nil},
		{"4105 is not used", rec(ProviderPowerShell, 4105, "ScriptBlockId", "{5d1}"), nil},
	}
	runMap(t, tests)
}

func TestInvocation(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"pipeline", "CommandInvocation(Get-ChildItem): \"Get-ChildItem\"\nParameterBinding(Get-ChildItem): name=\"Path\"; value=\"C:\\a\"\nCommandInvocation(Compress-Archive): \"Compress-Archive\"\nParameterBinding(Compress-Archive): name=\"DestinationPath\"; value=\"C:\\t\\o.zip\"\n",
			`Get-ChildItem -Path C:\a; Compress-Archive -DestinationPath C:\t\o.zip`},
		{"positional and quote", "CommandInvocation(Out-File): \"Out-File\"\nParameterBinding(Out-File): name=\"\"; value=\"it's\"\n", `Out-File 'it''s'`},
		{"binding before invocation", "ParameterBinding(X): name=\"a\"; value=\"b\"\n", ""},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, invocation(tt.in)); diff != "" {
			t.Errorf("%s: invocation mismatch (-want +got):\n%s", tt.name, diff)
		}
	}
}
