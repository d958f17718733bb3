package analytic

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestArchiversParsePOSIX(t *testing.T) {
	arch, err := NewArchivers(DefaultList(ListArchivers))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		in   string
		want []ArchiveOp
	}{
		{"tar czf", `tar czf /tmp/.x/a.tgz /home/bob/docs`,
			[]ArchiveOp{{Tool: "tar", Output: "/tmp/.x/a.tgz", Inputs: []string{"/home/bob/docs"}, Recursive: true}}},
		{"tar -cJf", `tar -cJf /var/tmp/a.txz /etc`,
			[]ArchiveOp{{Tool: "tar", Output: "/var/tmp/a.txz", Inputs: []string{"/etc"}, Recursive: true}}},
		{"tar --create --file=", `tar --create --file=/dev/shm/a.tar /etc`,
			[]ArchiveOp{{Tool: "tar", Output: "/dev/shm/a.tar", Inputs: []string{"/etc"}, Recursive: true}}},
		{"tar to stdout redirected", `tar czf - /srv > /tmp/s.tgz`,
			[]ArchiveOp{{Tool: "tar", Output: "/tmp/s.tgz", Inputs: []string{"/srv"}, Recursive: true}}},
		{"tar piped into gzip", `bash -c 'tar c /home/bob | gzip -9 > /tmp/x.gz'`,
			[]ArchiveOp{{Tool: "tar", Inputs: []string{"/home/bob"}, Recursive: true},
				{Tool: "gzip", Output: "/tmp/x.gz", Inputs: []string{"/home/bob"}, Recursive: true}}},
		{"gzip in place", `gzip /tmp/.x/db.sql`,
			[]ArchiveOp{{Tool: "gzip", Output: "/tmp/.x/db.sql.gz", Inputs: []string{"/tmp/.x/db.sql"}}}},
		{"gzip -c redirected", `sh -c "gzip -c /home/bob/db.sql > /tmp/x.gz"`,
			[]ArchiveOp{{Tool: "gzip", Output: "/tmp/x.gz", Inputs: []string{"/home/bob/db.sql"}}}},
		{"gzip -c to a pipe has no file", `gzip -c /home/bob/db.sql`,
			[]ArchiveOp{{Tool: "gzip", Inputs: []string{"/home/bob/db.sql"}}}},
		{"gunzip is not archiving", `gzip -d /tmp/a.gz`, nil},
		{"xz -T0 in place", `xz -T0 -z /tmp/.x/db.tar`,
			[]ArchiveOp{{Tool: "xz", Output: "/tmp/.x/db.tar.xz", Inputs: []string{"/tmp/.x/db.tar"}}}},
		{"zstd -o", `zstd -19 /tmp/.x/db.tar -o /var/tmp/db.zst`,
			[]ArchiveOp{{Tool: "zstd", Output: "/var/tmp/db.zst", Inputs: []string{"/tmp/.x/db.tar"}}}},
		{"bzip2 -k", `bzip2 -k /dev/shm/a.tar`,
			[]ArchiveOp{{Tool: "bzip2", Output: "/dev/shm/a.tar.bz2", Inputs: []string{"/dev/shm/a.tar"}}}},
		{"zip -r -e", `zip -r -e /tmp/a.zip /home/bob`,
			[]ArchiveOp{{Tool: "zip", Output: "/tmp/a.zip", Inputs: []string{"/home/bob"}, Password: true, Recursive: true}}},
		{"sudo nohup 7z", `sudo nohup 7za a -pX -v100m /tmp/a.7z /srv`,
			[]ArchiveOp{{Tool: "7za", Output: "/tmp/a.7z", Inputs: []string{"/srv"}, Password: true, Split: true}}},
		{"ditto -c -k", `ditto -c -k --sequesterRsrc --keepParent /Users/bob/Documents /Users/Shared/d.zip`,
			[]ArchiveOp{{Tool: "ditto", Output: "/Users/Shared/d.zip", Inputs: []string{"/Users/bob/Documents"}, Recursive: true}}},
		{"ditto copy mode is not archiving", `ditto /Users/bob/Documents /Users/Shared/.d`, nil},
		{"ditto -x extracts", `ditto -x -k /tmp/a.zip /Users/bob`, nil},
		{"hdiutil create encrypted", `hdiutil create -srcfolder /Users/bob/Documents -encryption AES-256 -stdinpass /private/tmp/d.dmg`,
			[]ArchiveOp{{Tool: "hdiutil", Output: "/private/tmp/d.dmg", Inputs: []string{"/Users/bob/Documents"}, Password: true, Encrypted: true, Recursive: true}}},
		{"hdiutil create -volname", `hdiutil create -volname D -srcfolder /Users/bob/Documents -ov -format UDZO /Users/Shared/d.dmg`,
			[]ArchiveOp{{Tool: "hdiutil", Output: "/Users/Shared/d.dmg", Inputs: []string{"/Users/bob/Documents"}, Recursive: true}}},
		{"hdiutil empty image", `hdiutil create -size 1g /tmp/e.dmg`, nil},
		{"hdiutil attach", `hdiutil attach /tmp/e.dmg`, nil},
		{"split -b of an archive", `split -b 50M /tmp/a.tgz /tmp/a.tgz.part`,
			[]ArchiveOp{{Tool: "split", Output: "/tmp/a.tgz.part", Inputs: []string{"/tmp/a.tgz"}, Split: true}}},
		{"split of a log by lines", `split -l 1000 /var/log/syslog /tmp/s`, nil},
		{"split -b of a log", `split -b 1m /var/log/syslog /tmp/s`, nil},
		{"openssl enc of a staged archive", `openssl enc -aes-256-cbc -salt -in /tmp/a.tgz -out /tmp/a.enc -k x`,
			[]ArchiveOp{{Tool: "openssl", Output: "/tmp/a.enc", Inputs: []string{"/tmp/a.tgz"}, Password: true, Encrypted: true}}},
		{"gpg -c", `gpg --batch -c /tmp/a.tgz`,
			[]ArchiveOp{{Tool: "gpg", Output: "/tmp/a.tgz.gpg", Inputs: []string{"/tmp/a.tgz"}, Password: true, Encrypted: true}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := arch.Parse(tt.in, false)
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Parse(%q) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func FuzzArchiversParsePOSIX(f *testing.F) {
	arch, err := NewArchivers(DefaultList(ListArchivers))
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{`tar c x | gzip > /tmp/a`, `gzip -S`, `zstd -o`, `ditto -c -k a`, `hdiutil create -encryption`,
		`split -b`, `xz -T`, `bash -lc 'tar czf - a >/tmp/b'`, `sudo -u x nohup env A=b bzip2 -c a >> /t/x`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, op := range arch.Parse(s, false) {
			if op.Tool == "" {
				t.Errorf("Parse(%q): op without a tool", s)
			}
		}
	})
}
