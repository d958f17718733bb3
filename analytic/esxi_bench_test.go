package analytic

import (
	"fmt"
	"testing"
	"time"

	"github.com/stagewatch/stagewatch"
)

// esxiMix returns n ESXi events as the esxi decoder emits them: shell
// commands of administrators (mostly read-only esxcli and vim-cmd, one in
// twenty a snapshot, one in two hundred a clone), and hostd snapshot tasks
// of a backup account, over 20 hosts.
func esxiMix(n int) []*stagewatch.Event {
	t0 := time.Date(2025, 3, 14, 0, 0, 0, 0, time.UTC)
	cmds := []string{
		"esxcli system version get", "vim-cmd vmsvc/getallvms", "esxcli network ip interface list",
		"ls -la /vmfs/volumes/ds1", "esxcli storage core device list", "cat /etc/hosts",
	}
	out := make([]*stagewatch.Event, 0, n)
	for i := range n {
		ev := &stagewatch.Event{Time: t0.Add(time.Duration(i) * 100 * time.Millisecond),
			Host: stagewatch.Host{Name: fmt.Sprintf("esx%02d", i%20), OS: stagewatch.ESXi}}
		switch {
		case i%10 == 9:
			ev.Kind, ev.Action = stagewatch.Snapshot, "vim.VirtualMachine.createSnapshot"
			ev.User = stagewatch.User{Name: "svc-veeam", Domain: "VSPHERE.LOCAL"}
			ev.File.Name = fmt.Sprint(i % 40)
		default:
			ev.Kind, ev.User.Name = stagewatch.ProcessStart, "root"
			cmd := cmds[i%len(cmds)]
			switch {
			case i%200 == 1:
				cmd = fmt.Sprintf("vmkfstools -i /vmfs/volumes/ds1/vm%d/vm%d.vmdk /vmfs/volumes/ds2/c%d.vmdk -d thin", i%40, i%40, i)
			case i%20 == 3:
				cmd = fmt.Sprintf("vim-cmd vmsvc/snapshot.create %d pre-patch", i%40)
			}
			ev.Proc = stagewatch.Process{CommandLine: cmd, ParentName: "sh"}
		}
		out = append(out, ev)
	}
	return out
}

func BenchmarkEsxiDatastoreStaging(b *testing.B) {
	spec := EsxiDatastoreStaging()
	det, err := spec.New(spec.Defaults(), Options{EvidenceCap: 20})
	if err != nil {
		b.Fatal(err)
	}
	events := esxiMix(100000)
	b.ReportAllocs()
	n := 0
	for i := 0; b.Loop(); i++ {
		ev := events[i%len(events)]
		if i%len(events) == 0 && i > 0 {
			det.Flush()
		}
		if i%1000 == 0 {
			det.Advance(ev.Time)
		}
		det.Observe(ev)
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkEsxiDatastoreStagingWindows is the cost on other platforms'
// events: one comparison.
func BenchmarkEsxiDatastoreStagingWindows(b *testing.B) { benchDetector(b, EsxiDatastoreStaging()) }
