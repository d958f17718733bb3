package analytic

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestArchiversParse(t *testing.T) {
	arch, err := NewArchivers(DefaultList(ListArchivers))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		in   string
		want []ArchiveOp
	}{
		{"7z add with password and volumes", `7z.exe a -pX -v100m C:\t\q.7z C:\src\*`,
			[]ArchiveOp{{Tool: "7z", Output: `C:\t\q.7z`, Inputs: []string{`C:\src\*`}, Password: true, Split: true}}},
		{"7z switches after the operands", `7za u out.7z in -mhe=on -p`,
			[]ArchiveOp{{Tool: "7za", Output: "out.7z", Inputs: []string{"in"}, Password: true, Encrypted: true}}},
		{"7z extract is not archiving", `7z x -pX a.7z -oC:\t`, nil},
		{"rar -hp", `rar a -hpX -r C:\t\x.rar \\fs\s\*`,
			[]ArchiveOp{{Tool: "rar", Output: `C:\t\x.rar`, Inputs: []string{`\\fs\s\*`}, Password: true, Encrypted: true, Recursive: true}}},
		{"renamed 7z by argv", `C:\Users\Public\svc.exe a -v5m out.dat C:\data`,
			[]ArchiveOp{{Tool: "svc", Output: "out.dat", Inputs: []string{`C:\data`}, Split: true, Renamed: true}}},
		{"renamed without protection is not recognised", `svc.exe a out.dat C:\data`, nil},
		{"zip -P takes a value, -p does not", `zip -r -P secret out.zip dir`,
			[]ArchiveOp{{Tool: "zip", Output: "out.zip", Inputs: []string{"dir"}, Password: true, Recursive: true}}},
		{"zip split size", `zip -s 100m out.zip dir`,
			[]ArchiveOp{{Tool: "zip", Output: "out.zip", Inputs: []string{"dir"}, Split: true}}},
		{"winzip", `wzzip -a -sS3cret -ycAES256 out.zip C:\docs\*`,
			[]ArchiveOp{{Tool: "wzzip", Output: "out.zip", Inputs: []string{`C:\docs\*`}, Password: true, Encrypted: true}}},
		{"tar bundle", `tar -czf C:\t\x.tgz C:\docs`,
			[]ArchiveOp{{Tool: "tar", Output: `C:\t\x.tgz`, Inputs: []string{`C:\docs`}, Recursive: true}}},
		{"tar extract", `tar -xf x.tar`, nil},
		{"makecab with /L", `makecab /L C:\t in.docx out.cab`,
			[]ArchiveOp{{Tool: "makecab", Output: `C:\t\out.cab`, Inputs: []string{"in.docx"}}}},
		{"printbrm backup", `PrintBrm -b -d C:\docs -f C:\t\p.printerExport`,
			[]ArchiveOp{{Tool: "printbrm", Output: `C:\t\p.printerExport`, Inputs: []string{`C:\docs`}}}},
		{"printbrm restore", `PrintBrm -r -f C:\t\p.printerExport`, nil},
		{"openssl enc", `openssl enc -aes-256-cbc -in a -out b -pass pass:x`,
			[]ArchiveOp{{Tool: "openssl", Output: "b", Inputs: []string{"a"}, Password: true, Encrypted: true}}},
		{"openssl decrypt", `openssl enc -d -in b -out a`, nil},
		{"gpg symmetric", `gpg -c --batch C:\t\x.7z`,
			[]ArchiveOp{{Tool: "gpg", Output: `C:\t\x.7z.gpg`, Inputs: []string{`C:\t\x.7z`}, Password: true, Encrypted: true}}},
		{"compress-archive positional", `powershell -c "Compress-Archive C:\docs C:\t\d.zip"`,
			[]ArchiveOp{{Tool: "compress-archive", Output: `C:\t\d.zip`, Inputs: []string{`C:\docs`}}}},
		{"compress-archive outside powershell is not a command", `compress-archive a b`, nil},
		{"zipfile call", `powershell -c "[IO.Compression.ZipFile]::CreateFromDirectory('C:\d', 'C:\t\d.zip')"`,
			[]ArchiveOp{{Tool: "zipfile.createfromdirectory", Output: `C:\t\d.zip`, Inputs: []string{`C:\d`}, Recursive: true}}},
		{"cmd chain with for /r", `cmd /c for /r C:\d %f in (*.pst) do 7z a -pX C:\t\m.7z %f`,
			[]ArchiveOp{{Tool: "7z", Output: `C:\t\m.7z`, Inputs: []string{"%f"}, Password: true, Recursive: true}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := arch.Parse(tt.in, true)
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Parse(%q) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestDiscoveryOutputs(t *testing.T) {
	disc := NewDiscovery(DefaultList(ListDiscovery))
	tests := []struct {
		name string
		in   string
		want []reconOutput
	}{
		{"cmd redirect", `cmd /c "whoami /all > c:\t\w.txt"`, []reconOutput{{"whoami", `c:\t\w.txt`}}},
		{"glued append", `cmd /c systeminfo>>c:\t\s.txt`, []reconOutput{{"systeminfo", `c:\t\s.txt`}}},
		{"subcommand", `cmd /c net localgroup administrators > c:\t\g.txt 2>&1`, []reconOutput{{"net localgroup", `c:\t\g.txt`}}},
		{"net use is not in the list", `cmd /c net use > c:\t\u.txt`, nil},
		{"stderr only", `cmd /c netstat -ano 2> c:\t\e.txt`, nil},
		{"null device", `cmd /c whoami > nul`, nil},
		{"pipeline into out-file", `powershell -c "get-process | select name | out-file c:\t\p.txt"`, []reconOutput{{"get-process", `c:\t\p.txt`}}},
		{"tee-object positional", `powershell -c "get-service | tee-object c:\t\s.txt"`, []reconOutput{{"get-service", `c:\t\s.txt`}}},
		{"tee into a variable", `powershell -c "get-service | tee-object -variable v"`, nil},
		{"a new statement is a new pipeline", `powershell -c "get-process; 'x' | out-file c:\t\p.txt"`, nil},
		{"pipe then redirect", `cmd /c "ipconfig /all | findstr ipv4 > c:\t\i.txt"`, []reconOutput{{"ipconfig", `c:\t\i.txt`}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := disc.outputs(tt.in, windowsLine)
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(reconOutput{}), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("outputs(%q) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestMapping(t *testing.T) {
	type result struct {
		Drive, Remote string
		OK            bool
	}
	tests := []struct {
		name string
		argv []string
		want result
	}{
		{"net use", []string{"net", "use", "z:", `\\fs\hr`, "/persistent:no"}, result{"z:", `\\fs\hr`, true}},
		{"net use listing", []string{"net", "use"}, result{}},
		{"net1 use with user", []string{"net1.exe", "use", "y:", `\\fs\x`, "/user:corp\\bob", "pw"}, result{"y:", `\\fs\x`, true}},
		{"new-smbmapping", []string{"new-smbmapping", "-localpath", "x:", "-remotepath", `\\fs\s`}, result{"x:", `\\fs\s`, true}},
		{"new-psdrive named", []string{"new-psdrive", "-name", "loot", "-psprovider", "filesystem", "-root", `\\fs\l`}, result{"loot", `\\fs\l`, true}},
		{"new-psdrive positional", []string{"new-psdrive", "k", "filesystem", `\\fs\k`}, result{"k", `\\fs\k`, true}},
		{"new-psdrive to the registry", []string{"new-psdrive", "-name", "hku", "-psprovider", "registry", "-root", "hkey_users"}, result{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got result
			got.Drive, got.Remote, got.OK = mapping(tt.argv)
			if !got.OK {
				got = result{}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("mapping(%q) (-want +got):\n%s", tt.argv, diff)
			}
		})
	}
}

func TestSensitive(t *testing.T) {
	s, err := NewSensitive(defaultSensitive())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ in, want string }{
		{"bob.PST", "*.pst: Outlook mail store"},
		{"ntds.dit", "*.dit: Active Directory database file"},
		{"SAM", "sam: SAM registry hive"},
		{"sam.save", "sam.*: saved SAM hive"},
		{"Login Data", "login data: Chromium-family browser saved passwords"},
		{"sample.docx", ""},
		{"system32.dll", ""},
	}
	for _, tt := range tests {
		if got := s.File(tt.in); got != tt.want {
			t.Errorf("File(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := s.Command(`reg.exe save hklm\sam c:\t\s`); got == "" {
		t.Error("Command(reg save hklm\\sam) found nothing")
	}
	for _, bad := range []List{{"ext pst (x)"}, {"file x (y)"}, {"name"}} {
		if _, err := NewSensitive(SensitiveParams{Sensitive: bad}); err == nil {
			t.Errorf("NewSensitive(%q): want an error", bad)
		}
	}
}

func FuzzArchiversParse(f *testing.F) {
	arch, err := NewArchivers(DefaultList(ListArchivers))
	if err != nil {
		f.Fatal(err)
	}
	disc := NewDiscovery(DefaultList(ListDiscovery))
	for _, s := range []string{`7z a -p x.7z y`, `cmd /c "whoami>c:\t\a & tar -cf"`, `powershell -c "[io.compression.zipfile]::createfromdirectory('a'`,
		`zip -P`, `makecab /L`, `gpg -o`, `openssl enc -in`, `x a -v1 a b`, `cmd /c net use z: \\h\s & xcopy z:\ c:\t /s`} {
		f.Add(s, true)
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, s string, windows bool) {
		for _, op := range arch.Parse(s, windows) {
			if op.Tool == "" {
				t.Errorf("Parse(%q): op without a tool", s)
			}
		}
		for _, o := range disc.outputs(s, lineSyntaxOf(windows)) {
			if o.command == "" || o.target == "" {
				t.Errorf("outputs(%q): empty %+v", s, o)
			}
		}
		w := walker{visit: func(c command) { mapping(c.argv) }}
		w.walkCommandLine(s, windows)
	})
}
