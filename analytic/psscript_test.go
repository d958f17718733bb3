package analytic

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/stagewatch/stagewatch"
)

func TestSplitPowerShellScript(t *testing.T) {
	type stmt struct {
		Argv  []string
		Piped bool
	}
	tests := []struct {
		name string
		in   string
		want []stmt
	}{
		{"statements by newline and semicolon", "a 1\nb 2; c 3",
			[]stmt{{[]string{"a", "1"}, false}, {[]string{"b", "2"}, false}, {[]string{"c", "3"}, false}}},
		{"pipeline", "gci x | out-file y",
			[]stmt{{[]string{"gci", "x"}, false}, {[]string{"out-file", "y"}, true}}},
		{"line comment", "# copy it; robocopy a b\ncopy-item a b # to 'there\nc",
			[]stmt{{[]string{"copy-item", "a", "b"}, false}, {[]string{"c"}, false}}},
		{"hash inside a word", `copy-item a#1 b`, []stmt{{[]string{"copy-item", "a#1", "b"}, false}}},
		{"block comment", "<# robocopy a b\n don't #>copy-item a b",
			[]stmt{{[]string{"copy-item", "a", "b"}, false}}},
		{"here-string is one word", "$s = @\"\nrobocopy a b; it's\n\"@\ncopy-item a b",
			[]stmt{{[]string{"$s", "=", "robocopy a b; it's"}, false}, {[]string{"copy-item", "a", "b"}, false}}},
		{"literal here-string", "$s = @'\r\nx \"y\"\r\n'@; z",
			[]stmt{{[]string{"$s", "=", `x "y"`}, false}, {[]string{"z"}, false}}},
		{"empty here-string", "@'\n'@\nz", []stmt{{[]string{""}, false}, {[]string{"z"}, false}}},
		{"unclosed here-string", "x @\"\nrobocopy a b", []stmt{{[]string{"x", "robocopy a b"}, false}}},
		{"not a here-string", `x @"y"`, []stmt{{[]string{"x", "@y"}, false}}},
		{"line continuation", "copy-item a `\n  -destination b",
			[]stmt{{[]string{"copy-item", "a", "-destination", "b"}, false}}},
		{"parenthesised argument", "copy-item (gci x -recurse) -destination b | out-null\nz",
			[]stmt{{[]string{"copy-item", "(gci x -recurse)", "-destination", "b"}, false}, {[]string{"out-null"}, true},
				{[]string{"gci", "x", "-recurse"}, false}, {[]string{"z"}, false}}},
		{"join-path", `copy-item a -destination (join-path c:\users\public 'x y')`,
			[]stmt{{[]string{"copy-item", "a", "-destination", `c:\users\public\x y`}, false},
				{[]string{"join-path", `c:\users\public`, "x y"}, false}}},
		{"join-path named, colon form", `copy-item a -destination:(join-path -childpath x -path c:\t\)`,
			[]stmt{{[]string{"copy-item", "a", `-destination:c:\t\x`}, false},
				{[]string{"join-path", "-childpath", "x", "-path", `c:\t\`}, false}}},
		{"subexpression stays a word", `copy-item a "$(get-date)\x"`,
			[]stmt{{[]string{"copy-item", "a", "$(get-date)\\x"}, false}}},
		{"grouping then pipe", "(gci x) | out-file y",
			[]stmt{{[]string{"gci", "x"}, false}, {[]string{"out-file", "y"}, true}}},
		{"or is not a pipe", "a || b", []stmt{{[]string{"a"}, false}, {[]string{"b"}, false}}},
		{"unclosed parenthesis", "copy-item a (b", []stmt{{[]string{"copy-item", "a", "(b"}, false}, {[]string{"b"}, false}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmds, piped := splitPowerShellPipes(tt.in)
			var got []stmt
			for i := range cmds {
				got = append(got, stmt{cmds[i], piped[i]})
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("splitPowerShellPipes(%q) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestCopyToolsScript(t *testing.T) {
	tools, err := NewCopyTools(DefaultList(ListCopyTools))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		in   string // normalized script text
		want []CopyOp
	}{
		{"bare cmdlet", `copy-item -recurse c:\users\bob\documents\* c:\users\{user}\appdata\local\temp\stage`,
			[]CopyOp{{Tool: "copy-item", Sources: []string{`c:\users\bob\documents\*`}, Dest: `c:\users\{user}\appdata\local\temp\stage`, Recursive: true, Wildcard: true}}},
		{"alias in a multi-line block", "# collect\n$ErrorActionPreference = 'stop'\ncpi c:\\a\\*.pdf c:\\users\\public\\p\\",
			[]CopyOp{{Tool: "cpi", Sources: []string{`c:\a\*.pdf`}, Dest: `c:\users\public\p\`, Wildcard: true}}},
		{"variables", "$dst = \"c:\\users\\public\\x\"\n$src='c:\\users\\bob\\documents'\ncopy-item $src\\* -destination:$dst -recurse",
			[]CopyOp{{Tool: "copy-item", Sources: []string{`c:\users\bob\documents\*`}, Dest: `c:\users\public\x`, Recursive: true, Wildcard: true}}},
		{"reassigned variable is forgotten", "$d = 'c:\\users\\public\\x'\n$d = get-location\ncopy-item a $d",
			[]CopyOp{{Tool: "copy-item", Sources: []string{"a"}, Dest: "$d"}}},
		{"braced and scoped variables", "$script:d = 'c:\\t\\x'; copy-item a ${d}\\y; copy-item b $script:d",
			[]CopyOp{{Tool: "copy-item", Sources: []string{"a"}, Dest: `c:\t\x\y`}, {Tool: "copy-item", Sources: []string{"b"}, Dest: `c:\t\x`}}},
		{"native robocopy and cmd inside a script", "robocopy \\\\fs\\s c:\\users\\public\\x /e\ncmd /c copy a c:\\t\\",
			[]CopyOp{{Tool: "robocopy", Sources: []string{`\\fs\s`}, Dest: `c:\users\public\x`, Recursive: true},
				{Tool: "copy", Sources: []string{"a"}, Dest: `c:\t\`}}},
		{"foreach body", "gci c:\\users -recurse -include *.docx | foreach-object {\n  copy-item $_.fullname -destination c:\\users\\public\\d\n}",
			[]CopyOp{{Tool: "copy-item", Sources: []string{"$_.fullname"}, Dest: `c:\users\public\d`, Recursive: true}}},
		{"a comment is not a command", "# copy-item a c:\\users\\public\\x\nwrite-output done", nil},
		{"a here-string is not a command", "$help = @'\ncopy-item a c:\\users\\public\\x\n'@", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := tools.parse(tt.in, psScript)
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("parse(%q) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestScriptArchiveAndRecon(t *testing.T) {
	arch, err := NewArchivers(DefaultList(ListArchivers))
	if err != nil {
		t.Fatal(err)
	}
	got := arch.parse(stagewatch.ExpandEnv("$out = \"$env:TEMP\\a.zip\"\nCompress-Archive -Path C:\\Users\\bob\\Documents\\* `\n  -DestinationPath $out -Force"), psScript)
	want := []ArchiveOp{{Tool: "compress-archive", Output: `c:\users\{user}\appdata\local\temp\a.zip`, Inputs: []string{`C:\Users\bob\Documents\*`}}}
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("archivers (-want +got):\n%s", diff)
	}
	disc := NewDiscovery(DefaultList(ListDiscovery))
	outs := disc.outputs("$f = 'c:\\users\\public\\n.txt'\nget-nettcpconnection | out-file $f\nwhoami /all > c:\\users\\public\\w.txt # id", psScript)
	wantOuts := []reconOutput{{"get-nettcpconnection", `c:\users\public\n.txt`}, {"whoami", `c:\users\public\w.txt`}}
	if diff := cmp.Diff(wantOuts, outs, cmp.AllowUnexported(reconOutput{})); diff != "" {
		t.Errorf("discovery outputs (-want +got):\n%s", diff)
	}
}

func TestSyntaxOf(t *testing.T) {
	tests := []struct {
		name   string
		action string
		os     stagewatch.OS
		text   string
		want   lineSyntax
	}{
		{"script block", "4104", stagewatch.Windows, "copy-item a b", psScript},
		{"pipeline execution", "4103", stagewatch.OSUnknown, "copy-item a b", psScript},
		{"process on windows", "1", stagewatch.Windows, "robocopy a b", windowsLine},
		{"unknown os with backslash", "", stagewatch.OSUnknown, `copy a c:\b`, windowsLine},
		{"linux", "", stagewatch.Linux, "cp a b", posixLine},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := &stagewatch.Event{Action: tt.action, Host: stagewatch.Host{OS: tt.os}}
			if got := syntaxOf(ev, tt.text); got != tt.want {
				t.Errorf("syntaxOf = %d, want %d", got, tt.want)
			}
		})
	}
}

func FuzzPowerShellScript(f *testing.F) {
	tools, err := NewCopyTools(DefaultList(ListCopyTools))
	if err != nil {
		f.Fatal(err)
	}
	arch, err := NewArchivers(DefaultList(ListArchivers))
	if err != nil {
		f.Fatal(err)
	}
	disc := NewDiscovery(DefaultList(ListDiscovery))
	for _, s := range []string{
		"<# header\n #> param($p)\n# copy\n$d = @\"\nrobocopy a b\n\"@\ncopy-item -recurse $p\\* (join-path $env:temp 'x') `\n -force",
		"$x = @'\n'@; @'\nit's\n'@ | out-file c:\\t\\a.txt\nfunction f { compress-archive -path a -destinationpath \"$($x)\\b.zip\" }",
		"((((((a)))))) ${x} $script: $ `", "$a='c:\\x'" + strings.Repeat(`;$a="$a\$a"`, 40) + ";copy-item b $a", "@\"\r\n", "(join-path -path", "<#", "$a=$a;$a=$a",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ops, _ := tools.parse(s, psScript)
		for _, op := range ops {
			if op.Tool == "" {
				t.Errorf("copy parse(%q): op without a tool", s)
			}
		}
		for _, op := range arch.parse(s, psScript) {
			if op.Tool == "" {
				t.Errorf("archive parse(%q): op without a tool", s)
			}
		}
		disc.outputs(s, psScript)
	})
}

// scriptBlock is a 4104 event of a few kilobytes: a script with comments,
// a here-string, variables and pipelines, as logged. With staging it ends
// by copying, archiving and redirecting into staging folders; without, it
// copies a log into Program Files.
func scriptBlock(staging bool) *stagewatch.Event {
	var b strings.Builder
	b.WriteString("<#\n.SYNOPSIS\n  Nightly sync of project files.\n#>\nparam([string]$Project = 'alpha')\n")
	b.WriteString("$ErrorActionPreference = 'Stop'\n$log = \"$env:TEMP\\sync.log\"\n$usage = @'\nsync.ps1 -Project NAME\n'@\n")
	for i := range 40 {
		fmt.Fprintf(&b, "function Step%d { param($p) # step %d\n  Write-Verbose \"step %d: $p\"; Get-Item -LiteralPath $p | Select-Object Name, Length\n}\n", i, i, i)
	}
	if !staging {
		b.WriteString("Copy-Item $log 'C:\\Program Files\\Contoso\\logs\\' # keep the log\n")
		return scriptEvent(b.String())
	}
	b.WriteString("$dst = Join-Path $env:TEMP 'stage'\nGet-ChildItem C:\\Users\\bob\\Documents -Recurse -Include *.docx |\n  ForEach-Object { Copy-Item $_.FullName -Destination (Join-Path $env:TEMP 'stage') }\n")
	b.WriteString("Compress-Archive -Path $env:TEMP\\stage\\* -DestinationPath $env:PUBLIC\\s.zip\nwhoami /all > $env:TEMP\\w.txt\n")
	return scriptEvent(b.String())
}

func scriptEvent(script string) *stagewatch.Event {
	return &stagewatch.Event{Time: time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC), Kind: stagewatch.ProcessStart, Action: "4104",
		Host: stagewatch.Host{Name: "WS1", OS: stagewatch.Windows}, User: stagewatch.User{Domain: "CORP", Name: "bob"},
		Proc: stagewatch.Process{PID: 4242, Name: "powershell.exe", CommandLine: script}}
}

// BenchmarkScriptBlock measures each command-line analytic on a script
// block of a few kilobytes, with and without staging in it.
func BenchmarkScriptBlock(b *testing.B) {
	for _, tc := range []struct {
		name string
		ev   *stagewatch.Event
	}{{"staging", scriptBlock(true)}, {"benign", scriptBlock(false)}} {
		for _, spec := range []Spec{BulkCopyCommand(), ArchiveCommand(), RemoteToLocalCopy(), ReconOutputStaging()} {
			b.Run(tc.name+"/"+spec.ID, func(b *testing.B) { benchScript(b, spec, tc.ev) })
		}
	}
}

func benchScript(b *testing.B, spec Spec, ev *stagewatch.Event) {
	det, err := spec.New(spec.Defaults(), Options{EvidenceCap: 20})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(ev.Proc.CommandLine)))
	b.ReportAllocs()
	for b.Loop() {
		det.Observe(ev)
	}
}
