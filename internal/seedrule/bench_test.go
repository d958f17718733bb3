package seedrule

import (
	"bytes"
	"testing"
	"time"

	"github.com/stagewatch/stagewatch/internal/demo"
)

// demoRows reads the embedded demo morning as the seed sees it.
func demoRows(tb testing.TB) []Row {
	tb.Helper()
	var rows []Row
	for _, f := range demo.Files() {
		r, err := ReadRows(bytes.NewReader(f.Data), f.Name)
		if err != nil {
			tb.Fatal(err)
		}
		rows = append(rows, r...)
	}
	return rows
}

// TestSeedOnDemo counts what the seed reports on the demo morning, where
// stagewatch raises only the intruder's alerts: the seed misses the
// 40-document bulk staging (it groups by file) and fires on benign
// look-alikes that stagewatch suppresses.
func TestSeedOnDemo(t *testing.T) {
	byType := map[string]int{}
	for _, h := range Run(demoRows(t), time.Time{}) {
		byType[h.StagingType]++
	}
	if byType[BulkFileStaging] != 0 {
		t.Errorf("seed bulk file staging on the demo: %d rows, want 0", byType[BulkFileStaging])
	}
	// The intruder's two 7z volumes and six benign archives: WER, Intune
	// (two), the Azure guest agent, msiexec and Veeam.
	if byType[ArchiveCreated] != 8 {
		t.Errorf("seed archive rows on the demo: %d, want 8", byType[ArchiveCreated])
	}
	if byType[BulkCopyCommand] != 2 {
		t.Errorf("seed bulk copy rows on the demo: %d, want 2 (cmd and robocopy)", byType[BulkCopyCommand])
	}
}

func BenchmarkRun(b *testing.B) {
	rows := demoRows(b)
	b.ReportAllocs()
	for b.Loop() {
		Run(rows, time.Time{})
	}
}
