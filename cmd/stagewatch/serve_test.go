package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/decode/native"
	"github.com/stagewatch/stagewatch/store"
)

// TestServeBinary builds the binary once and runs the end-to-end serve
// scenarios against it.
func TestServeBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary; skipped with -short")
	}
	bin := filepath.Join(t.TempDir(), "stagewatch")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	t.Run("SurvivesKill", func(t *testing.T) { testServeSurvivesKill(t, bin) })
	t.Run("MatchesHunt", func(t *testing.T) { testServeMatchesHunt(t, bin) })
}

// server is a running `stagewatch serve` process.
type server struct {
	cmd  *exec.Cmd
	url  string
	done chan error
	logs *bytes.Buffer
}

var listening = regexp.MustCompile(`"msg":"listening","addr":"([^"]+)"`)

// startServe starts the binary with args and waits until /readyz answers.
func startServe(t *testing.T, bin string, args ...string) *server {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"serve", "--insecure-no-auth", "--listen", "127.0.0.1:0"}, args...)...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{cmd: cmd, done: make(chan error, 1), logs: new(bytes.Buffer)}
	addr := make(chan string, 1)
	var mu sync.Mutex
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			mu.Lock()
			s.logs.WriteString(sc.Text() + "\n")
			mu.Unlock()
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
		}
		s.done <- cmd.Wait()
	}()
	t.Cleanup(func() { cmd.Process.Kill() })
	select {
	case a := <-addr:
		s.url = "http://" + a
	case <-time.After(30 * time.Second):
		t.Fatalf("serve did not start: %s", s.logs)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(s.url + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return s
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve not ready: %v", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// post sends one body; it returns the status, or 0 if the request failed.
func (s *server) post(body []byte) int {
	resp, err := http.Post(s.url+"/v1/events", "application/x-ndjson", bytes.NewReader(body))
	if err != nil {
		return 0
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// stopGracefully sends SIGTERM and waits for exit status 0.
func (s *server) stopGracefully(t *testing.T) {
	t.Helper()
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-s.done:
		if err != nil {
			t.Fatalf("serve exited with %v after SIGTERM: %s", err, s.logs)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop within 30s of SIGTERM")
	}
}

// stagingEvents returns hosts bursts of 10 writes into a hidden /tmp folder
// (one bulk-file-staging alert each), 90 minutes apart, and a final event
// that moves event time past every episode's close.
func stagingEvents(hosts int) [][]byte {
	base := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	var out [][]byte
	for h := range hosts {
		for f := range 10 {
			ev := &stagewatch.Event{Time: base.Add(time.Duration(h)*90*time.Minute + time.Duration(f)*time.Minute), Kind: stagewatch.FileCreate}
			ev.Host.Name, ev.Host.OS = fmt.Sprintf("web%02d", h), stagewatch.Linux
			ev.User.Name = "www-data"
			ev.Proc.Image, ev.Proc.Name, ev.Proc.CommandLine = "/usr/bin/cp", "cp", "cp -r /var/www/uploads /tmp/.x/"
			ev.File.SetPath(stagewatch.Linux, fmt.Sprintf("/tmp/.x/u%02d.sql", f))
			ev.File.Size = 2000000
			b, _ := native.Marshal(ev)
			out = append(out, b)
		}
	}
	return append(out, tickEvent(base.Add(time.Duration(hosts)*90*time.Minute+3*time.Hour)))
}

func tickEvent(t time.Time) []byte {
	ev := &stagewatch.Event{Time: t, Kind: stagewatch.ProcessStart}
	ev.Host.Name, ev.Host.OS = "clock", stagewatch.Linux
	ev.Proc.Image, ev.Proc.Name, ev.Proc.CommandLine = "/bin/true", "true", "true"
	b, _ := native.Marshal(ev)
	return b
}

// alertLines reads an NDJSON alert file.
func alertLines(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
}

// testServeSurvivesKill streams events over HTTP, kills the process with
// SIGKILL mid-stream, restarts it on the same data dir, sends the rest and
// checks that nothing acknowledged was lost and no alert came out twice.
func testServeSurvivesKill(t *testing.T, bin string) {
	dir := t.TempDir()
	data, alerts := filepath.Join(dir, "data"), filepath.Join(dir, "alerts.ndjson")
	args := []string{"--data-dir", data, "--alerts", alerts, "--state-horizon", "1000h"}
	lines := stagingEvents(30)
	batches := make([][]byte, 0, len(lines)/5+1)
	for i := 0; i < len(lines); i += 5 {
		batches = append(batches, []byte(strings.Join(toStrings(lines[i:min(i+5, len(lines))]), "\n")+"\n"))
	}

	srv := startServe(t, bin, args...)
	acked := make([]bool, len(batches))
	var wg sync.WaitGroup
	killAt := len(batches) / 2
	var mu sync.Mutex
	n := 0
	killed := make(chan struct{})
	for w := range 4 {
		wg.Go(func() {
			for i := w; i < len(batches); i += 4 {
				select {
				case <-killed:
					return
				default:
				}
				if srv.post(batches[i]) == http.StatusAccepted {
					mu.Lock()
					acked[i] = true
					n++
					if n == killAt {
						srv.cmd.Process.Kill() // SIGKILL: no shutdown code runs
						close(killed)
					}
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	<-srv.done
	if n < killAt {
		t.Fatalf("only %d batches acknowledged before the kill", n)
	}

	srv = startServe(t, bin, args...)
	for i, b := range batches {
		if !acked[i] {
			if code := srv.post(b); code != http.StatusAccepted {
				t.Fatalf("batch %d after restart: status %d", i, code)
			}
		}
	}
	srv.stopGracefully(t)

	st, err := store.Open(data, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	stored := map[string]bool{}
	st.Events(time.Time{}, func(ev *stagewatch.Event) error {
		stored[ev.Host.Name+ev.File.Path+ev.Time.String()] = true
		return nil
	})
	st.Close()
	for _, l := range lines {
		ev, _ := native.Unmarshal(l)
		if !stored[ev.Host.Name+ev.File.Path+ev.Time.String()] {
			t.Errorf("event lost: %s", l)
		}
	}
	hosts := map[string]bool{}
	seen := map[string]bool{}
	for _, l := range alertLines(t, alerts) {
		if seen[l] {
			t.Errorf("alert written twice with identical content: %.80s", l)
		}
		seen[l] = true
		var a stagewatch.Alert
		if err := json.Unmarshal([]byte(l), &a); err != nil {
			t.Fatal(err)
		}
		hosts[a.Host] = true
	}
	if len(hosts) != 30 {
		t.Errorf("alerts for %d hosts; want 30", len(hosts))
	}
}

func toStrings(b [][]byte) []string {
	out := make([]string, len(b))
	for i := range b {
		out[i] = string(b[i])
	}
	return out
}

// testServeMatchesHunt sends the demo dataset, normalized, through serve in
// random batches with events shuffled within the lateness bound, and checks
// that the final alerts are the ones hunt reports for the same events.
func testServeMatchesHunt(t *testing.T, bin string) {
	dir := t.TempDir()
	var norm bytes.Buffer
	if err := run(context.Background(), []string{"normalize", "../../internal/demo/data/mde_morning.ndjson"}, nil, &norm, io.Discard); err != nil {
		t.Fatal(err)
	}
	var events []*stagewatch.Event
	for _, l := range bytes.Split(bytes.TrimSpace(norm.Bytes()), []byte("\n")) {
		ev, err := native.Unmarshal(l)
		if err != nil {
			t.Fatal(err)
		}
		events = append(events, ev)
	}
	events = append(events, mustUnmarshal(t, tickEvent(events[len(events)-1].Time.Add(48*time.Hour))))
	input := filepath.Join(dir, "events.ndjson")
	writeEvents(t, input, events)
	var huntOut bytes.Buffer
	if err := run(context.Background(), []string{"hunt", "-q", "--output", "ndjson", input}, nil, &huntOut, io.Discard); err != nil {
		t.Fatal(err)
	}

	// Shuffle within the lateness bound: sort by time plus up to 4 minutes
	// of noise, which moves no event more than 4 minutes out of place.
	rng := rand.New(rand.NewPCG(1, 2))
	noise := make(map[*stagewatch.Event]time.Duration, len(events))
	for _, ev := range events {
		noise[ev] = time.Duration(rng.Int64N(int64(4 * time.Minute)))
	}
	sort.SliceStable(events, func(i, j int) bool {
		return events[i].Time.Add(noise[events[i]]).Before(events[j].Time.Add(noise[events[j]]))
	})
	alerts := filepath.Join(dir, "alerts.ndjson")
	srv := startServe(t, bin, "--data-dir", filepath.Join(dir, "data"), "--alerts", alerts)
	for i := 0; i < len(events); {
		n := 1 + rng.IntN(60)
		var b bytes.Buffer
		for _, ev := range events[i:min(i+n, len(events))] {
			l, _ := native.Marshal(ev)
			b.Write(l)
			b.WriteByte('\n')
		}
		if code := srv.post(b.Bytes()); code != http.StatusAccepted {
			t.Fatalf("batch at %d: status %d", i, code)
		}
		i += n
	}
	srv.stopGracefully(t)

	latest := func(lines []string) map[string]string {
		m := map[string]string{}
		for _, l := range lines {
			if l == "" {
				continue
			}
			var a struct{ ID string }
			json.Unmarshal([]byte(l), &a)
			m[a.ID] = l
		}
		return m
	}
	want := latest(strings.Split(huntOut.String(), "\n"))
	got := latest(alertLines(t, alerts))
	if len(want) == 0 {
		t.Fatal("hunt found nothing; the comparison would prove nothing")
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("serve alerts differ from hunt's (-hunt +serve):\n%s", diff)
	}
}

func mustUnmarshal(t *testing.T, b []byte) *stagewatch.Event {
	t.Helper()
	ev, err := native.Unmarshal(b)
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

func writeEvents(t *testing.T, path string, evs []*stagewatch.Event) {
	t.Helper()
	var b bytes.Buffer
	for _, ev := range evs {
		l, err := native.Marshal(ev)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(l)
		b.WriteByte('\n')
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}
