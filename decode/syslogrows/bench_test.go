package syslogrows

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"testing"
)

// benchRows returns n Sentinel Syslog rows as NDJSON: half AUOMS execve
// records, half Sysmon for Linux EID 11 events, as in the OTRF Log4Shell
// capture (about 2.5 and 1.5 KB per row).
func benchRows(n int) []byte {
	var b bytes.Buffer
	for i := range n {
		var msg, proc string
		if i%2 == 0 {
			proc = "auoms"
			msg = fmt.Sprintf(`type=AUOMS_EXECVE audit(1652292622.%03d:%d): SchemaVersion="1" auoms_version=2.5.2.0 node=UBUNTU5 arch=x86_64 syscall=execve syscall_r=59 success=yes exit=0 a0=5601f9bb2510 a1=5601f9bb27c0 a2=5601f9bb00a0 a3=5601f9ba4010 ppid=17790 pid=%d audit_user=unset auid=4294967295 user=tomcat uid=1001 group=tomcat gid=1001 effective_user=tomcat euid=1001 set_user=tomcat suid=1001 filesystem_user=tomcat fsuid=1001 effective_group=tomcat egid=1001 set_group=tomcat sgid=1001 filesystem_group=tomcat fsgid=1001 tty=(none) ses="-1" comm="bash" exe="/bin/bash" key=auoms,delete key_r=61756F6D730164656C657465 cwd="/" name="/bin/bash" inode=31 dev=08:01 mode=file,755 o_user=root ouid=0 owner_group=root ogid=0 rdev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0 path_name=["/bin/bash","/lib64/ld-linux-x86-64.so.2"] path_nametype=["NORMAL","NORMAL"] path_mode=["0100755","0100755"] path_ouid=["0","0"] path_ogid=["0","0"] argc=2 cmdline="tar czf /tmp/.c/x%d.tgz /opt" redactors= containerid=`, i%1000, 84000+i, 17000+i, i)
		} else {
			proc = "sysmon"
			msg = fmt.Sprintf(`<Event><System><Provider Name="Linux-Sysmon" Guid="{ff032593-a8d3-4f13-b0d6-01fc615a0f97}"/><EventID>11</EventID><Version>2</Version><Level>4</Level><Task>11</Task><Opcode>0</Opcode><Keywords>0x8000000000000000</Keywords><TimeCreated SystemTime="2022-05-11T18:10:21.635471000Z"/><EventRecordID>%d</EventRecordID><Correlation/><Execution ProcessID="1590" ThreadID="1590"/><Channel>Linux-Sysmon/Operational</Channel><Computer>UBUNTU5</Computer><Security UserId="0"/></System><EventData><Data Name="RuleName">-</Data><Data Name="UtcTime">2022-05-11 18:10:21.642</Data><Data Name="ProcessGuid">{94325212-f5a5-627b-b809-87f375550000}</Data><Data Name="ProcessId">1340</Data><Data Name="Image">/usr/lib/jvm/java-8-openjdk-amd64/jre/bin/java</Data><Data Name="TargetFilename">/opt/tomcat/logs/app-%d.log</Data><Data Name="CreationUtcTime">2022-05-11 18:10:21.642</Data><Data Name="User">tomcat</Data></EventData></Event>`, 245000+i, i)
		}
		row, _ := json.Marshal(map[string]any{"TenantId": "redacted", "SourceSystem": "Linux", "TimeGenerated": "2022-05-11T18:10:21.997Z", "Computer": "UBUNTU5", "EventTime": "2022-05-11T18:10:21Z", "Facility": "user", "HostName": "UBUNTU5", "SeverityLevel": "info", "SyslogMessage": msg, "HostIP": "192.168.2.5", "ProcessName": proc, "Type": "Syslog"})
		b.Write(row)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// BenchmarkDecode measures NDJSON Syslog rows routed to auditd and
// sysmonlinux.
func BenchmarkDecode(b *testing.B) {
	data := benchRows(3000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	events := 0
	cpu0 := cpuTime()
	for b.Loop() {
		d := NewDecoder(bytes.NewReader(data), Options{File: "bench.json"})
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
	if events%3000 != 0 {
		b.Fatalf("decoded %d events, not a multiple of 3000", events)
	}
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
	if cpu := cpuTime() - cpu0; cpu > 0 {
		b.ReportMetric(float64(len(data))*float64(b.N)/1e6/cpu.Seconds(), "MB/cpu-s")
		b.ReportMetric(float64(events)/cpu.Seconds(), "events/cpu-s")
	}
}
