package serve

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/analytic"
	"github.com/stagewatch/stagewatch/config"
	"github.com/stagewatch/stagewatch/decode/native"
	"github.com/stagewatch/stagewatch/store"
)

var base = time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)

// staging returns the events of hosts hosts each writing 10 files into a
// hidden /tmp folder (a bulk-file-staging alert each), host i starting i*90
// minutes after base, and a final event 3 hours after the last burst that
// moves event time past every episode's close.
func staging(hosts int) []*stagewatch.Event {
	var evs []*stagewatch.Event
	for h := range hosts {
		for f := range 10 {
			ev := &stagewatch.Event{
				Time: base.Add(time.Duration(h)*90*time.Minute + time.Duration(f)*time.Minute),
				Kind: stagewatch.FileCreate,
			}
			ev.Host.Name, ev.Host.OS = fmt.Sprintf("web%02d", h), stagewatch.Linux
			ev.User.Name = "www-data"
			ev.Proc.Image, ev.Proc.Name, ev.Proc.CommandLine = "/usr/bin/cp", "cp", "cp -r /var/www/uploads /tmp/.x/"
			ev.File.SetPath(stagewatch.Linux, fmt.Sprintf("/tmp/.x/u%02d.sql", f))
			ev.File.Size = 2000000
			evs = append(evs, ev)
		}
	}
	tick := &stagewatch.Event{Time: base.Add(time.Duration(hosts)*90*time.Minute + 3*time.Hour), Kind: stagewatch.ProcessStart}
	tick.Host.Name, tick.Host.OS = "clock", stagewatch.Linux
	tick.Proc.Image, tick.Proc.Name, tick.Proc.CommandLine = "/bin/true", "true", "true"
	return append(evs, tick)
}

// ndjson renders events as native NDJSON, the body of a POST.
func ndjson(t testing.TB, evs []*stagewatch.Event) []byte {
	t.Helper()
	var b bytes.Buffer
	for _, ev := range evs {
		line, err := native.Marshal(ev)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(line)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// newService opens a store in dir and starts a service with the default
// configuration.
func newService(t testing.TB, dir string, sinks ...Sink) (*Service, *store.Store) {
	t.Helper()
	st, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	specs := analytic.All()
	cfg := config.Default(specs)
	cfg.Updates = true
	dets, err := cfg.Detectors(specs)
	if err != nil {
		t.Fatal(err)
	}
	w, _ := Windows(cfg)
	s, err := New(st, Options{Detectors: dets, Lateness: cfg.Lateness, Horizon: Horizon(cfg), Window: w, Sinks: sinks, Metrics: NewMetrics()})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s, st
}

// stop closes s and its store.
func stop(t testing.TB, s *Service, st *store.Store) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.Close(ctx); err != nil {
		t.Error(err)
	}
	if err := st.Close(); err != nil {
		t.Error(err)
	}
}

// logged returns the alert log as "id analytic host" strings, in order.
func logged(t testing.TB, st *store.Store) []string {
	t.Helper()
	recs, err := st.AlertsAfter(0, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range recs {
		var a stagewatch.Alert
		if err := json.Unmarshal(r.JSON, &a); err != nil {
			t.Fatal(err)
		}
		out = append(out, a.ID+" "+a.Analytic+" "+a.Host)
	}
	return out
}

func openStore(t testing.TB, dir string) *store.Store {
	t.Helper()
	st, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return st
}
