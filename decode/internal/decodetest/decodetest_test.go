package decodetest

import (
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stagewatch/stagewatch"
)

// results is a Source returning fixed results, then io.EOF.
type results []struct {
	ev  *stagewatch.Event
	err error
}

func (r *results) Decode() (*stagewatch.Event, error) {
	if len(*r) == 0 {
		return nil, io.EOF
	}
	x := (*r)[0]
	*r = (*r)[1:]
	return x.ev, x.err
}

func TestRender(t *testing.T) {
	ev := &stagewatch.Event{Time: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Kind: stagewatch.FileCreate}
	bad := &stagewatch.DecodeError{Origin: stagewatch.Origin{Format: "f", Line: 3, Record: 2}, Reason: "bad", Err: errors.New("bad thing")}
	src := func() *results {
		return &results{{ev: ev}, {err: bad}, {err: errors.New("disk gone")}, {ev: ev}}
	}
	evJSON := `{"time":"2026-01-02T03:04:05Z","kind":"FileCreate"`
	for _, tc := range []struct {
		name string
		o    Options
		want string
	}{
		{"plain", Options{}, `{"error":"` + bad.Error() + `","reason":"bad"}` + "\n"},
		{"line", Options{At: "line"}, `{"error":"` + bad.Error() + `","line":3,"reason":"bad"}` + "\n"},
		{"record and counts", Options{At: "record", Counts: func() map[string]int { return map[string]int{"ignored": 4} }},
			`{"error":"` + bad.Error() + `","reason":"bad","record":2}` + "\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := string(Render(t, src(), tc.o))
			if len(got) < len(evJSON) || got[:len(evJSON)] != evJSON {
				t.Fatalf("first line is not the event: %s", got)
			}
			_, rest, _ := strings.Cut(got, "\n")
			want := tc.want + `{"fatal":"disk gone"}` + "\n"
			if tc.o.Counts != nil {
				want += `{"ignored":4}` + "\n"
			}
			if diff := cmp.Diff(want, rest); diff != "" {
				t.Errorf("render (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDrain(t *testing.T) {
	ev := &stagewatch.Event{Kind: stagewatch.FileCreate}
	src := &results{{ev: ev}, {err: &stagewatch.DecodeError{Reason: "bad", Err: errors.New("x")}}, {ev: ev}}
	n := 0
	Drain(t, src, 10, Checks{Event: func(*stagewatch.Event) bool { n++; return true }})
	if n != 2 {
		t.Errorf("checked %d events, want 2", n)
	}
}

func TestInputs(t *testing.T) {
	got := Inputs(t, "*.go")
	want := []string{"decodetest.go", "decodetest_test.go"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Inputs (-want +got):\n%s", diff)
	}
}
