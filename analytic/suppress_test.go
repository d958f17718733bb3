package analytic

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stagewatch/stagewatch"
)

// TestBuiltinSuppressions proves, for every built-in suppression, that it
// removes its benign look-alike and not the attack that imitates it (the
// same file name from a staging folder, or the same tool writing elsewhere).
func TestBuiltinSuppressions(t *testing.T) {
	builtin := DefaultList(ListSuppressions)
	sup, err := NewSuppressions(builtin, BuiltinSuppressionNames(builtin), nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		subj   Subject
		want   string // suppression name, "" for none
		attack bool   // documents that this is the imitation
	}{
		{name: "msiexec extracting into Windows Temp", want: "installer",
			subj: Subject{Image: `C:\Windows\System32\msiexec.exe`, Path: `C:\Windows\Temp\MSI1.tmp`}},
		{name: "msiexec in NT device form", want: "installer",
			subj: Subject{Image: `\Device\HarddiskVolume3\Windows\SysWOW64\msiexec.exe`, Path: `C:\Windows\Temp\x`}},
		{name: "MSI custom action child", want: "installer",
			subj: Subject{Image: `C:\Windows\Installer\MSI4F2.tmp`, Parent: `C:\Windows\System32\msiexec.exe`}},
		{name: "setup.exe from Downloads into a GUID temp folder", want: "installer",
			subj: Subject{Image: `C:\Users\bob\Downloads\AppSetup.exe`, Path: `C:\Users\bob\AppData\Local\Temp\{1B2C3D4E-0000-1111-2222-333344445555}\a.dll`}},
		{name: "renamed msiexec in Public", attack: true,
			subj: Subject{Image: `C:\Users\Public\msiexec.exe`, Path: `C:\Users\Public\x\a.pdf`}},
		{name: "msiexec on another drive", attack: true,
			subj: Subject{Image: `D:\Windows\System32\msiexec.exe`, Path: `C:\Windows\Temp\x`}},
		{name: "setup.exe from Downloads into Public", attack: true,
			subj: Subject{Image: `C:\Users\bob\Downloads\setup.exe`, Path: `C:\Users\Public\loot\a.docx`}},
		{name: "dpkg unpacking", want: "installer", subj: Subject{Image: "/usr/bin/dpkg", Path: "/tmp/x"}},
		{name: "dpkg copied to /tmp", attack: true, subj: Subject{Image: "/tmp/dpkg", Path: "/tmp/x"}},
		{name: "tar run by dpkg", want: "installer", subj: Subject{Image: "/usr/bin/tar", Parent: "/usr/bin/dpkg", Path: "/tmp/x.tar"}},
		{name: "pip building in /tmp", want: "installer",
			subj: Subject{Image: "/usr/bin/python3.11", CommandLine: "/usr/bin/python3 /usr/bin/pip3 install requests", Path: "/tmp/pip-install-x/a.whl"}},
		{name: "python writing into /tmp without pip", attack: true,
			subj: Subject{Image: "/usr/bin/python3.11", CommandLine: "python3 /tmp/.x/c.py", Path: "/tmp/.x/a.pdf"}},
		{name: "npm unpacking", want: "installer",
			subj: Subject{Image: "/usr/bin/node", CommandLine: "node /usr/bin/npm install", Path: "/tmp/npm-1/x.tgz"}},
		{name: "Homebrew extracting a bottle", want: "installer",
			subj: Subject{Image: "/usr/bin/tar", Parent: "/opt/homebrew/Library/Homebrew/vendor/portable-ruby/3.3.4/bin/ruby", Path: "/private/tmp/d20240501-1-x/a"}},
		{name: "a formula binary under /opt/homebrew/bin", attack: true,
			subj: Subject{Image: "/opt/homebrew/bin/7z", Path: "/Users/Shared/a.7z"}},
		{name: "macOS installd", want: "installer",
			subj: Subject{Image: "/System/Library/PrivateFrameworks/PackageKit.framework/Versions/A/Resources/installd", Path: "/private/tmp/PKInstallSandbox.x/a"}},

		{name: "Veeam agent", want: "backup-agent",
			subj: Subject{Image: `C:\Program Files\Veeam\Endpoint Backup\Veeam.EndPoint.Manager.exe`, Path: `C:\Windows\Temp\v\x`}},
		{name: "wbengine", want: "backup-agent", subj: Subject{Image: `C:\Windows\System32\wbengine.exe`}},
		{name: "Backup Exec", want: "backup-agent", subj: Subject{Image: `C:\Program Files\Veritas\Backup Exec\beremote.exe`}},
		{name: "Commvault", want: "backup-agent", subj: Subject{Image: `C:\Program Files\Commvault\ContentStore\Base\clBackup.exe`}},
		{name: "Time Machine", want: "backup-agent",
			subj: Subject{Image: "/System/Library/CoreServices/backupd.bundle/Contents/Resources/backupd", Path: "/Volumes/TM/x"}},
		{name: "backupd copied into /Users/Shared", attack: true,
			subj: Subject{Image: "/Users/Shared/backupd.bundle/Contents/Resources/backupd", Path: "/Users/Shared/x"}},
		{name: "Veeam-named binary in Temp", attack: true,
			subj: Subject{Image: `C:\Users\bob\AppData\Local\Temp\Veeam\Veeam.Backup.Manager.exe`}},

		{name: "SCCM client", want: "deployment", subj: Subject{Image: `C:\Windows\CCM\CcmExec.exe`}},
		{name: "package run by SCCM", want: "deployment",
			subj: Subject{Image: `C:\Windows\System32\xcopy.exe`, Parent: `C:\Windows\CCM\CcmExec.exe`}},
		{name: "ccmsetup", want: "deployment", subj: Subject{Image: `C:\Windows\ccmsetup\ccmsetup.exe`}},
		{name: "Intune IME", want: "deployment",
			subj: Subject{Image: `C:\Program Files (x86)\Microsoft Intune Management Extension\AgentExecutor.exe`}},
		{name: "ccmexec-named parent in Public", attack: true,
			subj: Subject{Image: `C:\Windows\System32\xcopy.exe`, Parent: `C:\Users\Public\CcmExec.exe`}},

		{name: "Azure CollectGuestLogs", want: "log-collection",
			subj: Subject{Image: `C:\WindowsAzure\GuestAgent_2.7.41491.1102\CollectGuestLogs.exe`}},
		{name: "wermgr into WER Temp", want: "log-collection",
			subj: Subject{Image: `C:\Windows\System32\wermgr.exe`, Path: `C:\ProgramData\Microsoft\Windows\WER\Temp\WER1.tmp.cab`}},
		{name: "wermgr into ReportQueue", want: "log-collection",
			subj: Subject{Image: `C:\Windows\System32\wermgr.exe`, Path: `C:\ProgramData\Microsoft\Windows\WER\ReportQueue\AppCrash_x\Report.wer`}},
		{name: "Splunk forwarder", want: "log-collection",
			subj: Subject{Image: `C:\Program Files\SplunkUniversalForwarder\bin\splunkd.exe`}},
		{name: "wermgr writing outside WER", attack: true,
			subj: Subject{Image: `C:\Windows\System32\wermgr.exe`, Path: `C:\Users\Public\loot.cab`}},
		{name: "CollectGuestLogs in Public", attack: true,
			subj: Subject{Image: `C:\Users\Public\CollectGuestLogs.exe`}},

		{name: "systemd-tmpfiles", want: "installer", subj: Subject{Image: "/usr/bin/systemd-tmpfiles", Path: "/tmp/.X11-unix/"}},
		{name: "gzip under logrotate", want: "log-collection",
			subj: Subject{Image: "/usr/bin/gzip", Parent: "/usr/sbin/logrotate", Path: "/var/log/syslog.2.gz"}},
		{name: "gzip under logrotate into /tmp", attack: true,
			subj: Subject{Image: "/usr/bin/gzip", Parent: "/usr/sbin/logrotate", Path: "/tmp/.x/db.sql.gz"}},
		{name: "gcc temporary assembly", want: "build-tools", subj: Subject{Image: "/usr/lib/gcc/x86_64-linux-gnu/12/cc1", Path: "/tmp/ccAbCdEf.s"}},
		{name: "mktemp", want: "build-tools", subj: Subject{Image: "/usr/bin/mktemp", Path: "/tmp/tmp.Xy12AbCd9"}},
		{name: "cc1 copied to /dev/shm", attack: true, subj: Subject{Image: "/dev/shm/cc1", Path: "/tmp/ccAbCdEf.s"}},
		{name: "go build work folder", want: "build-tools",
			subj: Subject{Image: `C:\Program Files\Go\pkg\tool\windows_amd64\compile.exe`, Path: `C:\Users\bob\AppData\Local\Temp\go-build123\b001\_pkg_.a`}},
		{name: "go build on Linux", want: "build-tools",
			subj: Subject{Image: "/usr/local/go/pkg/tool/linux_amd64/link", Path: "/tmp/go-build99/b001/exe/a.out"}},
		{name: "MSBuild temp", want: "build-tools",
			subj: Subject{Image: `C:\Program Files\Microsoft Visual Studio\2022\Community\MSBuild\Current\Bin\MSBuild.exe`, Path: `C:\Users\bob\AppData\Local\Temp\MSBuildTempbob\tmp1.tmp`}},
		{name: "npm temp", want: "build-tools",
			subj: Subject{Image: `C:\Program Files\nodejs\node.exe`, Path: `C:\Users\bob\AppData\Local\Temp\npm-1234-abc\x.tgz`}},
		{name: "gradle temp", want: "build-tools",
			subj: Subject{Image: `C:\Program Files\Eclipse Adoptium\jdk-17\bin\java.exe`, Path: `C:\Users\bob\AppData\Local\Temp\gradle123.tmp`}},
		{name: "cargo install", want: "build-tools",
			subj: Subject{Image: "/home/bob/.cargo/bin/cargo", Path: "/tmp/cargo-installAbc/release/x"}},
		{name: "robocopy in an MSBuild post-build step", want: "build-tools",
			subj: Subject{Image: `C:\Windows\System32\Robocopy.exe`, Parent: `C:\Program Files\Microsoft Visual Studio\2022\Enterprise\MSBuild\Current\Bin\amd64\MSBuild.exe`, Path: `C:\ProgramData\App\deploy\`}},
		{name: "xcopy in an Azure Pipelines deployment step", want: "build-tools",
			subj: Subject{Image: `C:\Windows\System32\xcopy.exe`, Parent: `C:\agent\bin\Agent.Worker.exe`, Path: `C:\Windows\Temp\drop\`}},
		{name: "robocopy from a fake pipeline agent in Public", attack: true,
			subj: Subject{Image: `C:\Windows\System32\Robocopy.exe`, Parent: `C:\Users\Public\agent\bin\Agent.Worker.exe`, Path: `C:\Users\Public\loot\`}},
		{name: "robocopy from a renamed msbuild in Temp", attack: true,
			subj: Subject{Image: `C:\Windows\System32\Robocopy.exe`, Parent: `C:\Users\bob\AppData\Local\Temp\MSBuild.exe`, Path: `C:\Users\bob\AppData\Local\Temp\s\`}},
		{name: "go toolchain writing documents into Public", attack: true,
			subj: Subject{Image: `C:\Program Files\Go\bin\go.exe`, Path: `C:\Users\Public\loot\a.docx`}},
		{name: "node.exe dropped in Temp", attack: true,
			subj: Subject{Image: `C:\Users\bob\AppData\Local\Temp\node.exe`, Path: `C:\Users\bob\AppData\Local\Temp\npm-1\x`}},

		{name: "Chrome temp files", want: "browser-cache",
			subj: Subject{Image: `C:\Program Files\Google\Chrome\Application\chrome.exe`, Path: `C:\Users\bob\AppData\Local\Temp\scoped_dir1\x`}},
		{name: "Outlook attachment cache", want: "browser-cache",
			subj: Subject{Image: `C:\Program Files\Microsoft Office\root\Office16\OUTLOOK.EXE`, Path: `C:\Users\bob\AppData\Local\Microsoft\Windows\Temporary Internet Files\Content.Outlook\AB12CD\inv.zip`}},
		{name: "chrome.exe in Public", attack: true,
			subj: Subject{Image: `C:\Users\Public\chrome.exe`, Path: `C:\Users\Public\loot\a`}},

		{name: "Defender scan history", want: "security-agent",
			subj: Subject{Image: `C:\ProgramData\Microsoft\Windows Defender\Platform\4.18.24090.11-0\MsMpEng.exe`, Path: `C:\ProgramData\Microsoft\Windows Defender\Scans\History\CacheManager\A1B2-0.bin`}},
		{name: "Defender engine writing into Public", attack: true,
			subj: Subject{Image: `C:\ProgramData\Microsoft\Windows Defender\Platform\4.18.24090.11-0\MsMpEng.exe`, Path: `C:\Users\Public\loot\a.docx`}},
		{name: "fake MsMpEng in ProgramData root", attack: true,
			subj: Subject{Image: `C:\ProgramData\MsMpEng.exe`, Path: `C:\ProgramData\Microsoft\Windows Defender\Scans\x.docx`}},

		{name: "IIS app pool configs", want: "web-server",
			subj: Subject{Image: `C:\Windows\system32\svchost.exe`, Path: `C:\inetpub\temp\appPools\APC3606.tmp`}},
		{name: "IIS compression cache", want: "web-server",
			subj: Subject{Image: `C:\Windows\System32\inetsrv\w3wp.exe`, Path: `C:\inetpub\temp\IIS Temporary Compressed Files\DefaultAppPool\$^_gzip_D^\a.css`}},
		{name: "web shell's w3wp writing into Public", attack: true,
			subj: Subject{Image: `C:\Windows\System32\inetsrv\w3wp.exe`, Path: `C:\Users\Public\loot\a.zip`}},
		{name: "svchost.exe from Temp into the app pool folder", attack: true,
			subj: Subject{Image: `C:\Users\Public\svchost.exe`, Path: `C:\inetpub\temp\appPools\x.7z`}},

		{name: "Explorer ZIP extraction", want: "explorer-zip",
			subj: Subject{Image: `C:\Windows\explorer.exe`, Path: `C:\Users\bob\AppData\Local\Temp\Temp1_report.zip\report\a.png`}},
		{name: "Explorer writing into Public", attack: true,
			subj: Subject{Image: `C:\Windows\explorer.exe`, Path: `C:\Users\Public\loot\a.docx`}},
		{name: "fake explorer into a Temp1 folder", attack: true,
			subj: Subject{Image: `C:\Users\bob\AppData\Local\Temp\explorer.exe`, Path: `C:\Users\bob\AppData\Local\Temp\Temp1_x.zip\a`}},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := sup.Match(&tt.subj)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Match (-want +got):\n%s", diff)
			}
			if tt.attack && tt.want != "" {
				t.Errorf("an attack case must not be suppressed")
			}
		})
		seen[tt.want] = true
	}
	for _, name := range BuiltinSuppressionNames(builtin) {
		if !seen[name] {
			t.Errorf("suppression %q has no test case", name)
		}
	}
}

func TestUserSuppressions(t *testing.T) {
	rules := []SuppressRule{
		{Name: "nightly-build", Image: []string{`c:\buildagent\*`}, User: []string{`corp\svc_build`}},
		{Name: "lab-hosts", Host: []string{"LAB-*"}},
	}
	builtin := DefaultList(ListSuppressions)
	enabled := List{"explorer-zip"}
	sup, err := NewSuppressions(builtin, enabled, rules)
	if err != nil {
		t.Fatal(err)
	}
	build := Subject{Image: `C:\BuildAgent\bin\agent.exe`, User: stagewatch.User{Domain: "CORP", Name: "svc_build"}}
	other := Subject{Image: `C:\BuildAgent\bin\agent.exe`, User: stagewatch.User{Domain: "CORP", Name: "bob"}}
	lab := Subject{Image: `C:\x.exe`, Host: "lab-07"}
	installer := Subject{Image: `C:\Windows\System32\msiexec.exe`}
	for _, c := range []struct {
		subj Subject
		want string
	}{{build, "nightly-build"}, {other, ""}, {lab, "lab-hosts"}, {installer, ""}} {
		if got, _ := sup.Match(&c.subj); got != c.want {
			t.Errorf("Match(%+v) = %q, want %q", c.subj, got, c.want)
		}
	}
	want := []stagewatch.Suppression{
		{Analytic: "x", Name: "explorer-zip"},
		{Analytic: "x", Name: "nightly-build", Count: 1},
		{Analytic: "x", Name: "lab-hosts", Count: 1},
	}
	if diff := cmp.Diff(want, sup.Report("x")); diff != "" {
		t.Errorf("Report (-want +got):\n%s", diff)
	}
}

func TestSuppressionErrors(t *testing.T) {
	builtin := DefaultList(ListSuppressions)
	tests := []struct {
		name    string
		builtin List
		enabled List
		rules   []SuppressRule
	}{
		{"unknown enabled name", builtin, List{"nope"}, nil},
		{"rule without name", builtin, nil, []SuppressRule{{Image: []string{"x"}}}},
		{"rule without pattern", builtin, nil, []SuppressRule{{Name: "all"}}},
		{"rule reusing a built-in name", builtin, List{"installer"}, []SuppressRule{{Name: "installer", Host: []string{"x"}}}},
		{"built-in bare file name", List{"bad: image=msiexec.exe"}, List{"bad"}, nil},
		{"built-in wildcard image", List{`bad: image=*\msiexec.exe`}, List{"bad"}, nil},
		{"unknown field", List{"bad: signer=x"}, List{"bad"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := NewSuppressions(tt.builtin, tt.enabled, tt.rules); err == nil {
				t.Error("NewSuppressions = nil error")
			}
		})
	}
}

func TestGlob(t *testing.T) {
	tests := []struct {
		g, v string
		want bool
	}{
		{`c:\windows\*`, `C:\Windows\System32\x.exe`, true},
		{`c:\windows\*\x.exe`, `c:/windows/system32/X.EXE`, true},
		{`*\temp*_*.zip\*`, `c:\t\temp1_a.zip\b`, true},
		{`a?c`, `abc`, true},
		{`a?c`, `ac`, false},
		{`*`, ``, true},
		{`c:\a`, `c:\ab`, false},
		{`*.exe`, `a.exe.txt`, false},
	}
	for _, tt := range tests {
		if got := Glob(tt.g, tt.v); got != tt.want {
			t.Errorf("Glob(%q, %q) = %v, want %v", tt.g, tt.v, got, tt.want)
		}
	}
}

func FuzzGlob(f *testing.F) {
	f.Add(`*a*b?c*`, `xxaxxbycz`)
	f.Fuzz(func(t *testing.T, g, v string) {
		Glob(g, v)
	})
}
