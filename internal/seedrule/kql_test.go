package seedrule

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestHas(t *testing.T) {
	tests := []struct {
		name, hay, needle string
		want              bool
	}{
		{"path fragment is a substring", `C:\Users\Bob\AppData\Local\Temp\x.txt`, `\Temp\`, true},
		{"path fragment ignores case", `c:\windows\temp\x`, `\Windows\Temp\`, true},
		{"path fragment needs both separators", `C:\WindowsAzure\CollectGuestLogsTemp\x.zip`, `\Temp\`, false},
		{"env var form misses", `Copy-Item a $env:TEMP\stage`, `\Temp\`, false},
		{"extension as a term", "q3.7z", ".7z", true},
		{"extension before a split-volume suffix", "q3.7z.001", ".7z", true},
		{"extension must end a term", "report.zipx", ".zip", false},
		{"extension inside a longer name", "backup.tar.gz", ".tar", true},
		{"word before punctuation", "robocopy.exe  a b", "robocopy", true},
		{"word inside a longer word", "notrobocopyx a b", "robocopy", false},
		{"phrase with punctuation", `cmd /c copy /y a b`, "copy /", true},
		{"phrase needs the space", `cmd /c copy a /y b`, "copy /", false},
		{"hyphenated", `powershell -c copy-item a b`, "Copy-Item", true},
		{"cp -r", "cp -r /home/a /tmp/b", "cp -r", true},
		{"cp -rf is another term", "cp -rf /home/a /tmp/b", "cp -r", false},
		{"second occurrence matches", "xcopyx xcopy", "xcopy", true},
		{"non-ASCII letters are term characters", "éxcopy a", "xcopy", false},
		{"empty needle", "abc", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := has(tt.hay, tt.needle); got != tt.want {
				t.Errorf("has(%q, %q) = %v, want %v", tt.hay, tt.needle, got, tt.want)
			}
		})
	}
}

func TestLastDotPart(t *testing.T) {
	got := []string{lastDotPart("Q3.XLSX"), lastDotPart("q3.7z.001"), lastDotPart("README"), lastDotPart("")}
	want := []string{"xlsx", "001", "readme", ""}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("lastDotPart (-want +got):\n%s", diff)
	}
}

func FuzzHas(f *testing.F) {
	f.Add(`C:\Temp\a.zip`, `\Temp\`)
	f.Add("q3.7z.001", ".7z")
	f.Fuzz(func(t *testing.T, hay, needle string) {
		got := has(hay, needle)
		if got && needle != "" && !containsFold(hay, needle) {
			t.Errorf("has(%q, %q) true without a substring match", hay, needle)
		}
	})
}

func containsFold(hay, needle string) bool {
	for i := 0; i+len(needle) <= len(hay); i++ {
		ok := true
		for j := 0; j < len(needle); j++ {
			a, b := hay[i+j], needle[j]
			if 'A' <= a && a <= 'Z' {
				a += 'a' - 'A'
			}
			if 'A' <= b && b <= 'Z' {
				b += 'a' - 'A'
			}
			if a != b {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}
