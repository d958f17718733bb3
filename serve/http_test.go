package serve

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// post sends body to /v1/events and returns the status and decoded answer.
func post(t *testing.T, url, token, query string, body []byte, hdr map[string]string) (int, IngestResponse, http.Header) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url+"/v1/events"+query, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r IngestResponse
	b, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("answer %d is not JSON: %q", resp.StatusCode, b)
	}
	return resp.StatusCode, r, resp.Header
}

func gz(b []byte) []byte {
	var out bytes.Buffer
	w := gzip.NewWriter(&out)
	w.Write(b)
	w.Close()
	return out.Bytes()
}

func TestIngest(t *testing.T) {
	s, st := newService(t, t.TempDir())
	defer stop(t, s, st)
	srv := httptest.NewServer(NewHandler(s, HTTPOptions{Tokens: []string{"secret", "other"}, MaxBody: 64 << 10, Metrics: s.m}))
	defer srv.Close()

	good := ndjson(t, staging(1)[:3])
	bad := append(append([]byte(nil), good...), []byte("{\"time\":\"2026-03-01T08:00:00Z\",\"kind\":\"FileCreate\",\"file\":{\"path\":\n")...)
	bad = append(bad, good...)
	cases := []struct {
		name, token, query string
		body               []byte
		hdr                map[string]string
		code               int
		want               IngestResponse
	}{
		{"accepted", "secret", "", good, nil, 202, IngestResponse{Accepted: 3, Format: "stagewatch"}},
		{"second token", "other", "", good, nil, 202, IngestResponse{Accepted: 3, Format: "stagewatch"}},
		{"gzip by magic", "secret", "", gz(good), nil, 202, IngestResponse{Accepted: 3, Format: "stagewatch"}},
		{"gzip by header", "secret", "", gz(good), map[string]string{"Content-Encoding": "gzip"}, 202, IngestResponse{Accepted: 3, Format: "stagewatch"}},
		{"forced format", "secret", "?format=stagewatch", good, nil, 202, IngestResponse{Accepted: 3, Format: "stagewatch"}},
		{"brotli", "secret", "", good, map[string]string{"Content-Encoding": "br"}, 415, IngestResponse{Error: `unsupported Content-Encoding "br" (use gzip or none)`}},
		{"no token", "", "", good, nil, 401, IngestResponse{Error: "missing or unknown bearer token"}},
		{"wrong token", "nope", "", good, nil, 401, IngestResponse{Error: "missing or unknown bearer token"}},
		{"unknown format name", "secret", "?format=nope", good, nil, 400, IngestResponse{}},
		{"not a known format", "secret", "", []byte("hello world\n"), nil, 400, IngestResponse{}},
		{"empty body", "secret", "", nil, nil, 400, IngestResponse{}},
		{"too large", "secret", "", bytes.Repeat(good, 200), nil, 413, IngestResponse{}},
		{"bad record rejects all", "secret", "", bad, nil, 400, IngestResponse{Bad: 1, Format: "stagewatch",
			BadRecords: []BadRecord{{Record: 4, Line: 4, Reason: "bad event"}}}},
		{"skip_bad accepts the good", "secret", "?skip_bad=true", bad, nil, 202, IngestResponse{Accepted: 6, Bad: 1, Format: "stagewatch",
			BadRecords: []BadRecord{{Record: 4, Line: 4, Reason: "bad event"}}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, got, _ := post(t, srv.URL, c.token, c.query, c.body, c.hdr)
			if code != c.code {
				t.Errorf("status %d; want %d (%+v)", code, c.code, got)
			}
			if c.want.Error == "" {
				got.Error = "" // checked by the status; the text is for people
			}
			for i := range got.BadRecords {
				got.BadRecords[i].Error = ""
			}
			if c.code == 400 && c.want.Format == "" || c.code == 413 {
				return
			}
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("answer (-want +got):\n%s", diff)
			}
		})
	}
	if n := st.EventCount(); n != 5*3+6 {
		t.Errorf("%d events stored; want %d", n, 5*3+6)
	}
	resp, err := http.Get(srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{
		`stagewatch_events_total{format="stagewatch",result="accepted"} 21`,
		`stagewatch_decode_errors_total{format="stagewatch"} 2`,
		`stagewatch_http_request_duration_seconds_count{code="202",path="/v1/events"} 6`,
		`stagewatch_queue_depth 0`,
		`stagewatch_state_bytes`,
		`stagewatch_open_windows`,
	} {
		if !strings.Contains(string(b), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

func TestRateLimit(t *testing.T) {
	s, st := newService(t, t.TempDir())
	defer stop(t, s, st)
	srv := httptest.NewServer(NewHandler(s, HTTPOptions{Tokens: []string{"a", "b"}, Rate: 0.001, Burst: 2}))
	defer srv.Close()
	body := ndjson(t, staging(1)[:1])
	var codes []int
	for _, tok := range []string{"a", "a", "a", "b"} {
		code, _, hdr := post(t, srv.URL, tok, "", body, nil)
		codes = append(codes, code)
		if code == 429 && hdr.Get("Retry-After") == "" {
			t.Error("429 without Retry-After")
		}
	}
	if diff := cmp.Diff([]int{202, 202, 429, 202}, codes); diff != "" {
		t.Errorf("status codes (-want +got):\n%s", diff)
	}
}

func TestStoreFailureAnswers503AndRecovers(t *testing.T) {
	s, st := newService(t, t.TempDir())
	defer stop(t, s, st)
	srv := httptest.NewServer(NewHandler(s, HTTPOptions{}))
	defer srv.Close()
	body := ndjson(t, staging(1)[:2])
	ready := func() int {
		resp, err := http.Get(srv.URL + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := ready(); code != 200 {
		t.Fatalf("readyz %d before the fault", code)
	}
	st.InjectFault(errors.New("no space left on device"))
	code, _, hdr := post(t, srv.URL, "", "", body, nil)
	if code != 503 || hdr.Get("Retry-After") == "" {
		t.Errorf("during the fault: status %d, Retry-After %q; want 503 with Retry-After", code, hdr.Get("Retry-After"))
	}
	if code := ready(); code != 503 {
		t.Errorf("readyz %d during the fault; want 503", code)
	}
	st.InjectFault(nil)
	if code, _, _ := post(t, srv.URL, "", "", body, nil); code != 202 {
		t.Errorf("after the fault: status %d; want 202", code)
	}
	if code := ready(); code != 200 {
		t.Errorf("readyz %d after recovery; want 200", code)
	}
	if n := st.EventCount(); n != 2 {
		t.Errorf("%d events stored; want 2 (the refused batch must not be stored)", n)
	}
}

func TestSlowClientIsCutOff(t *testing.T) {
	s, st := newService(t, t.TempDir())
	defer stop(t, s, st)
	srv := httptest.NewUnstartedServer(NewHandler(s, HTTPOptions{}))
	srv.Config = NewServer("", srv.Config.Handler, ServerOptions{ReadHeaderTimeout: 200 * time.Millisecond, ReadTimeout: 300 * time.Millisecond})
	srv.Start()
	defer srv.Close()
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// Headers promise a body that never comes.
	io.WriteString(conn, "POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n{\"time\":")
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	start := time.Now()
	b, _ := io.ReadAll(conn)
	if el := time.Since(start); el > 3*time.Second {
		t.Errorf("the server held a stalled request for %v", el)
	}
	if bytes.HasPrefix(b, []byte("HTTP/1.1 202")) {
		t.Errorf("a stalled request was accepted: %q", b)
	}
	if n := st.EventCount(); n != 0 {
		t.Errorf("%d events stored from a stalled request", n)
	}
}

// TestFullQueueAnswers503 fills the queue of a service whose engine loop is
// not running, so the queue cannot drain.
func TestFullQueueAnswers503(t *testing.T) {
	st := openStore(t, t.TempDir())
	defer st.Close()
	s, err := New(st, Options{Queue: 1})
	if err != nil {
		t.Fatal(err)
	}
	s.ready.Store(true) // the loop is deliberately not started
	go s.Accept(t.Context(), "test", staging(1)[:1])
	waitFor(t, func() bool { return s.QueueDepth() == 1 })
	srv := httptest.NewServer(NewHandler(s, HTTPOptions{}))
	defer srv.Close()
	code, resp, hdr := post(t, srv.URL, "", "", ndjson(t, staging(1)[:1]), nil)
	if code != 503 || hdr.Get("Retry-After") != "1" {
		t.Errorf("status %d, Retry-After %q; want 503 and 1 (%+v)", code, hdr.Get("Retry-After"), resp)
	}
	r, err := http.Get(srv.URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != 503 {
		t.Errorf("readyz %d with a full queue; want 503", r.StatusCode)
	}
}
