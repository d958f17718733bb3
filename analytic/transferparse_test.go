package analytic

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseInbound(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want inboundStart
		ok   bool
	}{
		{"scp sink", `scp -r -t /var/tmp/.c`, inboundStart{via: "scp -t", protocol: "scp", dest: "/var/tmp/.c"}, true},
		{"scp sink bundled, after --", `/usr/bin/scp -rdt -- /tmp/in`, inboundStart{via: "scp -t", protocol: "scp", dest: "/tmp/in"}, true},
		{"scp source mode sends", `scp -f /etc/passwd`, inboundStart{}, false},
		{"scp client pull is not the receiving end", `scp bob@h:/x /tmp/y`, inboundStart{}, false},
		{"rsync server receiving", `rsync --server -vlogDtpre.iLsfxC . /mnt/staging/x/`,
			inboundStart{via: "rsync --server", protocol: "rsync", dest: "/mnt/staging/x/"}, true},
		{"rsync server with only the dot", `rsync --server -e.LsfxC .`, inboundStart{via: "rsync --server", protocol: "rsync"}, true},
		{"rsync sender", `rsync --server --sender -vlogDtpre.iLsfxC . /srv/`, inboundStart{}, false},
		{"rsync client", `rsync -a /srv/ /tmp/x/`, inboundStart{}, false},
		{"sftp-server", `/usr/lib/openssh/sftp-server`, inboundStart{via: "sftp-server", protocol: "sftp"}, true},
		{"mount -t nfs4", `mount -t nfs4 -o ro 10.0.0.5:/export/hr /mnt/hr`,
			inboundStart{via: "mount", protocol: "nfs", dest: "/mnt/hr", share: "10.0.0.5:/export/hr", sourceIP: "10.0.0.5", mount: true}, true},
		{"mount cifs by source form", `mount //fs01.corp/finance /mnt/f -o username=bob`,
			inboundStart{via: "mount", protocol: "cifs", dest: "/mnt/f", share: "//fs01.corp/finance", mount: true}, true},
		{"mount nfs by source form, IPv6", `mount [2001:db8::5]:/x /mnt/x`,
			inboundStart{via: "mount", protocol: "nfs", dest: "/mnt/x", share: "[2001:db8::5]:/x", sourceIP: "2001:db8::5", mount: true}, true},
		{"local mount", `mount -t ext4 /dev/sdb1 /mnt/data`, inboundStart{}, false},
		{"bind mount", `mount --bind /srv /mnt/srv`, inboundStart{}, false},
		{"mount listing", `mount`, inboundStart{}, false},
		{"mount.nfs", `/sbin/mount.nfs nas:/vol1 /mnt/vol1 -o rw`,
			inboundStart{via: "mount.nfs", protocol: "nfs", dest: "/mnt/vol1", share: "nas:/vol1", mount: true}, true},
		{"mount_smbfs", `mount_smbfs //carol@192.0.2.10/finance /Volumes/finance`,
			inboundStart{via: "mount_smbfs", protocol: "smbfs", dest: "/Volumes/finance", share: "//carol@192.0.2.10/finance", sourceIP: "192.0.2.10", mount: true}, true},
		{"sshfs", `sshfs bob@203.0.113.9:/home/bob /mnt/b`,
			inboundStart{via: "sshfs", protocol: "sshfs", dest: "/mnt/b", share: "bob@203.0.113.9:/home/bob", sourceIP: "203.0.113.9", mount: true}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			argv := SplitPOSIX(tt.in)[0]
			got, ok := parseInbound(commandName(argv[0]), argv)
			if ok != tt.ok {
				t.Fatalf("parseInbound(%q) ok = %v, want %v", tt.in, ok, tt.ok)
			}
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(inboundStart{})); diff != "" {
				t.Errorf("parseInbound(%q) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestHostList(t *testing.T) {
	l, err := newHostList(List{"10.20.0.0/16", "192.0.2.7", "backup*.corp.example  # the backup servers", ""})
	if err != nil {
		t.Fatal(err)
	}
	for v, want := range map[string]bool{
		"10.20.3.4": true, "10.21.0.1": false, "192.0.2.7": true, "192.0.2.8": false,
		"BACKUP01.corp.example": true, "fs01.corp.example": false, "::ffff:10.20.0.9": true, "": false,
	} {
		if got := l.match(v); got != want {
			t.Errorf("match(%q) = %v, want %v", v, got, want)
		}
	}
	if _, err := newHostList(List{"10.0.0.0/33"}); err == nil {
		t.Error("a bad CIDR prefix is accepted")
	}
}

func FuzzParseInbound(f *testing.F) {
	for _, s := range []string{`scp -t /tmp`, `rsync --server . /x`, `mount -t nfs a:/b /c`, `mount //h/s /m`, `mount_smbfs //u@h/s`,
		`sshfs u@[::1]:/x /y`, `mount -t`, `scp -t --`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, argv := range SplitPOSIX(s) {
			name := commandName(argv[0])
			if !mayTransfer(name) {
				continue
			}
			if st, ok := parseInbound(name, argv); ok && (st.via == "" || st.protocol == "") {
				t.Errorf("parseInbound(%q) = %+v: empty via or protocol", s, st)
			}
		}
		shareHost(s)
	})
}
