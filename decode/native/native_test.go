package native

import (
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/stagewatch/stagewatch"
)

func TestRoundTrip(t *testing.T) {
	in := &stagewatch.Event{
		Time:   time.Date(2026, 3, 1, 9, 10, 11, 123456789, time.UTC),
		Kind:   stagewatch.FileCreate,
		Host:   stagewatch.Host{Name: "ws-alice01", OS: stagewatch.Windows},
		User:   stagewatch.User{Name: "alice", Domain: "CORP"},
		Proc:   stagewatch.Process{PID: 42, Image: `C:\Windows\System32\Robocopy.exe`, Name: "Robocopy.exe"},
		File:   stagewatch.File{Size: 10, Header: []byte("PK\x03\x04")},
		Cloud:  stagewatch.Cloud{Provider: "aws", Bucket: "b", Error: "AccessDenied"},
		Origin: stagewatch.Origin{Format: "mde", File: "x.json", Line: 7, Record: 7},
		Attrs:  map[string]string{"ReportId": "9"},
	}
	in.File.SetPath(stagewatch.Windows, `C:\Users\Public\loot\Q3.xlsx`)
	b, err := Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if !Sniff(b) {
		t.Errorf("Sniff rejects Marshal output: %s", b)
	}
	d := NewDecoder(strings.NewReader(string(b)+"\n\n"+string(b)), Options{File: "events.ndjson"})
	for i := 0; i < 2; i++ {
		got, err := d.Decode()
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(in, got, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("round trip (-want +got):\n%s", diff)
		}
	}
	if _, err := d.Decode(); err != io.EOF {
		t.Errorf("after the last event: %v, want io.EOF", err)
	}
}

func TestBadLines(t *testing.T) {
	input := strings.Join([]string{
		`{"time":"2026-03-01T09:10:11Z","kind":"FileCreate","host":{"name":"a"},"origin":{}}`,
		`{"time":"2026-03-01T09:10:11Z","kind":"Nonsense","host":{},"origin":{}}`,
		`{"kind":"FileCreate"}`,
		`{"time":"2026-03-01T09:10:11Z"`,
		`{"time":"2026-03-01T09:10:12Z","kind":"ProcessStart","host":{"name":"a"},"origin":{}}`,
	}, "\n")
	d := NewDecoder(strings.NewReader(input), Options{File: "in.ndjson"})
	var good int
	var bad []string
	for {
		ev, err := d.Decode()
		if err == io.EOF {
			break
		}
		var de *stagewatch.DecodeError
		if errors.As(err, &de) {
			bad = append(bad, de.Error())
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if ev.Origin.File != "in.ndjson" || ev.Origin.Format != "stagewatch" {
			t.Errorf("origin %+v", ev.Origin)
		}
		good++
	}
	if good != 2 || len(bad) != 3 {
		t.Fatalf("good %d, bad %q", good, bad)
	}
	for i, want := range []string{"in.ndjson:2:", "in.ndjson:3:", "in.ndjson:4:"} {
		if !strings.HasPrefix(bad[i], want) {
			t.Errorf("error %d = %q, want prefix %q", i, bad[i], want)
		}
	}
}

func TestSniff(t *testing.T) {
	for s, want := range map[string]bool{
		`{"time":"2026-03-01T09:10:11Z","kind":"FileCreate"}`:             true,
		`{"Timestamp":"2026-03-01T09:10:11Z","ActionType":"FileCreated"}`: false,
		`{"time":"x"}` + "\n" + `{"kind":"FileCreate"}`:                   false,
		``: false,
	} {
		if got := Sniff([]byte(s)); got != want {
			t.Errorf("Sniff(%q) = %v, want %v", s, got, want)
		}
	}
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"time":"2026-03-01T09:10:11Z","kind":"FileCreate","file":{"dir":"C:\\x"},"host":{"os":"windows"},"origin":{}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		d := NewDecoder(strings.NewReader(string(b)), Options{MaxLine: 1 << 12})
		for i := 0; i < 1000; i++ {
			ev, err := d.Decode()
			if err == io.EOF {
				return
			}
			if err == nil && (ev == nil || ev.Time.IsZero()) {
				t.Fatal("event without time")
			}
		}
	})
}
