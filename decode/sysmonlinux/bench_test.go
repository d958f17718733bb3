package sysmonlinux

import (
	"bytes"
	"fmt"
	"io"
	"testing"
	"time"
)

// benchLines returns n Sysmon for Linux syslog lines: two thirds EID 11
// file creates, the rest EID 1 process creates (about 0.9 and 1.5 KB).
func benchLines(n int) []byte {
	var b bytes.Buffer
	for i := range n {
		fmt.Fprintf(&b, "Apr 24 09:%02d:%02d app%02d sysmon: ", i/60%60, i%60, i%9)
		if i%3 == 2 {
			fmt.Fprintf(&b, benchProcess, i%60, i%1000, 10000+i, 4000+i%3000)
		} else {
			fmt.Fprintf(&b, benchFile, i%60, i%1000, 10000+i, 4000+i%3000, i)
		}
		b.WriteByte('\n')
	}
	return b.Bytes()
}

const benchFile = `<Event><System><Provider Name="Linux-Sysmon" Guid="{ff032593-a8d3-4f13-b0d6-01fc615a0f97}"/><EventID>11</EventID><Version>2</Version><Level>4</Level><Task>11</Task><Opcode>0</Opcode><Keywords>0x8000000000000000</Keywords><TimeCreated SystemTime="2026-04-24T09:%02[1]d:47.929626000Z"/><EventRecordID>%[3]d</EventRecordID><Correlation/><Execution ProcessID="1109" ThreadID="1109"/><Channel>Linux-Sysmon/Operational</Channel><Computer>app02</Computer><Security UserId="0"/></System><EventData><Data Name="RuleName">-</Data><Data Name="UtcTime">2026-04-24 09:%02[1]d:47.%03[2]d</Data><Data Name="ProcessGuid">{c9eb4a87-4093-637f-789d-2406ab550000}</Data><Data Name="ProcessId">%[4]d</Data><Data Name="Image">/usr/bin/rsync</Data><Data Name="TargetFilename">/tmp/.s/hr/employee-%[5]d.pdf</Data><Data Name="CreationUtcTime">2026-04-24 09:%02[1]d:47.934</Data><Data Name="User">alice</Data></EventData></Event>`

const benchProcess = `<Event><System><Provider Name="Linux-Sysmon" Guid="{ff032593-a8d3-4f13-b0d6-01fc615a0f97}"/><EventID>1</EventID><Version>5</Version><Level>4</Level><Task>1</Task><Opcode>0</Opcode><Keywords>0x8000000000000000</Keywords><TimeCreated SystemTime="2026-04-24T09:%02[1]d:47.882033000Z"/><EventRecordID>%[3]d</EventRecordID><Correlation/><Execution ProcessID="1109" ThreadID="1109"/><Channel>Linux-Sysmon/Operational</Channel><Computer>app02</Computer><Security UserId="0"/></System><EventData><Data Name="RuleName">-</Data><Data Name="UtcTime">2026-04-24 09:%02[1]d:47.%03[2]d</Data><Data Name="ProcessGuid">{c9eb4a87-4093-637f-789d-2406ab550000}</Data><Data Name="ProcessId">%[4]d</Data><Data Name="Image">/usr/bin/tar</Data><Data Name="FileVersion">-</Data><Data Name="Description">-</Data><Data Name="Product">-</Data><Data Name="Company">-</Data><Data Name="OriginalFileName">-</Data><Data Name="CommandLine">tar czf /tmp/.s/hr.tgz -C /tmp/.s hr</Data><Data Name="CurrentDirectory">/home/alice</Data><Data Name="User">alice</Data><Data Name="LogonGuid">{c9eb4a87-0000-0000-0000-000000000000}</Data><Data Name="LogonId">0</Data><Data Name="TerminalSessionId">3</Data><Data Name="IntegrityLevel">no level</Data><Data Name="Hashes">-</Data><Data Name="ParentProcessGuid">{c9eb4a87-4093-637f-9836-ed7dda550000}</Data><Data Name="ParentProcessId">4004</Data><Data Name="ParentImage">/bin/bash</Data><Data Name="ParentCommandLine">-bash</Data><Data Name="ParentUser">alice</Data></EventData></Event>`

// BenchmarkDecode measures syslog lines of Sysmon for Linux events through
// winxml's scanner and winevent.Map.
func BenchmarkDecode(b *testing.B) {
	data := benchLines(3000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	events := 0
	cpu0 := cpuTime()
	for b.Loop() {
		d := NewDecoder(bytes.NewReader(data), Options{File: "bench.log"})
		for {
			_, err := d.Decode()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			events++
		}
	}
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
	reportCPU(b, cpu0, int64(len(data)), events)
}

// reportCPU reports MB and events per CPU second (all threads, GC
// included): wall-clock rates understate throughput on a shared machine.
func reportCPU(b *testing.B, cpu0 time.Duration, size int64, events int) {
	if cpu := cpuTime() - cpu0; cpu > 0 {
		b.ReportMetric(float64(size)*float64(b.N)/1e6/cpu.Seconds(), "MB/cpu-s")
		b.ReportMetric(float64(events)/cpu.Seconds(), "events/cpu-s")
	}
}
