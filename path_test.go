package stagewatch

import "testing"

func TestExpandEnv(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"percent", `copy a %TEMP%\x`, `copy a c:\users\{user}\appdata\local\temp\x`},
		{"batch double percent", `copy a %%temp%%\x`, `copy a c:\users\{user}\appdata\local\temp\x`},
		{"delayed", `copy a !Temp!\x`, `copy a c:\users\{user}\appdata\local\temp\x`},
		{"powershell", `Copy-Item a $env:TEMP\x`, `Copy-Item a c:\users\{user}\appdata\local\temp\x`},
		{"powershell braced", `cp a ${env:LOCALAPPDATA}\x`, `cp a c:\users\{user}\appdata\local\x`},
		{"public", `%PUBLIC%\Music`, `c:\users\public\Music`},
		{"programdata", `%ProgramData%\x`, `c:\programdata\x`},
		{"windir", `%WINDIR%\Temp`, `c:\windows\Temp`},
		{"systemroot", `%SystemRoot%\Temp`, `c:\windows\Temp`},
		{"userprofile", `%USERPROFILE%\Desktop`, `c:\users\{user}\Desktop`},
		{"posix tmpdir", `cp -r x $TMPDIR/y`, `cp -r x /tmp/y`},
		{"unknown left alone", `%FOO%\x $bar`, `%FOO%\x $bar`},
		{"lone percent", `50% done`, `50% done`},
		{"stray percent before a variable", `%%temp%\x`, `%c:\users\{user}\appdata\local\temp\x`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ExpandEnv(tt.in); got != tt.want {
				t.Errorf("ExpandEnv(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestNormalizeDir(t *testing.T) {
	tests := []struct {
		os       OS
		in, want string
	}{
		{Windows, `C:\Users\Bob\AppData\Local\Temp`, `c:\users\bob\appdata\local\temp\`},
		{Windows, `\Device\HarddiskVolume3\Windows\Temp`, `\windows\temp\`},
		{Windows, `C:/Users/Public/`, `c:\users\public\`},
		{Windows, `C:\`, `c:\`},
		{Linux, `/tmp//x`, `/tmp/x/`},
		{OSUnknown, `C:\Temp`, `c:\temp\`},
	}
	for _, tt := range tests {
		if got := NormalizeDir(tt.os, tt.in); got != tt.want {
			t.Errorf("NormalizeDir(%v, %q) = %q, want %q", tt.os, tt.in, got, tt.want)
		}
	}
}

func TestFileSetPath(t *testing.T) {
	var f File
	f.SetPath(Windows, `C:\Users\Public\loot\Q3.part1.RAR`)
	if f.Dir != `C:\Users\Public\loot` || f.Name != "Q3.part1.RAR" || f.Ext != ".rar" || f.NormDir != `c:\users\public\loot\` {
		t.Errorf("SetPath: %+v", f)
	}
	f = File{}
	f.SetPath(Linux, "/tmp/.x/a.tar.gz")
	if f.Dir != "/tmp/.x" || f.Ext != ".gz" || f.NormDir != "/tmp/.x/" {
		t.Errorf("SetPath: %+v", f)
	}
}

func TestCollapseEnv(t *testing.T) {
	tests := []struct{ in, want string }{
		{NormalizeCommandLine(`%TEMP%\stage`), `%TEMP%\stage`},
		{NormalizeCommandLine(`$env:LOCALAPPDATA\x`), `%LOCALAPPDATA%\x`},
		{NormalizeCommandLine(`%APPDATA%\x`), `%APPDATA%\x`},
		{NormalizeCommandLine(`%USERPROFILE%\Desktop`), `%USERPROFILE%\desktop`},
		{`c:\windows\temp\x`, `c:\windows\temp\x`},
		{`C:\Users\Public\x`, `C:\Users\Public\x`},
	}
	for _, tt := range tests {
		if got := CollapseEnv(tt.in); got != tt.want {
			t.Errorf("CollapseEnv(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
