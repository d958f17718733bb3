package esxi

import (
	"bytes"
	"fmt"
	"io"
	"testing"
)

// benchLines returns n ESXi 8 lines in the mix of a busy host: two thirds
// hostd lines (mostly uninteresting, some snapshot tasks), the rest shell
// commands and vmkernel lines, with a three-line continuation every 50th.
func benchLines(n int) []byte {
	var b bytes.Buffer
	for i := range n {
		ts := fmt.Sprintf("2025-03-14T%02d:%02d:%02d.%03dZ", i/3600%24, i/60%60, i%60, i%1000)
		switch i % 6 {
		case 0, 1, 2:
			fmt.Fprintf(&b, "%s In(166) Hostd[2099001]: [Originator@6876 sub=Vimsvc.TaskManager opID=op-%d sid=52aa0e55 user=vpxuser:VSPHERE.LOCAL\\svc-%d] Task Completed : haTask-ha-host-vim.HostSystem.retrieveInternalCapability-%d Status success\n", ts, i, i%7, i)
		case 3:
			fmt.Fprintf(&b, "%s In(166) Hostd[2099001]: [Originator@6876 sub=Vimsvc.TaskManager opID=op-%d user=root] Task Created : haTask-%d-vim.VirtualMachine.createSnapshot-%d\n", ts, i, i%40, i)
		case 4:
			fmt.Fprintf(&b, "%s In(14) shell[2100440]: [root]: vim-cmd vmsvc/snapshot.create %d nightly-%d\n", ts, i%40, i)
		case 5:
			fmt.Fprintf(&b, "%s In(182) vmkernel: cpu3:2100441)NFS: 221: NFS mount 10.9.%d.%d:/exfil status: Success\n", ts, i%200, i%250)
		}
		if i%50 == 49 {
			fmt.Fprintf(&b, "%s In(166) Hostd[2099001]:+ --> Result:\n%s In(166) Hostd[2099001]:+ --> (vim.fault.FileLocked) {\n%s In(166) Hostd[2099001]:+ --> }\n", ts, ts, ts)
		}
	}
	return b.Bytes()
}

func BenchmarkDecode(b *testing.B) {
	data := benchLines(20000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	events := 0
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
	b.ReportMetric(float64(len(data))/float64(20000), "B/line")
}

func BenchmarkSniff(b *testing.B) {
	data := benchLines(400)
	for b.Loop() {
		if !Sniff(data) {
			b.Fatal("not sniffed")
		}
	}
}
