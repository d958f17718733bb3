package store

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stagewatch/stagewatch"
)

var t0 = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)

func event(sec int, name string) *stagewatch.Event {
	ev := &stagewatch.Event{Time: t0.Add(time.Duration(sec) * time.Second), Kind: stagewatch.FileCreate}
	ev.Host.Name = "h1"
	ev.File.SetPath(stagewatch.Linux, "/tmp/"+name)
	return ev
}

func open(t *testing.T, dir string, o Options) *Store {
	t.Helper()
	s, err := Open(dir, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func names(t *testing.T, s *Store, from time.Time) []string {
	t.Helper()
	var got []string
	if err := s.Events(from, func(ev *stagewatch.Event) error {
		got = append(got, ev.File.Name)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return got
}

func TestEventsReplayInTimeOrderAndPrune(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, Options{})
	if err := s.AppendEvents([]*stagewatch.Event{event(30, "c"), event(10, "a")}, map[string][]byte{"kafka/p0": []byte("42")}); err != nil {
		t.Fatal(err)
	}
	if err := s.AppendEvents([]*stagewatch.Event{event(20, "b"), event(10, "a2")}, nil); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"a", "a2", "b", "c"}, names(t, s, time.Time{})); diff != "" {
		t.Errorf("replay order (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"b", "c"}, names(t, s, t0.Add(15*time.Second))); diff != "" {
		t.Errorf("replay from (-want +got):\n%s", diff)
	}
	n, err := s.PruneEvents(t0.Add(20 * time.Second))
	if err != nil || n != 2 {
		t.Fatalf("PruneEvents = %d, %v; want 2", n, err)
	}
	s.Close()

	s = open(t, dir, Options{})
	if diff := cmp.Diff([]string{"b", "c"}, names(t, s, time.Time{})); diff != "" {
		t.Errorf("after reopen (-want +got):\n%s", diff)
	}
	off, err := s.Offset("kafka/p0")
	if err != nil || string(off) != "42" {
		t.Errorf("Offset = %q, %v", off, err)
	}
}

func alert(id, content string) Alert {
	return Alert{ID: id, JSON: []byte(fmt.Sprintf(`{"id":%q,"summary":%q}`, id, content))}
}

func TestLogAlertsDedup(t *testing.T) {
	s := open(t, t.TempDir(), Options{})
	steps := []struct {
		name string
		in   []Alert
		want []string // "seq:id"
	}{
		{"new", []Alert{alert("a", "1"), alert("b", "1")}, []string{"1:a", "2:b"}},
		{"identical re-report", []Alert{alert("a", "1")}, nil},
		{"update", []Alert{alert("a", "2")}, []string{"3:a"}},
		{"replay of old and new content", []Alert{alert("a", "1"), alert("a", "2"), alert("b", "1")}, nil},
		{"no id always logged", []Alert{{JSON: []byte(`{"x":1}`)}, {JSON: []byte(`{"x":1}`)}}, []string{"4:", "5:"}},
	}
	for _, st := range steps {
		logged, err := s.LogAlerts(st.in)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, a := range logged {
			got = append(got, fmt.Sprintf("%d:%s", a.Seq, a.ID))
		}
		if diff := cmp.Diff(st.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", st.name, diff)
		}
	}
	recs, err := s.AlertsAfter(1, 2)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range recs {
		got = append(got, fmt.Sprintf("%d:%s:%s", a.Seq, a.ID, a.JSON))
	}
	want := []string{`2:b:{"id":"b","summary":"1"}`, `3:a:{"id":"a","summary":"2"}`}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("AlertsAfter (-want +got):\n%s", diff)
	}
	if seq, ok, _ := s.LatestAlert("a"); !ok || seq != 3 {
		t.Errorf("LatestAlert(a) = %d, %v; want 3", seq, ok)
	}
	if n := s.LastAlertSeq(); n != 5 {
		t.Errorf("LastAlertSeq = %d; want 5", n)
	}
}

func TestCursorsAndMeta(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, Options{})
	if err := s.SetCursor("webhook", 7); err != nil {
		t.Fatal(err)
	}
	if err := s.SetMeta("version", []byte("1")); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s = open(t, dir, Options{})
	if c, err := s.Cursor("webhook"); err != nil || c != 7 {
		t.Errorf("Cursor = %d, %v; want 7", c, err)
	}
	if c, _ := s.Cursor("file"); c != 0 {
		t.Errorf("Cursor of a new sink = %d; want 0", c)
	}
	if c, err := s.InitCursor("webhook", 99); err != nil || c != 7 {
		t.Errorf("InitCursor of a known sink = %d, %v; want 7", c, err)
	}
	if c, err := s.InitCursor("new", 99); err != nil || c != 99 {
		t.Errorf("InitCursor of a new sink = %d, %v; want 99", c, err)
	}
	if m, _ := s.Meta("version"); string(m) != "1" {
		t.Errorf("Meta = %q", m)
	}
}

func TestFullStoreFailsWritesAndRecoversAfterPrune(t *testing.T) {
	s := open(t, t.TempDir(), Options{MaxSize: 1 << 20})
	pad := strings.Repeat("x", 2000)
	var err error
	var appended int
	for i := 0; i < 2000 && err == nil; i++ {
		ev := event(i, fmt.Sprintf("f%d-%s", i, pad))
		if err = s.AppendEvents([]*stagewatch.Event{ev}, nil); err == nil {
			appended++
		}
	}
	if !errors.Is(err, ErrFull) {
		t.Fatalf("after %d events: err = %v; want ErrFull", appended, err)
	}
	if got := s.EventCount(); got != appended {
		t.Errorf("EventCount = %d; want %d (a failed batch must leave nothing)", got, appended)
	}
	if _, err := s.PruneEvents(t0.Add(time.Duration(appended) * time.Second)); err != nil {
		t.Fatalf("prune on a full store: %v", err)
	}
	if err := s.AppendEvents([]*stagewatch.Event{event(5000, "after")}, nil); err != nil {
		t.Errorf("append after prune: %v", err)
	}
}

func TestInjectedFault(t *testing.T) {
	s := open(t, t.TempDir(), Options{})
	boom := errors.New("disk on fire")
	s.InjectFault(boom)
	if err := s.AppendEvents([]*stagewatch.Event{event(1, "a")}, nil); !errors.Is(err, boom) {
		t.Errorf("err = %v; want the injected fault", err)
	}
	s.InjectFault(nil)
	if err := s.AppendEvents([]*stagewatch.Event{event(1, "a")}, nil); err != nil {
		t.Error(err)
	}
}

func BenchmarkAppendEvents(b *testing.B) {
	s, err := Open(b.TempDir(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	batch := make([]*stagewatch.Event, 500)
	for i := range batch {
		batch[i] = event(i, fmt.Sprintf("file%d.txt", i))
	}
	b.ResetTimer()
	for b.Loop() {
		if err := s.AppendEvents(batch, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*len(batch))/b.Elapsed().Seconds(), "events/s")
}

func TestPruneAlerts(t *testing.T) {
	s := open(t, t.TempDir(), Options{})
	rec := func(id, last string) Alert {
		return Alert{ID: id, JSON: []byte(fmt.Sprintf(`{"id":%q,"last_seen":%q}`, id, last))}
	}
	if _, err := s.LogAlerts([]Alert{rec("a", "2026-03-01T01:00:00Z"), rec("b", "2026-03-01T05:00:00Z"), rec("c", "2026-03-01T01:00:00Z")}); err != nil {
		t.Fatal(err)
	}
	// c is not delivered yet (seq 3 > 2); b is too recent.
	n, err := s.PruneAlerts(2, time.Date(2026, 3, 1, 3, 0, 0, 0, time.UTC))
	if err != nil || n != 1 {
		t.Fatalf("PruneAlerts = %d, %v; want 1", n, err)
	}
	recs, _ := s.AlertsAfter(0, 10)
	var got []string
	for _, r := range recs {
		got = append(got, r.ID)
	}
	if diff := cmp.Diff([]string{"b", "c"}, got); diff != "" {
		t.Errorf("left (-want +got):\n%s", diff)
	}
	if _, ok, _ := s.LatestAlert("a"); ok {
		t.Error("the index still has the pruned alert")
	}
	// Sequence numbers keep growing after a prune.
	logged, _ := s.LogAlerts([]Alert{rec("d", "2026-03-01T06:00:00Z")})
	if len(logged) != 1 || logged[0].Seq != 4 {
		t.Errorf("logged %+v; want seq 4", logged)
	}
}
