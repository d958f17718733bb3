package seedrule

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
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

// outcome is what the seed and stagewatch report for one fixture, reduced
// to what the fidelity cases compare.
type outcome struct {
	// Seed holds "StagingType: FolderPath or ProcessCommandLine" per seed row.
	Seed []string
	// Alerts holds "analytic severity/confidence: process" per stagewatch
	// alert.
	Alerts []string
	// Suppressed holds "analytic/suppression" for every built-in
	// suppression that removed a match.
	Suppressed []string
}

// run runs the seed reference and stagewatch's default analytics over
// testdata/<name>.ndjson.
func run(t *testing.T, name string) outcome {
	t.Helper()
	var o outcome
	for _, h := range Run(readFixture(t, name), time.Time{}) {
		what := h.FolderPath
		if h.StagingType == BulkCopyCommand {
			what = h.ProcessCommandLine
		}
		o.Seed = append(o.Seed, h.StagingType+": "+what)
	}
	alerts, stats := stagewatchRun(t, name)
	for _, a := range alerts {
		o.Alerts = append(o.Alerts, fmt.Sprintf("%s %s/%s: %s", a.Analytic, a.Severity, a.Confidence, a.Process))
	}
	for _, s := range stats.Suppressions {
		if s.Count > 0 {
			o.Suppressed = append(o.Suppressed, s.Analytic+"/"+s.Name)
		}
	}
	return o
}

// stagewatchRun decodes a fixture with the MDE decoder and runs every
// analytic of analytic.All() with its defaults through the engine.
func stagewatchRun(t *testing.T, name string) ([]stagewatch.Alert, detect.Stats) {
	t.Helper()
	events := decodeFixture(t, name)
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
	for _, ev := range events {
		alerts = append(alerts, eng.Observe(ev)...)
	}
	alerts = append(alerts, eng.Close()...)
	return alerts, eng.Stats()
}

// decodeFixture decodes testdata/<name>.ndjson; a decode error fails the
// test, since the fixtures are well formed.
func decodeFixture(t *testing.T, name string) []*stagewatch.Event {
	t.Helper()
	path := filepath.Join("testdata", name+".ndjson")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dec := mde.NewDecoder(f, mde.Options{File: path})
	var events []*stagewatch.Event
	for {
		ev, err := dec.Decode()
		if errors.Is(err, io.EOF) {
			return events
		}
		if err != nil {
			t.Fatal(err)
		}
		events = append(events, ev)
	}
}

// check compares an outcome with the expected one.
func check(t *testing.T, want, got outcome) {
	t.Helper()
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("outcome (-want +got):\n%s", diff)
	}
}

// TestFromEventMatchesRawRows checks that FromEvent over the MDE decoder's
// events gives the seed the same columns as the raw rows, so the seed
// reference can run on decoded events too.
func TestFromEventMatchesRawRows(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join("testdata", "*.ndjson"))
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range paths {
		name := strings.TrimSuffix(filepath.Base(path), ".ndjson")
		t.Run(name, func(t *testing.T) {
			var got []Row
			for _, ev := range decodeFixture(t, name) {
				if row, ok := FromEvent(ev); ok {
					got = append(got, row)
				}
			}
			want := readFixture(t, name)
			for i := range want {
				if want[i].Table == DeviceProcessEvents {
					// The event model keeps no account for a new process's
					// parent, and branch 3 does not read it.
					want[i].InitiatingProcessAccountName = ""
				}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("rows (-raw +from events):\n%s", diff)
			}
		})
	}
}
