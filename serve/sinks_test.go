package serve

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stagewatch/stagewatch/store"
)

func recs(ids ...string) []store.Alert {
	var out []store.Alert
	for i, id := range ids {
		out = append(out, store.Alert{Seq: uint64(i + 1), ID: id, JSON: []byte(`{"id":"` + id + `"}`)})
	}
	return out
}

func TestWebhookRetriesThenRecovers(t *testing.T) {
	var mu sync.Mutex
	var got []string
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) <= 3 { // down for the first three attempts
			http.Error(w, "down", http.StatusBadGateway)
			return
		}
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, string(b))
		mu.Unlock()
	}))
	defer srv.Close()
	dead := filepath.Join(t.TempDir(), "dead.ndjson")
	var retries int
	k := NewWebhookSink(WebhookOptions{URL: srv.URL, Attempts: 10, Backoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond,
		DeadLetter: dead, OnRetry: func() { retries++ }})
	n, err := k.Deliver(context.Background(), recs("a", "b"))
	if err != nil || n != 2 {
		t.Fatalf("Deliver = %d, %v", n, err)
	}
	if diff := cmp.Diff([]string{`{"id":"a"}`, `{"id":"b"}`}, got); diff != "" {
		t.Errorf("posted (-want +got):\n%s", diff)
	}
	if retries != 3 {
		t.Errorf("%d retries; want 3", retries)
	}
	if _, err := os.Stat(dead); !os.IsNotExist(err) {
		t.Errorf("dead-letter file exists after a recovery: %v", err)
	}
}

func TestWebhookDeadLettersAfterAttempts(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		http.Error(w, "nope", http.StatusInternalServerError)
	}))
	defer srv.Close()
	dead := filepath.Join(t.TempDir(), "dead.ndjson")
	k := NewWebhookSink(WebhookOptions{URL: srv.URL, Attempts: 3, Backoff: time.Millisecond, MaxBackoff: time.Millisecond, DeadLetter: dead})
	n, err := k.Deliver(context.Background(), recs("a", "b"))
	if err != nil || n != 2 {
		t.Fatalf("Deliver = %d, %v", n, err)
	}
	if c := calls.Load(); c != 6 {
		t.Errorf("%d posts; want 3 per alert", c)
	}
	b, _ := os.ReadFile(dead)
	if diff := cmp.Diff("{\"id\":\"a\"}\n{\"id\":\"b\"}\n", string(b)); diff != "" {
		t.Errorf("dead letters (-want +got):\n%s", diff)
	}
}

// TestSinkWorkerLagsWhileDown runs the whole outbox: the webhook is down
// while alerts are logged, the cursor stays put, and once it is up every
// alert arrives once, in order.
func TestSinkWorkerLagsWhileDown(t *testing.T) {
	var up atomic.Bool
	var mu sync.Mutex
	var ids []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !up.Load() {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		ids = append(ids, string(b[:32]))
		mu.Unlock()
	}))
	defer srv.Close()
	// No dead-letter file: a webhook that is down only makes the sink lag.
	k := NewWebhookSink(WebhookOptions{URL: srv.URL, Backoff: 5 * time.Millisecond, MaxBackoff: 20 * time.Millisecond})
	dir := t.TempDir()
	s, st := newService(t, dir, k)
	if err := s.Accept(context.Background(), "test", staging(4)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return st.LastAlertSeq() == 4 })
	if c, _ := st.Cursor("webhook"); c != 0 {
		t.Errorf("cursor %d while the webhook is down; want 0", c)
	}
	up.Store(true)
	waitFor(t, func() bool { c, _ := st.Cursor("webhook"); return c == 4 })
	stop(t, s, st)
	if len(ids) != 4 {
		t.Errorf("%d alerts delivered; want 4: %v", len(ids), ids)
	}
}

func TestFileSinkSkipsWhatACrashLeftWritten(t *testing.T) {
	path := filepath.Join(t.TempDir(), "alerts.ndjson")
	k, err := OpenFileSink(path, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	all := recs("a", "b", "c", "d")
	if n, err := k.Deliver(context.Background(), all[:3]); n != 3 || err != nil {
		t.Fatalf("Deliver = %d, %v", n, err)
	}
	k.Close()
	// The cursor was stored after "a" only: b and c come again.
	k, err = OpenFileSink(path, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := k.Deliver(context.Background(), all[1:]); n != 3 || err != nil {
		t.Fatalf("Deliver = %d, %v", n, err)
	}
	k.Close()
	b, _ := os.ReadFile(path)
	want := `{"id":"a"}` + "\n" + `{"id":"b"}` + "\n" + `{"id":"c"}` + "\n" + `{"id":"d"}` + "\n"
	if diff := cmp.Diff(want, string(b)); diff != "" {
		t.Errorf("file (-want +got):\n%s", diff)
	}
}

func TestWriterSink(t *testing.T) {
	var b bytes.Buffer
	k := NewWriterSink("stdout", &b)
	if n, err := k.Deliver(context.Background(), recs("a", "b")); n != 2 || err != nil {
		t.Fatalf("Deliver = %d, %v", n, err)
	}
	if got := strings.Count(b.String(), "\n"); got != 2 {
		t.Errorf("%d lines; want 2", got)
	}
}

// waitFor polls cond for up to 10 seconds; the condition is the
// synchronisation, the poll interval only bounds the latency.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached within 10s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestNewSinkStartsAtTheEndOfTheLog(t *testing.T) {
	dir := t.TempDir()
	s, st := newService(t, dir)
	if err := s.Accept(context.Background(), "test", staging(2)); err != nil {
		t.Fatal(err)
	}
	stop(t, s, st)
	var out bytes.Buffer
	s, st = newService(t, dir, NewWriterSink("stdout", &out))
	stop(t, s, st)
	if out.Len() != 0 {
		t.Errorf("a sink added later received the history:\n%s", out.String())
	}
}
