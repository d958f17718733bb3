package analytic

import (
	"testing"

	"github.com/stagewatch/stagewatch"
)

// The local staging analytics name DET0014's analytic for the host's
// platform, so a Linux alert says AN0041, not the Windows AN0040.
func TestAttackDET0014(t *testing.T) {
	for os, want := range map[stagewatch.OS]string{
		stagewatch.Windows:   "AN0040",
		stagewatch.OSUnknown: "AN0040",
		stagewatch.Linux:     "AN0041",
		stagewatch.MacOS:     "AN0042",
		stagewatch.ESXi:      "AN0044",
	} {
		a := attackDET0014(os)
		if a.Analytic != want || a.Strategy != "DET0014" || a.Technique != "T1074.001" {
			t.Errorf("attackDET0014(%q) = %+v, want analytic %s of DET0014", os, a, want)
		}
	}
}
