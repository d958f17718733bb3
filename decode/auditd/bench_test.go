package auditd

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"testing"
	"time"
)

// benchLog returns a realistic audit.log of n events: two thirds file
// creations (SYSCALL openat, CWD, two PATH items, PROCTITLE, EOE), the rest
// execve events with EXECVE, CWD, two PATH items and a hex PROCTITLE, as
// auditd writes them with a node= prefix.
func benchLog(n int) []byte {
	var b bytes.Buffer
	for i := range n {
		h := fmt.Sprintf("node=web%02d msg=audit(1777017600.%03d:%d):", i%7, i%1000, 100000+i)
		pre, hdr, _ := bytes.Cut([]byte(h), []byte(" "))
		p := string(pre) + " type="
		m := string(hdr)
		if i%3 == 2 {
			fmt.Fprintf(&b, "%sSYSCALL %s arch=c000003e syscall=59 success=yes exit=0 a0=55d0c1a0 a1=55d0c1b0 a2=55d0c1c0 a3=8 items=2 ppid=2299 pid=%d auid=1001 uid=1001 gid=1001 euid=1001 suid=1001 fsuid=1001 egid=1001 sgid=1001 fsgid=1001 tty=pts1 ses=7 comm=\"tar\" exe=\"/usr/bin/tar\" subj=unconfined key=\"exec\"\n", p, m, 3000+i)
			fmt.Fprintf(&b, "%sEXECVE %s argc=4 a0=\"tar\" a1=\"czf\" a2=\"/tmp/.c/loot-%d.tgz\" a3=\"/home/alice/Documents\"\n", p, m, i)
			fmt.Fprintf(&b, "%sCWD %s cwd=\"/home/alice\"\n", p, m)
			fmt.Fprintf(&b, "%sPATH %s item=0 name=\"/usr/bin/tar\" inode=1593 dev=08:01 mode=0100755 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0\n", p, m)
			fmt.Fprintf(&b, "%sPATH %s item=1 name=\"/lib64/ld-linux-x86-64.so.2\" inode=4382 dev=08:01 mode=0100755 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0\n", p, m)
			fmt.Fprintf(&b, "%sPROCTITLE %s proctitle=74617200637A66002F746D702F2E632F6C6F6F742E74677A002F686F6D652F616C6963652F446F63756D656E7473\n", p, m)
		} else {
			fmt.Fprintf(&b, "%sSYSCALL %s arch=c000003e syscall=257 success=yes exit=3 a0=ffffff9c a1=7ffd1000 a2=241 a3=1b6 items=2 ppid=2299 pid=%d auid=1001 uid=1001 gid=1001 euid=1001 suid=1001 fsuid=1001 egid=1001 sgid=1001 fsgid=1001 tty=pts1 ses=7 comm=\"cp\" exe=\"/usr/bin/cp\" subj=unconfined key=\"tmp\"\n", p, m, 3000+i)
			fmt.Fprintf(&b, "%sCWD %s cwd=\"/home/alice\"\n", p, m)
			fmt.Fprintf(&b, "%sPATH %s item=0 name=\"/tmp/.c/fin/\" inode=13863 dev=00:27 mode=040755 ouid=1001 ogid=1001 rdev=00:00 nametype=PARENT cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0\n", p, m)
			fmt.Fprintf(&b, "%sPATH %s item=1 name=\"/tmp/.c/fin/q%d-ledger.xlsx\" inode=17729 dev=00:27 mode=0100644 ouid=1001 ogid=1001 rdev=00:00 nametype=CREATE cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0\n", p, m, i)
			fmt.Fprintf(&b, "%sPROCTITLE %s proctitle=6370002D72002F7372762F66696E616E6365002F746D702F2E632F66696E\n", p, m)
		}
		fmt.Fprintf(&b, "%sEOE %s\n", p, m)
	}
	return b.Bytes()
}

func benchDecode(b *testing.B, data []byte, n int) {
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
	if n > 0 && events%n != 0 {
		b.Fatalf("decoded %d events, not a multiple of %d", events, n)
	}
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
	reportCPU(b, cpu0, int64(len(data)), events)
}

// reportCPU reports MB and events per CPU second (all threads, GC
// included): wall-clock rates understate throughput when other processes
// share the cores.
func reportCPU(b *testing.B, cpu0 time.Duration, size int64, events int) {
	if cpu := cpuTime() - cpu0; cpu > 0 {
		b.ReportMetric(float64(size)*float64(b.N)/1e6/cpu.Seconds(), "MB/cpu-s")
		b.ReportMetric(float64(events)/cpu.Seconds(), "events/cpu-s")
	}
}

// BenchmarkDecode measures raw audit.log with node= prefixes and EOE
// records: 3000 events, about 1.2 KB each.
func BenchmarkDecode(b *testing.B) {
	benchDecode(b, benchLog(3000), 3000)
}

// BenchmarkDecodeSession measures the attacker-session fixture.
func BenchmarkDecodeSession(b *testing.B) {
	data, err := os.ReadFile("testdata/session.log")
	if err != nil {
		b.Fatal(err)
	}
	benchDecode(b, data, 27)
}
