package analytic

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/rogpeppe/go-internal/txtar"
	"github.com/stagewatch/stagewatch"
	"go.yaml.in/yaml/v3"
)

var update = flag.Bool("update", false, "rewrite the want section of testdata scenarios")

// A scenario is a txtar file under testdata/: its comment names the analytic
// on a line "analytic: ID" and says what the case proves; params.yaml
// overrides defaults; events.jsonl holds events in the stagewatch.Event JSON
// form (file paths are split with File.SetPath as decoders do); want holds
// the expected alerts in the compact form of renderAlerts. The runner
// advances event time to each event before observing it and flushes at the
// end, as the engine does.
func TestScenarios(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no scenarios: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			got, err := runScenario(file, ar, Options{EvidenceCap: 3})
			if err != nil {
				t.Fatal(err)
			}
			again, _ := runScenario(file, ar, Options{EvidenceCap: 3})
			if diff := cmp.Diff(got, again); diff != "" {
				t.Errorf("a second run differs (-first +second):\n%s", diff)
			}
			// serve's open-episode updates must end in hunt's alerts: the
			// latest report of each id equals what hunt reports once.
			streamed, err := runScenario(file, ar, Options{EvidenceCap: 3, Updates: true})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(got, streamed); diff != "" {
				t.Errorf("with updates, the final alerts differ (-hunt +updates):\n%s", diff)
			}
			if *update {
				setSection(ar, "want", got)
				if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if diff := cmp.Diff(section(ar, "want"), got); diff != "" {
				t.Errorf("alerts (-want +got):\n%s", diff)
			}
		})
	}
}

func section(ar *txtar.Archive, name string) string {
	for _, f := range ar.Files {
		if f.Name == name {
			return string(f.Data)
		}
	}
	return ""
}

func setSection(ar *txtar.Archive, name, data string) {
	for i := range ar.Files {
		if ar.Files[i].Name == name {
			ar.Files[i].Data = []byte(data)
			return
		}
	}
	ar.Files = append(ar.Files, txtar.File{Name: name, Data: []byte(data)})
}

func runScenario(file string, ar *txtar.Archive, opts Options) (string, error) {
	var id string
	for line := range strings.Lines(string(ar.Comment)) {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "analytic:"); ok {
			id = strings.TrimSpace(v)
		}
	}
	i := slices.IndexFunc(All(), func(s Spec) bool { return s.ID == id })
	if i < 0 {
		return "", fmt.Errorf("comment names no known analytic (%q)", id)
	}
	spec := All()[i]
	params := spec.Defaults()
	if p := section(ar, "params.yaml"); strings.TrimSpace(p) != "" {
		dec := yaml.NewDecoder(strings.NewReader(p))
		dec.KnownFields(true)
		if err := dec.Decode(params); err != nil {
			return "", fmt.Errorf("params.yaml: %w", err)
		}
	}
	det, err := spec.New(params, opts)
	if err != nil {
		return "", err
	}
	events, err := readEvents(filepath.Base(file), section(ar, "events.jsonl"))
	if err != nil {
		return "", err
	}
	var alerts []stagewatch.Alert
	for _, ev := range events {
		alerts = append(alerts, det.Advance(ev.Time)...)
		if slices.Contains(det.Kinds(), ev.Kind) {
			alerts = append(alerts, det.Observe(ev)...)
		}
	}
	alerts = append(alerts, det.Flush()...)
	out := renderAlerts(latestPerID(alerts))
	if s, ok := det.(stagewatch.Suppressor); ok {
		var parts []string
		for _, sup := range s.Suppressions() {
			if sup.Count > 0 {
				parts = append(parts, fmt.Sprintf("%s=%d", sup.Name, sup.Count))
			}
		}
		if len(parts) > 0 {
			out += "suppressed: " + strings.Join(parts, " ") + "\n"
		}
	}
	if out == "" {
		out = "no alerts\n"
	}
	return out, nil
}

func readEvents(name, data string) ([]*stagewatch.Event, error) {
	var out []*stagewatch.Event
	for n, line := range strings.Split(data, "\n") {
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "//") {
			continue
		}
		ev := new(stagewatch.Event)
		dec := json.NewDecoder(strings.NewReader(line))
		dec.DisallowUnknownFields()
		if err := dec.Decode(ev); err != nil {
			return nil, fmt.Errorf("events.jsonl:%d: %w", n+1, err)
		}
		if ev.File.Path != "" {
			prev := ev.File.PrevPath
			ev.File.SetPath(ev.Host.OS, ev.File.Path)
			ev.File.PrevPath = prev
		}
		if ev.Proc.Image != "" && ev.Proc.Name == "" {
			_, ev.Proc.Name = stagewatch.SplitPath(ev.Host.OS, ev.Proc.Image)
		}
		if ev.Origin.Line == 0 {
			ev.Origin = stagewatch.Origin{Format: "scenario", File: name, Line: int64(n + 1)}
		}
		out = append(out, ev)
	}
	return out, nil
}

// renderAlerts is the compact expected form: a header line, the summary and
// the fields (without image, command line and parent, which the events
// show).
func renderAlerts(alerts []stagewatch.Alert) string {
	var b bytes.Buffer
	for _, a := range alerts {
		fmt.Fprintf(&b, "%s %s/%s risk=%d host=%s user=%s process=%s first=%s last=%s evidence=%d\n",
			a.Analytic, a.Severity, a.Confidence, a.Risk, a.Host, a.User, a.Process,
			a.FirstSeen.Format(time.RFC3339), a.LastSeen.Format(time.RFC3339), len(a.Evidence))
		fmt.Fprintf(&b, "  summary: %s\n", a.Summary)
		keys := make([]string, 0, len(a.Fields))
		for k := range a.Fields {
			if k != "image" && k != "command_line" && k != "parent" {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		var parts []string
		for _, k := range keys {
			parts = append(parts, fmt.Sprintf("%s=%v", k, a.Fields[k]))
		}
		fmt.Fprintf(&b, "  fields: %s\n", strings.Join(parts, " "))
	}
	return b.String()
}

// latestPerID keeps the last report of each alert id, in the order of each
// id's first report, as the engine does for hunt.
func latestPerID(alerts []stagewatch.Alert) []stagewatch.Alert {
	var out []stagewatch.Alert
	at := make(map[string]int)
	for _, a := range alerts {
		if i, ok := at[a.ID]; ok && a.ID != "" {
			out[i] = a
			continue
		}
		at[a.ID] = len(out)
		out = append(out, a)
	}
	return out
}
