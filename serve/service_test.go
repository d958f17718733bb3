package serve

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRestartReplaysWithoutRepeatingAlerts(t *testing.T) {
	dir := t.TempDir()
	evs := staging(6)
	half := len(evs) / 2

	s, st := newService(t, dir)
	for i := 0; i < half; i += 7 {
		if err := s.Accept(context.Background(), "test", evs[i:min(i+7, half)]); err != nil {
			t.Fatal(err)
		}
	}
	stop(t, s, st)
	st0 := openStore(t, dir)
	first := logged(t, st0)
	st0.Close()
	if len(first) == 0 {
		t.Fatal("no alert before the restart; the scenario should close some episodes in the first half")
	}

	s, st = newService(t, dir)
	if diff := cmp.Diff(first, logged(t, st)); diff != "" {
		t.Errorf("the replay changed the alert log (-before +after):\n%s", diff)
	}
	if err := s.Accept(context.Background(), "test", evs[half:]); err != nil {
		t.Fatal(err)
	}
	stop(t, s, st)

	// A service that saw every event without a restart logs the same.
	want := func() []string {
		dir := t.TempDir()
		s, st := newService(t, dir)
		if err := s.Accept(context.Background(), "test", evs); err != nil {
			t.Fatal(err)
		}
		stop(t, s, st)
		st = openStore(t, dir)
		defer st.Close()
		return logged(t, st)
	}()
	st = openStore(t, dir)
	defer st.Close()
	got := logged(t, st)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("alert log with a restart (-without +with):\n%s", diff)
	}
	if len(got) != 6 {
		t.Errorf("%d alerts; want 6 (one per host)", len(got))
	}
	if n := st.EventCount(); n != len(evs) {
		t.Errorf("%d events stored; want %d", n, len(evs))
	}
}

func TestAcceptAfterCloseAndBusy(t *testing.T) {
	s, st := newService(t, t.TempDir())
	stop(t, s, st)
	if err := s.Accept(context.Background(), "test", staging(1)); !errors.Is(err, ErrClosed) {
		t.Errorf("Accept after Close = %v; want ErrClosed", err)
	}
}
