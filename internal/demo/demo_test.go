package demo

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/analytic"
	"github.com/stagewatch/stagewatch/config"
	"github.com/stagewatch/stagewatch/decode/mde"
	"github.com/stagewatch/stagewatch/detect"
)

// decodeAll decodes every embedded file and fails on any decode error.
func decodeAll(t testing.TB) []*stagewatch.Event {
	t.Helper()
	var events []*stagewatch.Event
	for _, f := range Files() {
		dec := mde.NewDecoder(f.Open(), mde.Options{File: f.Name})
		for {
			ev, err := dec.Decode()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", f.Name, err)
			}
			events = append(events, ev)
		}
	}
	return events
}

func TestFilesDecode(t *testing.T) {
	files := Files()
	if len(files) == 0 {
		t.Fatal("no embedded files")
	}
	events := decodeAll(t)
	lines := 0
	for _, f := range files {
		lines += strings.Count(string(f.Data), "\n")
	}
	if len(events) != lines {
		t.Errorf("decoded %d events from %d lines", len(events), lines)
	}
	kinds := map[stagewatch.Kind]int{}
	for _, ev := range events {
		kinds[ev.Kind]++
	}
	for _, k := range []stagewatch.Kind{stagewatch.ProcessStart, stagewatch.FileCreate, stagewatch.FileModify, stagewatch.FileRename, stagewatch.FileDelete} {
		if kinds[k] == 0 {
			t.Errorf("no %v events", k)
		}
	}
}

// runPipeline runs the dataset through every default analytic and the
// engine, as `stagewatch demo` does.
func runPipeline(t testing.TB) ([]stagewatch.Alert, detect.Stats) {
	t.Helper()
	cfg := config.Default(analytic.All())
	cfg.EvidenceCap = 16
	dets, err := cfg.Detectors(analytic.All())
	if err != nil {
		t.Fatal(err)
	}
	eng, err := detect.New(dets, detect.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var alerts []stagewatch.Alert
	for _, ev := range decodeAll(t) {
		alerts = append(alerts, eng.Observe(ev)...)
	}
	alerts = append(alerts, eng.Close()...)
	return alerts, eng.Stats()
}

// TestStoryAlerts checks that the story's alerts fire, on the intruder's
// activity only.
func TestStoryAlerts(t *testing.T) {
	alerts, _ := runPipeline(t)
	var got []string
	for _, a := range alerts {
		got = append(got, fmt.Sprintf("%s %s %s %s", a.Analytic, a.Host, a.User, a.Process))
	}
	slices.Sort(got)
	want := []string{
		// cmd /c 7z a -pS3cret -v100m and the 7z.exe it starts: one archive.
		"archive-command ws-alice01.corp.contoso.com corp\\alice cmd.exe",
		"archive-in-staging ws-alice01.corp.contoso.com corp\\alice 7z.exe",
		// The second volume renamed to report.dat: caught by MDE's FileType.
		"archive-in-staging ws-alice01.corp.contoso.com corp\\alice powershell.exe",
		"bulk-copy-command ws-alice01.corp.contoso.com corp\\alice cmd.exe",
		"bulk-copy-command ws-alice01.corp.contoso.com corp\\alice powershell.exe",
		"bulk-file-staging ws-alice01.corp.contoso.com corp\\alice Robocopy.exe",
		"bulk-file-staging ws-alice01.corp.contoso.com corp\\alice powershell.exe",
		// robocopy from \\fileserver\finance into Public\Music\.cache.
		"remote-to-local-copy ws-alice01.corp.contoso.com corp\\alice cmd.exe",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("alerts (-want +got):\n%s", diff)
	}
	for _, a := range alerts {
		if a.Host != "ws-alice01.corp.contoso.com" || a.FirstSeen.Before(at(9, 10)) || a.LastSeen.After(at(9, 45)) {
			t.Errorf("alert outside the intrusion: %s %s %s-%s", a.Analytic, a.Host, a.FirstSeen, a.LastSeen)
		}
	}
}

// TestEverySuppressionUsed checks that the look-alike of every built-in
// suppression class is removed by that suppression, so the demo's summary
// shows each of them at work.
func TestEverySuppressionUsed(t *testing.T) {
	_, stats := runPipeline(t)
	used := map[string]int{}
	for _, s := range stats.Suppressions {
		used[s.Name] += s.Count
	}
	for _, name := range analytic.BuiltinSuppressionNames(analytic.DefaultList(analytic.ListSuppressions)) {
		if used[name] == 0 {
			t.Errorf("built-in suppression %q removed nothing; suppressions: %v", name, stats.Suppressions)
		}
	}
}

func BenchmarkPipeline(b *testing.B) {
	for b.Loop() {
		runPipeline(b)
	}
}

// at returns hh:mm on the dataset's morning.
func at(hh, mm int) time.Time { return time.Date(2026, 3, 10, hh, mm, 0, 0, time.UTC) }
