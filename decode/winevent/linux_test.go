package winevent

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/stagewatch/stagewatch"
)

// TestSysmonLinux checks that Linux-Sysmon events map as Sysmon with a
// Linux host and POSIX paths.
func TestSysmonLinux(t *testing.T) {
	tm := time.Date(2022, 11, 24, 9, 59, 47, 0, time.UTC)
	tests := []struct {
		name string
		rec  Record
		want stagewatch.Event
	}{
		{
			name: "process",
			rec: Record{Provider: "Linux-Sysmon", EventID: 1, Computer: "ip-172-31-60-25", TimeCreated: tm, RecordID: 76954, Data: []Field{
				{"Image", "/usr/bin/curl"}, {"CommandLine", "curl -s -O http://x/y"}, {"CurrentDirectory", "/opt/automation"},
				{"User", "root"}, {"ProcessId", "4005"}, {"ParentImage", "/bin/bash"}, {"ParentProcessId", "4004"}, {"Hashes", "-"},
			}},
			want: stagewatch.Event{Time: tm, Kind: stagewatch.ProcessStart, Action: "1",
				Host: stagewatch.Host{Name: "ip-172-31-60-25", OS: stagewatch.Linux}, User: stagewatch.User{Name: "root"},
				Proc: stagewatch.Process{PID: 4005, Image: "/usr/bin/curl", Name: "curl", CommandLine: "curl -s -O http://x/y", CWD: "/opt/automation",
					ParentPID: 4004, ParentImage: "/bin/bash", ParentName: "bash"},
				Origin: stagewatch.Origin{RecordID: "76954"}},
		},
		{
			name: "file create by channel, no provider",
			rec: Record{Channel: "Linux-Sysmon/Operational", EventID: 11, Computer: "h", TimeCreated: tm, Data: []Field{
				{"Image", "/usr/bin/cp"}, {"ProcessId", "7"}, {"TargetFilename", "/tmp/.s/b.zip"}, {"User", "alice"},
			}},
			want: stagewatch.Event{Time: tm, Kind: stagewatch.FileCreate, Action: "11",
				Host: stagewatch.Host{Name: "h", OS: stagewatch.Linux}, User: stagewatch.User{Name: "alice"},
				Proc: stagewatch.Process{PID: 7, Image: "/usr/bin/cp", Name: "cp"},
				File: stagewatch.File{Path: "/tmp/.s/b.zip", Dir: "/tmp/.s", Name: "b.zip", Ext: ".zip", NormDir: "/tmp/.s/"}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := Map(&tc.rec, stagewatch.Origin{})
			if !ok {
				t.Fatal("not mapped")
			}
			if diff := cmp.Diff(tc.want, *got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
